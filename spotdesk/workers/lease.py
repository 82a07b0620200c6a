"""Lease keeping for the task a worker runs: the heartbeat thread and the stop checks.

The pipeline runs on the worker's main thread and calls `TaskControl.check()` often. A
heartbeat thread with its own store connection renews the lease well inside its length
and picks up the user's cancel and pause requests. `check()` turns what the two threads
learned into the exception the pipeline stops on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from spotdesk.errors import CancelledError, PausedError
from spotdesk.store.contract import Flags, LeaseLost, Store, StoreError, StoreUnavailable
from spotdesk.workers import protocol
from spotdesk.workers.protocol import EventWriter

log = logging.getLogger(__name__)

# Cancel and pause requests must reach a running task within about a second, so the
# heartbeat runs at least this often even when the lease is long.
MAX_HEARTBEAT_INTERVAL = 1.0


class StopRequested(CancelledError):
    """The worker process is shutting down; its task goes back to the queue unchanged."""

    code = "worker.stopping"


class StopFlag:
    """A stop request that a signal handler may set.

    `threading.Event.set` takes a lock. A handler that interrupts the main thread inside
    `Event.wait` could deadlock on that lock, so this flag is a plain attribute and
    `wait` polls it in short sleeps.
    """

    POLL_SECONDS = 0.05

    def __init__(self) -> None:
        self._set = False
        self.reason = ""

    def set(self, reason: str = "") -> None:
        if not self._set:
            self.reason = reason
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float) -> bool:
        """Sleep up to `timeout` seconds; return early (True) once the flag is set."""
        deadline = time.monotonic() + timeout
        while not self._set:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(remaining, self.POLL_SECONDS))
        return True


def heartbeat_interval(lease_seconds: float) -> float:
    """Return how often to renew a lease of `lease_seconds`: a third of it, at most 1 s."""
    return min(lease_seconds / 3.0, MAX_HEARTBEAT_INTERVAL)


class TaskControl:
    """State of the running task that the main thread and the heartbeat thread share.

    The lease counts as lost when the store rejected a write. It also counts as lost when
    no renewal succeeded for 90% of the lease length, because by then the reaper may have
    handed the task to another worker, and this worker must not place a file.
    """

    def __init__(self, task_id: str, token: str, lease_seconds: float, stopping: StopFlag) -> None:
        self.task_id = task_id
        self.token = token
        self.lease_seconds = lease_seconds
        self._stopping = stopping
        self._lock = threading.Lock()
        self._renewed_at = time.monotonic()
        self._last_check = time.monotonic()
        self._lease_lost_reason: str | None = None
        self._flags = Flags()

    def renewed(self, flags: Flags) -> None:
        with self._lock:
            self._renewed_at = time.monotonic()
            self._flags = flags

    def update_flags(self, flags: Flags) -> None:
        with self._lock:
            self._flags = flags

    def lose_lease(self, reason: str) -> None:
        with self._lock:
            if self._lease_lost_reason is None:
                self._lease_lost_reason = reason

    @property
    def flags(self) -> Flags:
        with self._lock:
            return self._flags

    @property
    def seconds_since_check(self) -> float:
        with self._lock:
            return time.monotonic() - self._last_check

    def lease_lost_reason(self) -> str | None:
        with self._lock:
            if self._lease_lost_reason is not None:
                return self._lease_lost_reason
            unrenewed = time.monotonic() - self._renewed_at
        if unrenewed > 0.9 * self.lease_seconds:
            return f"the lease was not renewed for {unrenewed:.1f} s and may have expired"
        return None

    def check(self) -> None:
        """Raise when the running task must stop; the pipeline calls this often.

        Raises `LeaseLost` first (nothing may be placed), then `StopRequested` on worker
        shutdown, then `CancelledError` or `PausedError` for the user's requests.
        """
        with self._lock:
            self._last_check = time.monotonic()
        reason = self.lease_lost_reason()
        if reason is not None:
            raise LeaseLost(f"Task {self.task_id} is no longer ours: {reason}.")
        if self._stopping.is_set():
            raise StopRequested("The worker is shutting down; the task goes back to the queue.")
        flags = self.flags
        if flags.cancel_requested:
            raise CancelledError("The task was cancelled.")
        if flags.pause_requested:
            raise PausedError("The task was paused.")


class Heartbeat(threading.Thread):
    """A daemon thread renewing the lease of the running task, if any.

    It owns a second store connection, because a store object serves one thread. When the
    main thread has not called `check()` for `stall_seconds`, the pipeline counts as hung.
    The thread then stops renewing and stops its heartbeat events, so the lease runs out
    for the reaper and the manager replaces this process.
    """

    def __init__(
        self,
        open_store: Callable[[], Store],
        events: EventWriter,
        worker_id: str,
        stall_seconds: float,
    ) -> None:
        super().__init__(name="heartbeat", daemon=True)
        self._open_store = open_store
        self._events = events
        self._worker_id = worker_id
        self._stall_seconds = stall_seconds
        self._control: TaskControl | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._store: Store | None = None
        self._stalled_task: str | None = None  # logged once per task

    def begin(self, control: TaskControl) -> None:
        with self._lock:
            self._control = control
        self._wake.set()

    def end(self) -> None:
        with self._lock:
            self._control = None

    def close(self) -> None:
        self._closing.set()
        self._wake.set()

    def run(self) -> None:
        try:
            while not self._closing.is_set():
                with self._lock:
                    control = self._control
                if control is None:
                    self._wake.wait(1.0)
                    self._wake.clear()
                    continue
                self._wake.wait(heartbeat_interval(control.lease_seconds))
                self._wake.clear()
                with self._lock:
                    still_running = self._control is control
                if still_running and not self._closing.is_set():
                    self._renew(control)
        finally:
            if self._store is not None:
                self._store.close()

    def _renew(self, control: TaskControl) -> None:
        extra = {"worker": self._worker_id, "task": control.task_id}
        if control.seconds_since_check > self._stall_seconds:
            if self._stalled_task != control.task_id:
                self._stalled_task = control.task_id
                log.error(
                    "the pipeline made no progress check for %.0f s; letting the lease expire",
                    control.seconds_since_check,
                    extra=extra,
                )
            return
        if control.lease_lost_reason() is not None:
            return
        try:
            if self._store is None:
                self._store = self._open_store()
            flags = self._store.heartbeat(control.task_id, control.token, control.lease_seconds)
        except LeaseLost as error:
            log.warning("lease lost while renewing: %s", error, extra=extra)
            control.lose_lease("the store rejected the lease renewal")
            return
        except StoreUnavailable as error:
            log.warning("cannot renew the lease, the store is unavailable: %s", error, extra=extra)
            until = time.time() + heartbeat_interval(control.lease_seconds)
            self._events.emit(
                protocol.STORE_UNAVAILABLE, reason=str(error), until=until, task=control.task_id
            )
            return
        except StoreError as error:
            # The thread must outlive one bad renewal. If renewals keep failing, the lease
            # runs out and `check()` stops the task.
            log.error("lease renewal failed: %s (%s)", error, error.code, extra=extra)
            return
        control.renewed(flags)
        self._events.emit(protocol.HEARTBEAT, task=control.task_id)
