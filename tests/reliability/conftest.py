"""The OAI-PMH fixtures of the harvest fault tests: a real repository on loopback, and a
catalogue that already holds a record the repository does not send."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.catalog.harvest_support import LIBRIS, loaded_catalogue
from tests.catalog.oai_server import OaiServer, Repository, items_from, marc_records


@pytest.fixture
def server() -> Iterator[OaiServer]:
    with OaiServer(Repository(items_from(marc_records(LIBRIS))), batch=10) as running:
        yield running


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    return loaded_catalogue(tmp_path)
