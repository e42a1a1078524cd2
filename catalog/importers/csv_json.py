"""CSV/TSV and JSON/JSON Lines into catalogue entries.

The column set is documented in ``docs/catalogue.md``; headers may be English or Swedish
(``title``/``titel``, ``author``/``författare``, ``barcode``/``streckkod``...), in any case,
with or without diacritics.  Unknown columns are reported once, so a misspelt header does
not silently lose data.

Encoding: UTF-8 with or without BOM, and UTF-16 with BOM (Excel's "Unicode text").  When the
start of the file is not UTF-8 but is valid Windows-1252 (Excel's default "CSV" on Swedish
Windows), it is read as Windows-1252 and a warning says so; a file that is neither is refused
with a message saying how to re-save it.  The delimiter (``,`` ``;`` tab ``|``) is sniffed.

Everything is streamed: one row at a time for CSV, one object at a time for JSON (a top-level
array or a sequence of objects, one per line or not), and nothing is read unbounded: a CSV
line or field over its cap (:data:`MAX_ROW_CHARS`, :data:`MAX_FIELD_CHARS`) and a JSON value
over :data:`MAX_JSON_OBJECT` reject that record, never the file, and never fill the memory.

What one bad record must not do is take others with it.  A CSV quoted field that runs over
line ends without closing properly (a stray ``"``) would swallow the rows after it; it is
rejected with the line where it started and the lines after it are read again as rows, so
every line of the file is accounted for.  A JSON number too large for a float (``1e400``),
``NaN``/``Infinity`` or nesting deep enough to reach the recursion limit rejects that item
with its reason; the items after it still load.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from catalog.importers import Item, Notice, Rejection
from catalog.importers.jsonl import MAX_JSON_OBJECT, iter_json_values, read_json
from catalog.importers.rows import COLUMNS, canonical, merge, people_convention, row_to_item
from catalog.importers.text import SURROGATE, binary, detect_encoding, open_text
from catalog.spreadsheet import unescape_cell

log = logging.getLogger(__name__)

__all__ = [
    "COLUMNS",
    "MAX_JSON_OBJECT",
    "detect_encoding",
    "iter_json_values",
    "read_csv",
    "read_json",
]

MAX_FIELD_CHARS = 64 * 1024
"""The longest CSV cell read (a long summary is a few thousand characters)."""
MAX_ROW_CHARS = 1024 * 1024
"""The most characters one CSV row, over all its lines, may take: the memory bound."""


# --------------------------------------------------------------------------- CSV


class _Line(NamedTuple):
    number: int
    text: str
    whole: bool
    """False when the line was longer than :data:`MAX_ROW_CHARS` and only its start is here."""


class _Lines:
    """Physical lines of a text stream, each read with a bound, with room to put lines back
    (a row that swallowed the lines after it gives them back to be read again)."""

    def __init__(self, text: io.TextIOBase) -> None:
        self._text = text
        self._back: deque[_Line] = deque()
        self.number = 0

    def next(self) -> _Line | None:
        if self._back:
            return self._back.popleft()
        text = self._text.readline(MAX_ROW_CHARS + 1)
        if not text:
            return None
        self.number += 1
        whole = len(text) <= MAX_ROW_CHARS or text.endswith(("\n", "\r"))
        if not whole:  # skip the rest of an overlong line without holding it
            while True:
                rest = self._text.readline(MAX_ROW_CHARS)
                if not rest or rest.endswith(("\n", "\r")):
                    break
            text = text[:200]
        return _Line(self.number, text, whole)

    def put_back(self, lines: list[_Line]) -> None:
        self._back.extendleft(reversed(lines))


def _looks_like_row(text: str, delimiter: str, columns: int) -> bool:
    """Could this line, swallowed into a quoted field, have been a row of its own?"""
    try:
        cells = next(csv.reader([text], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return False
    return len(cells) >= max(columns, 2)


def _csv_rows(
    lines: _Lines, delimiter: str, columns: int, file: str
) -> Iterator[tuple[int, list[str]] | Rejection]:
    """``(first line, cells)`` per row, or a ``Rejection`` of a line that could not be one.

    A row may span lines (a quoted field with line breaks: a summary's paragraphs).  When such
    a row fails - the quote never closes, something other than a delimiter follows the
    closing quote, it has more cells than the header, or a line inside it would have been a
    row of its own - the quote was a stray one: the row's first line is rejected, saying so,
    and the lines after it are read again as rows.
    """
    while True:
        first = lines.next()
        if first is None:
            return
        if not first.whole:
            yield Rejection(
                file,
                f"line {first.number}",
                None,
                f"the line is longer than {MAX_ROW_CHARS:,} characters; not read",
            )
            continue
        taken = [first]
        overflow = [False]

        def source(taken: list[_Line] = taken, overflow: list[bool] = overflow) -> Iterator[str]:
            yield taken[0].text
            size = len(taken[0].text)
            while True:
                line = lines.next()
                if line is None:
                    return
                taken.append(line)
                size += len(line.text)
                if not line.whole or size > MAX_ROW_CHARS:
                    overflow[0] = True
                    return
                yield line.text

        error = None
        cells: list[str] = []
        try:
            cells = next(csv.reader(source(), delimiter=delimiter, strict=True))
        except StopIteration:
            return
        except csv.Error as exc:
            error = str(exc)
        if len(taken) > 1:
            spanned = len(taken) - 1
            if error is None and (
                len(cells) > columns
                or any(_looks_like_row(x.text, delimiter, columns) for x in taken[1:-1])
            ):
                error = "a line inside it reads as a row of its own"
            if overflow[0]:
                error = f"it runs past {MAX_ROW_CHARS:,} characters"
            if error is not None:
                yield Rejection(
                    file,
                    f"line {first.number}",
                    None,
                    f"a quoted field starts on this line and runs over {spanned} line end(s)"
                    f" without closing properly (a stray '\"'? {error}); this line is left"
                    " out and the lines after it are read as rows",
                )
                lines.put_back(taken[1:])
                continue
        elif error is not None:
            hint = " (a stray '\"'? a field with quotes in it is written \"a \"\"b\"\" c\")"
            reason = f"CSV syntax error: {error}" + (hint if '"' in error else "")
            yield Rejection(file, f"line {first.number}", None, reason)
            continue
        yield first.number, cells


def read_csv(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a CSV/TSV file, one per row; the position is the row's first line."""
    file = str(path)
    with binary(path, stream) as handle:
        opened = yield from open_text(handle, file)
        if opened is None:
            return
        text, sample = opened
        delimiter = _sniff(sample, path)
        lines = _Lines(text)
        rows = _csv_rows(lines, delimiter, 10**6, file)
        header = next(rows, None)
        if header is None:
            yield Rejection(file, "line 1", None, "the file is empty (no header line)")
            return
        if isinstance(header, Rejection):
            yield Rejection(file, "line 1", None, f"unreadable header: {header.reason}")
            return
        headers = header[1]
        mapped, unknown = canonical(headers)
        if "title" not in mapped and "text" not in mapped:
            unread = sum(1 for _ in _csv_rows(lines, delimiter, 10**6, file))
            yield Rejection(
                file,
                "whole file",
                None,
                f"no 'title' (or 'titel') column among the headers {headers!r} on line 1;"
                f" is the delimiter {delimiter!r} right? The whole file is left out"
                f" ({unread} more row(s) not read)",
            )
            return
        if unknown:
            yield Notice(file, "line 1", None, "columns ignored (unknown): " + ", ".join(unknown))
        names = people_convention(_sample_cells(sample, delimiter, mapped, "authors"))
        rows = _csv_rows(lines, delimiter, len(mapped), file)
        for found in rows:
            if isinstance(found, Rejection):
                yield found
                continue
            number, cells = found
            position = f"line {number}"
            if not any(c.strip() for c in cells):
                continue
            yield from _row(cells, mapped, position, file, text.encoding, names)


def _row(
    cells: list[str],
    mapped: list[str | None],
    position: str,
    file: str,
    encoding: str,
    names: str,
) -> Iterator[Item]:
    if any(SURROGATE.search(c) for c in cells):
        yield Rejection(
            file,
            position,
            None,
            f"bytes that are not valid {encoding} on this line; re-save as UTF-8",
        )
        return
    if len(cells) > len(mapped):
        yield Rejection(
            file,
            position,
            None,
            f"{len(cells)} cells but only {len(mapped)} columns in the header"
            " (an unquoted delimiter inside a value?)",
        )
        return
    for index, cell in enumerate(cells):
        if len(cell) > MAX_FIELD_CHARS:
            column = mapped[index] or f"column {index + 1}"
            yield Rejection(
                file,
                position,
                None,
                f"{column}: {len(cell):,} characters, more than the {MAX_FIELD_CHARS:,} a cell"
                " may hold",
            )
            return
    row: dict[str, Any] = {}
    for canon, value in zip(mapped, cells, strict=False):
        if canon is not None:
            merge(row, canon, unescape_cell(value))
    yield row_to_item(row, position, file, names)


def _sample_cells(sample: str, delimiter: str, mapped: list[str | None], column: str) -> list[str]:
    """The ``column`` cells of the rows in the sniffed start of the file."""
    if column not in mapped:
        return []
    index = mapped.index(column)
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    out = []
    try:
        next(reader, None)
        for cells in reader:
            if len(cells) > index:
                out.append(cells[index])
    except csv.Error:
        pass
    return out[:-1]  # the last row may be cut by the sniff window


def _sniff(sample: str, path: Path) -> str:
    first = sample.split("\n", 1)[0]
    if path.suffix.lower() in (".tsv", ".tab") or ("\t" in first and "," not in first):
        return "\t"
    try:
        return csv.Sniffer().sniff(sample[: 16 * 1024], delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","
