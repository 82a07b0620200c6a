"""A submitted album through real worker processes: Spotify resolve over loopback, children,
the stand-in pipeline and the playlist file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spotdesk.config import Settings
from spotdesk.model import OutputOptions, TaskState
from spotdesk.service import Service
from spotdesk.store.contract import Store
from spotdesk.workers.foreground import run_until_done
from spotdesk.workers.playlists import list_children
from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.spotify_data import synthetic_id

FAST_WORKERS = ("--idle-poll", "0.5", "--heartbeat", "0.5")
ALBUM_ID = synthetic_id("workalbum", 1)


@pytest.fixture
def fake_spotify(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        for variable, value in {**fake.env, **fake.credential_env}.items():
            monkeypatch.setenv(variable, value)
        fake.add_generated_album(ALBUM_ID, 4, name="Worker Album")
        yield fake


def test_album_downloads_through_workers(
    qapp,
    worker_env,
    fake_spotify: FakeSpotify,
    store: Store,
    store_uri: str,
    library: Path,
    monkeypatch,
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.2")
    service = Service(store, Settings())
    report = service.submit(
        f"https://open.spotify.com/album/{ALBUM_ID}", OutputOptions(folder=str(library))
    )
    [accepted] = report.accepted

    summary = run_until_done(store_uri, [accepted.task_id], 2, worker_args=FAST_WORKERS)

    assert summary["done"] == 4
    assert summary["failed"] == 0
    parent = store.get(accepted.task_id)
    assert parent.state is TaskState.DONE
    assert parent.title == "Worker Album"
    children = list_children(store, accepted.task_id)
    assert [child.track.title for child in children if child.track] == [
        f"Worker Album Track {n}" for n in range(1, 5)
    ]
    playlist = (library / "Worker Album.m3u8").read_text(encoding="utf-8")
    entries = [line for line in playlist.splitlines() if line and not line.startswith("#")]
    assert entries == [f"{child.track.id}.txt" for child in children if child.track]


def test_album_resubmitted_uses_cached_metadata(
    qapp,
    worker_env,
    fake_spotify: FakeSpotify,
    store: Store,
    store_uri: str,
    library: Path,
    monkeypatch,
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.05")
    service = Service(store, Settings())
    link = f"https://open.spotify.com/album/{ALBUM_ID}"
    first = service.submit(link, OutputOptions(folder=str(library))).accepted[0]
    run_until_done(store_uri, [first.task_id], 1, worker_args=FAST_WORKERS)
    calls_after_first = fake_spotify.api_calls()

    second = service.submit(link, OutputOptions(folder=str(library))).accepted[0]
    summary = run_until_done(store_uri, [second.task_id], 1, worker_args=FAST_WORKERS)

    assert calls_after_first > 0
    assert second.task_id != first.task_id
    assert fake_spotify.api_calls() == calls_after_first
    assert summary["skipped"] == 4
