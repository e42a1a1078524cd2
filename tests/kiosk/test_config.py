from __future__ import annotations

import pytest

from kiosk import config
from kiosk.errors import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    cfg = config.load()
    assert cfg.language == "sv"
    assert cfg.reader_driver == "keyboard"
    assert cfg.speech_rate == 160


def test_file_values_and_command_line_wins(tmp_path) -> None:
    path = write(
        tmp_path,
        '[kiosk]\ndb = "cat.db"\nlanguage = "en"\n'
        '[reader]\ndriver = "serial"\ntarget = "/dev/ttyUSB0"\nbaudrate = 19200\n',
    )
    cfg = config.load(path, {"kiosk": {"language": "sv", "db": None}})
    assert cfg.language == "sv"  # command line wins
    assert cfg.db == "cat.db"  # None means "not given"
    assert cfg.reader_driver == "serial"
    assert cfg.reader_options == {"baudrate": 19200}


def test_every_problem_reported_at_once(tmp_path) -> None:
    path = write(
        tmp_path,
        '[kiosk]\nlanguage = "fi"\nlangauge = "sv"\n'
        '[speech]\nrate = "fast"\nvolume = 3\n'
        '[sound]\nx = 1\n',
    )
    with pytest.raises(ConfigError) as info:
        config.load(path)
    problems = info.value.problems
    text = "\n".join(problems)
    assert len(problems) == 5, text
    assert f"{path}: kiosk.language: must be one of sv, en" in text
    assert "kiosk.langauge: unknown key (did you mean 'language'?)" in text
    assert "speech.rate: must be an integer, got 'fast'" in text
    assert "speech.volume: must be between 0.0 and 1.0" in text
    assert "[sound]: unknown section" in text


def test_bool_is_not_an_integer(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"speech\.rate"):
        config.load(write(tmp_path, "[speech]\nrate = true\n"))


def test_broken_toml_names_the_file(tmp_path) -> None:
    path = write(tmp_path, "[kiosk\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(path)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        config.load(tmp_path / "nope.toml")
