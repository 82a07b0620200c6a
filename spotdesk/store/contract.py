"""The store contract: the durable task queue and catalog every process shares.

Two implementations follow it, `store.sqlite.SqliteStore` (the embedded default) and
`store.mongo.MongoStore`. One contract test suite runs against both. Callers never see
which one they hold.

Leases: `claim` gives the worker a fresh `lease_token`. Every later worker write
(`heartbeat`, `report_progress`, `add_children`, `complete`, `fail`, `release`) matches on
task id *and* token. When nothing matches, the lease was lost, because the reaper gave the
task to another worker or the user removed it, and the method raises `LeaseLost`. The
worker then abandons the task without placing its file.

User requests (`request_cancel`, `request_pause`) on a running task only set a flag. The
owning worker finds it in the `Flags` that its next heartbeat or progress write returns.
On a task that is not running they take effect at once.

The user actions (`request_cancel`, `request_pause`, `resume`, `retry`) return the ids they
changed. Given several ids, they skip tasks the action does not apply to, because a
selection often mixes states. Given one id, they raise `TaskNotFound` for a missing task
and `InvalidTransition` when nothing changed (for example, pausing a paused task), with
a message that names the task's state and the states the action applies to.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from spotdesk.errors import SpotdeskError, UsageError
from spotdesk.model import (
    CollectionContext,
    MatchCandidate,
    OutputOptions,
    SkippedEntry,
    Stage,
    Task,
    TaskKind,
    TaskState,
    Track,
)


class StoreError(SpotdeskError):
    code = "store.error"


class StoreUnavailable(StoreError):
    """The database cannot be reached now; callers back off and retry."""

    code = "store.unavailable"
    retryable = True


class StoreNotFound(StoreError):
    """A store opened for reading only does not exist, which usually means a mistyped path."""

    code = "store.not_found"


class SchemaTooNew(StoreError):
    """The database was written by a newer spotdesk than this one."""

    code = "store.schema_too_new"


class LeaseLost(StoreError):
    """A worker write matched no task: the lease expired or the task was removed."""

    code = "store.lease_lost"


class InvalidTransition(StoreError):
    """The requested action is not allowed in the task's current state (HTTP 409)."""

    code = "store.invalid_transition"


class TaskNotFound(StoreError):
    code = "store.task_not_found"


class InvalidCursor(StoreError):
    """A `list_tasks` or `changes_since` cursor that this store did not issue."""

    code = "store.invalid_cursor"


class InvalidStoreUri(StoreError, UsageError):
    """A store URI that is neither `sqlite:///PATH` nor `mongodb://...`."""

    code = "store.invalid_uri"


@dataclass(frozen=True)
class Flags:
    """User requests a running worker must act on, returned by every lease-checked write."""

    cancel_requested: bool = False
    pause_requested: bool = False


@dataclass
class NewTask:
    """A task to create. The store assigns id, seq, state and times."""

    kind: TaskKind
    link: str
    options: OutputOptions
    # Equal keys while a task is active (queued/running/paused) make one task; None never dedupes.
    dedupe_key: str | None
    parent_id: str | None = None
    position: int | None = None
    priority: int = 0
    title: str | None = None
    track: Track | None = None
    context: CollectionContext | None = None
    chosen_url: str | None = None
    max_attempts: int = 3


@dataclass(frozen=True)
class Submitted:
    task_id: str
    created: bool  # False when an equal active task already existed


@dataclass
class TaskFilter:
    """Filters for `list_tasks`; None means no filter on that field."""

    states: Sequence[TaskState] | None = None
    kinds: Sequence[TaskKind] | None = None
    parent_id: str | None = None
    top_level: bool = False  # only tasks without a parent
    needs_review: bool | None = None


@dataclass
class TaskPage:
    tasks: list[Task]
    next_cursor: str | None  # pass back to get the next page; None at the end


@dataclass
class Changes:
    """Tasks changed since a cursor, for the GUI and the API's server-sent events."""

    tasks: list[Task]
    removed_ids: list[str]
    cursor: str  # opaque; pass to the next `changes_since`


