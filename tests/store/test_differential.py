"""Random operation sequences run on SQLite and MongoDB side by side must agree.

Hypothesis draws a sequence of submissions, claims, worker writes and user actions. Both
stores run it step by step; after every step each returns the same outcome (value or
error class) and has the same state, flags and attempts for every task. Invariants that
hold for any store are checked on the way: one active task per dedupe key, and a lease
token exactly on running tasks.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotdesk.errors import SpotdeskError
from spotdesk.model import OutputOptions, TaskState
from spotdesk.store import open_store
from spotdesk.store.contract import Outcome, ProgressUpdate, Store
from tests.fakes.mongo import MongoServer
from tests.store.conftest import track_task

pytestmark = pytest.mark.mongo

OPTIONS = OutputOptions(folder="/music")
RELEASE_STATES = [TaskState.QUEUED, TaskState.PAUSED, TaskState.CANCELLED]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("submit"), st.integers(0, 3)),
        st.tuples(st.just("claim")),
        st.tuples(
            st.sampled_from(
                ["progress", "complete", "remove", "cancel", "pause", "resume", "retry"]
            ),
            st.integers(0, 20),
        ),
        st.tuples(st.just("fail"), st.integers(0, 20), st.booleans()),
        st.tuples(st.just("release"), st.integers(0, 20), st.sampled_from(RELEASE_STATES)),
    ),
    min_size=1,
    max_size=25,
)


class Driver:
    """Runs operations on one store, naming tasks by creation order rather than id."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.ids: list[str] = []
        self.tokens: dict[str, str] = {}

    def run(self, operation: tuple[Any, ...]) -> object:
        try:
            return self._run(operation)
        except (SpotdeskError, ValueError) as error:
            return type(error).__name__

    def _run(self, operation: tuple[Any, ...]) -> object:
        name = operation[0]
        if name == "submit":
            return self._submit(operation[1])
        if name == "claim":
            return self._claim()
        if not self.ids:
            return "no tasks"

        task_id = self.ids[operation[1] % len(self.ids)]
        token = self.tokens.get(task_id, "none")
        if name == "progress":
            return self.store.report_progress(task_id, token, ProgressUpdate(progress=0.5))
        if name == "complete":
            return self.store.complete(task_id, token, Outcome(output_path="/music/a.mp3"))
        if name == "fail":
            error = SpotdeskError("failed", code="test.failure", retryable=operation[2])
            return self.store.fail(task_id, token, error, retry_after=0.0)
        if name == "release":
            return self.store.release(task_id, token, operation[2])

        action = {
            "remove": self.store.remove,
            "cancel": self.store.request_cancel,
            "pause": self.store.request_pause,
            "resume": self.store.resume,
            "retry": self.store.retry,
        }[name]
        return [self.ids.index(affected) for affected in action([task_id])]

    def _submit(self, key: int) -> object:
        [result] = self.store.submit([track_task(OPTIONS, f"key{key}")])
        if result.task_id not in self.ids:
            self.ids.append(result.task_id)
        return (self.ids.index(result.task_id), result.created)

    def _claim(self) -> object:
        task = self.store.claim("worker", 60)
        if task is None:
            return None
        assert task.lease_token
        self.tokens[task.id] = task.lease_token
        return self.ids.index(task.id)

    def snapshot(self) -> list[tuple[object, ...] | None]:
        tasks = {task.id: task for task in self.store.list_tasks(limit=1000).tasks}
        rows: list[tuple[object, ...] | None] = []
        for task_id in self.ids:
            task = tasks.get(task_id)
            if task is None:
                rows.append(None)
                continue
            rows.append((task.state, task.cancel_requested, task.pause_requested, task.attempts))
        return rows

    def check_invariants(self) -> None:
        tasks = self.store.list_tasks(limit=1000).tasks
        active_keys = [task.dedupe_key for task in tasks if task.state.is_active]
        assert len(active_keys) == len(set(active_keys))
        for task in tasks:
            assert (task.lease_token is not None) is (task.state is TaskState.RUNNING)


@pytest.fixture
def open_pair(mongo_server: MongoServer) -> Any:
    folder = Path(tempfile.mkdtemp(prefix="spotdesk-differential-"))

    def pair() -> tuple[Store, Store]:
        name = uuid.uuid4().hex[:12]
        sqlite_store = open_store(f"sqlite:///{folder / f'{name}.db'}")
        mongo_store = open_store(mongo_server.database_uri(f"diff_{name}"))
        return sqlite_store, mongo_store

    return pair


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_stores_agree(open_pair: Any, steps: list[tuple[Any, ...]]) -> None:
    sqlite_store, mongo_store = open_pair()
    sqlite_driver, mongo_driver = Driver(sqlite_store), Driver(mongo_store)
    try:
        for step in steps:
            sqlite_outcome = sqlite_driver.run(step)
            mongo_outcome = mongo_driver.run(step)

            assert sqlite_outcome == mongo_outcome, step
            assert sqlite_driver.snapshot() == mongo_driver.snapshot(), step
            sqlite_driver.check_invariants()
            mongo_driver.check_invariants()
    finally:
        sqlite_store.close()
        mongo_store.close()
