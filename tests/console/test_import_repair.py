"""The console's import with "replace" repairs a damaged catalogue, as `talkcat import
--replace` does: the same library function, the same one line about the kept file."""

from __future__ import annotations

import shutil
from pathlib import Path

from catalog.importing import import_files
from catalog.store import Catalog
from kiosk.console.imports import ImportJobs, Upload
from tests.support import FIXTURES

LIBRIS = FIXTURES / "libris_bib_28.mrc"


def test_console_replace_rebuilds_a_damaged_catalogue(tmp_path: Path) -> None:
    db = tmp_path / "catalogue.db"
    assert import_files(db, [LIBRIS, FIXTURES / "fennica_melinda_131.mrc"]).committed
    data = bytearray(db.read_bytes())
    for page in range(1, len(data) // 4096):  # every page but the header scribbled
        data[page * 4096 + 8 : page * 4096 + 40] = b"\xff" * 32
    db.write_bytes(bytes(data))
    work = tmp_path / "work"
    work.mkdir()
    upload = work / "upload-1.mrc"
    shutil.copy(LIBRIS, upload)
    jobs = ImportJobs(db, work)
    job = jobs.start(Upload({}, upload, "export.mrc", upload.stat().st_size), replace=True)
    assert job.done.wait(120), "the import did not finish"
    assert job.error is None and job.report is not None and job.report.committed
    summary = job.as_json()["summary"]
    assert summary.startswith("28 added") and "the damaged catalogue was rebuilt" in summary
    assert job.report.kept is not None and job.report.kept.read_bytes() == bytes(data)
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.check(full=True) == [] and catalog.stats()["records"] == 28
