"""Fault tests with real worker processes: kills, stops past the lease, racing claims."""

from __future__ import annotations

import collections
import signal
from pathlib import Path

from spotdesk.model import TaskState
from spotdesk.store.contract import Store
from tests.workers.conftest import states, wait_until

# A short lease keeps these tests quick; the heartbeat still renews it three times a lease.
SHORT_LEASE = ("--lease", "2", "--idle-poll", "0.5")


def placements(library: Path) -> list[str]:
    log = library / "placements.log"
    return log.read_text(encoding="utf-8").split("\n")[:-1] if log.exists() else []


def test_kill9_mid_download_recovers(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "3")
    [task_id] = submit_tracks(1)
    first = spawn("first", *SHORT_LEASE)
    first.wait_for_event("progress", stage="downloading")
    assert len(list(library.glob(".track0000.*.part"))) == 1

    first.signal(signal.SIGKILL)
    first.wait()
    second = spawn("second", *SHORT_LEASE)

    wait_until(
        lambda: store.get(task_id).state is TaskState.DONE, 40, "task done by the second worker"
    )
    task = store.get(task_id)
    assert task.attempts == 2
    assert second.wait_for_event("done", task=task_id)
    assert [line.split()[0] for line in placements(library)] == ["track0000"]
    assert sorted(path.name for path in library.iterdir()) == ["placements.log", "track0000.txt"]
    assert (
        (library / "track0000.txt")
        .read_text(encoding="utf-8")
        .endswith("complete track0000 None\n")
    )


def test_sigstop_past_lease_rejects_writes(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "2")
    [task_id] = submit_tracks(1)
    stopped = spawn("stopped", *SHORT_LEASE)
    stopped.wait_for_event("progress", stage="downloading")
    stopped.signal(signal.SIGSTOP)

    other = spawn("other", *SHORT_LEASE)
    other.wait_for_event("claimed", task=task_id, timeout=40)
    stopped.signal(signal.SIGCONT)

    stopped.wait_for_event("abandoned", task=task_id, timeout=20)
    wait_until(
        lambda: store.get(task_id).state is TaskState.DONE, 40, "task done by the other worker"
    )
    assert stopped.of_kind("done") == []
    other.wait_for_event("done", task=task_id)  # the store may be ahead of the event
    assert len(other.of_kind("done")) == 1
    assert [line.split()[1] for line in placements(library)] == [str(other.pid)]
    assert sorted(path.name for path in library.iterdir()) == ["placements.log", "track0000.txt"]


def test_many_workers_claim_each_task_once(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.05")
    task_ids = submit_tracks(60)

    workers = [spawn(f"racer{number}", "--once") for number in range(6)]
    for worker in workers:
        assert worker.wait(60) == 0

    claims = collections.Counter(
        event["task"] for worker in workers for event in worker.of_kind("claimed")
    )
    assert set(claims) == set(task_ids)
    assert max(claims.values()) == 1
    assert states(store, task_ids) == [TaskState.DONE] * 60
    assert len(placements(library)) == 60
    assert sum(1 for worker in workers if worker.of_kind("claimed")) >= 2


def test_stalled_pipeline_loses_lease(
    store: Store, submit_tracks, spawn, library: Path, monkeypatch
) -> None:
    # The first attempt sleeps 4 s without a check, and the worker counts it hung after
    # 1 s. It stops renewing, so the 2 s lease runs out before the pipeline wakes.
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "4")
    [task_id] = submit_tracks(1, titles=["stall:Stuck"])

    worker = spawn("stalled", "--stall", "1", *SHORT_LEASE)
    claimed = worker.wait_for_event("claimed", task=task_id)
    abandoned = worker.wait_for_event("abandoned", task=task_id, timeout=30)
    wait_until(lambda: store.get(task_id).state is TaskState.DONE, 40, "task done")

    renewals = [
        event["time"]
        for event in worker.of_kind("heartbeat")
        if event["task"] == task_id and claimed["time"] < event["time"] < abandoned["time"]
    ]
    assert max(renewals, default=claimed["time"]) < claimed["time"] + 2.0
    assert "not renewed" in abandoned["reason"]
    assert any("no progress check" in line for line in worker.stderr_lines)
    worker.wait_for_event("done", task=task_id)  # the store may be ahead of the event
    assert len(worker.of_kind("done")) == 1
    assert len(placements(library)) == 1
