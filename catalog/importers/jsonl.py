"""JSON arrays and JSON Lines into catalogue entries, one object at a time.

The keys are the CSV columns (:mod:`catalog.importers.rows`).  One bad item - a syntax error
in JSON Lines, a number too large for a float (``1e400``), ``NaN``/``Infinity``, nesting
deep enough to reach the recursion limit, an item over :data:`MAX_JSON_OBJECT` characters
(skipped chunk by chunk), a lone surrogate - is rejected with its reason; the items after it
still load.  A syntax error in JSON Lines (or in a file of concatenated objects) costs its
item only: reading goes on at the next line that starts with ``{``, and more text is read for
an item only while it may be cut off, never to look for the end of a broken one.  An array
with a syntax error cannot be resynchronised: what came before loads.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from catalog.importers import Item, Notice, Rejection
from catalog.importers.rows import _ALIASES, fold, merge, row_to_item
from catalog.importers.text import SURROGATE, binary, open_text

MAX_JSON_OBJECT = 16 * 1024 * 1024
MAX_JSON_DEPTH = 32
"""A catalogue record nests two or three levels; deeper is not a record (and deep enough
would hit Python's recursion limit)."""


class _BadNumber:
    """A JSON number no record can hold (``1e400``, ``NaN``, 5,000 digits), kept as written
    so its item is rejected with it instead of the decoder raising for the whole file."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _parse_float(text: str) -> float | _BadNumber:
    value = float(text)
    return value if value - value == 0 else _BadNumber(text)  # inf - inf and nan are nan


def _parse_int(text: str) -> int | _BadNumber:
    return int(text) if len(text) <= 30 else _BadNumber(text[:12] + "...")


_DECODER = json.JSONDecoder(
    parse_float=_parse_float, parse_int=_parse_int, parse_constant=_BadNumber
)


def _value_end(buf: str, start: int) -> int | None:
    """Where the array or object at ``buf[start]`` ends, without recursion (for a value too
    deep for the decoder), or ``None`` when ``buf`` ends first."""
    depth = 0
    index = start
    in_string = False
    while index < len(buf):
        char = buf[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None


_STRUCTURE = re.compile(r'["\\\[\]{}\n]')
"""What a skipping scan must look at: quotes, escapes, brackets and line ends."""


class _Skip:
    """Where a value too long to decode ends, found chunk by chunk without holding it: a
    string-aware bracket count.  A raw line end inside a string cannot be JSON, so the
    value is broken there and reading goes on at the next line."""

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False
        self.escaped = False

    def end(self, buf: str) -> tuple[int, bool] | None:
        """``(index just past the value, closed properly)``, or ``None`` when the whole of
        ``buf`` belongs to the value and more must be read."""
        index = 0
        if self.escaped and buf:
            self.escaped = False
            index = 1
        while True:
            found = _STRUCTURE.search(buf, index)
            if found is None:
                return None
            char, index = found.group(), found.end()
            if char == "\n":
                if self.in_string or self.depth == 0:
                    return index, False
            elif self.in_string:
                if char == "\\":
                    if index >= len(buf):
                        self.escaped = True
                        return None
                    index += 1
                elif char == '"':
                    self.in_string = False
                    if self.depth == 0:
                        return index, True
            elif char == '"':
                self.in_string = True
            elif char in "[{":
                self.depth += 1
            elif char in "]}":
                self.depth -= 1
                if self.depth <= 0:
                    return index, True


def _problem(value: Any, encoding: str) -> str | None:
    """What makes a decoded item unusable - a bad number, undecodable bytes, nesting too
    deep - found without recursion; ``None`` when it is fine."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, _BadNumber):
            return f"the number {item.text} is not one a record can hold (too large or not finite)"
        if isinstance(item, str):
            bad = SURROGATE.search(item)
            if bad is not None:
                return (
                    f"a character that is not text (\\u{ord(bad.group()):04x}: an unpaired"
                    f" UTF-16 surrogate, or bytes that are not valid {encoding})"
                )
            continue
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"nested more than {MAX_JSON_DEPTH} levels deep: not a catalogue record"
            children = list(item.items()) if isinstance(item, dict) else item
            for child in children:
                if isinstance(child, tuple):
                    stack.append((child[0], depth))
                    stack.append((child[1], depth + 1))
                else:
                    stack.append((child, depth + 1))
    return None


def _may_be_cut(exc: json.JSONDecodeError, buf: str) -> bool:
    """Could more of the file make this decode?  Only when the error lies at the end of what
    was read, or in a string not closed in it; an error earlier is the item's own (a missing
    ``}``), and reading on for it would take the next items for part of it."""
    return exc.pos >= len(buf) - 10 or exc.msg.startswith("Unterminated string")


def iter_json_values(text: io.TextIOBase) -> Iterator[tuple[int, Any | ValueError]]:
    """Stream the values of a top-level JSON array, or of concatenated/line-separated JSON
    objects, as ``(line, value)``; a syntax error yields a ``ValueError`` and ends the stream
    for an array (it cannot be resynchronised) or skips to the next line for JSON Lines.  An
    item nested too deep to decode yields a ``ValueError`` and the stream goes on after it."""
    decoder = _DECODER
    buf = ""
    line = 1
    eof = False
    in_array: bool | None = None

    def fill() -> bool:
        # Read as much again as is waiting: a value that is still incomplete is decoded again
        # from its start after each fill, so growing the buffer geometrically keeps one large
        # item linear (64 KiB steps made a 25 MB item quadratic: minutes for one line).
        # Never past MAX_JSON_OBJECT: the buffer starts at the item being read, so one item
        # longer than that is found too long (and skipped) rather than held whole.
        nonlocal buf, eof
        chunk = text.read(min(max(1 << 16, len(buf)), MAX_JSON_OBJECT - len(buf)))
        if not chunk:
            eof = True
            return False
        buf += chunk
        return True

    def skip_long_value() -> Generator[tuple[int, ValueError], None, bool]:
        """Reject the value at the start of ``buf`` that is too long to decode, and drop it
        chunk by chunk, so the items after it are still read; whether it was closed."""
        nonlocal buf, line
        start = line
        scan = _Skip()
        while (found := scan.end(buf)) is None:
            line += buf.count("\n")
            buf = ""
            if not fill():
                break
        closed = found is not None and found[1]
        reason = f"an item longer than {MAX_JSON_OBJECT:,} characters: not read"
        if found is None:
            reason += "; it is not closed before the end of the file"
        elif not closed:
            reason += "; it breaks off at a line end inside a string" + (
                " and the rest of the array was not read" if in_array else ""
            )
        yield start, ValueError(reason)
        if found is not None:
            line += buf[: found[0]].count("\n")
            buf = buf[found[0] :]
        return closed

    def skip_broken_item() -> None:
        """Drop the item at the start of ``buf`` that cannot be decoded: read on at the next
        line that starts with ``{`` - the next JSON Lines item, or the next object of a file
        of pretty-printed ones (whose inner lines are indented) - so no item after it is
        lost, nor read from the middle of the broken one."""
        nonlocal buf, line
        while (found := buf.find("\n{")) == -1:
            line += buf[:-1].count("\n")
            buf = buf[-1:]  # a line end that the next block may follow with "{"
            if not fill():
                line += buf.count("\n")
                buf = ""
                return
        line += buf[: found + 1].count("\n")
        buf = buf[found + 1 :]

    while True:
        # skip whitespace (and, inside an array, commas)
        while True:
            stripped = buf.lstrip(" \t\r\n\ufeff" + ("," if in_array else ""))
            line += buf[: len(buf) - len(stripped)].count("\n")
            buf = stripped
            if buf or not fill():
                break
        if not buf:
            if in_array:
                yield line, ValueError("the JSON array is not closed with ']': file truncated?")
            return
        if in_array is None:
            in_array = buf[0] == "["
            if in_array:
                buf = buf[1:]
                continue
        if in_array and buf[0] == "]":
            return
        while True:
            try:
                value, end = decoder.raw_decode(buf)
                break
            except RecursionError:
                end = _value_end(buf, 0) or -1
                while end == -1 and not eof and len(buf) < MAX_JSON_OBJECT and fill():
                    end = _value_end(buf, 0) or -1
                if end == -1:
                    yield line, ValueError("nested too deep to read, and not closed")
                    return
                value = ValueError(
                    f"nested more than {MAX_JSON_DEPTH} levels deep: not a catalogue record"
                )
                break
            except json.JSONDecodeError as exc:
                cut = _may_be_cut(exc, buf)
                if cut and not eof and len(buf) < MAX_JSON_OBJECT and fill():
                    continue
                where = line + buf[: exc.pos].count("\n")
                if cut and len(buf) >= MAX_JSON_OBJECT:
                    closed = yield from skip_long_value()
                    if not closed and in_array:
                        return
                    value = None
                    end = -1
                    break
                at = f" (line {where})" if where != line else ""
                yield line, ValueError(f"JSON syntax error{at}: {exc.msg}")
                if in_array:
                    return
                skip_broken_item()
                value = None
                end = -1
                break
        if end == -1:
            continue
        yield line, value
        line += buf[:end].count("\n")
        buf = buf[end:]


_NAMED_KEYS = 10


def _some(keys: list[str]) -> str:
    """The first few unknown keys and how many more: one line a person can read."""
    named = ", ".join(keys[:_NAMED_KEYS])
    more = len(keys) - _NAMED_KEYS
    return f"{named} and {more:,} more" if more > 0 else named


def read_json(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a JSON array of objects or a JSON Lines file (one object per line)."""
    file = str(path)
    with binary(path, stream) as handle:
        opened = yield from open_text(handle, file)
        if opened is None:
            return
        text, _sample = opened
        unknown_seen: set[str] = set()
        number = 0
        for line, value in iter_json_values(text):
            number += 1
            position = f"item {number} (line {line})"
            if isinstance(value, ValueError):
                yield Rejection(file, position, None, str(value))
                continue
            problem = _problem(value, text.encoding)
            if problem is not None:
                ident = value.get("id") if isinstance(value, dict) else None
                ident = ident if isinstance(ident, str) else None
                yield Rejection(file, position, ident, problem)
                continue
            if not isinstance(value, dict):
                yield Rejection(
                    file, position, None, f"expected an object {{...}}, got {type(value).__name__}"
                )
                continue
            row: dict[str, Any] = {}
            unknown = []
            for key, cell in value.items():
                canon = _ALIASES.get(fold(str(key)))
                if canon is None:
                    if key not in unknown_seen:
                        unknown_seen.add(key)
                        unknown.append(str(key))
                    continue
                merge(row, canon, cell)
            if unknown:
                yield Notice(file, position, None, "keys ignored (unknown): " + _some(unknown))
            yield row_to_item(row, position, file)
