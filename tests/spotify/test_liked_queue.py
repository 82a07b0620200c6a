"""A Liked Songs link through the queue: submit, a worker's resolve, the stored children."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from spotdesk.config import Settings
from spotdesk.model import LinkKind, TaskKind, TaskState
from spotdesk.service import Service
from spotdesk.spotify.resolver import Resolver
from spotdesk.store import open_store
from spotdesk.store.contract import Store
from spotdesk.workers.lease import StopFlag, TaskControl
from spotdesk.workers.playlists import list_children
from spotdesk.workers.protocol import EventWriter
from spotdesk.workers.runner import TaskRunner
from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.spotify_data import make_album, make_artist, make_track, synthetic_id
from tests.spotify.conftest import MemoryKeyring

LIKED_URL = "https://open.spotify.com/collection/tracks"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'queue.db'}")
    yield opened
    opened.close()


def submit_and_resolve(store: Store, fake: FakeSpotify, folder: Path) -> str:
    """Submit Liked Songs as the window does, then run the resolve task as a worker does."""
    settings = Settings(output_dir=str(folder))
    report = Service(store, settings).submit("spotify:user:exampleuser00:collection")
    assert report.rejected == []
    resolver = Resolver(fake.service_urls(), None, cache=store, timeout=5)
    runner = TaskRunner(
        store,
        EventWriter(io.StringIO(), "test"),
        "test",
        pipeline_factory=lambda: None,  # type: ignore[arg-type, return-value]
        resolver_factory=lambda _store: resolver,
        persist=lambda action: action(),
    )
    task = store.claim("test", 30)
    assert task is not None
    runner.run(task, TaskControl(task.id, task.lease_token or "", 30, StopFlag()))
    return report.accepted[0].task_id


def test_liked_songs_queue_children(
    fake_spotify: FakeSpotify, logged_in: object, store: Store, tmp_path: Path
) -> None:
    artist = make_artist(synthetic_id("qart", 1), "Queue Artist")
    album = make_album(synthetic_id("qalb", 1), "Queue Album", [artist], total_tracks=2)
    fake_spotify.accounts.add_saved_tracks(
        [
            make_track(synthetic_id("qtrk", number), f"Saved {number}", [artist], album)
            for number in (1, 2)
        ]
    )

    parent_id = submit_and_resolve(store, fake_spotify, tmp_path)

    parent = store.get(parent_id)
    assert parent.link == LIKED_URL
    assert parent.state is TaskState.DONE
    assert parent.title == "Liked Songs"
    children = list_children(store, parent_id)
    assert [child.kind for child in children] == [TaskKind.TRACK, TaskKind.TRACK]
    assert [child.track.title for child in children if child.track] == ["Saved 1", "Saved 2"]
    contexts = [child.context for child in children if child.context]
    assert [context.kind for context in contexts] == [LinkKind.LIKED, LinkKind.LIKED]
    assert {context.name for context in contexts} == {"Liked Songs"}


def test_liked_songs_queue_without_login(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, store: Store, tmp_path: Path
) -> None:
    parent_id = submit_and_resolve(store, fake_spotify, tmp_path)

    parent = store.get(parent_id)
    assert parent.state is TaskState.FAILED
    assert parent.error_code == "spotify.login_required"
    assert "Liked Songs need Log in with Spotify" in (parent.error_message or "")
