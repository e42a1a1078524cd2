"""When each mixer buffer of SDL's ``disk`` driver was mixed, read from outside the process.

SDL's ``disk`` driver runs the mixer like a sound card's callback: mix one buffer, ``fwrite``
it, wait one buffer's time, again.  ``fwrite`` goes through stdio's buffer, which is the
file system's block size (4096 bytes here: four 512-frame mono buffers), and glibc writes a
full buffer out when the *next* ``fwrite`` finds it full.  So the file grows four buffers at
a time, at the moment the buffer after them is mixed (checked against SDL_mixer's own
post-mix callback: ``check_model``).  Dating a buffer by when the file grew, as this
benchmark did until now, dated the four buffers of a group 1 to 4 buffers (23-93 ms) late.

Here every growth of the file to ``S`` bytes pins the mix of buffer ``S / BUFFER_BYTES`` at
that moment, and the buffers between two such anchors are placed evenly between them (the
driver's cadence is regular: ``check_model`` measures how far that is off).  The file is
watched with inotify (a blocking read: no polling load on the machine being measured) and
read incrementally, only the bytes that are new.
"""

from __future__ import annotations

import array
import bisect
import ctypes
import ctypes.util
import os
import select
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

RATE = 22050
BUFFER_FRAMES = 512
"""The kiosk's default mixer buffer (``hardware.audio.pygame_output``), mono 16-bit."""
BUFFER_BYTES = BUFFER_FRAMES * 2
_IN_MODIFY = 0x2


class Watch:
    """Calls ``on_change(path)`` from one thread whenever a watched file was written."""

    def __init__(self, paths: list[Path], on_change: Callable[[Path], None]) -> None:
        self._paths = paths
        self._on_change = on_change
        self._stop = threading.Event()
        self._fd = -1
        self._wds: dict[int, Path] = {}
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        try:
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
            if fd < 0:
                raise OSError(ctypes.get_errno(), "inotify_init1")
            for path in paths:
                wd = libc.inotify_add_watch(fd, str(path).encode(), _IN_MODIFY)
                if wd < 0:
                    raise OSError(ctypes.get_errno(), f"inotify_add_watch {path}")
                self._wds[wd] = path
            self._fd = fd
        except (AttributeError, OSError):
            self._fd = -1  # no inotify: poll every millisecond instead
        self._thread = threading.Thread(target=self._run, daemon=True, name="capture-watch")
        self._thread.start()

    def _run(self) -> None:
        if self._fd < 0:
            sizes = dict.fromkeys(self._paths, -1)
            while not self._stop.is_set():
                for path in self._paths:
                    size = path.stat().st_size if path.exists() else 0
                    if size != sizes[path]:
                        sizes[path] = size
                        self._on_change(path)
                time.sleep(0.001)
            return
        while not self._stop.is_set():
            ready, _, _ = select.select([self._fd], [], [], 0.2)
            if not ready:
                continue
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                continue
            changed: list[Path] = []
            offset = 0
            while offset + 16 <= len(data):
                wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                offset += 16 + length
                path = self._wds.get(wd)
                if path is not None and path not in changed:
                    changed.append(path)
            for path in changed:
                self._on_change(path)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        if self._fd >= 0:
            os.close(self._fd)


