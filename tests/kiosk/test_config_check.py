"""`talkcat config check` and start-up: every mistake at once, every time (issue 15)."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from hardware import registry
from kiosk import config, phrase_files, phrasing
from kiosk.cli import main
from kiosk.errors import ConfigError
from kiosk.staff import hash_card, hash_pin


def check(path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["config", "check", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_every_item_is_reported_in_one_run(tmp_path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\nphrases_dir = "{tmp_path / "no-such-folder"}"\n'
        '[staff]\npin_hash = "scrypt$!!!!$????"\ncard_hash = "sha256$$"\n'
        '[keypad]\nkeys = { KP_Addd = "type" }\n'
        '[reader]\ndriver = "serial"\ntarget = "loop://"\nbaud = 9600\n'
        "[screen]\nfg = [10, 10, 10]\nbg = [0, 0, 0]\n"
        "[speech]\nrate = 2000\n",
        encoding="utf-8",
    )
    code, out = check(path)
    assert code == 2
    for expected in (
        "staff.pin_hash: is not a valid hash",
        "staff.card_hash: is not a valid hash",
        "keypad.keys.KP_Addd: unknown key name - did you mean 'KP_Add'?",
        "kiosk.phrases_dir:",
        "no such folder",
        "reader.baud: reader driver 'serial': unknown option - did you mean 'baudrate'?",
        "screen.fg: [10, 10, 10] on screen.bg [0, 0, 0] has contrast 1.1:1; at least 7:1",
        "speech.rate:",
    ):
        assert expected in out, (expected, out)


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("pin_hash", "scrypt$c2FsdHNhbHQ$", "not a valid hash"),  # empty digest
        ("pin_hash", "scrypt$$" + "A" * 43, "not a valid hash"),  # empty salt
        # Stray characters are skipped by base64 decoding, so this one used to pass.
        ("pin_hash", "scrypt$c2FsdHNhbHQxMjM0$" + "A" * 21 + "%" + "A" * 22, "base64"),
        ("pin_hash", "sha256$c2FsdHNhbHQxMjM0$" + "A" * 43, "scrypt"),  # a PIN needs scrypt
        ("card_hash", "sha256$c2FsdHNhbHQxMjM0$AAAA", "not a valid hash"),  # short digest
        ("card_hash", "md5$a$b", "must be a hash made by"),
    ],
)
def test_malformed_staff_hashes_are_refused(tmp_path, key, value, reason) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[staff]\n{key} = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    assert reason in caught.value.problems[0] and f"staff.{key}" in caught.value.problems[0]


def test_real_staff_hashes_are_accepted(tmp_path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[staff]\npin_hash = "{hash_pin("4711")}"\ncard_hash = "{hash_card("123456")}"\n',
        encoding="utf-8",
    )
    assert config.load(path).staff_pin_hash


def test_keypad_key_names_of_the_driver_are_known(tmp_path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[keypad]\nsource = "pygame"\nkeys = { space = "pause", KP_5 = "more" }\n',
                    encoding="utf-8")
    assert config.load(path).keypad_keys["space"] == "pause"  # a pygame key name


def test_enough_contrast_passes(tmp_path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[screen]\nfg = [255, 255, 0]\nbg = [0, 0, 0]\n", encoding="utf-8")
    assert check(path)[0] == 0


# ------------------------------------------------------------------ phrase files

BROKEN_PHRASES = [
    ("invalid toml", "[phrases\nannounce = 1", "not valid TOML"),
    ("not a string", "[phrases]\nannounce = 3\n", "phrases.announce: must be text in quotes"),
    ("unknown placeholder", '[phrases]\nannounce = "{title} by {writer}"\n',
     "phrases.announce: unknown placeholder {writer}"),
    ("format spec", '[phrases]\nnumber_range = "{first:>300000000}"\n',
     "phrases.number_range: placeholder {first:>300000000} has a format spec"),
    ("attribute", '[phrases]\nannounce = "{title.__class__}"\n',
     "phrases.announce: unknown placeholder {title.__class__}"),
    ("index", '[phrases]\nannounce = "{title[0]}"\n', "unknown placeholder {title[0]}"),
    ("conversion", '[phrases]\nannounce = "{title!r}"\n', "format spec or conversion"),
    ("lone brace", '[phrases]\nannounce = "{title"\n', "not a valid template"),
    ("unknown key", '[phrases]\nanounce = "{title}"\n', "phrases.anounce: unknown phrase"),
    ("control character", '[phrases]\nannounce = "{title}\\u001b[2J"\n',
     "phrases.announce: contains a control character (\\u001b at position 8)"),
]


@pytest.mark.parametrize(
    ("name", "text", "reason"), BROKEN_PHRASES, ids=[b[0] for b in BROKEN_PHRASES]
)
def test_a_broken_phrase_file_is_refused_with_file_key_and_reason(
    tmp_path, caplog, name, text, reason
) -> None:
    folder = tmp_path / "phrases"
    folder.mkdir()
    (folder / "sv.toml").write_text(text, encoding="utf-8")
    toml = tmp_path / "kiosk.toml"
    toml.write_text(f'[kiosk]\nphrases_dir = "{folder}"\n', encoding="utf-8")
    code, out = check(toml)
    assert code == 2 and str(folder / "sv.toml") in out and reason in out, out
    # At start-up the same file is refused and the built-in phrases are used.
    phrase_files.staff_phrases.cache_clear()
    phrasing.phrases.cache_clear()
    with caplog.at_level(logging.ERROR):
        table = phrasing.phrases("sv", str(folder))
    assert table == phrase_files.builtin_phrases("sv")
    assert any(reason in r.getMessage() for r in caplog.records)
    phrasing.phrases.cache_clear()


def test_a_good_phrase_file_is_used(tmp_path) -> None:
    folder = tmp_path / "phrases"
    folder.mkdir()
    (folder / "sv.toml").write_text('[phrases]\nannounce = "{title} - {authors}"\n', "utf-8")
    (folder / "lexicon-sv.toml").write_text('[words]\n"bd." = "band"\n', "utf-8")
    toml = tmp_path / "kiosk.toml"
    toml.write_text(f'[kiosk]\nphrases_dir = "{folder}"\n', encoding="utf-8")
    assert check(toml)[0] == 0
    assert phrasing.phrases("sv", str(folder))["announce"] == "{title} - {authors}"


def test_a_broken_lexicon_is_refused(tmp_path) -> None:
    folder = tmp_path / "phrases"
    folder.mkdir()
    (folder / "lexicon-en.toml").write_text("[words]\nvol = 2\n", "utf-8")
    assert phrase_files.problems(str(folder)) == [
        f"{folder / 'lexicon-en.toml'}: words.vol: must be text in quotes, not int"
    ]
    assert phrase_files.staff_words("en", str(folder)) == {}


@pytest.mark.parametrize(
    ("entry", "key", "shown"),
    [
        ('"the" = "THE\\u0000\\u001b[31m"', "words.the", "\\u0000 at position 4"),
        ('"bd\\u001b" = "band"', "words.bd\x1b", "\\u001b at position 3"),
        ('"bd." = "band\\u0007"', "words.bd.", "\\u0007 at position 5"),
    ],
)
def test_a_lexicon_entry_with_a_control_character_is_refused(tmp_path, entry, key, shown) -> None:
    # Found by an outside tester: `config check` said OK and the voice was given "THE [31m".
    folder = tmp_path / "phrases"
    folder.mkdir()
    (folder / "lexicon-en.toml").write_text(f"[words]\n{entry}\n", "utf-8")
    (problem,) = phrase_files.problems(str(folder))
    assert problem.startswith(f"{folder / 'lexicon-en.toml'}: {key}: contains a control")
    assert shown in problem
    assert phrase_files.staff_words("en", str(folder)) == {}
    toml = tmp_path / "kiosk.toml"
    toml.write_text(f'[kiosk]\nphrases_dir = "{folder}"\n', encoding="utf-8")
    code, out = check(toml)
    assert code == 2 and "contains a control character" in out and "\x1b" not in out


# ------------------------------------------------------------------ files written by run


@pytest.mark.parametrize("option", ["--transcript", "log"])
def test_an_unwritable_file_is_one_line_before_any_device(tmp_path, monkeypatch, option) -> None:
    made: list[str] = []
    monkeypatch.setattr(registry, "create", lambda *a, **k: made.append(a[1]))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    bad = blocker / "sub" / "out.jsonl"  # a folder inside a file: cannot be created
    args = ["run", "--reader", "keyboard", "--audio", "none", "--speech", "recording"]
    if option == "log":
        toml = tmp_path / "kiosk.toml"
        toml.write_text(f'[kiosk]\nlog = "{bad}"\n', encoding="utf-8")
        args += ["--config", str(toml)]
    else:
        args += ["--transcript", str(bad)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "cannot be written" in lines[0] and str(bad) in lines[0]
    assert made == []  # no driver was even constructed, let alone opened


# ------------------------------------------------------------------ hostile paths and values


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge", "deep"])
def test_a_config_path_that_is_not_a_small_file_is_one_line(tmp_path, kind) -> None:
    import os

    path = tmp_path / "kiosk.toml"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")  # never ends
    elif kind == "deep":  # tomllib recursed into a RecursionError traceback
        path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    else:
        path.write_text("# " + "x" * 2_000_000 + "\n", encoding="utf-8")
    code, out = check(path)
    assert code == 2 and len(out.strip().splitlines()) == 1 and str(path) in out, out


def test_a_config_folder_is_a_problem_not_a_traceback(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"cannot be read|not a regular file"):
        config.load(tmp_path)


def test_a_deeply_nested_phrase_file_is_refused(tmp_path) -> None:
    folder = tmp_path / "phrases"
    folder.mkdir()
    (folder / "sv.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert phrase_files.problems(str(folder)) == [
        f"{folder / 'sv.toml'}: not valid TOML: nested too deeply"
    ]


def test_a_phrase_file_that_never_ends_is_refused(tmp_path) -> None:
    folder = tmp_path / "phrases"
    folder.mkdir()
    (folder / "en.toml").symlink_to("/dev/zero")
    assert phrase_files.problems(str(folder)) == [f"{folder / 'en.toml'}: not a regular file"]
    assert phrase_files.staff_phrases("en", str(folder)) == {}


@pytest.mark.parametrize(
    ("section", "text", "reason"),
    [
        ("reader", 'driver = "serial"\ntarget = "loop://"\nmax_frame = 2000000000\n',
         "reader.max_frame: reader driver 'serial': 2000000000 is out of range"),
        ("reader", 'driver = "serial"\ntarget = "loop://"\nbaudrate = -9600\n',
         "reader.baudrate: reader driver 'serial': -9600 is out of range"),
        ("audio", 'driver = "none"\nspeed = 0\n', "audio.speed: audio driver 'none': 0.0 is out"),
        ("speech", 'timeout = 0\n', "speech.timeout: speech driver 'pyttsx3': 0.0 is out of range"),
    ],
)
def test_driver_numbers_outside_their_bounds_are_refused(tmp_path, section, text, reason) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[{section}]\n{text}", encoding="utf-8")
    code, out = check(path)
    assert code == 2 and reason in out, out


@pytest.mark.parametrize(
    "pattern", [r"^(a|a)+$", r"(a+)+", r"(?:\d*)*", r"^(ab|a)*$", r"(\d+-?)+$", r"(x+x+)+y"]
)
def test_a_patron_pattern_that_can_backtrack_for_ever_is_refused(tmp_path, pattern) -> None:
    """hostile3-3: ``^(a|a)+$`` passed, and one scan of 50 a's froze the kiosk past SIGTERM."""
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[privacy]\npatron_pattern = '{pattern}'\n", encoding="utf-8")
    code, out = check(path)
    assert code == 2 and "privacy.patron_pattern:" in out and "exponential time" in out, out


