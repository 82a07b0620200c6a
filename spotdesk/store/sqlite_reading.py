"""The reading half of the SQLite store: task lookups, listings, changes and counts."""

from __future__ import annotations

from typing import Any

from spotdesk.model import NEEDS_REVIEW, Task, TaskKind, TaskState

from . import codec
from .contract import Changes, TaskFilter, TaskNotFound, TaskPage
from .sqlite_catalog import SqliteCatalog


class SqliteReading(SqliteCatalog):
    """Reading methods; `SqliteStore` supplies the connection and transactions."""

    def get(self, task_id: str) -> Task:
        with self._read() as conn:
            row = conn.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise TaskNotFound(f"Task {task_id} was not found; it may have been removed.")
        return codec.task_from_record(dict(row), json_as_text=True)

    def list_tasks(
        self, filter: TaskFilter | None = None, limit: int = 100, cursor: str | None = None
    ) -> TaskPage:
        where, params = _filter_sql(filter or TaskFilter())
        if cursor is not None:
            where.append("seq > ?")
            params.append(codec.parse_position(cursor))
        sql = "SELECT * FROM tasks"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq LIMIT ?"
        with self._read() as conn:
            rows = conn.execute(sql, [*params, limit + 1]).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        tasks = [codec.task_from_record(dict(row), json_as_text=True) for row in rows]
        return TaskPage(tasks, str(rows[-1]["seq"]) if more else None)

    def changes_since(self, cursor: str | None, limit: int = 1000) -> Changes:
        with self._read() as conn:
            if cursor is None:
                row = conn.execute("SELECT value FROM counters WHERE name = 'change'").fetchone()
                return Changes([], [], str(row[0]))
            after = codec.parse_position(cursor)
            counters = dict(conn.execute("SELECT name, value FROM counters").fetchall())
            codec.check_cursor_range(after, int(counters["change"]), int(counters.get("pruned", 0)))
            rows = conn.execute(
                "SELECT * FROM tasks WHERE change_seq > ? ORDER BY change_seq LIMIT ?",
                (after, limit),
            ).fetchall()
            removed = conn.execute(
                "SELECT change_seq, id FROM removed_tasks WHERE change_seq > ? ORDER BY change_seq"
                " LIMIT ?",
                (after, limit),
            ).fetchall()
        events = sorted(
            [(int(row["change_seq"]), row) for row in rows]
            + [(int(row["change_seq"]), row) for row in removed],
            key=lambda pair: pair[0],
        )[:limit]
        tasks = [
            codec.task_from_record(dict(row), json_as_text=True)
            for _, row in events
            if "kind" in row.keys()
        ]
        removed_ids = [str(row["id"]) for _, row in events if "kind" not in row.keys()]
        return Changes(tasks, removed_ids, str(events[-1][0]) if events else cursor)

    def counts(self) -> dict[str, int]:
        result = {state.value: 0 for state in TaskState}
        with self._read() as conn:
            for row in conn.execute(
                "SELECT state, COUNT(*) AS n FROM tasks WHERE kind = 'track' GROUP BY state"
            ):
                result[row["state"]] = int(row["n"])
            row = conn.execute(
                "SELECT COUNT(*) FROM tasks WHERE state = 'failed' AND kind = 'track'"
                " AND error_code = ?",
                (NEEDS_REVIEW,),
            ).fetchone()
        result["needs_review"] = int(row[0])
        return result


def _filter_sql(task_filter: TaskFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if task_filter.states:
        where.append(f"state IN ({', '.join('?' for _ in task_filter.states)})")
        params.extend(TaskState(state).value for state in task_filter.states)
    if task_filter.kinds:
        where.append(f"kind IN ({', '.join('?' for _ in task_filter.kinds)})")
        params.extend(TaskKind(kind).value for kind in task_filter.kinds)
    if task_filter.parent_id is not None:
        where.append("parent_id = ?")
        params.append(task_filter.parent_id)
    if task_filter.top_level:
        where.append("parent_id IS NULL")
    if task_filter.needs_review is not None:
        review = "(state = 'failed' AND error_code IS ?)"
        where.append(review if task_filter.needs_review else f"NOT {review}")
        params.append(NEEDS_REVIEW)
    return where, params
