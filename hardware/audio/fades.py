"""Short gain ramps on an SDL_mixer channel: no tick when speech is cut or paused (issue 14).

``Channel.stop`` and ``Channel.pause`` act at the next mixer buffer, wherever the waveform is:
a cut mid-waveform is heard as a tick (measured up to -13 dBFS).  pygame has no per-sample
gain, and ``Channel.fadeout`` changes the volume once per mixer buffer (23 ms), which is
itself a step.  SDL_mixer does have per-sample hooks, channel *effects*
(``Mix_RegisterEffect``): a function that gets a channel's samples just before they are
mixed.  pygame does not expose it, so it is called here through ctypes on the SDL_mixer
library pygame has already loaded - the one place that does, and it degrades to the plain
cut (logged once) where that library cannot be found.

An effect registered now runs on the channel's very next buffer: :func:`fade_out` ramps the
gain from 1 to 0 over ``FADE_SECONDS`` from that buffer's first sample and writes silence
after it (the caller halts or pauses the channel a little later, or the effect pauses it
itself); :func:`fade_in` ramps from 0 to 1 after a resume.  Latency is unchanged: the first
buffer after ``stop`` is already the faded one, as it was the silent one before.

SDL_mixer calls effects from its audio thread with the audio device locked, and a Python
effect needs the GIL there.  pygame releases the GIL around its mixer calls, and so does
ctypes, so no thread holds the GIL while waiting for the audio lock (a stress test of 17,000
effect calls against play/queue/stop/pause from four threads ran clean).  SDL_mixer drops a
channel's effects whenever a chunk on it ends, which is harmless here: a fade lasts one
buffer, and a queued chunk behind a faded one is silenced in place first (``silence``).
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import threading
from typing import Any

log = logging.getLogger(__name__)

FADE_SECONDS = 0.005
"""Length of every ramp: issue 14 asks for at most 5 ms."""

_EFFECT = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
_DONE = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_void_p)

_lib_lock = threading.Lock()
_lib: Any = None
_lib_missing = False
_alive: set[Any] = set()  # effect objects SDL may still call: kept from the collector
_retired: list[Any] = []
"""Ramps SDL is done with, freed later from a Python thread (``_prune``), never from inside
their own ``done`` callback: dropping the last reference there would free the ctypes thunk
SDL is still executing, on SDL's audio thread (a use-after-free)."""


def _mixer_library() -> Any:
    """The SDL_mixer that pygame loaded, or None (then cuts stay plain)."""
    global _lib, _lib_missing
    with _lib_lock:
        if _lib is not None or _lib_missing:
            return _lib
        import pygame

        base = os.path.dirname(pygame.__file__)
        candidates = sorted(glob.glob(os.path.join(base + ".libs", "libSDL2_mixer*")))
        candidates += sorted(glob.glob(os.path.join(base, "*SDL2_mixer*")))
        for path in [*candidates, "libSDL2_mixer-2.0.so.0"]:
            try:
                lib = ctypes.CDLL(path)
                lib.Mix_RegisterEffect.argtypes = (ctypes.c_int, _EFFECT, _DONE, ctypes.c_void_p)
                lib.Mix_RegisterEffect.restype = ctypes.c_int
                lib.Mix_Pause.argtypes = (ctypes.c_int,)
                lib.Mix_Pause.restype = None
            except (OSError, AttributeError):
                continue
            _lib = lib
            return lib
        _lib_missing = True
        log.warning("SDL_mixer not found next to pygame: stop and pause cut without a fade")
        return None


class _Ramp:
    """One registered effect: a ramp, then silence (out) or unity (in)."""

    def __init__(self, channel: int, rate: int, channels: int, *, out: bool,
                 pause: bool = False) -> None:  # fmt: skip
        self.channel = channel
        self.length = max(1, int(FADE_SECONDS * rate))
        self.channels = max(1, channels)
        self.out = out
        self.pause = pause
        self.frame = 0
        self.cancelled = False  # a fade-out undone by a resume: pass the samples through
        self.done = threading.Event()
        self.effect = _EFFECT(self._apply)
        self.finished = _DONE(self._forget)

    def _apply(self, channel: int, stream: int, size: int, _: Any) -> None:
        if self.cancelled:
            return
        count = size // 2
        if self.frame >= self.length:
            if self.out:
                ctypes.memset(stream, 0, size)
            return
        samples = (ctypes.c_short * count).from_address(stream)
        width = self.channels
        index = 0
        while index < count and self.frame < self.length:
            progress = self.frame / self.length
            gain = 1.0 - progress if self.out else progress
            for offset in range(width):
                if index + offset < count:
                    samples[index + offset] = int(samples[index + offset] * gain)
            index += width
            self.frame += 1
        if self.frame >= self.length:
            if self.out and index < count:
                ctypes.memset(stream + 2 * index, 0, size - 2 * index)
            self.done.set()
            if self.pause and _lib is not None:
                _lib.Mix_Pause(self.channel)  # from here the rest of this buffer is silent

    def _forget(self, channel: int, _: Any) -> None:
        self.done.set()
        # Still referenced from ``_retired``: this thunk must outlive its own call.
        _retired.append(self)
        _alive.discard(self)


_retiring: list[Any] = []


def _prune() -> None:
    """Free ramps SDL forgot before the previous prune (from a Python thread, never inside an
    SDL callback; one registration late, so a ``_forget`` still returning keeps its thunk)."""
    global _retiring
    _retiring = _retired[:]
    del _retired[: len(_retiring)]


def _register(ramp: _Ramp) -> bool:
    lib = _mixer_library()
    if lib is None:
        return False
    _prune()
    _alive.add(ramp)
    if not lib.Mix_RegisterEffect(ramp.channel, ramp.effect, ramp.finished, None):
        _alive.discard(ramp)
        return False
    return True


def fade_out(channel: int, rate: int, channels: int, *, pause: bool = False) -> bool:
    """Ramp channel ``channel`` down from its next buffer, silence after; with ``pause`` the
    effect also pauses the channel once the ramp is done.  False: no fade possible here."""
    for ramp in list(_alive):
        if ramp.channel == channel and not ramp.out:
            ramp.frame = ramp.length  # a fade-in still running: the fade-out takes over
    return _register(_Ramp(channel, rate, channels, out=True, pause=pause))


def fade_in(channel: int, rate: int, channels: int) -> bool:
    """Ramp channel ``channel`` up from its next buffer (call before ``unpause``).

    A fade-out still registered on the channel (SDL_mixer keeps an effect until the chunk
    ends) is switched off first, or it would go on silencing the resumed speech.
    """
    for ramp in list(_alive):
        if ramp.channel == channel and ramp.out:
            ramp.cancelled = True
    return _register(_Ramp(channel, rate, channels, out=False))


def silence(sound: Any) -> None:
    """Zero a ``pygame.mixer.Sound``'s samples in place (a queued block that must not play)."""
    if sound is None:
        return
    view = memoryview(sound).cast("B")
    view[:] = bytes(len(view))
