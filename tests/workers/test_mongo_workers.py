"""Real worker processes sharing one queue on a MongoDB wire-protocol server."""

from __future__ import annotations

import collections
import signal
import uuid
from pathlib import Path

import pytest

from spotdesk.model import TaskState
from spotdesk.store import open_store
from tests.fakes.mongo import MongoServer, mongo_server  # noqa: F401 - session fixture
from tests.workers.conftest import track_task, wait_until

pytestmark = pytest.mark.mongo


@pytest.fixture
def mongo_uri(mongo_server: MongoServer) -> str:  # noqa: F811 - the imported fixture
    return mongo_server.database_uri(f"workers_{uuid.uuid4().hex[:12]}")


def test_mongo_workers_claim_once(mongo_uri: str, library: Path, spawn, monkeypatch) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "0.05")
    store = open_store(mongo_uri)
    try:
        submitted = store.submit([track_task(library, number) for number in range(30)])
        task_ids = [result.task_id for result in submitted]

        workers = [spawn(f"racer{number}", "--once", store=mongo_uri) for number in range(4)]
        for worker in workers:
            assert worker.wait(120) == 0, worker.stderr_lines[-5:]

        claims = collections.Counter(
            event["task"] for worker in workers for event in worker.of_kind("claimed")
        )
        assert set(claims) == set(task_ids)
        assert max(claims.values()) == 1
        assert [store.get(task_id).state for task_id in task_ids] == [TaskState.DONE] * 30
    finally:
        store.close()


def test_mongo_kill9_task_recovered(mongo_uri: str, library: Path, spawn, monkeypatch) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "3")
    store = open_store(mongo_uri)
    try:
        [task_id] = [result.task_id for result in store.submit([track_task(library, 0)])]
        first = spawn("first", "--lease", "2", "--idle-poll", "0.5", store=mongo_uri)
        first.wait_for_event("progress", stage="downloading", timeout=60)

        first.signal(signal.SIGKILL)
        first.wait()
        second = spawn("second", "--lease", "2", "--idle-poll", "0.5", store=mongo_uri)

        wait_until(lambda: store.get(task_id).state is TaskState.DONE, 60, "task done")
        assert store.get(task_id).attempts == 2
        second.wait_for_event("done", task=task_id)  # the store may be ahead of the event
        assert len(second.of_kind("done")) == 1
        placed = sorted(path.name for path in library.iterdir())
        assert placed == ["placements.log", "track0000.txt"]
    finally:
        store.close()


def test_mongo_sigstop_past_lease(mongo_uri: str, library: Path, spawn, monkeypatch) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "2")
    store = open_store(mongo_uri)
    try:
        [task_id] = [result.task_id for result in store.submit([track_task(library, 0)])]
        stopped = spawn("stopped", "--lease", "2", "--idle-poll", "0.5", store=mongo_uri)
        stopped.wait_for_event("progress", stage="downloading", timeout=60)
        stopped.signal(signal.SIGSTOP)

        other = spawn("other", "--lease", "2", "--idle-poll", "0.5", store=mongo_uri)
        other.wait_for_event("claimed", task=task_id, timeout=60)
        stopped.signal(signal.SIGCONT)

        stopped.wait_for_event("abandoned", task=task_id, timeout=30)
        wait_until(lambda: store.get(task_id).state is TaskState.DONE, 60, "task done")
        assert stopped.of_kind("done") == []
        other.wait_for_event("done", task=task_id)  # the store may be ahead of the event
        assert len(other.of_kind("done")) == 1
        placements = (library / "placements.log").read_text(encoding="utf-8").split()
        assert placements == ["track0000", str(other.pid)]
    finally:
        store.close()