class Capture:
    """The disk driver's output file: its samples and when each buffer was mixed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Condition()
        self._anchors: list[tuple[int, float]] = []  # (buffer index, perf_counter)
        self._size = -1
        self.data = bytearray()
        self._file = path.open("rb")

    def on_change(self, path: Path) -> None:
        """The watch thread: the file grew; note when, per buffer index."""
        now = time.perf_counter()
        if path != self.path:
            return
        size = os.stat(path).st_size
        with self._lock:
            if size != self._size:
                self._size = size
                self._anchors.append((size // BUFFER_BYTES, now))
                self._lock.notify_all()

    @property
    def group(self) -> int:
        """Buffers per file growth (stdio's buffer over the mixer's); 0 until seen twice."""
        with self._lock:
            steps = [b[0] - a[0] for a, b in zip(self._anchors, self._anchors[1:], strict=False)]
        return min(steps) if steps else 0

    def buffers(self) -> int:
        """Buffers in the file now (read incrementally)."""
        with self._lock:
            size = self._size
        if size > len(self.data):
            self._file.seek(len(self.data))
            self.data += self._file.read(size - len(self.data))
        return len(self.data) // BUFFER_BYTES

    def mixed_at(self, index: int) -> float | None:
        """When buffer ``index`` was mixed (perf_counter), None until an anchor follows it."""
        with self._lock:
            anchors = self._anchors
            if not anchors or index > anchors[-1][0]:
                return None
            at = bisect.bisect_left(anchors, (index, float("-inf")))
            later = anchors[at]
            if later[0] == index or at == 0:
                return later[1] if later[0] == index else None
            earlier = anchors[at - 1]
        share = (index - earlier[0]) / (later[0] - earlier[0])
        return earlier[1] + share * (later[1] - earlier[1])

    def first_mixed_after(self, moment: float, timeout: float = 3.0) -> int | None:
        """Index of the first buffer mixed after ``moment``."""
        deadline = time.perf_counter() + timeout
        index = 0
        with self._lock:
            # Start from the last anchor before the moment: no need to look at older ones.
            for anchor, when in reversed(self._anchors):
                if when <= moment:
                    index = anchor
                    break
        while time.perf_counter() < deadline:
            when = self.mixed_at(index)
            if when is None:
                with self._lock:
                    self._lock.wait(0.2)
                continue
            if when > moment:
                return index
            index += 1
        return None

    def samples(self, index: int, timeout: float = 3.0) -> array.array | None:
        """Buffer ``index``'s samples, once the file holds it."""
        deadline = time.perf_counter() + timeout
        while self.buffers() <= index:
            if time.perf_counter() > deadline:
                return None
            with self._lock:
                self._lock.wait(0.2)
        return array.array("h", self.data[index * BUFFER_BYTES : (index + 1) * BUFFER_BYTES])

    def close(self) -> None:
        self._file.close()


def check_model(raw: Path, seconds: float = 2.0) -> list[float]:
    """How far :class:`Capture`'s buffer times are from SDL_mixer's own, in ms (this process).

    Opens the kiosk's mixer on the ``disk`` driver in this process, registers a post-mix
    callback (called on SDL's audio thread right after each buffer is mixed, just before the
    driver writes it) that notes the moment and the buffer's bytes, plays noise so every buffer
    is unique, and compares each buffer's time from the file's growth with the callback's.
    """
    import hashlib
    import random

    import pygame

    from hardware.audio import fades
    from hardware.audio.pygame_output import PygameOutput

    os.environ["SDL_DISKAUDIOFILE"] = str(raw)
    output = PygameOutput()
    output.open()
    post = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
    mixed: dict[bytes, float] = {}

    def note(_: object, stream: int, size: int) -> None:
        mixed[hashlib.blake2b(ctypes.string_at(stream, size), digest_size=8).digest()] = (
            time.perf_counter()
        )

    callback = post(note)
    lib = fades._mixer_library()
    lib.Mix_SetPostMix.argtypes = (post, ctypes.c_void_p)
    capture = Capture(raw)
    watch = Watch([raw], capture.on_change)
    try:
        lib.Mix_SetPostMix(callback, None)
        rng = random.Random(3)
        noise = array.array("h", (rng.randint(-3000, 3000) for _ in range(int(RATE * seconds))))
        pygame.mixer.Channel(0).play(pygame.mixer.Sound(buffer=noise.tobytes()))
        time.sleep(seconds + 0.3)
        lib.Mix_SetPostMix(post(), None)
        errors = []
        for index in range(capture.buffers()):
            block = bytes(capture.data[index * BUFFER_BYTES : (index + 1) * BUFFER_BYTES])
            truth = mixed.get(hashlib.blake2b(block, digest_size=8).digest())
            inferred = capture.mixed_at(index)
            if truth is not None and inferred is not None and any(block):
                errors.append((inferred - truth) * 1000)
        return errors
    finally:
        watch.close()
        capture.close()
        output.close()
        pygame.mixer.quit()
