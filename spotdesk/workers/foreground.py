"""Run workers until given tasks finish: the engine of `spotdesk download` on the queue."""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Sequence
from typing import Any

from spotdesk.model import Task, TaskKind, TaskState
from spotdesk.store.contract import Store, StoreError, StoreUnavailable
from spotdesk.workers.lease import StopFlag
from spotdesk.workers.playlists import list_children

log = logging.getLogger(__name__)

POLL_MS = 300
# Consecutive worker crashes per worker, with no task claimed or finished in between,
# after which `run_until_done` gives up instead of restarting workers forever.
CRASH_LIMIT_PER_WORKER = 3


class TaskTracker:
    """Follow root tasks and their children in the store until all are final."""

    def __init__(
        self, store: Store, root_ids: Sequence[str], on_change: Callable[[Task], None] | None
    ) -> None:
        self._store = store
        self._root_ids = list(root_ids)
        self._on_change = on_change
        self._seen: dict[str, float] = {}  # task id -> updated_at last reported
        self._tasks: dict[str, Task] = {}
        self._finished_roots: set[str] = set()

    def poll(self) -> bool:
        """Read the unfinished roots and their children; return True when all are final."""
        for root_id in self._root_ids:
            if root_id in self._finished_roots:
                continue
            root = self._store.get(root_id)
            self._note(root)
            children = list_children(self._store, root_id) if root.kind is TaskKind.RESOLVE else []
            for child in children:
                self._note(child)
            if root.state.is_final and all(child.state.is_final for child in children):
                self._finished_roots.add(root_id)
        return len(self._finished_roots) == len(self._root_ids)

    def _note(self, task: Task) -> None:
        self._tasks[task.id] = task
        if self._seen.get(task.id) == task.updated_at:
            return
        self._seen[task.id] = task.updated_at
        if self._on_change is not None:
            self._on_change(task)

    def summary(self, interrupted: bool, aborted: str | None = None) -> dict[str, Any]:
        """Count track outcomes; a resolve task counts only when it failed."""
        counts = {
            "done": 0,
            "skipped": 0,
            "failed": 0,
            "needs_review": 0,
            "cancelled": 0,
            "unfinished": 0,
        }
        failures: list[dict[str, Any]] = []
        output_paths: list[str] = []
        for task in self._tasks.values():
            if task.kind is TaskKind.RESOLVE and task.state is not TaskState.FAILED:
                continue
            if task.state is TaskState.DONE:
                counts["skipped" if task.skipped_reason else "done"] += 1
                if task.output_path:
                    output_paths.append(task.output_path)
            elif task.needs_review:
                counts["needs_review"] += 1
            elif task.state is TaskState.FAILED:
                counts["failed"] += 1
                failures.append(
                    {
                        "id": task.id,
                        "title": task.title or task.link,
                        "code": task.error_code,
                        "message": task.error_message,
                    }
                )
            elif task.state is TaskState.CANCELLED:
                counts["cancelled"] += 1
            else:
                counts["unfinished"] += 1
        tracks = sum(1 for task in self._tasks.values() if task.kind is TaskKind.TRACK)
        return {
            "interrupted": interrupted,
            "aborted": aborted,
            "tracks": tracks,
            **counts,
            "failures": failures,
            "output_paths": output_paths,
        }


def run_until_done(
    store_uri: str,
    task_ids: Sequence[str],
    workers: int,
    on_change: Callable[[Task], None] | None = None,
    *,
    worker_args: Sequence[str] = (),
) -> dict[str, Any]:
    """Run `workers` worker processes until the tasks and their children are final.

    `on_change` receives each task (roots and children) whenever the store shows it
    changed. Ctrl+C (SIGINT) or SIGTERM stops the workers gracefully. Running tasks go
    back to the queue for the next run, and the summary has ``interrupted`` set. When
    the workers keep crashing or the queue cannot be read, the run stops and
    ``aborted`` gives the reason. Returns counts of track outcomes (done, skipped,
    failed, needs_review, cancelled, unfinished), the failures with their codes, and the
    output paths.
    """
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from spotdesk.store import open_store
    from spotdesk.workers.manager import WorkerManager

    QCoreApplication.instance() or QCoreApplication([])
    store = open_store(store_uri)
    tracker = TaskTracker(store, task_ids, on_change)
    manager = WorkerManager(store_uri, workers, worker_args=worker_args)
    stop = StopFlag()
    aborted: list[str] = []
    crashes = [0]
    loop = QEventLoop()

    def abort(reason: str) -> None:
        log.error("stopping the workers: %s", reason)
        aborted.append(reason)
        loop.quit()

    def on_crash(worker_id: str, reason: str) -> None:
        crashes[0] += 1
        if crashes[0] >= CRASH_LIMIT_PER_WORKER * max(workers, 1) and not aborted:
            abort(f"workers crashed {crashes[0]} times in a row; the last one: {reason}")

    def on_status(worker_id: str, event: dict[str, Any]) -> None:
        if event.get("event") in ("claimed", "done", "failed", "released"):
            crashes[0] = 0

    manager.worker_crashed.connect(on_crash)
    manager.status.connect(on_status)

    def poll() -> None:
        if stop.is_set():
            loop.quit()
            return
        try:
            finished = tracker.poll()
        except StoreUnavailable as error:
            log.warning("cannot read the queue, trying again: %s", error)
            return
        except StoreError as error:
            abort(f"reading the queue failed: {error}")
            return
        if finished:
            loop.quit()

    timer = QTimer()
    timer.setInterval(POLL_MS)
    timer.timeout.connect(poll)
    previous = {
        number: signal.signal(
            number, lambda received, _frame: stop.set(signal.Signals(received).name)
        )
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        manager.start()
        timer.start()
        QTimer.singleShot(0, poll)
        loop.exec()
    finally:
        timer.stop()
        manager.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    if stop.is_set():
        log.info(
            "stopped before the tasks finished (%s); unfinished tasks stay queued", stop.reason
        )
    if aborted:
        log.info("unfinished tasks stay queued for the next run")
    try:
        tracker.poll()
    except StoreError as error:
        log.warning("cannot read the final task states: %s", error)
    finally:
        store.close()
    return tracker.summary(interrupted=stop.is_set(), aborted=aborted[0] if aborted else None)
