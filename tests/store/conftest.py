"""Fixtures for the store tests: one `store` fixture per implementation.

Every contract test runs once against SQLite (a file in the test's folder) and once
against MongoDB (a real wire-protocol server started once per session, with a fresh
database per test).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from spotdesk.model import OutputOptions, TaskKind
from spotdesk.store import open_store
from spotdesk.store.contract import NewTask, Store
from tests.fakes.mongo import MongoServer, mongo_server  # noqa: F401 - session fixture

StoreFactory = Callable[[], Store]


@pytest.fixture(params=["sqlite", pytest.param("mongo", marks=pytest.mark.mongo)])
def store_uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.db'}"
    server: MongoServer = request.getfixturevalue("mongo_server")
    return server.database_uri(f"test_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def open_stores(store_uri: str) -> Iterator[StoreFactory]:
    """Open further stores on the same database, closed when the test ends."""
    opened: list[Store] = []

    def factory() -> Store:
        store = open_store(store_uri)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(open_stores: StoreFactory) -> Store:
    return open_stores()


@pytest.fixture
def options(tmp_path: Path) -> OutputOptions:
    return OutputOptions(folder=str(tmp_path / "music"))


def track_task(options: OutputOptions, name: str, **fields: object) -> NewTask:
    """Return a track task whose link and dedupe key are made from `name`."""
    values: dict[str, object] = {
        "kind": TaskKind.TRACK,
        "link": f"https://open.spotify.com/track/{name}",
        "options": options,
        "dedupe_key": f"track:{name}",
    }
    values.update(fields)
    return NewTask(**values)  # type: ignore[arg-type]


def resolve_task(options: OutputOptions, name: str, **fields: object) -> NewTask:
    values: dict[str, object] = {
        "kind": TaskKind.RESOLVE,
        "link": f"https://open.spotify.com/playlist/{name}",
        "options": options,
        "dedupe_key": f"resolve:{name}",
    }
    values.update(fields)
    return NewTask(**values)  # type: ignore[arg-type]
