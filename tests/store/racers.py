"""Process bodies for the race tests, importable by `multiprocessing`'s spawn start method.

Each function opens its own store, waits at a shared barrier so all processes start
together, does its part and puts the result on a queue.
"""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from spotdesk.model import OutputOptions, TaskKind
from spotdesk.store import open_store
from spotdesk.store.contract import NewTask, Outcome

BARRIER_TIMEOUT = 60.0


def submit_same(uri: str, barrier: Barrier, results: Queue[Any]) -> None:
    """Submit one task with a fixed dedupe key; put (task_id, created)."""
    with open_store(uri) as store:
        new = NewTask(
            kind=TaskKind.RESOLVE,
            link="https://open.spotify.com/album/race",
            options=OutputOptions(folder="/music"),
            dedupe_key="resolve:race",
        )
        barrier.wait(BARRIER_TIMEOUT)
        [submitted] = store.submit([new])
        results.put((submitted.task_id, submitted.created))


def claim_all(uri: str, owner: str, barrier: Barrier, results: Queue[Any]) -> None:
    """Claim and complete tasks until none is left; put the list of ids claimed."""
    claimed: list[str] = []
    with open_store(uri) as store:
        barrier.wait(BARRIER_TIMEOUT)
        while True:
            task = store.claim(owner, 60)
            if task is None:
                break
            assert task.lease_token
            store.complete(task.id, task.lease_token, Outcome())
            claimed.append(task.id)
    results.put(claimed)