@dataclass
class ProgressUpdate:
    """Fields a worker writes while a task runs; None leaves a field as it is."""

    stage: Stage | None = None
    progress: float | None = None
    bytes_done: int | None = None
    bytes_total: int | None = None
    speed: float | None = None
    eta: float | None = None
    track: Track | None = None
    title: str | None = None
    match: MatchCandidate | None = None
    candidates: list[MatchCandidate] | None = None


@dataclass
class Outcome:
    """The result of a finished task."""

    output_path: str | None = None
    match: MatchCandidate | None = None
    bytes_written: int = 0
    skipped_reason: str | None = None  # set when the track was already in the library
    skipped: list[SkippedEntry] = field(default_factory=list)  # resolve tasks only


@dataclass
class DayStats:
    day: str  # "YYYY-MM-DD", UTC
    downloads: int = 0
    bytes: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # by error code


class Store(abc.ABC):
    """The task queue and catalog.

    Both implementations may be shared by the threads of one process (SQLite serialises
    them on a lock). Each process opens its own store, because connections do not survive
    a fork.
    """

    uri: str  # as given to `open_store`, password included; log `display_uri` instead

    @property
    def display_uri(self) -> str:
        """Return `uri` with any password replaced by "***", for logs and messages."""
        return redact_uri(self.uri)

    # ---- submission -------------------------------------------------------------------

    @abc.abstractmethod
    def submit(self, tasks: Sequence[NewTask]) -> list[Submitted]:
        """Create tasks, idempotently by `dedupe_key` among active tasks.

        Concurrent submissions of the same key from several processes create exactly one
        task. The returned list is in the order of `tasks`.
        """

    # ---- worker side (lease-checked) --------------------------------------------------

    @abc.abstractmethod
    def claim(
        self, owner: str, lease_seconds: float, kinds: Sequence[TaskKind] | None = None
    ) -> Task | None:
        """Atomically take the next claimable task, or return None.

        Claimable: state queued, `not_before` passed. Order: priority descending, then
        `seq` ascending (so a collection's tracks keep their order). The claim sets state
        running, owner, a fresh lease token, `lease_until` = now + lease (database clock
        where available), and increments `attempts`.
        """

    @abc.abstractmethod
    def heartbeat(self, task_id: str, token: str, lease_seconds: float) -> Flags:
        """Extend the lease; raises `LeaseLost` if the token no longer matches."""

    @abc.abstractmethod
    def report_progress(self, task_id: str, token: str, update: ProgressUpdate) -> Flags:
        """Write progress fields (and extend nothing); raises `LeaseLost`."""

    @abc.abstractmethod
    def add_children(self, task_id: str, token: str, children: Sequence[NewTask]) -> list[str]:
        """Create a resolve task's track tasks, in collection order; raises `LeaseLost`.

        Idempotent per (parent, position): a resolve task re-run after a crash does not
        create its children twice. Returns the child ids in the order given.
        """

    @abc.abstractmethod
    def complete(self, task_id: str, token: str, outcome: Outcome) -> None:
        """Mark the task done and record statistics; raises `LeaseLost`.

        Statistics count a track task with an `output_path` and no `skipped_reason` as
        one download of `bytes_written` bytes.
        """

    @abc.abstractmethod
    def fail(
        self,
        task_id: str,
        token: str,
        error: SpotdeskError,
        retry_after: float | None = None,
    ) -> TaskState:
        """Record a failure and return the state the task ended in; raises `LeaseLost`.

        A retryable error with attempts left goes back to queued, with `not_before` set by
        exponential backoff with jitter, or `retry_after` seconds when given (a rate
        limit's). Any other failure ends the task failed.
        A pending cancel request ends the task cancelled, and a pending pause request
        turns a retry into paused. Only a failure that ends the task counts in the daily
        statistics, under its error code.
        """

    @abc.abstractmethod
    def release(self, task_id: str, token: str, state: TaskState = TaskState.QUEUED) -> None:
        """Hand a running task back (worker shutdown, or a pause/cancel request acted on).

        `state` is queued (shutdown: the attempt is not counted), paused or cancelled.
        Raises `LeaseLost`.
        """

    @abc.abstractmethod
    def reap_expired(self) -> int:
        """Return expired running tasks to queued, or fail them at the attempt limit."""

    # ---- user side --------------------------------------------------------------------

    @abc.abstractmethod
    def request_cancel(self, task_ids: Iterable[str]) -> list[str]:
        """Cancel tasks (and a collection's unfinished children). Returns ids affected.

        Queued and paused tasks are cancelled at once; running ones get the flag.
        """

    @abc.abstractmethod
    def request_pause(self, task_ids: Iterable[str]) -> list[str]:
        """Pause queued tasks at once and flag running ones (children included)."""

    @abc.abstractmethod
    def resume(self, task_ids: Iterable[str]) -> list[str]:
        """Return paused tasks to queued (children included).

        A running task whose pause request the worker has not acted on yet loses the
        request and keeps running.
        """

    @abc.abstractmethod
    def retry(self, task_ids: Iterable[str], chosen_url: str | None = None) -> list[str]:
        """Re-queue failed or cancelled tasks with attempts reset (children included).

        A queued task waiting for a retry delay (`not_before` in the future, such as after a
        long `Retry-After`) gets `not_before` cleared and attempts reset, so the next free
        worker claims it. `chosen_url`, for one track task, is the match the user chose
        ("choose match").
        """

    @abc.abstractmethod
    def remove(self, task_ids: Iterable[str]) -> list[str]:
        """Delete tasks and their children; a running task is cancelled first."""

    @abc.abstractmethod
    def clear_finished(self) -> int:
        """Delete done and cancelled tasks (collections only when all children are)."""

    # ---- reading ----------------------------------------------------------------------

    @abc.abstractmethod
    def get(self, task_id: str) -> Task:
        """Return one task; raises `TaskNotFound`."""

    @abc.abstractmethod
    def list_tasks(
        self, filter: TaskFilter | None = None, limit: int = 100, cursor: str | None = None
    ) -> TaskPage:
        """List tasks in queue order (seq ascending) with cursor pagination."""

    @abc.abstractmethod
    def changes_since(self, cursor: str | None, limit: int = 1000) -> Changes:
        """Return tasks changed (and ids removed) after `cursor`; None starts from now.

        Used by the GUI and the API's server-sent events to follow the queue without
        re-reading it. Take the first cursor with `changes_since(None)` before listing the
        tasks, so that a write made while listing is not missed. Raises `InvalidCursor` for
        a cursor from another store or one older than the removals the store keeps (seven
        days). The caller then lists the tasks again and starts over from
        `changes_since(None)`.
        """

    def wait_for_changes(
        self, cursor: str | None, timeout: float, poll_interval: float = 0.5
    ) -> Changes:
        """Block until something changed after `cursor` or `timeout` seconds pass.

        Returns the changes (possibly none). This default polls `changes_since` every
        `poll_interval` seconds; a store with change notifications overrides it.
        """
        deadline = time.monotonic() + timeout
        while True:
            changes = self.changes_since(cursor)
            if cursor is None:
                cursor = changes.cursor
            elif changes.tasks or changes.removed_ids or time.monotonic() >= deadline:
                return changes
            time.sleep(max(0.0, min(poll_interval, deadline - time.monotonic())))

    @abc.abstractmethod
    def counts(self) -> dict[str, int]:
        """Count track tasks by state, plus "needs_review"."""

    # ---- catalog ----------------------------------------------------------------------

    @abc.abstractmethod
    def cache_get(self, key: str) -> Any | None:
        """Return a cached Spotify object (JSON value) or None when absent or expired."""

    @abc.abstractmethod
    def cache_put(self, key: str, value: Any, ttl_seconds: float) -> None:
        """Cache a Spotify object (a JSON value) for `ttl_seconds`."""

    @abc.abstractmethod
    def stats(self, days: int = 30) -> list[DayStats]:
        """Return per-day statistics, newest first."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def redact_uri(uri: str) -> str:
    """Return `uri` with the password of its `user:password@` part replaced by "***"."""
    scheme, separator, rest = uri.partition("://")
    if not separator or "@" not in rest.split("/", 1)[0]:
        return uri
    credentials, _, host = rest.partition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
