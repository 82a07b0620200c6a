"""`/api/v1/stats`, `/api/v1/health`, and store calls kept off the event loop."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from spotdesk.errors import SpotdeskError
from spotdesk.model import OutputOptions
from spotdesk.store.contract import Outcome
from tests.api.conftest import TOKEN, RunningApi, serve
from tests.api.helpers import ALBUM_LINK, TRACK_LINKS, add_tracks, claim

DOWNLOADS = "/api/v1/downloads"


def collection(api: RunningApi, tracks: int) -> list[str]:
    response = api.client.post(DOWNLOADS, json={"links": [ALBUM_LINK]})
    parent = response.json()["tasks"][0]["id"]
    with api.store() as store:
        return add_tracks(store, parent, tracks, OutputOptions(folder=str(api.library)))


def test_stats_count_states_bytes_failures(api: RunningApi) -> None:
    done, failed, _queued = collection(api, 3)
    with api.store() as store:
        token = claim(store, done)
        store.complete(done, token, Outcome(output_path="/x.mp3", bytes_written=4096))
        token = claim(store, failed)
        store.fail(failed, token, SpotdeskError("Gone.", code="fetch.unavailable"))

    stats = api.client.get("/api/v1/stats").json()

    assert stats["counts"]["done"] == 1
    assert stats["counts"]["failed"] == 1
    assert stats["counts"]["queued"] == 1
    assert stats["downloads"] == 1
    assert stats["bytes"] == 4096
    assert stats["failures"] == {"fetch.unavailable": 1}
    assert len(stats["days"]) == 1
    assert stats["days"][0]["downloads"] == 1
    assert stats["days"][0]["failures"] == {"fetch.unavailable": 1}


def test_stats_days_bounded(api: RunningApi) -> None:
    assert api.client.get("/api/v1/stats", params={"days": 0}).status_code == 422
    assert api.client.get("/api/v1/stats", params={"days": 367}).status_code == 422
    assert api.client.get("/api/v1/stats", params={"days": 7}).status_code == 200


def test_health_ok_on_idle_queue(api: RunningApi) -> None:
    health = api.anonymous.get("/api/v1/health").json()

    assert health["store"]["ok"] is True
    assert health["ffmpeg"]["ok"] is True
    assert health["javascript_runtime"]["ok"] is True
    assert health["workers"]["ok"] is True
    assert health["status"] == "ok"


def test_health_degraded_without_workers(api: RunningApi) -> None:
    api.client.post(DOWNLOADS, json={"links": TRACK_LINKS[:1]})

    health = api.anonymous.get("/api/v1/health").json()

    assert health["workers"]["ok"] is False
    assert health["workers"]["seen"] == 0
    assert health["status"] == "degraded"


def test_health_sees_lease_holders(api: RunningApi) -> None:
    response = api.client.post(DOWNLOADS, json={"links": TRACK_LINKS[:2]})
    first = response.json()["tasks"][0]["id"]
    with api.store() as store:
        claim(store, first)

    health = api.anonymous.get("/api/v1/health").json()

    assert health["workers"]["seen"] == 1
    assert health["workers"]["ok"] is True


def test_health_shows_no_paths_or_uri(api: RunningApi) -> None:
    text = api.anonymous.get("/api/v1/health").text

    assert str(api.library) not in text
    assert "sqlite" not in text
    assert "mongodb" not in text
    assert "/" not in text.replace("\\/", "")


def test_health_reports_unreachable_store(tmp_path: Path, library: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    server, thread = serve(f"sqlite:///{blocker / 'queue.db'}", library)
    try:
        import httpx

        url = f"http://127.0.0.1:{server.bound_port}"
        health = httpx.get(f"{url}/api/v1/health", timeout=20)
        listing = httpx.get(
            f"{url}/api/v1/downloads", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=20
        )
    finally:
        thread.stop()

    assert health.status_code == 503
    assert health.json()["status"] == "down"
    assert health.json()["store"]["ok"] is False
    assert listing.status_code == 503
    assert listing.headers["Retry-After"]
    assert listing.json()["error"]["code"] == "store.unavailable"


def test_workers_probe_counts_managed_workers(tmp_path: Path, library: Path) -> None:
    server, thread = serve(f"sqlite:///{tmp_path / 'q.db'}", library, workers_probe=lambda: 3)
    try:
        import httpx

        health = httpx.get(f"http://127.0.0.1:{server.bound_port}/api/v1/health", timeout=20)
    finally:
        thread.stop()

    assert health.json()["workers"]["seen"] == 3


@pytest.mark.parametrize("store_kind", ["sqlite"])
def test_locked_store_blocks_no_reader(api: RunningApi) -> None:
    """A write stuck on a locked SQLite file holds a pool thread, not the event loop."""
    path = api.store_uri.removeprefix("sqlite:///")
    api.client.get(DOWNLOADS)  # the schema exists once the API has opened the store
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    results: dict[str, int] = {}

    def post() -> None:
        response = api.client.post(DOWNLOADS, json={"links": TRACK_LINKS[:1]})
        results["post"] = response.status_code

    writer = threading.Thread(target=post)
    writer.start()
    try:
        time.sleep(0.5)
        started = time.monotonic()
        listing = api.client.get(DOWNLOADS)
        health = api.anonymous.get("/api/v1/health")
        elapsed = time.monotonic() - started
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        writer.join(60)

    assert listing.status_code == 200
    assert health.status_code == 200
    assert elapsed < 2.0
    assert results["post"] in (202, 503)
