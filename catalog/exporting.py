"""``talkcat export`` and the import report: files staff open in a spreadsheet.

* **The column set ``talkcat import`` reads**, so staff can check, edit and re-import their
  data: people joined with ``"; "`` (a comma belongs to a name), so CSV export -> import is
  lossless field by field.
* **No formula injection** (OWASP "CSV injection"): a cell beginning with ``=`` ``+`` ``-``
  ``@``, tab or CR is written with a leading ``'``, so a spreadsheet shows it as text instead
  of running it.  ``talkcat import`` takes the ``'`` off again (:func:`unescape_cell`), and the
  rule is built so that the round trip is exact even for a value that itself begins with
  ``'=``.
* **All or nothing**: the file is written beside its final name and renamed over it only when
  complete, so a damaged catalogue or a full disk leaves no partial file (and an earlier export
  of the same name as it was).  Output paths are checked *before* the work
  (:func:`check_output`), so a typo in a folder name costs nothing.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from catalog.damage import DAMAGE_NOTE
from catalog.records import STILL_PUBLISHED, Label, Record, record_to_dict
from catalog.spreadsheet import escape_cell
from catalog.store import Catalog
from talkcat.errors import InvalidInput, Unavailable

EXPORT_COLUMNS = (
    "type", "id", "title", "subtitle", "part", "authors", "narrators", "corporate", "language",
    "year",
    "publisher", "edition", "extent", "pages", "playing_time_minutes", "series",
    "series_number", "summary", "subjects", "subject_languages", "genres", "kind", "isbn",
    "barcode", "rfid", "identifiers", "location", "available", "sample_path", "text",
    "original_title", "original_authors",  # MARC 880: appended, so old columns keep places
)  # fmt: skip


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`escape_cell`."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: list[Any] | tuple[Any, ...]) -> None:
        self._writer.writerow([escape_cell(c) for c in row])


# --------------------------------------------------------------------------- paths


#: The files SQLite and the writer lock keep beside a catalogue ``c.db``: ``c.db-wal`` ...
CATALOGUE_SIBLINGS = ("", "-wal", "-shm", "-journal", ".lock", DAMAGE_NOTE)


def _same_file(a: Path, b: Path) -> bool:
    """One file under two names: the same real path, or (a hard link) the same inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): different files
        return False


def check_output(
    path: Path, what: str, *, catalogue: Path | None = None, inputs: tuple[Path, ...] = ()
) -> None:
    """Raise ``InvalidInput`` (exit 2) when ``path`` cannot be written - before any work.

    The folder must exist and take a new file (tried for real: permission bits say little to
    root or on a read-only mount); an existing device or pipe is written as it is.  An output
    that is the ``catalogue`` (or one of its -wal/-shm/.lock files) or one of the ``inputs``
    is refused: it would be renamed over the very data it reports on (hostile3-12).
    """
    if catalogue is not None:
        for suffix in CATALOGUE_SIBLINGS:
            if _same_file(path, Path(f"{catalogue}{suffix}")):
                which = "the catalogue itself" if not suffix else f"the catalogue's {suffix} file"
                raise InvalidInput(
                    f"{what} {path}: is {which} ({catalogue}{suffix}); writing there would"
                    " destroy the catalogue - give another file name"
                )
    for source in inputs:
        if _same_file(path, source):
            raise InvalidInput(
                f"{what} {path}: is the input file {source}; writing there would replace it"
                " - give another file name"
            )
    if path.is_dir():
        raise InvalidInput(f"{what} {path}: is a folder; give a file name")
    if path.exists() and not path.is_file():
        return  # /dev/stdout, a pipe: written directly
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInput(f"{what} {path}: the folder {folder} does not exist")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{path.name}.", suffix=".check"):
            pass
    except OSError as exc:
        raise InvalidInput(
            f"{what} {path}: cannot write in the folder {folder}: {exc.strerror}"
        ) from exc


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[str]]:
    """A text stream that becomes ``path`` only when the block ends without error.

    Written to a temporary file in the same folder, flushed to disk, then renamed over
    ``path`` (atomic on POSIX).  On any error the temporary file is removed and the error is
    raised as ``Unavailable`` (exit 3) saying nothing was written.
    """
    if path.exists() and not path.is_file():
        try:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                yield handle
        except OSError as exc:
            raise Unavailable(f"cannot write {path}: {exc.strerror}") from exc
        return
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise Unavailable(
                f"cannot write {path}: {exc.strerror or exc}; nothing was written"
                + (" (the file there before is as it was)" if path.exists() else "")
            ) from exc
        raise


# --------------------------------------------------------------------------- export


def _year(record: Record) -> str | int:
    """The year, or a decade or century as ISBD writes one ("199-", "19--") so that an
    export imported again keeps it."""
    if not record.year:
        return ""
    if record.year_span in (10, 100):
        digits = 3 if record.year_span == 10 else 2
        return str(record.year)[:digits] + "-" * (4 - digits)
    if record.year_end or record.year_circa:  # "ca 1520", "1920-1922"
        end = "" if record.year_end == STILL_PUBLISHED else record.year_end
        said = f"{record.year}-{end}" if record.year_end else str(record.year)
        return f"ca {said}" if record.year_circa else said
    return record.year


def _csv_row(record: Record, extra: list[str]) -> list[Any]:
    join = "; ".join
    return [
        "record", record.id, record.title, record.subtitle or "", record.part or "",
        join(record.authors), join(record.narrators), join(record.corporate),
        record.language or "",
        _year(record), record.publisher or "", record.edition or "", record.extent or "",
        record.pages or "", record.playing_time_minutes or "", record.series or "",
        record.series_number or "", record.summary or "", join(record.subjects),
        join(record.subject_languages),
        join(record.genres), record.kind, join(record.isbns), join(record.barcodes),
        join(record.rfids), join(extra), join(record.locations),
        "yes" if record.available else "no", record.sample_path or "", "",
        record.original_title or "", join(record.original_authors),
    ]  # fmt: skip


def _label_row(label: Label, keys: list[str]) -> list[Any]:
    row: dict[str, Any] = {c: "" for c in EXPORT_COLUMNS}
    row.update(type="label", id=label.id, text=label.text, language=label.lang or "")
    row["identifiers"] = "; ".join(keys)
    return [row[c] for c in EXPORT_COLUMNS]


def export(catalog: Catalog, fmt: str, out: IO[str]) -> int:
    """Write every record and label of ``catalog`` to ``out`` as ``csv`` or ``jsonl``;
    return how many rows.  A damaged catalogue raises ``CatalogError`` part-way: write to
    :func:`atomic_output` so that leaves no partial file."""
    count = 0
    writer = SafeWriter(out) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(EXPORT_COLUMNS)
    for record, extra in catalog.records_with_keys():
        count += 1
        if writer is not None:
            writer.writerow(_csv_row(record, extra))
        else:
            data = {"type": "record", **record_to_dict(record)}
            if any([data.pop(k, None) for k in ("year_span", "year_end", "year_circa")]):
                data["year"] = _year(record)  # "199-", "ca 1520": what the importer reads back
            if extra:
                data["identifiers"] = extra
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    for label, keys in catalog.labels():
        count += 1
        if writer is not None:
            writer.writerow(_label_row(label, keys))
        else:
            data = {"type": "label", "id": label.id, "text": label.text, "identifiers": keys}
            if label.lang:
                data["language"] = label.lang
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
    return count
