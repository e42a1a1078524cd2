"""Uploads and background imports.

An upload is streamed straight to a file in the console's private work folder as it arrives,
counting bytes and stopping at ``[console] max_upload_mb``; the browser's file name is never
used as a path (only its suffix, when it is one ``talkcat import`` knows, names the temporary
file so the format is detected exactly as for the same file on the command line).  The file is
never served back or executed: it is given to :func:`catalog.importing.import_files` - the
very function behind ``talkcat import`` - in a background thread, which reports progress; the
kiosk keeps reading the previous catalogue until that one transaction commits.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_multipart.multipart import MultipartParser, parse_options_header

from catalog import importing
from catalog.errors import CatalogError
from catalog.importing import ImportReport

log = logging.getLogger(__name__)

KNOWN_SUFFIXES = (
    importing.MARC_SUFFIXES | importing.XML_SUFFIXES | importing.CSV_SUFFIXES
    | importing.JSON_SUFFIXES
)
MAX_FIELD = 4096
"""Text fields (csrf, replace) are tiny; anything bigger is not our form."""


class UploadError(Exception):
    """The upload was refused; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Upload:
    fields: dict[str, str]
    path: Path | None
    original_name: str
    size: int


def _suffix(name: str) -> str:
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    return suffix if suffix in KNOWN_SUFFIXES else ".upload"


async def receive_upload(
    content_type: str, stream: AsyncIterator[bytes], folder: Path, max_bytes: int
) -> Upload:
    """Parse a ``multipart/form-data`` body, writing the ``file`` part to ``folder``."""
    ctype, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise UploadError("the form must be sent as multipart/form-data")
    fields: dict[str, str] = {}
    state: dict[str, Any] = {"name": "", "filename": None, "buf": b"", "size": 0, "handle": None}
    header: dict[str, bytes] = {"field": b"", "value": b""}
    headers: dict[bytes, bytes] = {}
    out: dict[str, Any] = {"path": None, "name": ""}

    def on_part_begin() -> None:
        headers.clear()
        state.update(name="", filename=None, buf=b"", handle=None)

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]

    def on_header_end() -> None:
        headers[header["field"].lower()] = header["value"]
        header["field"], header["value"] = b"", b""

    def on_headers_finished() -> None:
        _disp, options = parse_options_header(headers.get(b"content-disposition", b""))
        state["name"] = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if state["name"] == "file" and filename is not None:
            if out["path"] is not None:
                raise UploadError("send one file at a time")
            name = filename.decode("utf-8", "replace")
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in on_part_end
                dir=folder, prefix="upload-", suffix=_suffix(name), delete=False
            )
            state["handle"] = handle
            out["path"], out["name"] = Path(handle.name), name

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if state["handle"] is not None:
            state["size"] += len(chunk)
            if state["size"] > max_bytes:
                raise UploadError(
                    f"the file is larger than the limit of {max_bytes // (1024 * 1024)} MB"
                    " ([console] max_upload_mb)", 413,
                )
            state["handle"].write(chunk)
        else:
            state["buf"] += chunk
            if len(state["buf"]) > MAX_FIELD:
                raise UploadError("a form field is too long")

    def on_part_end() -> None:
        if state["handle"] is not None:
            state["handle"].close()
            state["handle"] = None
        elif state["name"]:
            fields[state["name"]] = state["buf"].decode("utf-8", "replace")

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        async for chunk in stream:
            parser.write(chunk)
        parser.finalize()
    except UploadError:
        _discard(state, out)
        raise
    except Exception as exc:  # the multipart parser's own errors: a broken upload
        _discard(state, out)
        raise UploadError(f"the upload was not a valid form: {exc}") from exc
    return Upload(fields, out["path"], out["name"], state["size"])


def _discard(state: dict[str, Any], out: dict[str, Any]) -> None:
    if state.get("handle") is not None:
        state["handle"].close()
    if out.get("path") is not None:
        Path(out["path"]).unlink(missing_ok=True)


@dataclass
class ImportJob:
    id: str
    name: str
    size: int
    replace: bool
    started: float = field(default_factory=time.time)
    read: int = 0
    total: int = 0
    finished: float | None = None
    report: ImportReport | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def fraction(self) -> float:
        if not self.running:
            return 1.0
        return min(1.0, self.read / self.total) if self.total else 0.0

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "running": self.running,
            "read": self.read,
            "total": self.total,
            "percent": round(self.fraction * 100, 1),
        }
        if self.report is not None:
            out["summary"] = self.report.summary()
        if self.error:
            out["error"] = self.error
        return out


class ImportJobs:
    """Runs one import at a time in the background; keeps the last few reports."""

    KEEP = 20

    def __init__(self, db: Path, folder: Path) -> None:
        self.db = db
        self.folder = folder
        self._lock = threading.Lock()
        self.jobs: dict[str, ImportJob] = {}

    def running(self) -> ImportJob | None:
        with self._lock:
            return next((j for j in self.jobs.values() if j.running), None)

    def get(self, job_id: str) -> ImportJob | None:
        with self._lock:
            return self.jobs.get(job_id)

    def start(self, upload: Upload, replace: bool) -> ImportJob:
        assert upload.path is not None
        job = ImportJob(
            id=secrets.token_urlsafe(12), name=upload.original_name, size=upload.size,
            replace=replace, total=upload.size,
        )
        with self._lock:
            if any(j.running for j in self.jobs.values()):
                upload.path.unlink(missing_ok=True)
                raise UploadError("another import is still running; wait for it to finish", 409)
            self.jobs[job.id] = job
            for old in list(self.jobs)[: -self.KEEP]:
                if not self.jobs[old].running:
                    del self.jobs[old]
        threading.Thread(
            target=self._run, args=(job, upload.path), name=f"console-import-{job.id}",
            daemon=True,
        ).start()
        return job

    def _run(self, job: ImportJob, path: Path) -> None:
        def progress(read: int, total: int) -> None:
            job.read, job.total = read, total

        try:
            job.report = importing.import_files(
                self.db, [path], replace=job.replace, progress=progress
            )
        except CatalogError as exc:
            job.error = str(exc)
        except Exception as exc:  # reported on the page, never a traceback to staff
            log.exception("console import failed")
            job.error = f"{type(exc).__name__}: {exc}"
        finally:
            path.unlink(missing_ok=True)
            job.finished = time.time()
            job.done.set()
            log.info("console import %s finished: %s", job.id,
                     job.report.summary() if job.report else job.error)

    def wait(self, job: ImportJob, seconds: float) -> None:
        """Wait up to ``seconds`` for a (small) import to finish, to show its report at once."""
        job.done.wait(seconds)


def report_csv(job: ImportJob) -> str:
    """The same columns as ``talkcat import --report``; the file is named by the browser's
    name only in the page, never on disk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["severity", "file", "position", "identifier", "reason"])
    report = job.report
    if report is not None:
        for severity, items in (("rejected", report.rejected), ("warning", report.warnings)):
            for item in items:
                writer.writerow([
                    severity, _shown_name(job, item.file), item.position,
                    getattr(item, "identifier", None) or "", _safe_cell(item.reason),
                ])
    return buffer.getvalue()


def _shown_name(job: ImportJob, file: str) -> str:
    """Reports name the upload as the browser called it, not by our temporary path."""
    return _safe_cell(job.name) if file.endswith((*KNOWN_SUFFIXES, ".upload")) else file


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