@pytest.mark.parametrize(
    "pattern", [r"^2\d{13}$", r"(\d|-)+", r"(\d{4}-?)+", r"^(2\d{13}|P\d{6})$", r"[0-9-]+"]
)
def test_ordinary_patron_patterns_pass(tmp_path, pattern) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[privacy]\npatron_pattern = '{pattern}'\n", encoding="utf-8")
    assert check(path) == (0, f"{path}: OK\n")


def test_the_patron_pattern_never_sees_more_than_a_card_length() -> None:
    """The work of one scan is bounded whatever the pattern: longer forms are not tried."""
    from kiosk.privacy import MAX_CARD_LENGTH, PatronFilter

    cards = PatronFilter(r"a+")
    assert cards.matches("a" * MAX_CARD_LENGTH)
    assert not cards.matches("a" * (MAX_CARD_LENGTH + 1))


def test_check_names_what_run_refuses_all_at_once_and_leaves_nothing(tmp_path) -> None:
    """hostile3-4: an unwritable transcript/log and an empty SIP2 host passed `config check`
    (run refused the first two, neither the host); nothing is created by the check."""
    plain = tmp_path / "plain.txt"  # a file where a folder should be: even root cannot write
    plain.write_text("x", encoding="utf-8")
    fresh = tmp_path / "new-folder" / "deeper"
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[availability]\ndriver = "sip2"\nhost = ""\nport = 6001\n'
        f'[kiosk]\ntranscript = "{plain / "t.jsonl"}"\nlog = "{tmp_path / "no" / "l.log"}"\n'
        '[privacy]\npatron_pattern = "["\n',
        encoding="utf-8",
    )
    code, out = check(path)
    assert code == 2
    for expected in (
        "privacy.patron_pattern: not a valid regular expression",
        "[availability] host is empty",
        f"kiosk.transcript: {plain / 't.jsonl'}: cannot be written",
        f"kiosk.log: {tmp_path / 'no' / 'l.log'}: cannot be written",
    ):
        assert expected in out, (expected, out)
    path.write_text(f'[kiosk]\ntranscript = "{fresh / "t.jsonl"}"\n', encoding="utf-8")
    assert check(path) == (0, f"{path}: OK\n")
    assert not fresh.parent.exists()  # run makes the folder; the check makes nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kiosk.toml", "plain.txt"]
