"""The API and the workers as separate processes over one queue.

`spotdesk api` runs as a uvicorn subprocess on a free loopback port. Tasks submitted
through it are claimed by `python -m spotdesk.worker` processes started on their own.
The workers fetch metadata from the fake Spotify and audio from the loopback media server;
the links are manual pairs, so no search is needed. The test follows progress through
`/events`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from spotdesk.config import Settings, save_settings
from tests.api.sse import read_events
from tests.fakes import spotify_data
from tests.fakes.media_server import MediaServer, make_tone
from tests.fakes.spotify_api import FakeSpotify

pytestmark = pytest.mark.slow

TOKEN = "two-process-token-0123456789"
START_TIMEOUT = 30.0
FINISH_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
TRACK_TITLES = ["Tone One", "Tone Two"]


@dataclass
class Deployment:
    url: str
    store_uri: str
    library: Path
    env: dict[str, str]
    spotify: FakeSpotify
    media: MediaServer
    client: httpx.Client

    def pair(self, number: int) -> str:
        track_id = spotify_data.synthetic_id("track", number)
        return f"{self.media.url('tone.webm')}|spotify:track:{track_id}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)
        raise AssertionError(
            f"process {process.args} ignored SIGTERM for {STOP_TIMEOUT} s"
        ) from None


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"spotdesk api exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code in (200, 503):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(
        f"spotdesk api did not answer within {START_TIMEOUT} s:\n{log.read_text()}"
    )


@pytest.fixture
def media(tmp_path: Path) -> Iterator[MediaServer]:
    server = MediaServer()
    server.add("tone.webm", make_tone(tmp_path / "tone.webm", 2.0))
    with server:
        yield server


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify(load_recordings=False) as fake:
        artist = spotify_data.make_artist(spotify_data.synthetic_id("artist", 1), "Sine Band")
        album = spotify_data.make_album(
            spotify_data.synthetic_id("album", 1), "Tones", [artist], total_tracks=2
        )
        tracks = [
            spotify_data.make_track(
                spotify_data.synthetic_id("track", number),
                title,
                [artist],
                album,
                track_number=number,
                duration_ms=2000,
            )
            for number, title in enumerate(TRACK_TITLES, start=1)
        ]
        fake.add_album(album, tracks)
        yield fake


def deployment_env(spotify: FakeSpotify, library: Path) -> dict[str, str]:
    env = {**os.environ, **spotify.env, **spotify.credential_env}
    env["SPOTDESK_API_TOKEN"] = TOKEN
    env["PYTHONUNBUFFERED"] = "1"
    save_settings(Settings(output_dir=str(library)))  # the config folder is the test's own
    return env


@pytest.fixture
def deployment(
    tmp_path: Path, store_uri: str, spotify: FakeSpotify, media: MediaServer
) -> Iterator[Deployment]:
    """`spotdesk api --workers 0` over SQLite or MongoDB, as `store_kind` chooses."""
    library = tmp_path / "library"
    library.mkdir()
    env = deployment_env(spotify, library)
    port = free_port()
    log = tmp_path / "api.log"
    api = start(
        [sys.executable, "-m", "spotdesk", "-v", "api", "--port", str(port),
         "--store", store_uri, "--workers", "0"],
        env,
        log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, api, log)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=20) as client:
            yield Deployment(url, store_uri, library, env, spotify, media, client)
    finally:
        status = stop(api)
    assert status == 0, log.read_text()
    assert TOKEN not in log.read_text()


def wait_all_done(client: httpx.Client, ids: list[str]) -> list[dict]:
    deadline = time.monotonic() + FINISH_TIMEOUT
    while time.monotonic() < deadline:
        tasks = [client.get(f"/api/v1/downloads/{task_id}").json() for task_id in ids]
        if all(task["state"] in ("done", "failed", "cancelled") for task in tasks):
            return tasks
        time.sleep(0.5)
    raise AssertionError(f"tasks did not finish within {FINISH_TIMEOUT} s: {tasks}")


def test_separate_workers_finish_api_tasks(deployment: Deployment, tmp_path: Path) -> None:
    with read_events(deployment.client) as reader:
        response = deployment.client.post(
            "/api/v1/downloads", json={"links": [deployment.pair(1), deployment.pair(2)]}
        )
        assert response.status_code == 202, response.text
        ids = [task["id"] for task in response.json()["tasks"]]

        workers = [
            start(
                [sys.executable, "-m", "spotdesk.worker", "--store", deployment.store_uri,
                 "--id", f"separate-{number}"],
                deployment.env,
                tmp_path / f"worker{number}.log",
            )
            for number in (1, 2)
        ]
        try:
            tasks = wait_all_done(deployment.client, ids)
            reader.wait_for(
                lambda events: all(
                    any(e.event == "task" and e.data["id"] == task_id
                        and e.data["state"] == "done" for e in events)
                    for task_id in ids
                )
            )
        finally:
            statuses = [stop(worker) for worker in workers]
        stats = deployment.client.get("/api/v1/stats").json()

    logs = "\n".join((tmp_path / f"worker{n}.log").read_text() for n in (1, 2))
    assert [task["state"] for task in tasks] == ["done", "done"], logs
    assert statuses == [0, 0], logs
    for task in tasks:
        assert Path(task["output_path"]).is_file()
        assert Path(task["output_path"]).parent == deployment.library.resolve()

    assert stats["counts"]["done"] == 2
    assert stats["downloads"] == 2
    assert stats["bytes"] > 0

    seen = [e.data for e in reader.events if e.event == "task" and e.data["id"] in ids]
    assert any(event["state"] == "running" for event in seen)
    assert any(event["stage"] is not None for event in seen)
    assert {event["owner"] for event in seen if event.get("owner")} <= {"separate-1", "separate-2"}


def test_api_with_own_workers_returns_tasks_on_stop(
    tmp_path: Path, store_uri: str, spotify: FakeSpotify, media: MediaServer
) -> None:
    """`spotdesk api --workers 1` runs a worker; stopping it hands a running task back."""
    library = tmp_path / "library"
    library.mkdir()
    env = deployment_env(spotify, library)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "api.log"
    media.throttle(2_000)  # bytes per second: the download runs until the API is stopped

    api = start(
        [sys.executable, "-m", "spotdesk", "-v", "api", "--port", str(port),
         "--store", store_uri, "--workers", "1"],
        env,
        log,
    )
    try:
        wait_healthy(url, api, log)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=20) as client:
            pair = f"{media.url('tone.webm')}|spotify:track:{spotify_data.synthetic_id('track', 1)}"
            response = client.post("/api/v1/downloads", json={"links": [pair]})
            task_id = response.json()["tasks"][0]["id"]
            deadline = time.monotonic() + START_TIMEOUT
            while client.get(f"/api/v1/downloads/{task_id}").json()["state"] != "running":
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            health = client.get("/api/v1/health").json()
    finally:
        media.throttle(None)
        status = stop(api)

    assert status == 0, log.read_text()
    assert health["workers"]["seen"] >= 1
    from spotdesk.store import open_store

    with open_store(store_uri) as store:
        task = store.get(task_id)
    assert task.state.value == "queued", log.read_text()
    assert task.owner is None


def test_sigterm_closes_open_streams(tmp_path: Path, spotify: FakeSpotify) -> None:
    library = tmp_path / "library"
    library.mkdir()
    env = deployment_env(spotify, library)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "api.log"
    api = start(
        [sys.executable, "-m", "spotdesk", "api", "--port", str(port),
         "--store", f"sqlite:///{tmp_path / 'queue.db'}", "--workers", "0"],
        env,
        log,
    )
    try:
        wait_healthy(url, api, log)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=url, headers=headers, timeout=20) as client:
            with read_events(client) as reader:
                started = time.monotonic()
                api.send_signal(signal.SIGTERM)
                assert reader.closed.wait(STOP_TIMEOUT)
                closed_after = time.monotonic() - started
    finally:
        status = stop(api)

    assert status == 0, log.read_text()
    # The stream ends within one poll interval, not after uvicorn's shutdown timeout.
    assert closed_after < 5.0
