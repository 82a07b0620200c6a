"""Service: turning pasted text into queued tasks, and the queue actions on top of the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spotdesk.config import Settings
from spotdesk.errors import UsageError
from spotdesk.model import AudioFormat, OutputOptions, TaskKind, TaskState
from spotdesk.service import Service, dedupe_key, options_digest
from spotdesk.store import open_store
from spotdesk.store.contract import InvalidTransition, Outcome, Store

TRACK = "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
ALBUM = "https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3"
AUDIO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'queue.db'}") as opened:
        yield opened


@pytest.fixture
def service(store: Store, tmp_path: Path) -> Service:
    return Service(store, Settings(output_dir=str(tmp_path / "music")))


def test_submit_links_become_resolve_tasks(service: Service, store: Store) -> None:
    report = service.submit(f"{TRACK}\n{ALBUM}")

    assert [item.link for item in report.accepted] == [TRACK, ALBUM]
    assert all(item.created for item in report.accepted)
    tasks = [store.get(item.task_id) for item in report.accepted]
    assert [task.kind for task in tasks] == [TaskKind.RESOLVE, TaskKind.RESOLVE]
    assert tasks[0].options.folder == service.settings.output_dir


def test_submit_spotify_uri_is_normalised(service: Service) -> None:
    report = service.submit("spotify:track:4uLU6hMCjMI75M1A2tKUQC")

    assert [item.link for item in report.accepted] == [TRACK]


def test_submit_same_link_twice_is_one_task(service: Service) -> None:
    first = service.submit(TRACK)
    second = service.submit(f"spotify:track:4uLU6hMCjMI75M1A2tKUQC {TRACK}")

    assert len(second.accepted) == 1
    assert second.accepted[0].task_id == first.accepted[0].task_id
    assert not second.accepted[0].created


def test_submit_other_options_is_new_task(service: Service, tmp_path: Path) -> None:
    first = service.submit(TRACK)
    flac = OutputOptions(folder=str(tmp_path / "music"), format=AudioFormat.FLAC)

    second = service.submit(TRACK, options=flac)

    assert second.accepted[0].created
    assert second.accepted[0].task_id != first.accepted[0].task_id


def test_submit_manual_pair_is_track_task(service: Service, store: Store) -> None:
    report = service.submit(f"{AUDIO}|{TRACK}")

    [item] = report.accepted
    task = store.get(item.task_id)
    assert task.kind is TaskKind.TRACK
    assert task.chosen_url == AUDIO
    assert task.link == f"{AUDIO}|{TRACK}"


def test_submit_rejects_invalid_links(service: Service, store: Store) -> None:
    report = service.submit(f"https://example.com/not-spotify {TRACK}")

    assert len(report.accepted) == 1
    assert len(report.rejected) == 1
    assert report.rejected[0].code == "link.invalid"
    assert len(store.list_tasks().tasks) == 1


def test_submit_nothing_valid_creates_nothing(service: Service, store: Store) -> None:
    report = service.submit("https://example.com/x")

    assert report.accepted == []
    assert report.rejected
    assert store.list_tasks().tasks == []


def test_submit_priority_is_kept(service: Service, store: Store) -> None:
    report = service.submit(TRACK, priority=7)

    assert store.get(report.accepted[0].task_id).priority == 7


def test_options_digest_is_stable(tmp_path: Path) -> None:
    options = OutputOptions(folder=str(tmp_path))

    assert options_digest(options) == options_digest(OutputOptions(folder=str(tmp_path)))
    assert options_digest(options) != options_digest(
        OutputOptions(folder=str(tmp_path), bitrate=320)
    )
    assert dedupe_key(TaskKind.RESOLVE, TRACK, options).startswith(f"resolve:{TRACK}:")


def test_actions_delegate_to_store(service: Service, store: Store) -> None:
    [first, second] = [item.task_id for item in service.submit(f"{TRACK} {ALBUM}").accepted]

    assert service.pause([first]) == [first]
    assert service.resume([first]) == [first]
    assert service.cancel([second]) == [second]
    assert service.retry([second]) == [second]
    assert service.remove([second]) == [second]
    assert [task.id for task in store.list_tasks().tasks] == [first]


def test_pause_all_and_resume_all(service: Service, store: Store) -> None:
    ids = [item.task_id for item in service.submit(f"{TRACK} {ALBUM}").accepted]
    running = store.claim("w", 30)
    assert running is not None

    paused = service.pause_all()

    assert set(paused) == set(ids)
    assert store.get(running.id).pause_requested
    assert set(service.resume_all()) == set(ids)
    assert service.resume_all() == []


def test_choose_match_requeues_track(service: Service, store: Store) -> None:
    [item] = service.submit(f"{AUDIO}|{TRACK}").accepted
    task = store.claim("w", 30)
    assert task and task.lease_token
    store.release(task.id, task.lease_token, TaskState.CANCELLED)

    service.choose_match(item.task_id, "https://www.youtube.com/watch?v=other")

    stored = store.get(item.task_id)
    assert stored.state is TaskState.QUEUED
    assert stored.chosen_url == "https://www.youtube.com/watch?v=other"


def test_choose_match_rejects_bad_url(service: Service) -> None:
    [item] = service.submit(f"{AUDIO}|{TRACK}").accepted

    with pytest.raises(UsageError):
        service.choose_match(item.task_id, "file:///etc/passwd")


def test_choose_match_rejects_collection(service: Service) -> None:
    [item] = service.submit(ALBUM).accepted

    with pytest.raises(InvalidTransition):
        service.choose_match(item.task_id, AUDIO)


def test_clear_finished_removes_done(service: Service, store: Store) -> None:
    service.submit(TRACK)
    task = store.claim("w", 30)
    assert task and task.lease_token
    store.complete(task.id, task.lease_token, Outcome())

    assert service.clear_finished() == 1
    assert store.list_tasks().tasks == []


class FixedExpander:
    """A short-link expander that maps known short links and counts calls."""

    def __init__(self, targets: dict[str, str]) -> None:
        self.targets = targets
        self.calls: list[str] = []

    def expand(self, url: str) -> str:
        self.calls.append(url)
        return self.targets[url]


def test_submit_short_link_uses_expander(store: Store, tmp_path: Path) -> None:
    expander = FixedExpander({"https://spotify.link/abc123": TRACK})
    service = Service(store, Settings(output_dir=str(tmp_path)), expander=expander)

    report = service.submit("https://spotify.link/abc123")

    assert expander.calls == ["https://spotify.link/abc123"]
    assert [item.link for item in report.accepted] == [TRACK]


def test_submit_many_links_in_order(service: Service, store: Store) -> None:
    ids = [f"{index:04d}".rjust(22, "A") for index in range(200)]
    text = "\n".join(f"https://open.spotify.com/track/{track_id}" for track_id in ids)

    report = service.submit(text)

    assert len(report.accepted) == 200
    listed = [task.link for task in store.list_tasks(limit=500).tasks]
    assert listed == [f"https://open.spotify.com/track/{track_id}" for track_id in ids]


def test_submit_liked_songs_is_resolve_task(service: Service, store: Store) -> None:
    report = service.submit("spotify:collection:tracks")

    [item] = report.accepted
    assert item.link == "https://open.spotify.com/collection/tracks"
    assert store.get(item.task_id).kind is TaskKind.RESOLVE
