"""Fixtures for the HTTP API tests: a real uvicorn server over a real store.

`api` serves `create_app` with uvicorn on a free loopback port, in a thread. Its store is
a fresh SQLite file or a fresh database on the MongoDB wire-protocol test server, as
`store_kind` chooses, so every test using `api` runs on both. Requests go over real HTTP with httpx.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from spotdesk.api import create_app
from spotdesk.api.server import ApiServer, ServerThread
from spotdesk.config import Settings
from spotdesk.store import open_store
from spotdesk.store.contract import Store
from tests.fakes.mongo import MongoServer, mongo_server  # noqa: F401

TOKEN = "test-token-0123456789abcdef"
START_TIMEOUT = 20.0


@dataclass
class RunningApi:
    base_url: str
    store_uri: str
    library: Path
    client: httpx.Client  # sends the bearer token
    anonymous: httpx.Client  # sends no token
    server: ApiServer

    def store(self) -> Store:
        """Open the API's store directly, as a worker or the window would."""
        return open_store(self.store_uri)


@pytest.fixture(params=["sqlite", pytest.param("mongo", marks=pytest.mark.mongo)])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_uri(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if store_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.db'}"
    server: MongoServer = request.getfixturevalue("mongo_server")
    return server.database_uri(f"api_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


def serve(store_uri: str, library: Path, **app_options: object) -> tuple[ApiServer, ServerThread]:
    settings = Settings(output_dir=str(library))
    app = create_app(store_uri, settings, TOKEN, **app_options)  # type: ignore[arg-type]
    server = ApiServer(app, host="127.0.0.1", port=0)
    thread = ServerThread(server)
    thread.start()
    if not thread.wait_started(START_TIMEOUT):
        thread.stop()
        raise RuntimeError(f"the API server did not start within {START_TIMEOUT:.0f} s")
    return server, thread


@pytest.fixture
def api(store_uri: str, library: Path) -> Iterator[RunningApi]:
    server, thread = serve(store_uri, library)
    base_url = f"http://127.0.0.1:{server.bound_port}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with (
        httpx.Client(base_url=base_url, headers=headers, timeout=20) as client,
        httpx.Client(base_url=base_url, timeout=20) as anonymous,
    ):
        yield RunningApi(base_url, store_uri, library, client, anonymous, server)
    thread.stop()
    assert thread.error is None
