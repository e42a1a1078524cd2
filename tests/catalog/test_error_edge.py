"""No ``sqlite3.Error`` leaves the catalogue untranslated (issue 11, one error edge)."""

from __future__ import annotations

import inspect
import sqlite3

import pytest
from click.testing import CliRunner

from catalog.errors import CatalogError
from catalog.importing import import_files
from catalog.missing import MissingCounter
from catalog.store import Catalog
from kiosk.cli import main
from tests.support import FIXTURES


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "catalogue.db"
    import_files(path, [FIXTURES / "libris_bib_28.mrc"])
    return path


def test_a_failing_query_is_a_catalog_error_naming_the_file(db) -> None:
    catalog = Catalog.open(db, readonly=True)
    catalog._conn.close()  # what a vanished or damaged file looks like to the next query
    with pytest.raises(CatalogError, match=str(db)) as caught:
        catalog.search("jansson")
    assert isinstance(caught.value.__cause__, sqlite3.Error)
    with pytest.raises(CatalogError):
        list(catalog.records())  # generators too, while they are iterated


def test_every_public_method_translates() -> None:
    for cls in (Catalog, MissingCounter):
        for name, member in vars(cls).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            assert hasattr(member, "__wrapped__"), f"{cls.__name__}.{name} is not translated"


def test_a_damaged_catalogue_is_one_line_and_exit_3(db) -> None:
    data = bytearray(db.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first is garbage
    db.write_bytes(bytes(data))
    for args in (["search", "jansson", "--db", str(db)], ["export", "--db", str(db)],
                 ["catalog", "stats", "--db", str(db)]):
        result = CliRunner().invoke(main, args)
        assert "Traceback" not in result.output and not isinstance(result.exception, sqlite3.Error)
        assert result.exit_code == 3, (args, result.output)
