"""The embedded store: one SQLite file in WAL mode, shared by the processes of one host.

Every write runs in a `BEGIN IMMEDIATE` transaction, so writers queue on SQLite's lock
(waiting up to the busy timeout), and no other writer can change a row between a read
and a write inside one transaction. Every task write also takes the next value of the
`change` counter into the row's `change_seq`, which is what `changes_since` follows.
Lease times come from this host's clock, which is the only clock a same-host database has.

Never put the file on a network share: SQLite's locking is unreliable there.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from spotdesk.errors import SpotdeskError
from spotdesk.model import Task, TaskKind, TaskState

from . import codec, transitions
from .contract import (
    Flags,
    LeaseLost,
    NewTask,
    Outcome,
    ProgressUpdate,
    StoreError,
    StoreUnavailable,
    Submitted,
)
from .sqlite_reading import SqliteReading
from .sqlite_schema import migrate

log = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT = 15.0  # seconds a write waits for another process's lock
_LEASED = "id = ? AND lease_token = ? AND state = 'running'"
# sqlite3.OperationalError messages that mean "try again later" rather than a bug.
_UNAVAILABLE_MARKERS = ("locked", "busy", "unable to open", "disk I/O", "disk is full", "readonly")
_IN_CHUNK = 500  # ids per `IN (...)` list, well under SQLite's variable limit


class SqliteStore(SqliteReading):
    """The `Store` contract on one SQLite file; threads of one process may share it."""

    def __init__(self, path: str | Path, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self.path = Path(path)
        self.uri = f"sqlite:///{self.path}"
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                str(self.path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as error:
            raise self._open_failed(error) from error
        try:
            self._prepare()
        except BaseException as error:
            self._conn.close()
            if isinstance(error, sqlite3.Error):
                raise self._open_failed(error) from error
            raise

    def _prepare(self) -> None:
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        # Memory-mapped reads and a page cache of up to 16 MiB keep claims on a queue of
        # 100,000 tasks about as fast as on a small one (benchmarks/queue.md).
        self._conn.execute("PRAGMA cache_size = -16384")
        self._conn.execute("PRAGMA mmap_size = 268435456")
        migrate(self._conn, str(self.path))

    def _open_failed(self, error: OSError | sqlite3.Error) -> StoreUnavailable:
        return StoreUnavailable(
            f"Cannot open the queue database {self.path}: {error}; check that the folder "
            "exists and is writable.",
            detail=repr(error),
        )

    # ---- transactions ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _translated_errors(self.path):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            if self._conn.in_transaction:  # a body that found nothing to do rolled back
                self._conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """Run reads in one snapshot, so a page and its cursor agree."""
        with self._lock, _translated_errors(self.path):
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")

    def _next_change(self, conn: sqlite3.Connection) -> int:
        row = conn.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'change' RETURNING value"
        ).fetchone()
        return int(row[0])

    def _set(
        self,
        conn: sqlite3.Connection,
        where: str,
        params: Sequence[Any],
        fields: dict[str, Any],
        returning: str = "cancel_requested, pause_requested",
    ) -> sqlite3.Row | None:
        """Update the rows matching `where` with `fields`; return the first row's `returning`."""
        values = codec.encode_json_fields(fields)
        values["updated_at"] = time.time()
        values["change_seq"] = self._next_change(conn)
        assignments = ", ".join(f"{name} = ?" for name in values)
        sql = f"UPDATE tasks SET {assignments} WHERE {where} RETURNING {returning}"
        return conn.execute(sql, [*_sql_values(values.values()), *params]).fetchone()

    def _leased_set(
        self, conn: sqlite3.Connection, task_id: str, token: str, fields: dict[str, Any]
    ) -> Flags:
        row = self._set(conn, _LEASED, (task_id, token), fields)
        if row is None:
            raise LeaseLost(f"Task {task_id} is no longer leased with this token.")
        return Flags(bool(row["cancel_requested"]), bool(row["pause_requested"]))

    def _leased_row(self, conn: sqlite3.Connection, task_id: str, token: str) -> sqlite3.Row:
        row = conn.execute(f"SELECT * FROM tasks WHERE {_LEASED}", (task_id, token)).fetchone()
        if row is None:
            raise LeaseLost(f"Task {task_id} is no longer leased with this token.")
        return row

    # ---- submission -----------------------------------------------------------------------

    def submit(self, tasks: Sequence[NewTask]) -> list[Submitted]:
        results: list[Submitted] = []
        with self._write() as conn:
            for new in tasks:
                existing = self._active_with_key(conn, new.dedupe_key)
                if existing is not None:
                    results.append(Submitted(existing, created=False))
                    continue
                results.append(Submitted(self._insert(conn, new), created=True))
        return results

    def _active_with_key(self, conn: sqlite3.Connection, dedupe_key: str | None) -> str | None:
        if dedupe_key is None:
            return None
        row = conn.execute(
            "SELECT id FROM tasks WHERE dedupe_key = ?"
            " AND state IN ('queued', 'running', 'paused')",
            (dedupe_key,),
        ).fetchone()
        return None if row is None else str(row["id"])

    def _insert(self, conn: sqlite3.Connection, new: NewTask) -> str:
        task_id = codec.new_id()
        record = codec.new_task_record(new, task_id, seq=0, now=time.time())
        del record["seq"]  # the rowid assigns it
        record["change_seq"] = self._next_change(conn)
        values = codec.encode_json_fields(record)
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        conn.execute(f"INSERT INTO tasks ({names}) VALUES ({marks})", _sql_values(values.values()))
        return task_id

    # ---- worker side ----------------------------------------------------------------------

    def claim(
        self, owner: str, lease_seconds: float, kinds: Sequence[TaskKind] | None = None
    ) -> Task | None:
        now = time.time()
        kind_values = [kind.value for kind in kinds or ()]
        with self._read() as conn:
            # Idle workers poll often; a read first spares them the write lock.
            if (
                conn.execute(claim_subquery(len(kind_values)), [now, *kind_values]).fetchone()
                is None
            ):
                return None
        with self._write() as conn:
            params: list[Any] = [owner, codec.new_token(), now + lease_seconds, now]
            params.append(self._next_change(conn))
            params.append(now)
            params.extend(kind_values)
            row = conn.execute(
                "UPDATE tasks SET state = 'running', owner = ?, lease_token = ?, lease_until = ?,"
                " attempts = attempts + 1, updated_at = ?, change_seq = ?, cancel_requested = 0,"
                " pause_requested = 0"
                f" WHERE seq = ({claim_subquery(len(kinds or ()))}) RETURNING *",
                params,
            ).fetchone()
            if row is None:
                conn.execute("ROLLBACK")  # nothing to claim: undo the counter step
                return None
        task = codec.task_from_record(dict(row), json_as_text=True)
        log.debug("claimed task %s for %s (attempt %d)", task.id, owner, task.attempts)
        return task

    def heartbeat(self, task_id: str, token: str, lease_seconds: float) -> Flags:
        with self._write() as conn:
            return self._leased_set(
                conn, task_id, token, {"lease_until": time.time() + lease_seconds}
            )

    def report_progress(self, task_id: str, token: str, update: ProgressUpdate) -> Flags:
        with self._write() as conn:
            return self._leased_set(conn, task_id, token, codec.progress_fields(update))

    def add_children(self, task_id: str, token: str, children: Sequence[NewTask]) -> list[str]:
        ids: list[str] = []
        with self._write() as conn:
            self._leased_set(conn, task_id, token, {"child_count": len(children)})
            for child in children:
                child.parent_id = task_id
                existing = conn.execute(
                    "SELECT id FROM tasks WHERE parent_id = ? AND position IS ?",
                    (task_id, child.position),
                ).fetchone()
                if existing is not None and child.position is not None:
                    ids.append(str(existing["id"]))
                    continue
                if self._active_with_key(conn, child.dedupe_key) is not None:
                    # NOTE: an equal task is active elsewhere (another collection or a
                    # single link), but the child is still created so the collection stays
                    # complete. When both run at once, both download.
                    child.dedupe_key = None
                ids.append(self._insert(conn, child))
        return ids

    def complete(self, task_id: str, token: str, outcome: Outcome) -> None:
        fields = transitions.complete_fields(outcome, time.time())
        with self._write() as conn:
            kind = self._leased_row(conn, task_id, token)["kind"]
            self._leased_set(conn, task_id, token, fields)
            for metric, amount in transitions.completion_metrics(kind, outcome).items():
                self._count(conn, metric, amount)

    def fail(
        self, task_id: str, token: str, error: SpotdeskError, retry_after: float | None = None
    ) -> TaskState:
        now = time.time()
        with self._write() as conn:
            row = dict(self._leased_row(conn, task_id, token))
            state, fields = transitions.fail_fields(row, error, retry_after, now)
            self._leased_set(conn, task_id, token, fields)
            if state is TaskState.FAILED:
                self._count(conn, f"failure:{error.code}", 1)
        log.info("task %s failed with %s, now %s", task_id, error.code, state.value)
        return state

    def release(self, task_id: str, token: str, state: TaskState = TaskState.QUEUED) -> None:
        with self._write() as conn:
            row = dict(self._leased_row(conn, task_id, token))
            fields = transitions.release_fields(row, state, time.time())
            self._leased_set(conn, task_id, token, fields)

    def reap_expired(self) -> int:
        now = time.time()
        expired = "SELECT * FROM tasks WHERE state = 'running' AND lease_until < ?"
        with self._read() as conn:
            if conn.execute(expired + " LIMIT 1", (now,)).fetchone() is None:
                return 0  # the usual case, handled without taking the write lock
        with self._write() as conn:
            rows = conn.execute(expired, (now,)).fetchall()
            for row in rows:
                fields = transitions.reap_fields(row, now)
                self._set(
                    conn, "seq = ? AND lease_token IS ?", (row["seq"], row["lease_token"]), fields
                )
                if fields["state"] == TaskState.FAILED.value:
                    self._count(conn, f"failure:{codec.LEASE_EXPIRED_CODE}", 1)
                log.warning(
                    "lease of task %s held by %s expired; task is now %s",
                    row["id"],
                    row["owner"],
                    fields["state"],
                )
        return len(rows)

    # ---- user side ------------------------------------------------------------------------

    def request_cancel(self, task_ids: Iterable[str]) -> list[str]:
        now = time.time()
        return self._apply(
            task_ids,
            "cancel",
            lambda row: transitions.cancel_fields(
                TaskState(row["state"]), bool(row["cancel_requested"]), now
            ),
        )

    def request_pause(self, task_ids: Iterable[str]) -> list[str]:
        return self._apply(
            task_ids,
            "pause",
            lambda row: transitions.pause_fields(
                TaskState(row["state"]), bool(row["pause_requested"])
            ),
        )

    def resume(self, task_ids: Iterable[str]) -> list[str]:
        return self._apply(
            task_ids,
            "resume",
            lambda row: transitions.resume_fields(
                TaskState(row["state"]), bool(row["pause_requested"])
            ),
        )

    def retry(self, task_ids: Iterable[str], chosen_url: str | None = None) -> list[str]:
        now = time.time()
        return self._apply(
            task_ids,
            "retry",
            lambda row: transitions.retry_fields(
                TaskState(row["state"]),
                chosen_url if row["kind"] == TaskKind.TRACK.value else None,
                float(row["not_before"] or 0.0),
                now,
            ),
        )

    def _apply(
        self,
        task_ids: Iterable[str],
        action: str,
        fields_for: Callable[[sqlite3.Row], dict[str, Any] | None],
    ) -> list[str]:
        requested = list(dict.fromkeys(task_ids))
        affected: list[str] = []
        collided = False
        with self._write() as conn:
            rows = self._with_children(conn, requested)
            for row in rows:
                fields = fields_for(row)
                if fields is None:
                    continue
                try:
                    self._set(conn, "seq = ?", (row["seq"],), fields)
                except sqlite3.IntegrityError:
                    # Only a retry can collide: an equal task became active meanwhile.
                    log.info("not re-queuing task %s: an equal task is already active", row["id"])
                    collided = True
                    continue
                affected.append(str(row["id"]))
            found = {str(row["id"]): row for row in rows}
            transitions.check_single(requested, found, affected, action, time.time(), collided)
        return affected

    def _with_children(self, conn: sqlite3.Connection, ids: list[str]) -> list[sqlite3.Row]:
        rows: list[sqlite3.Row] = []
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows.extend(
                conn.execute(
                    f"SELECT * FROM tasks WHERE id IN ({marks}) OR parent_id IN ({marks})"
                    " ORDER BY seq",
                    [*chunk, *chunk],
                ).fetchall()
            )
        return rows

    def remove(self, task_ids: Iterable[str]) -> list[str]:
        requested = list(dict.fromkeys(task_ids))
        with self._write() as conn:
            rows = self._with_children(conn, requested)
            self._delete(conn, rows)
        return [str(row["id"]) for row in rows]

    def clear_finished(self) -> int:
        with self._write() as conn:
            rows = conn.execute(
                "SELECT * FROM tasks AS t WHERE state IN ('done', 'cancelled')"
                " AND (parent_id IS NULL"
                " OR NOT EXISTS (SELECT 1 FROM tasks AS p WHERE p.id = t.parent_id))"
                " AND NOT EXISTS (SELECT 1 FROM tasks AS c WHERE c.parent_id = t.id"
                " AND c.state NOT IN ('done', 'cancelled'))"
            ).fetchall()
            rows = self._with_children(conn, [str(row["id"]) for row in rows])
            self._delete(conn, rows)
        return len(rows)

    def _delete(self, conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> None:
        now = time.time()
        for row in rows:
            conn.execute("DELETE FROM tasks WHERE seq = ?", (row["seq"],))
            conn.execute(
                "INSERT INTO removed_tasks (change_seq, id, removed_at) VALUES (?, ?, ?)",
                (self._next_change(conn), row["id"], now),
            )
        self._prune_tombstones(conn, now - codec.TOMBSTONE_SECONDS)

    def _prune_tombstones(self, conn: sqlite3.Connection, before: float) -> None:
        """Delete removals older than `before`, remembering the newest change deleted."""
        row = conn.execute(
            "SELECT MAX(change_seq) FROM removed_tasks WHERE removed_at < ?", (before,)
        ).fetchone()
        if row[0] is None:
            return
        conn.execute("DELETE FROM removed_tasks WHERE change_seq <= ?", (row[0],))
        conn.execute(
            "INSERT INTO counters (name, value) VALUES ('pruned', ?) ON CONFLICT (name)"
            " DO UPDATE SET value = MAX(value, excluded.value)",
            (row[0],),
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def claim_subquery(kind_count: int) -> str:
    """Return the SELECT of the next claimable task's seq, with `kind_count` kind parameters.

    Its parameters are the current time, then the kinds. `INDEXED BY` pins the claim
    index, because without statistics SQLite may pick another index and sort.
    """
    kinds = f" AND kind IN ({', '.join('?' for _ in range(kind_count))})" if kind_count else ""
    return (
        "SELECT seq FROM tasks INDEXED BY tasks_claim WHERE state = 'queued' AND not_before <= ?"
        f"{kinds} ORDER BY priority DESC, seq LIMIT 1"
    )


def _sql_values(values: Iterable[Any]) -> list[Any]:
    return [int(value) if isinstance(value, bool) else value for value in values]


@contextmanager
def _translated_errors(path: Path) -> Iterator[None]:
    """Turn sqlite3 errors into store errors; a busy or missing file is `StoreUnavailable`."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except sqlite3.OperationalError as error:
        if not any(marker in str(error) for marker in _UNAVAILABLE_MARKERS):
            raise StoreError(
                f"The queue database {path} failed: {error}.", detail=repr(error)
            ) from error
        raise StoreUnavailable(
            f"The queue database {path} is unavailable: {error}; retrying later may help.",
            detail=repr(error),
        ) from error
    except sqlite3.Error as error:
        raise StoreError(
            f"The queue database {path} failed: {error}.", detail=repr(error)
        ) from error
