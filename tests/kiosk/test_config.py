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


# ------------------------------------------------------------------ driver sections (issue 11)


def test_a_driver_option_is_accepted_in_its_own_section(tmp_path) -> None:
    # pyttsx3 declares voice_sv, so [speech] voice_sv is one of its options, not unknown.
    cfg = config.load(write(tmp_path, '[speech]\nvoice_sv = "gmq/sv"\ntimeout = 6\n'))
    choice = cfg.drivers["speech"]
    assert choice.name == "pyttsx3"
    assert dict(choice.options) == {"voice_sv": "gmq/sv", "timeout": 6.0}


def test_driver_options_are_checked_against_the_chosen_driver(tmp_path) -> None:
    path = write(
        tmp_path,
        '[speech]\nengine = "recording"\nvoice_sv = "x"\n'
        '[audio]\ndriver = "none"\nspeed = "fast"\n'
        '[keypad]\nsource = "pygame"\nwindow = 3\n'
        '[kiosk]\nlanguage = "fi"\n',
    )
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    text = "\n".join(caught.value.problems)
    # Every section's mistakes at once, each with file, section.key and the driver.
    assert f"{path}: speech.voice_sv: speech driver 'recording': unknown option" in text
    assert f"{path}: audio.speed: audio driver 'none': expected number" in text
    assert f"{path}: keypad.window: keypad driver 'pygame': expected true/false" in text
    assert f"{path}: kiosk.language:" in text


def test_unknown_driver_names_every_kind(tmp_path) -> None:
    path = write(tmp_path, '[speech]\nengine = "espeak"\n[keypad]\nsource = "usb"\n')
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    text = "\n".join(caught.value.problems)
    assert "speech.engine: no speech driver 'espeak'" in text
    assert "keypad.source: no keypad driver 'usb'" in text


def test_keypad_none_takes_no_options(tmp_path) -> None:
    cfg = config.load(write(tmp_path, '[keypad]\nsource = "none"\ndouble_press = 0.3\n'))
    assert "keypad" not in cfg.drivers and cfg.keypad_source == "none"
    with pytest.raises(ConfigError, match=r"keypad.window: unknown key; no keypad driver"):
        config.load(write(tmp_path, "[keypad]\nwindow = true\n"))


def test_speech_and_audio_options_reach_their_drivers(tmp_path, monkeypatch) -> None:
    """The CLI used to pass {} to the speech and audio drivers whatever the file said."""
    from hardware import registry
    from kiosk import cli

    made: list[tuple[str, str, dict]] = []
    real_create = registry.create

    def spy(group, name, target, options=None, wiring=None):
        made.append((group, name, dict(options or {})))
        return real_create(group, name, target, options, wiring)

    monkeypatch.setattr(registry, "create", spy)
    cfg = config.load(write(
        tmp_path,
        '[speech]\nengine = "recording"\nseconds_per_word = 0.01\n[audio]\ndriver = "none"\n'
        "speed = 10.0\n",
    ))
    speaker = cli._build_speaker(cfg, cli._FaultRelay())
    try:
        assert (registry.SPEECH, "recording", {"seconds_per_word": 0.01}) in made
        assert (registry.AUDIO, "none", {"speed": 10.0}) in made
    finally:
        speaker.close()


def test_a_new_driver_kind_is_one_kind_line(tmp_path, monkeypatch) -> None:
    """A kind such as talkcat.availability needs a group, a section, and nothing else."""
    from hardware import registry

    dist = tmp_path / "avail-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: avail\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[talkcat.test_availability]\nfake = avail_mod:Fake\n")
    (tmp_path / "avail_mod.py").write_text(
        "from hardware.protocols import Option\n"
        "class Fake:\n"
        "    OPTIONS = (Option('host', str, 'localhost', 'server'),"
        " Option('port', int, 6001, 'port', minimum=1, maximum=65535))\n"
        "    def __init__(self, target, *, host, port):\n"
        "        self.host, self.port = host, port\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    kind = registry.Kind("talkcat.test_availability", "test_availability", "availability source",
                         optional=True)
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, kind))
    monkeypatch.setitem(config.SCHEMA, "test_availability", {})
    cfg = config.load(write(tmp_path, '[test_availability]\ndriver = "fake"\nport = 7000\n'))
    made = cfg.drivers["test_availability"].create()
    assert (made.host, made.port) == ("localhost", 7000)
    with pytest.raises(ConfigError, match=r"test_availability.port: .* out of range"):
        config.load(write(tmp_path, '[test_availability]\ndriver = "fake"\nport = 70000\n'))
    assert "test_availability" not in config.load(None).drivers  # off unless a driver is named
