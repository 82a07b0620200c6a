"""Several processes on one store at once: identical submissions and concurrent claims."""

from __future__ import annotations

import multiprocessing
import queue
import time
from typing import Any

from spotdesk.model import OutputOptions, TaskState
from spotdesk.store.contract import Store, TaskFilter
from tests.store import racers
from tests.store.conftest import track_task

PROCESSES = 4
JOIN_TIMEOUT = 120.0


def run_processes(target: Any, arguments: list[tuple[Any, ...]]) -> list[Any]:
    """Run `target` in one spawned process per argument tuple; return their results."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(arguments))
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(*arguments_, barrier, results))
        for arguments_ in arguments
    ]
    for process in processes:
        process.start()

    collected: list[Any] = []
    deadline = time.monotonic() + JOIN_TIMEOUT
    while len(collected) < len(processes):
        try:
            collected.append(results.get(timeout=0.5))
        except queue.Empty:
            crashed = [process.exitcode for process in processes if process.exitcode]
            assert not crashed, f"racing processes exited with {crashed}"
            assert time.monotonic() < deadline, "racing processes timed out"
    for process in processes:
        process.join(JOIN_TIMEOUT)
        assert process.exitcode == 0
    return collected


def test_racing_submissions_create_one(store_uri: str, store: Store) -> None:
    results = run_processes(racers.submit_same, [(store_uri,)] * PROCESSES)

    ids = {task_id for task_id, _ in results}
    assert len(ids) == 1
    assert sum(1 for _, created in results if created) == 1
    assert len(store.list_tasks().tasks) == 1


def test_racing_claims_take_each_once(store_uri: str, store: Store, options: OutputOptions) -> None:
    submitted = {
        result.task_id
        for result in store.submit([track_task(options, f"t{index}") for index in range(40)])
    }

    results = run_processes(
        racers.claim_all, [(store_uri, f"worker-{index}") for index in range(PROCESSES)]
    )

    claimed = [task_id for worker_claims in results for task_id in worker_claims]
    assert len(claimed) == len(set(claimed))
    assert set(claimed) == submitted
    done = store.list_tasks(TaskFilter(states=[TaskState.DONE]), limit=100).tasks
    assert len(done) == len(submitted)
    assert all(task.attempts == 1 for task in done)
