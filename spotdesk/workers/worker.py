"""The worker loop: claim a task, keep its lease, run it, repeat until asked to stop."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from spotdesk.model import Task
from spotdesk.store.contract import Store, StoreError, StoreUnavailable, redact_uri
from spotdesk.workers import protocol
from spotdesk.workers.lease import Heartbeat, StopFlag, TaskControl
from spotdesk.workers.protocol import EventWriter
from spotdesk.workers.runner import (
    BrokenInstallation,
    MetadataResolver,
    TaskRunner,
    TrackPipeline,
)

log = logging.getLogger(__name__)

# Exit status of a worker that cannot import its own code; restarting it cannot help.
BROKEN_INSTALLATION_STATUS = 3

T = TypeVar("T")


@dataclass
class WorkerConfig:
    """Timing of one worker process. All durations are in seconds."""

    store_uri: str
    worker_id: str
    lease_seconds: float = 60.0
    once: bool = False  # exit when no task can be claimed
    idle_poll_min: float = 0.2
    idle_poll_max: float = 2.0
    reap_interval: float = 5.0
    idle_heartbeat_interval: float = 5.0
    stall_seconds: float = 600.0
    store_retry_min: float = 0.5
    store_retry_max: float = 30.0


class Worker:
    """One download worker. `run()` blocks until `stop()` (or an empty queue with `once`)."""

    def __init__(
        self,
        config: WorkerConfig,
        events: EventWriter,
        open_store: Callable[[], Store],
        pipeline_factory: Callable[[], TrackPipeline],
        resolver_factory: Callable[[Store], MetadataResolver],
    ) -> None:
        self.config = config
        self.stopping = StopFlag()
        self._events = events
        self._open_store = open_store
        self._pipeline_factory = pipeline_factory
        self._resolver_factory = resolver_factory
        self._extra = {"worker": config.worker_id, "task": None}
        self._store_failures = 0

    def stop(self, reason: str) -> None:
        """Ask the loop to stop. Safe to call from a signal handler."""
        self.stopping.set(reason)

    def run(self) -> int:
        """Work until stopped and return the process exit status.

        The status is 0 when stopped, 1 when the store cannot be used and
        `BROKEN_INSTALLATION_STATUS` when the worker cannot import its own code.
        """
        config = self.config
        self._events.emit(
            protocol.STARTED,
            pid=os.getpid(),
            store=redact_uri(config.store_uri),
            lease=config.lease_seconds,
        )
        log.info("worker started on %s", redact_uri(config.store_uri), extra=self._extra)
        heartbeat = Heartbeat(
            self._open_store, self._events, config.worker_id, config.stall_seconds
        )
        heartbeat.start()

        store: Store | None = None
        status = 0
        try:
            store = self._connect()
            if store is not None:
                status = self._loop(store, heartbeat)
        except StoreError as error:
            log.error("cannot use the store: %s (%s)", error, error.code, extra=self._extra)
            self.stopping.set(f"store error: {error}")
            status = 1
        except BrokenInstallation as error:
            log.critical("%s", error.message, extra=self._extra)
            self.stopping.set(error.message)
            status = BROKEN_INSTALLATION_STATUS
        finally:
            heartbeat.close()
            if store is not None:
                store.close()

        reason = self.stopping.reason or ("no task left" if config.once else "stopped")
        log.info("worker stopped: %s", reason, extra=self._extra)
        self._events.emit(protocol.STOPPED, reason=reason)
        return status

    def _connect(self) -> Store | None:
        while not self.stopping.is_set():
            try:
                store = self._open_store()
            except StoreUnavailable as error:
                self._wait_for_store(error)
                continue
            self._store_failures = 0
            return store
        return None

    def _loop(self, store: Store, heartbeat: Heartbeat) -> int:
        config = self.config
        runner = TaskRunner(
            store,
            self._events,
            config.worker_id,
            self._pipeline_factory,
            self._resolver_factory,
            self.persist,
        )
        idle_delay = config.idle_poll_min
        idle = False
        last_reap = float("-inf")
        last_idle_heartbeat = float("-inf")
        while not self.stopping.is_set():
            try:
                if time.monotonic() - last_reap >= config.reap_interval:
                    reaped = store.reap_expired()
                    last_reap = time.monotonic()
                    if reaped:
                        log.info(
                            "returned %d expired tasks to the queue", reaped, extra=self._extra
                        )
                task = store.claim(config.worker_id, config.lease_seconds)
            except StoreUnavailable as error:
                self._wait_for_store(error)
                continue
            self._store_recovered()

            if task is None:
                if config.once:
                    return 0
                if not idle:
                    until = time.time() + idle_delay
                    self._events.emit(protocol.WAITING, reason="no task to claim", until=until)
                    idle = True
                if time.monotonic() - last_idle_heartbeat >= config.idle_heartbeat_interval:
                    self._events.emit(protocol.HEARTBEAT, task=None)
                    last_idle_heartbeat = time.monotonic()
                self.stopping.wait(idle_delay)
                idle_delay = min(idle_delay * 2, config.idle_poll_max)
                continue

            idle = False
            idle_delay = config.idle_poll_min
            self._run_task(task, runner, heartbeat)
            last_idle_heartbeat = time.monotonic()
        return 0

    def _run_task(self, task: Task, runner: TaskRunner, heartbeat: Heartbeat) -> None:
        extra = {"worker": self.config.worker_id, "task": task.id}
        log.info(
            "claimed %s task (attempt %d): %s",
            task.kind.value,
            task.attempts,
            task.title or task.link,
            extra=extra,
        )
        self._events.emit(
            protocol.CLAIMED,
            task=task.id,
            kind=task.kind.value,
            title=task.title or task.link,
            attempt=task.attempts,
            parent=task.parent_id,
        )
        control = TaskControl(
            task.id, task.lease_token or "", self.config.lease_seconds, self.stopping
        )
        heartbeat.begin(control)
        try:
            runner.run(task, control)
        finally:
            heartbeat.end()

    # ---- store outages ----------------------------------------------------------------

    def persist(self, action: Callable[[], T]) -> T:
        """Run a store write, retrying while the store is unavailable.

        Gives up (re-raising `StoreUnavailable`) only once the worker is stopping. The
        task's lease then runs out and the reaper returns it to the queue.
        """
        while True:
            try:
                result = action()
            except StoreUnavailable as error:
                if self.stopping.is_set():
                    raise
                self._wait_for_store(error)
                continue
            self._store_recovered()
            return result

    def _wait_for_store(self, error: StoreUnavailable) -> None:
        config = self.config
        delay = min(config.store_retry_min * 2**self._store_failures, config.store_retry_max)
        self._store_failures += 1
        until = time.time() + delay
        # The first failure and then every tenth is logged as a warning. Repeats in
        # between go to the debug log only.
        level = logging.WARNING if self._store_failures % 10 == 1 else logging.DEBUG
        log.log(
            level,
            "store unavailable (failure %d), retrying in %.1f s: %s",
            self._store_failures,
            delay,
            error,
            extra=self._extra,
        )
        self._events.emit(protocol.STORE_UNAVAILABLE, reason=str(error), until=until)
        self.stopping.wait(delay)

    def _store_recovered(self) -> None:
        if self._store_failures:
            log.warning(
                "store reachable again after %d failed attempts",
                self._store_failures,
                extra=self._extra,
            )
            self._store_failures = 0
