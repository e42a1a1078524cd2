"""``talkcat lookup``: what the kiosk says for an identifier, as text or as the engine gets it.

``--spoken`` prints one segment a line, ``<voice language><TAB><text>`` after the reading
rules and the lexicon: the tool for staff chasing a mispronunciation, and the contract the
reading tests check.  Mounted by the root group in ``kiosk.cli``; errors are raised and turned
into exit codes there.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from catalog.errors import InvalidIdentifier
from kiosk.phrasing import LANGUAGES
from talkcat.errors import EXIT_NOT_FOUND


@click.command()
@click.argument("identifier")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="Catalogue file.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="sv",
    show_default=True,
    help="Language of the sentence.",
)
@click.option(
    "--spoken",
    is_flag=True,
    help="Print what the speech engine is given instead, one segment a line: "
    "VOICE-LANGUAGE<TAB>TEXT after the reading rules and the lexicon (levels 1-3).",
)
@click.option(
    "--level",
    type=click.Choice(["1", "2", "3", "all"]),
    default=None,
    help="Which level of detail to print (default: 1, or all with --spoken).",
)
@click.option(
    "--phrases-dir",
    type=click.Path(file_okay=False),
    help="Staff phrases and lexicon folder ([kiosk] phrases_dir), to check its pronunciations.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="kiosk.toml: its phrases, what it says for a library card ([privacy]), and with"
    " [availability] the copies' state on the next line.",
)
def lookup(
    identifier: str,
    db: str,
    lang: str,
    spoken: bool,
    level: str | None,
    phrases_dir: str | None,
    config_path: str | None,
) -> None:
    """Print exactly the sentence the kiosk would speak for IDENTIFIER.

    With --spoken, print what the speech engine will be given - a tool for chasing a
    mispronunciation.  With --config, the kiosk's phrases are used, a library card matching
    [privacy] patron_pattern gets the kiosk's library-card sentence (never its number), and
    with [availability] the state of the copies follows on the next line when the library
    system answers in time.  Exit 0 found, 1 not in the catalogue (or a library card), 2 not
    a valid identifier (the message says why), 3 the catalogue cannot be opened.
    """
    from catalog.identifiers import normalise
    from catalog.records import Record
    from catalog.store import Catalog
    from kiosk import levels, phrasing

    if config_path:
        from kiosk import config
        from kiosk.privacy import PatronFilter

        cfg = config.load(config_path)
        phrases_dir = phrases_dir or cfg.phrases_dir  # the kiosk's own phrases
        if PatronFilter(cfg.patron_pattern).matches(identifier.strip()):
            # What the kiosk says for a visitor's own card - and, as there, never its number.
            card = levels.message("patron_card", lang, phrases_dir=phrases_dir)
            _echo_utterances([card], spoken)
            sys.exit(EXIT_NOT_FOUND)
    try:
        key = normalise(identifier)
    except InvalidIdentifier as exc:
        raise InvalidIdentifier(f"{identifier!r} is not a valid identifier: {exc}") from exc
    catalog = Catalog.open(db, readonly=True)
    try:
        hit = catalog.lookup(key)
    finally:
        catalog.close()
    if hit is None:
        missing = levels.message("not_found", lang, phrases_dir=phrases_dir)
        _echo_utterances([missing], spoken)
        sys.exit(EXIT_NOT_FOUND)
    # The same functions the kiosk calls on a scan and on "more", so they can never disagree.
    if not hasattr(hit, "title"):
        _echo_utterances([phrasing.label(hit, lang, phrases_dir)], spoken)
        return
    wanted = level or ("all" if spoken else "1")
    makers = {
        "1": lambda: levels.level_one(hit, lang, phrases_dir=phrases_dir),
        "2": lambda: levels.level_two(hit, lang, phrases_dir=phrases_dir),
        "3": lambda: levels.level_three(hit, lang, phrases_dir=phrases_dir),
    }
    chosen = makers if wanted == "all" else {wanted: makers[wanted]}
    _echo_utterances([u for make in chosen.values() if (u := make()) is not None], spoken)
    if config_path and isinstance(hit, Record) and not spoken:
        from kiosk.availability import lookup_line

        line = lookup_line(config_path, hit, lang)  # a failing server changes no exit code
        if line:
            click.echo(line)


def _echo_utterances(utterances: list[Any], spoken: bool) -> None:
    """The written text, or with ``spoken`` each segment as ``LANG<TAB>TEXT`` - cleaned the
    way the speech engine cleans it, so no tab or newline inside a segment breaks a line."""
    from hardware.speech.text import clean_text

    for utterance in utterances:
        if not spoken:
            click.echo(utterance.text)
            continue
        for text, voice in utterance.spoken():
            said = clean_text(text)
            if said:
                click.echo(f"{voice}\t{said}")


def catalogue_check(db: Path) -> Any:
    """``doctor --db``: the staff room's file check, then which languages have no voice."""
    from catalog import cli as staff_cli
    from kiosk.language_check import catalogue_voices

    lines = list(staff_cli.catalogue_check(db))
    yield from lines
    if all(status != "FAIL" for status, _what, _fix in lines):
        yield from catalogue_voices(db)
