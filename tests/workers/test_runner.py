"""TaskRunner in-process on a real SQLite queue: task kinds and how results map to states."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

from spotdesk.errors import SpotdeskError
from spotdesk.model import (
    NEEDS_REVIEW,
    LinkKind,
    OutputOptions,
    Resolution,
    SkippedEntry,
    SpotifyLink,
    TaskKind,
    TaskState,
    Track,
)
from spotdesk.spotify.errors import RateLimited
from spotdesk.store.contract import NewTask, Store
from spotdesk.workers.lease import StopFlag, TaskControl
from spotdesk.workers.playlists import list_children
from spotdesk.workers.protocol import EventWriter
from spotdesk.workers.runner import TaskRunner
from tests.workers.slow_pipeline import SlowPipeline

ALBUM = SpotifyLink(LinkKind.ALBUM, "1DFixLWuPkv3KT3TnV35m3")
TRACK_ID = "4uLU6hMCjMI75M1A2tKUQC"


def make_track(number: int, title: str | None = None) -> Track:
    return Track(
        id=f"{TRACK_ID[:-2]}{number:02d}",
        title=title or f"Song {number}",
        artists=["Artist"],
        duration_ms=3000,
    )


class FakeResolver:
    def __init__(
        self, resolution: Resolution | None = None, error: Exception | None = None
    ) -> None:
        self.resolution = resolution
        self.error = error
        self.track_calls: list[str] = []

    def resolve(self, link: SpotifyLink) -> Resolution:
        if self.error is not None:
            raise self.error
        assert self.resolution is not None
        return self.resolution

    def track(self, track_id: str) -> Track:
        self.track_calls.append(track_id)
        return Track(id=track_id, title="Looked Up", artists=["Artist"], duration_ms=3000)


class RaisingPipeline:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def run(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error


class Harness:
    """Claim tasks from the store and run them with a TaskRunner in this process."""

    def __init__(self, store: Store, pipeline: Any, resolver: FakeResolver) -> None:
        self.store = store
        self.output = io.StringIO()
        self.runner = TaskRunner(
            store,
            EventWriter(self.output, "test"),
            "test",
            pipeline_factory=lambda: pipeline,
            resolver_factory=lambda _store: resolver,
            persist=lambda action: action(),
        )

    def run_next(self) -> str:
        task = self.store.claim("test", 30)
        assert task is not None, "nothing to claim"
        self.runner.run(task, TaskControl(task.id, task.lease_token or "", 30, StopFlag()))
        return task.id

    def run_all(self) -> None:
        while (task := self.store.claim("test", 30)) is not None:
            self.runner.run(task, TaskControl(task.id, task.lease_token or "", 30, StopFlag()))

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.output.getvalue().splitlines()]


def submit(store: Store, kind: TaskKind, link: str, library: Path, **extra: Any) -> str:
    task = NewTask(
        kind=kind,
        link=link,
        options=OutputOptions(folder=str(library)),
        dedupe_key=f"{kind}:{link}",
        **extra,
    )
    return store.submit([task])[0].task_id


def album(count: int) -> Resolution:
    return Resolution(
        link=ALBUM,
        name="Test Album",
        tracks=[make_track(number) for number in range(count)],
        skipped=[
            SkippedEntry(position=3, reason="unavailable", message="not available in your market")
        ],
    )


def test_resolve_creates_children_in_order(store: Store, library: Path) -> None:
    harness = Harness(store, SlowPipeline(0.0), FakeResolver(album(3)))
    parent_id = submit(store, TaskKind.RESOLVE, ALBUM.url, library, priority=5)

    harness.run_next()

    parent = store.get(parent_id)
    assert parent.state is TaskState.DONE
    assert parent.child_count == 3
    assert [entry.reason for entry in parent.skipped] == ["unavailable"]
    children = list_children(store, parent_id)
    assert [child.position for child in children] == [1, 2, 3]
    assert [child.track.title for child in children if child.track] == [
        "Song 0",
        "Song 1",
        "Song 2",
    ]
    assert [child.context.position for child in children if child.context] == [1, 2, 3]
    assert {child.priority for child in children} == {5}
    assert {child.state for child in children} == {TaskState.QUEUED}


def test_resolve_twice_keeps_one_set_of_children(store: Store, library: Path) -> None:
    harness = Harness(store, SlowPipeline(0.0), FakeResolver(album(2)))
    parent_id = submit(store, TaskKind.RESOLVE, ALBUM.url, library)
    task = store.claim("test", 30)
    assert task is not None
    children = [
        NewTask(
            kind=TaskKind.TRACK,
            link=make_track(0).url,
            options=task.options,
            dedupe_key="first-run",
            parent_id=parent_id,
            position=1,
        )
    ]
    store.add_children(task.id, task.lease_token or "", children)
    store.release(task.id, task.lease_token or "")

    harness.run_next()

    assert [child.position for child in list_children(store, parent_id)] == [1, 2]


def test_collection_playlist_written_when_children_final(store: Store, library: Path) -> None:
    harness = Harness(store, SlowPipeline(0.0), FakeResolver(album(3)))
    submit(store, TaskKind.RESOLVE, ALBUM.url, library)

    harness.run_all()

    playlist = library / "Test Album.m3u8"
    assert playlist.exists()
    entries = [
        line
        for line in playlist.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert entries == [f"{make_track(number).id}.txt" for number in range(3)]


def test_resolve_failure_fails_task(store: Store, library: Path) -> None:
    error = SpotdeskError("The album was not found.", code="spotify.not_found")
    harness = Harness(store, SlowPipeline(0.0), FakeResolver(error=error))
    parent_id = submit(store, TaskKind.RESOLVE, ALBUM.url, library)

    harness.run_next()

    parent = store.get(parent_id)
    assert parent.state is TaskState.FAILED
    assert parent.error_code == "spotify.not_found"
    assert [event["code"] for event in harness.events() if event["event"] == "failed"] == [
        "spotify.not_found"
    ]


def test_rate_limit_requeues_after_wait(store: Store, library: Path) -> None:
    harness = Harness(store, SlowPipeline(0.0), FakeResolver(error=RateLimited(120.0)))
    parent_id = submit(store, TaskKind.RESOLVE, ALBUM.url, library)

    harness.run_next()

    parent = store.get(parent_id)
    assert parent.state is TaskState.QUEUED
    assert parent.error_code == "spotify.rate_limited"
    assert parent.not_before is not None
    assert parent.not_before == pytest.approx(time.time() + 120.0, abs=5.0)


def test_needs_review_fails_with_candidates(store: Store, library: Path) -> None:
    harness = Harness(store, SlowPipeline(0.0), FakeResolver())
    task_id = submit(
        store, TaskKind.TRACK, make_track(1).url, library, track=make_track(1, "review:Unsure")
    )

    harness.run_next()

    task = store.get(task_id)
    assert task.state is TaskState.FAILED
    assert task.error_code == NEEDS_REVIEW
    assert task.needs_review
    assert [candidate.url for candidate in task.candidates] == ["http://127.0.0.1:9/a"]
    assert task.attempts == 1


def test_retryable_error_requeues(store: Store, library: Path) -> None:
    harness = Harness(store, SlowPipeline(0.0), FakeResolver())
    task_id = submit(
        store, TaskKind.TRACK, make_track(1).url, library, track=make_track(1, "retry:Flaky")
    )

    harness.run_next()

    task = store.get(task_id)
    assert task.state is TaskState.QUEUED
    assert task.error_code == "audio.network"
    assert task.not_before is not None
    assert task.not_before > time.time()


def test_unexpected_exception_fails_as_internal(store: Store, library: Path) -> None:
    harness = Harness(store, RaisingPipeline(KeyError("boom")), FakeResolver())
    task_id = submit(store, TaskKind.TRACK, make_track(1).url, library, track=make_track(1))

    harness.run_next()

    task = store.get(task_id)
    assert task.state is TaskState.FAILED
    assert task.error_code == "internal.error"
    assert "KeyError" in (task.error_message or "")


def test_skipped_track_completes_with_reason(store: Store, library: Path) -> None:
    (library / f"{make_track(1).id}.txt").write_text("already here", encoding="utf-8")
    harness = Harness(store, SlowPipeline(0.0), FakeResolver())
    task_id = submit(store, TaskKind.TRACK, make_track(1).url, library, track=make_track(1))

    harness.run_next()

    task = store.get(task_id)
    assert task.state is TaskState.DONE
    assert task.skipped_reason == "already in the library"
    assert [event["skipped"] for event in harness.events() if event["event"] == "done"] == [True]


def test_manual_pair_uses_audio_url(store: Store, library: Path) -> None:
    resolver = FakeResolver()
    harness = Harness(store, SlowPipeline(0.0), resolver)
    audio_url = "http://127.0.0.1:9/audio.m4a"
    link = f"{audio_url}|https://open.spotify.com/track/{TRACK_ID}"
    task_id = submit(store, TaskKind.TRACK, link, library)

    harness.run_next()

    task = store.get(task_id)
    assert task.state is TaskState.DONE, task.error_message
    assert resolver.track_calls == [TRACK_ID]
    assert task.track is not None
    assert task.track.title == "Looked Up"
    assert (
        (library / f"{TRACK_ID}.txt")
        .read_text(encoding="utf-8")
        .endswith(f"complete {TRACK_ID} {audio_url}\n")
    )


def test_cancel_flag_stops_pipeline(store: Store, library: Path) -> None:
    harness = Harness(store, SlowPipeline(5.0), FakeResolver())
    task_id = submit(store, TaskKind.TRACK, make_track(1).url, library, track=make_track(1))
    task = store.claim("test", 30)
    assert task is not None
    store.request_cancel([task_id])
    control = TaskControl(task.id, task.lease_token or "", 30, StopFlag())

    started = time.monotonic()
    harness.runner.run(task, control)

    assert time.monotonic() - started < 2.0
    assert store.get(task_id).state is TaskState.CANCELLED
    assert list(library.iterdir()) == []
