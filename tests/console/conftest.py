"""Fixtures for the console tests: one real catalogue and config per module, and the
console app in-process (Starlette's TestClient drives the real ASGI app, lifespan included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the console extra is not installed")

from kiosk.console.app import Console, create_app
from kiosk.console.command import settings_from
from tests.console.support import make_catalogue, write_config


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("console")
    db = make_catalogue(folder)
    config = write_config(folder, db, max_upload_mb=1)
    return {"folder": folder, "db": db, "config": config}


def make_client(config: Path, **changes: object) -> Iterator[object]:
    from dataclasses import replace

    from starlette.testclient import TestClient

    settings = replace(settings_from(None, str(config), None), **changes)
    console = Console(settings)
    with TestClient(create_app(console), base_url="http://127.0.0.1") as client:
        client.console = console  # type: ignore[attr-defined]
        yield client


@pytest.fixture
def client(site: dict[str, Path]) -> Iterator[object]:
    yield from make_client(site["config"])
