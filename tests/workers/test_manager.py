"""The QProcess worker manager with real worker processes (Qt offscreen)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from spotdesk.model import TaskState
from spotdesk.store.contract import Store
from spotdesk.workers.manager import WorkerManager
from tests.workers.conftest import wait_until

# Quick idle polling and heartbeat events let the tests use short timeouts.
FAST_WORKERS = ("--lease", "3", "--idle-poll", "0.5", "--heartbeat", "0.5")


class Recorder:
    """Collect a manager's signals."""

    def __init__(self, manager: WorkerManager) -> None:
        self.started: list[tuple[float, str]] = []
        self.stopped: list[tuple[str, int]] = []
        self.crashed: list[tuple[str, str]] = []
        self.crash_times: list[float] = []
        self.events: list[tuple[str, dict]] = []
        manager.worker_started.connect(
            lambda worker: self.started.append((time.monotonic(), worker))
        )
        manager.worker_stopped.connect(lambda worker, code: self.stopped.append((worker, code)))
        manager.worker_crashed.connect(lambda worker, reason: self.crashed.append((worker, reason)))
        manager.worker_crashed.connect(lambda *_: self.crash_times.append(time.monotonic()))
        manager.status.connect(lambda worker, event: self.events.append((worker, event)))

    def started_events(self) -> list[dict]:
        return [event for _, event in self.events if event["event"] == "started"]


@pytest.fixture
def make_manager(qapp, store_uri: str, worker_env: None):
    managers: list[WorkerManager] = []

    def make(count: int, *, store: str | None = None, **options) -> tuple[WorkerManager, Recorder]:
        options.setdefault("worker_args", FAST_WORKERS)
        manager = WorkerManager(store or store_uri, count, **options)
        managers.append(manager)
        return manager, Recorder(manager)

    yield make
    for manager in managers:
        manager.stop(5000)


def test_manager_starts_n_workers(make_manager, qtbot) -> None:
    manager, recorder = make_manager(3)

    manager.start()
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 3, timeout=20000)

    assert manager.running_count() == 3
    assert len({worker for _, worker in recorder.started}) == 3
    assert sorted(event["pid"] for event in recorder.started_events()) == sorted(
        manager.worker_pids().values()
    )


def test_manager_keeps_store_uri_off_command_line(make_manager, qtbot, store_uri: str) -> None:
    manager, recorder = make_manager(1)
    manager.start()
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 1, timeout=20000)

    [pid] = manager.worker_pids().values()
    command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    assert "spotdesk.worker" in command_line
    assert store_uri not in command_line
    assert recorder.started_events()[0]["store"] == store_uri


def test_manager_stop_is_graceful(make_manager, qtbot) -> None:
    manager, recorder = make_manager(2)
    manager.start()
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 2, timeout=20000)

    manager.stop()

    assert manager.running_count() == 0
    assert sorted(code for _, code in recorder.stopped) == [0, 0]
    assert recorder.crashed == []
    assert [event["reason"] for _, event in recorder.events if event["event"] == "stopped"] == [
        "SIGTERM"
    ] * 2


def test_manager_stop_hands_task_back(
    make_manager, qtbot, store: Store, submit_tracks, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "30")
    [task_id] = submit_tracks(1)
    manager, recorder = make_manager(1)
    manager.start()
    qtbot.waitUntil(lambda: store.get(task_id).state is TaskState.RUNNING, timeout=20000)

    manager.stop()

    assert store.get(task_id).state is TaskState.QUEUED
    assert recorder.stopped[0][1] == 0


def test_manager_restarts_crashed_worker(make_manager, qtbot) -> None:
    manager, recorder = make_manager(1, restart_delay=0.2)
    manager.start()
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 1, timeout=20000)
    [(worker_id, first_pid)] = manager.worker_pids().items()

    os.kill(first_pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 2, timeout=20000)

    assert recorder.crashed[0][0] == worker_id
    assert "killed or crashed" in recorder.crashed[0][1]
    assert manager.worker_pids()[worker_id] != first_pid
    assert manager.running_count() == 1


def test_manager_restart_delay_grows(make_manager, qtbot) -> None:
    # Workers exit with status 1 at once on a store URI they cannot understand.
    manager, recorder = make_manager(1, store="unknown://nowhere", restart_delay=0.3)

    manager.start()
    qtbot.waitUntil(lambda: len(recorder.started) >= 4, timeout=30000)
    manager.stop()

    # The delay runs from each crash to the next start, without the process's own run time.
    starts = [moment for moment, _ in recorder.started]
    delays = [start - crash for crash, start in zip(recorder.crash_times, starts[1:], strict=False)]
    assert delays[0] >= 0.25  # Qt coarse timers may fire up to 5% early
    assert delays[1] > delays[0] * 1.5
    assert delays[2] > delays[1] * 1.5
    assert len(recorder.crashed) >= 3
    assert "exited with status 1" in recorder.crashed[0][1]


def test_manager_replaces_hung_worker(make_manager, qtbot) -> None:
    manager, recorder = make_manager(1, hang_timeout=2.0, restart_delay=0.2)
    manager.start()
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 1, timeout=20000)
    [(worker_id, hung_pid)] = manager.worker_pids().items()

    os.kill(hung_pid, signal.SIGSTOP)
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 2, timeout=20000)

    assert recorder.crashed[0][0] == worker_id
    assert "hung" in recorder.crashed[0][1]
    assert manager.worker_pids()[worker_id] != hung_pid
    with pytest.raises(ProcessLookupError):
        wait_until(lambda: _reaped(hung_pid), 5, "hung worker gone")
        os.kill(hung_pid, 0)


def _reaped(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_manager_set_count(make_manager, qtbot) -> None:
    manager, recorder = make_manager(1)
    manager.start()
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 1, timeout=20000)

    manager.set_count(3)
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 3, timeout=20000)
    assert manager.running_count() == 3

    manager.set_count(1)
    qtbot.waitUntil(lambda: manager.running_count() == 1, timeout=20000)
    assert sorted(code for _, code in recorder.stopped) == [0, 0]
    assert recorder.crashed == []


def test_manager_reports_task_events(
    make_manager, qtbot, store: Store, submit_tracks, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.3")
    task_ids = submit_tracks(2)
    manager, recorder = make_manager(2)

    manager.start()
    qtbot.waitUntil(
        lambda: (
            sorted(event.get("task") for _, event in recorder.events if event["event"] == "done")
            == sorted(task_ids)
        ),
        timeout=20000,
    )

    claimed = [event["task"] for _, event in recorder.events if event["event"] == "claimed"]
    assert sorted(claimed) == sorted(task_ids)


def test_manager_stop_kills_unresponsive_worker(make_manager, qtbot) -> None:
    manager, recorder = make_manager(1)
    manager.start()
    qtbot.waitUntil(lambda: len(recorder.started_events()) == 1, timeout=20000)
    [pid] = manager.worker_pids().values()
    os.kill(pid, signal.SIGSTOP)  # a stopped process cannot act on SIGTERM

    started = time.monotonic()
    manager.stop(timeout_ms=1000)

    assert time.monotonic() - started < 5
    assert manager.running_count() == 0
    assert len(recorder.stopped) == 1
    assert _reaped(pid)
