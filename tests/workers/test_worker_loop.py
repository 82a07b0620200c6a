"""The worker process: claiming, progress, shutdown, cancel and pause, with real processes."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from spotdesk.model import OutputOptions, TaskKind, TaskState
from spotdesk.store.contract import NewTask, Outcome, Store
from tests.workers.conftest import states, track_task, wait_until


def test_once_completes_queue(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.2")
    task_ids = submit_tracks(3)

    worker = spawn("w1", "--once")

    assert worker.wait() == 0
    assert states(store, task_ids) == [TaskState.DONE] * 3
    assert sorted(path.name for path in library.glob("*.txt")) == [
        "track0000.txt",
        "track0001.txt",
        "track0002.txt",
    ]
    assert [event["task"] for event in worker.of_kind("done")] == task_ids
    assert worker.of_kind("started")[0]["pid"] == worker.pid
    assert worker.of_kind("stopped")[0]["reason"] == "no task left"
    assert worker.stray_lines == []


def test_events_start_with_event_key(store: Store, submit_tracks, spawn, monkeypatch) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.2")
    submit_tracks(1)

    worker = spawn("w1", "--once")
    worker.wait()

    for event in worker.events:
        assert next(iter(event)) == "event"
        assert event["worker"] == "w1"


def test_progress_writes_bounded(store: Store, submit_tracks, spawn, monkeypatch) -> None:
    # The stand-in pipeline reports 20 times a second for 2 s.
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "2.0")
    [task_id] = submit_tracks(1)

    worker = spawn("w1", "--once")
    worker.wait()

    progress = [event for event in worker.of_kind("progress") if event["task"] == task_id]
    downloading = [event for event in progress if event["stage"] == "downloading"]
    assert 4 <= len(downloading) <= 10  # about 3 a second over 2 s
    assert store.get(task_id).state is TaskState.DONE


def test_sigterm_hands_task_back(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "30")
    [task_id] = submit_tracks(1)
    worker = spawn("w1")
    worker.wait_for_event("progress", stage="downloading")

    worker.signal(signal.SIGTERM)

    assert worker.wait(10) == 0
    task = store.get(task_id)
    assert task.state is TaskState.QUEUED
    assert task.attempts == 0
    assert task.owner is None
    assert worker.wait_for_event("released", task=task_id)["state"] == "queued"
    assert list(library.iterdir()) == []


def test_sigterm_while_idle_exits(spawn) -> None:
    worker = spawn("w1")
    worker.wait_for_event("waiting")

    worker.signal(signal.SIGTERM)

    assert worker.wait(10) == 0
    assert worker.of_kind("stopped")[0]["reason"] == "SIGTERM"


def test_cancel_reaches_running_worker(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "30")
    [task_id] = submit_tracks(1)
    worker = spawn("w1")
    worker.wait_for_event("progress", stage="downloading")

    requested_at = time.monotonic()
    store.request_cancel([task_id])
    wait_until(lambda: store.get(task_id).state is TaskState.CANCELLED, 5, "cancelled")
    elapsed = time.monotonic() - requested_at

    assert elapsed < 1.5
    assert worker.wait_for_event("released", task=task_id)["state"] == "cancelled"
    assert list(library.iterdir()) == []


def test_pause_reaches_running_worker(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "1.5")
    [task_id] = submit_tracks(1)
    worker = spawn("w1")
    worker.wait_for_event("progress", stage="downloading")

    requested_at = time.monotonic()
    store.request_pause([task_id])
    wait_until(lambda: store.get(task_id).state is TaskState.PAUSED, 5, "paused")
    elapsed = time.monotonic() - requested_at
    assert elapsed < 1.5
    assert list(library.glob("*.txt")) == []

    store.resume([task_id])
    wait_until(lambda: store.get(task_id).state is TaskState.DONE, 20, "done after resume")
    assert (library / "track0000.txt").exists()


def test_stray_prints_go_to_stderr(
    tmp_path: Path, spawn, store: Store, submit_tracks, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.1")
    monkeypatch.setenv("SPOTDESK_WORKER_PIPELINE", "tests.workers.noisy_pipeline:build")
    submit_tracks(1)

    worker = spawn("w1", "--once")
    worker.wait()

    assert worker.stray_lines == []
    assert any("noise from a library" in line for line in worker.stderr_lines)
    assert len(worker.of_kind("done")) == 1


def test_paused_queued_task_waits_for_resume(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.2")
    paused_id, other_id = submit_tracks(2)
    store.request_pause([paused_id])
    worker = spawn("w1", "--idle-poll", "0.3")

    wait_until(lambda: store.get(other_id).state is TaskState.DONE, 20, "other task done")
    time.sleep(1.0)
    assert store.get(paused_id).state is TaskState.PAUSED
    assert [event["task"] for event in worker.of_kind("claimed")] == [other_id]

    store.resume([paused_id])
    wait_until(lambda: store.get(paused_id).state is TaskState.DONE, 20, "resumed task done")


def test_cancelled_paused_task_never_runs(
    store: Store, submit_tracks, spawn, library: Path
) -> None:
    [task_id] = submit_tracks(1)
    store.request_pause([task_id])
    store.request_cancel([task_id])

    worker = spawn("w1", "--once")

    assert worker.wait() == 0
    assert store.get(task_id).state is TaskState.CANCELLED
    assert worker.of_kind("claimed") == []
    assert list(library.iterdir()) == []


def test_cancel_collection_stops_children(store: Store, spawn, library: Path, monkeypatch) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "30")
    parent_id = store.submit(
        [
            NewTask(
                kind=TaskKind.RESOLVE,
                link="https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3",
                options=OutputOptions(folder=str(library)),
                dedupe_key="test:album",
            )
        ]
    )[0].task_id
    parent = store.claim("resolver", 30)
    assert parent is not None
    token = parent.lease_token or ""
    child_ids = store.add_children(
        parent_id, token, [track_task(library, number, position=number + 1) for number in range(2)]
    )
    store.complete(parent_id, token, Outcome())
    workers = [spawn(f"w{number}") for number in range(2)]
    for worker in workers:
        worker.wait_for_event("progress", stage="downloading")

    requested_at = time.monotonic()
    store.request_cancel([parent_id])
    wait_until(
        lambda: states(store, child_ids) == [TaskState.CANCELLED] * 2, 5, "children cancelled"
    )

    assert time.monotonic() - requested_at < 1.5
    assert list(library.glob("*.txt")) == []


def test_import_error_stops_worker(store: Store, submit_tracks, spawn) -> None:
    [task_id] = submit_tracks(1, titles=["import: broken install"])

    worker = spawn("w1")
    status = worker.wait(timeout=30)

    task = store.get(task_id)
    assert status == 3
    assert task.state is TaskState.QUEUED
    assert task.error_code is None
    assert "Reinstall spotdesk" in worker.of_kind("stopped")[0]["reason"]
