"""Workers ride out a MongoDB server that stops and starts again during work."""

from __future__ import annotations

import collections
import os
import time
from pathlib import Path

import pytest

from spotdesk.model import TaskState
from spotdesk.store import open_store
from tests.fakes.mongo import URI_VARIABLE, start_mongo_server
from tests.workers.conftest import track_task, wait_until

pytestmark = [
    pytest.mark.mongo,
    pytest.mark.skipif(bool(os.environ.get(URI_VARIABLE)), reason="cannot stop an external server"),
]


def test_workers_survive_database_restart(
    tmp_path: Path, library: Path, spawn, monkeypatch
) -> None:
    monkeypatch.setenv("SPOTDESK_TEST_PIPELINE_SECONDS", "1.0")
    server = start_mongo_server(tmp_path / "mongo")
    uri = server.database_uri("outage") + "&serverSelectionTimeoutMS=500&connectTimeoutMS=500"
    store = open_store(uri)
    try:
        task_ids = [
            result.task_id
            for result in store.submit([track_task(library, number) for number in range(6)])
        ]
        workers = [
            spawn(
                f"w{number}", "--lease", "30", "--idle-poll", "0.5", "--store-retry", "1", store=uri
            )
            for number in range(2)
        ]
        workers[0].wait_for_event("done", timeout=60)

        server.stop()
        wait_until(
            lambda: any(worker.of_kind("store_unavailable") for worker in workers),
            30,
            "an outage reported",
        )
        time.sleep(1.0)
        server.start()

        wait_until(
            lambda: all(store.get(task_id).state is TaskState.DONE for task_id in task_ids),
            120,
            "every task done after the restart",
        )
        for worker in workers:
            assert worker.process.poll() is None, worker.stderr_lines[-5:]
        outage = next(event for worker in workers for event in worker.of_kind("store_unavailable"))
        assert outage["reason"]
        assert outage["until"] > outage["time"]
        placed = collections.Counter(
            line.split()[0] for line in (library / "placements.log").read_text().splitlines()
        )
        assert sorted(placed) == [f"track{number:04d}" for number in range(6)]
        assert set(placed.values()) == {1}
        assert sorted(path.name for path in library.glob("*.txt")) == [
            f"track{number:04d}.txt" for number in range(6)
        ]
    finally:
        store.close()
        server.stop()
