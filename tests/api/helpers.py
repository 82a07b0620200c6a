"""Worker-side moves on the API's store, so tests can put tasks in every state."""

from __future__ import annotations

from spotdesk.errors import SpotdeskError
from spotdesk.model import MatchCandidate, OutputOptions, Stage, TaskKind
from spotdesk.store.contract import NewTask, Outcome, ProgressUpdate, Store

TRACK_LINKS = [f"https://open.spotify.com/track/{index:022d}" for index in range(1, 8)]
ALBUM_LINK = "https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3"
WORKER = "test-worker"
LEASE_SECONDS = 60.0


def claim(store: Store, task_id: str) -> str:
    """Claim tasks until `task_id` is running, hand the others back; return its token."""
    claimed_others: list[tuple[str, str]] = []
    try:
        for _ in range(100):
            task = store.claim(WORKER, LEASE_SECONDS)
            assert task is not None, f"task {task_id} was not claimable"
            assert task.lease_token
            if task.id == task_id:
                return task.lease_token
            claimed_others.append((task.id, task.lease_token))
    finally:
        for other_id, token in claimed_others:
            store.release(other_id, token)
    raise AssertionError(f"task {task_id} was never claimed")


def fail(store: Store, task_id: str, code: str = "fetch.unavailable") -> None:
    token = claim(store, task_id)
    store.fail(task_id, token, SpotdeskError("The video is unavailable.", code=code))


def add_tracks(store: Store, task_id: str, count: int, options: OutputOptions) -> list[str]:
    """Expand a resolve task into `count` track tasks and complete it, as a worker does."""
    token = claim(store, task_id)
    children = [
        NewTask(
            kind=TaskKind.TRACK,
            link=TRACK_LINKS[index],
            options=options,
            dedupe_key=f"test-child:{task_id}:{index}",
            parent_id=task_id,
            position=index + 1,
            title=f"Track {index + 1}",
        )
        for index in range(count)
    ]
    ids = store.add_children(task_id, token, children)
    store.complete(task_id, token, Outcome())
    return ids


def report_download(store: Store, task_id: str) -> str:
    """Claim a track and write a downloading progress report with a match; return the token."""
    token = claim(store, task_id)
    match = MatchCandidate(
        url="https://music.youtube.com/watch?v=abcdefghijk",
        title="Song",
        channel="Artist - Topic",
        duration_s=200.0,
        provider="ytmusic",
        confidence=0.93,
    )
    store.report_progress(
        task_id,
        token,
        ProgressUpdate(
            stage=Stage.DOWNLOADING,
            progress=0.4,
            bytes_done=400_000,
            bytes_total=1_000_000,
            speed=250_000.0,
            eta=2.4,
            match=match,
        ),
    )
    return token
