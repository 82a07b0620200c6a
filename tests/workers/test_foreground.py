"""`run_until_done` and `spotdesk workers` with real worker processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from spotdesk.model import Task, TaskState
from spotdesk.store.contract import Store
from spotdesk.workers.foreground import run_until_done
from tests.workers.conftest import REPOSITORY, wait_until

FAST_WORKERS = ("--idle-poll", "0.5", "--heartbeat", "0.5")


def test_run_until_done_summary(
    qapp, worker_env, store: Store, store_uri: str, submit_tracks, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.2")
    task_ids = submit_tracks(
        4, titles=["Good", "fail:Gone", "review:Unsure", "retry:Flaky"], max_attempts=1
    )
    changed: list[Task] = []

    summary = run_until_done(store_uri, task_ids, 2, changed.append, worker_args=FAST_WORKERS)

    assert summary["interrupted"] is False
    assert summary["aborted"] is None
    assert summary["tracks"] == 4
    assert summary["done"] == 1
    assert summary["needs_review"] == 1
    assert summary["failed"] == 2
    assert sorted(failure["code"] for failure in summary["failures"]) == [
        "audio.network",
        "audio.unavailable",
    ]
    assert summary["unfinished"] == 0
    assert {task.id for task in changed} == set(task_ids)
    assert changed[-1].state.is_final


def test_run_until_done_ctrl_c_keeps_tasks_queued(
    qapp, worker_env, store: Store, store_uri: str, submit_tracks, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "30")
    [task_id] = submit_tracks(1)

    def interrupt_when_running() -> None:
        wait_until(lambda: store.get(task_id).state is TaskState.RUNNING, 20, "task running")
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_when_running, daemon=True).start()
    started = time.monotonic()
    summary = run_until_done(store_uri, [task_id], 1, worker_args=FAST_WORKERS)

    assert time.monotonic() - started < 20
    assert summary["interrupted"] is True
    assert summary["unfinished"] == 1
    assert store.get(task_id).state is TaskState.QUEUED


def test_workers_command_runs_and_stops(
    worker_env, store: Store, store_uri: str, submit_tracks, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.2")
    command = subprocess.Popen(
        [sys.executable, "-m", "spotdesk", "workers", "-n", "2", "--store", store_uri],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPOSITORY,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(command.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    [task_id] = submit_tracks(1)

    wait_until(lambda: store.get(task_id).state is TaskState.DONE, 30, "task done")
    time.sleep(0.5)
    command.send_signal(signal.SIGTERM)

    assert command.wait(20) == 0
    reader.join(5)
    output = "".join(lines)
    assert "running 2 workers on" in output
    assert f"took {task_id[:8]} Song 0" in output
    assert f"{task_id[:8]} done" in output
    assert "stopping (SIGTERM)" in output
    assert output.count("stopped (SIGTERM)") == 2


def test_workers_command_rejects_zero(worker_env, store_uri: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "spotdesk", "workers", "-n", "0", "--store", store_uri],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        timeout=60,
    )

    assert result.returncode == 2
    assert "-n must be at least 1" in result.stderr


def test_workers_command_rejects_unknown_store(worker_env) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "spotdesk", "workers", "--store", "unknown://nowhere"],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        timeout=60,
    )

    assert result.returncode == 2
    assert "unknown://nowhere" in result.stderr


def start_workers_command(store_uri: str, count: int) -> tuple[subprocess.Popen[str], list[str]]:
    """Start `spotdesk workers` in its own session, as a terminal would, and read its output."""
    command = subprocess.Popen(
        [sys.executable, "-m", "spotdesk", "workers", "-n", str(count), "--store", store_uri],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPOSITORY,
        start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(command.stdout), daemon=True).start()  # type: ignore[arg-type]
    return command, lines


def worker_pids(lines: list[str]) -> list[int]:
    return [int(match) for match in re.findall(r"started \(pid (\d+)", "".join(lines))]


def test_workers_command_ctrl_c_is_clean(
    worker_env, store: Store, store_uri: str, submit_tracks, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "30")
    [task_id] = submit_tracks(1)
    command, lines = start_workers_command(store_uri, 2)
    wait_until(lambda: store.get(task_id).state is TaskState.RUNNING, 30, "task running")
    wait_until(lambda: len(worker_pids(lines)) == 2, 30, "both workers started")

    # Ctrl+C in a terminal sends SIGINT to the whole foreground process group.
    os.killpg(command.pid, signal.SIGINT)

    assert command.wait(20) == 0
    output = "".join(lines)
    assert "crashed" not in output
    assert output.count("stopped (SIGTERM)") == 2
    assert store.get(task_id).state is TaskState.QUEUED


def test_workers_stop_when_manager_killed(
    worker_env, store: Store, store_uri: str, submit_tracks, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "30")
    [task_id] = submit_tracks(1)
    command, lines = start_workers_command(store_uri, 1)
    wait_until(lambda: store.get(task_id).state is TaskState.RUNNING, 30, "task running")
    [pid] = worker_pids(lines)

    command.kill()
    command.wait(10)

    wait_until(lambda: store.get(task_id).state is TaskState.QUEUED, 10, "task handed back")
    wait_until(lambda: not Path(f"/proc/{pid}").exists() or _is_zombie(pid), 10, "worker exited")


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_run_until_done_aborts_crash_loop(
    qapp, worker_env, store: Store, store_uri: str, submit_tracks
) -> None:
    [task_id] = submit_tracks(1)

    started = time.monotonic()
    summary = run_until_done(
        store_uri, [task_id], 1, worker_args=("--pipeline", "tests.workers.missing:build")
    )

    assert time.monotonic() - started < 20
    assert summary["interrupted"] is False
    assert "crashed 3 times in a row" in summary["aborted"]
    assert summary["unfinished"] == 1
    assert store.get(task_id).state is TaskState.QUEUED
