"""``talkcat doctor --db``: which of the catalogue's languages no installed voice speaks.

A record is read in its own language's eSpeak NG voice (``hardware.speech.voices``) and in the
visitor's language when there is none - which a Northern Sami or Somali speaker hears as their
book mispronounced.  Staff cannot see that on the screen; this check lists those languages with
their record counts so a technician can add a voice or at least knows.  It lives in the kiosk,
the one layer that may look at both the catalogue and the speech side.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from catalog.errors import CatalogError
from catalog.store import Catalog
from hardware.speech.voices import data_path, installed_languages, language_tag

MAX_LISTED = 12  # a long tail of one-record languages is summarised


def catalogue_voices(db: Path) -> Iterator[tuple[str, str, str]]:
    """``(status, what, fix)`` lines: OK when every catalogue language has a voice, WARN
    naming the ones that have none (the visitor's language voice reads those records)."""
    try:
        with Catalog.open(db, readonly=True) as catalog:
            by_language: dict[str, int] = dict(catalog.stats().get("by_language", {}))
    except (CatalogError, OSError) as exc:  # the catalogue check above already says why
        yield ("WARN", f"catalogue languages of {db}: not checked ({exc})", "")
        return
    installed = installed_languages()
    if not installed:
        yield (
            "WARN",
            "eSpeak NG voices: none found, every record is read in the kiosk's language",
            "install the espeakng-loader package (or espeak-ng-data)",
        )
        return
    voiced = {code: n for code, n in by_language.items() if language_tag(code) in installed}
    missing = sorted(
        ((code, n) for code, n in by_language.items()
         if language_tag(code) is not None and language_tag(code) not in installed),
        key=lambda item: (-item[1], item[0]),
    )  # fmt: skip
    where = data_path()
    if not missing:
        langs = ", ".join(sorted(voiced)) or "none"
        yield ("OK", f"catalogue languages all have an eSpeak NG voice ({langs})", "")
        return
    listed = ", ".join(f"{code} ({n} records)" for code, n in missing[:MAX_LISTED])
    more = f" and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else ""
    yield (
        "WARN",
        f"catalogue languages with no eSpeak NG voice, read in the visitor's language: "
        f"{listed}{more}",
        f"add a voice for them to {where}" if where else "install eSpeak NG voices for them",
    )
