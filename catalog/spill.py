"""A list of report lines whose memory does not grow with the input.

An import of 500 MB of random bytes rejects millions of "records"; keeping every rejection
in a Python list took 805 MB.  :class:`Spilled` keeps the first :data:`KEEP_IN_MEMORY` in
memory and pickles the rest to an anonymous temporary file, while still behaving like the
list it replaces: ``len()`` is the full count, iteration yields every item in order (the
``--report`` file is written from it, streamed), ``append``/``extend``/indexing work, and it
compares equal to a list with the same items.
"""

from __future__ import annotations

import io
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, Generic, TypeVar, overload

T = TypeVar("T")

KEEP_IN_MEMORY = 1000
"""Items kept as objects; what a terminal shows and what tests look at."""

_READ = 1 << 16


class _PositionalReader(io.RawIOBase):
    """Reads a file by position (``os.pread``) without moving the writer's offset, so an
    iteration may be interleaved with appends."""

    def __init__(self, fd: int, end: int) -> None:
        self._fd = fd
        self._pos = 0
        self._end = end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._end - self._pos)
        if want <= 0:
            return 0
        data = os.pread(self._fd, want, self._pos)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


class Spilled(Generic[T]):
    """The first ``keep`` items in memory, the rest pickled to a temporary file."""

    def __init__(self, items: Iterable[T] = (), keep: int = KEEP_IN_MEMORY) -> None:
        self.keep = keep
        self.kept: list[T] = []
        """The first ``keep`` items (all of them when there are no more)."""
        self._count = 0
        self._file: IO[bytes] | None = None
        self._written = 0
        self.extend(items)

    def append(self, item: T) -> None:
        self._count += 1
        if len(self.kept) < self.keep:
            self.kept.append(item)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="talkcat-report-")  # noqa: SIM115
        data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(data)
        self._written += len(data)

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    @property
    def spilled(self) -> int:
        """How many items are on disk rather than in :attr:`kept`."""
        return self._count - len(self.kept)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[T]:
        yield from list(self.kept)
        if self._file is None:
            return
        self._file.flush()
        reader = io.BufferedReader(_PositionalReader(self._file.fileno(), self._written), _READ)
        unpickler = pickle.Unpickler(reader)
        for _ in range(self._count - len(self.kept)):
            yield unpickler.load()

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, int) and -len(self.kept) <= index < len(self.kept) and (
            index >= 0 or not self.spilled
        ):
            return self.kept[index]
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spilled | list | tuple):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    def __add__(self, other: Iterable[T]) -> list[T]:
        return [*self, *other]

    def __radd__(self, other: Iterable[T]) -> list[T]:
        return [*other, *self]

    __hash__ = None  # type: ignore[assignment]  # mutable, like list

    def __repr__(self) -> str:
        more = f" + {self.spilled} on disk" if self.spilled else ""
        return f"Spilled({self.kept!r}{more})"

    def close(self) -> None:
        """Delete the temporary file (also done when the object is collected)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            self.kept = self.kept[: self.keep]
            self._count = len(self.kept)
