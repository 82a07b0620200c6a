"""The reading half of the MongoDB store: task lookups, listings, changes and the catalog."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import OperationFailure, PyMongoError

from spotdesk.model import NEEDS_REVIEW, Task, TaskKind, TaskState

from . import codec
from .contract import Changes, DayStats, Store, TaskFilter, TaskNotFound, TaskPage
from .mongo_support import GAP_WINDOW, ChangeCursor, ServerClock, translated

log = logging.getLogger(__name__)


class MongoReading(Store):
    """Reading methods; `MongoStore` supplies the database and the clock."""

    _db: Database[dict[str, Any]]
    _tasks: Collection[dict[str, Any]]
    clock: ServerClock
    _change_streams = True  # turned off when the server rejects `watch`

    @translated
    def get(self, task_id: str) -> Task:
        doc = self._tasks.find_one({"_id": task_id})
        if doc is None:
            raise TaskNotFound(f"Task {task_id} was not found; it may have been removed.")
        return codec.task_from_record(doc)

    @translated
    def list_tasks(
        self, filter: TaskFilter | None = None, limit: int = 100, cursor: str | None = None
    ) -> TaskPage:
        query = _filter_query(filter or TaskFilter())
        if cursor is not None:
            query["seq"] = {"$gt": codec.parse_position(cursor)}
        docs = list(self._tasks.find(query).sort("seq", 1).limit(limit + 1))
        more = len(docs) > limit
        docs = docs[:limit]
        return TaskPage(
            [codec.task_from_record(doc) for doc in docs], str(docs[-1]["seq"]) if more else None
        )

    @translated
    def changes_since(self, cursor: str | None, limit: int = 1000) -> Changes:
        if cursor is None:
            return Changes([], [], self._current_position().encode())
        position = ChangeCursor.decode(cursor)
        counters = {doc["_id"]: int(doc["value"]) for doc in self._db["counters"].find()}
        codec.check_cursor_range(
            position.after, counters.get("change", 0), counters.get("pruned", 0)
        )
        query: dict[str, Any] = {"change_seq": {"$gt": position.after}}
        if position.gaps:
            query = {"$or": [query, {"change_seq": {"$in": sorted(position.gaps)}}]}
        docs = list(self._tasks.find(query).sort("change_seq", 1).limit(limit))
        removed = list(self._db["removed_tasks"].find(query).sort("change_seq", 1).limit(limit))

        events = sorted(docs + removed, key=lambda doc: int(doc["change_seq"]))[:limit]
        numbers = [int(doc["change_seq"]) for doc in events]
        last = max(
            [number for number in numbers if number > position.after], default=position.after
        )
        next_position = position.advance(numbers, last, time.time())
        return Changes(
            tasks=[codec.task_from_record(doc) for doc in events if "kind" in doc],
            removed_ids=[str(doc["task_id"]) for doc in events if "kind" not in doc],
            cursor=next_position.encode(),
        )

    def _current_position(self) -> ChangeCursor:
        """Return a cursor at the newest change number, with its recent gaps.

        A number just taken by a writer whose write has not landed yet is such a gap, so
        a reader starting now still receives that write.
        """
        counter = self._db["counters"].find_one({"_id": "change"})
        newest = int(counter["value"]) if counter else 0
        oldest = max(newest - GAP_WINDOW, 0)
        recent = {"change_seq": {"$gt": oldest}}
        landed = [
            int(doc["change_seq"])
            for collection in (self._tasks, self._db["removed_tasks"])
            for doc in collection.find(recent, {"change_seq": 1})
        ]
        return ChangeCursor(oldest).advance(landed, newest, time.time())

    def wait_for_changes(
        self, cursor: str | None, timeout: float, poll_interval: float = 0.5
    ) -> Changes:
        """Wake on a change stream where the server offers one, else poll."""
        if cursor is None:
            cursor = self.changes_since(None).cursor
        deadline = time.monotonic() + timeout
        if self._change_streams:
            try:
                with self._db.watch(
                    max_await_time_ms=int(max(poll_interval, 0.05) * 1000)
                ) as stream:
                    while True:
                        changes = self.changes_since(cursor)
                        if changes.tasks or changes.removed_ids or time.monotonic() >= deadline:
                            return changes
                        stream.try_next()  # waits up to max_await_time_ms for any write
            except OperationFailure as error:
                log.info("change streams are unavailable (%s); polling for changes instead", error)
                self._change_streams = False
            except PyMongoError as error:
                log.warning("change stream failed (%s); polling for changes instead", error)
        remaining = max(deadline - time.monotonic(), 0.0)
        return super().wait_for_changes(cursor, remaining, poll_interval)

    @translated
    def counts(self) -> dict[str, int]:
        result = {state.value: 0 for state in TaskState}
        pipeline: list[dict[str, Any]] = [
            {"$match": {"kind": TaskKind.TRACK.value}},
            {"$group": {"_id": "$state", "n": {"$sum": 1}}},
        ]
        for row in self._tasks.aggregate(pipeline):
            result[str(row["_id"])] = int(row["n"])
        result["needs_review"] = self._tasks.count_documents(
            {
                "kind": TaskKind.TRACK.value,
                "state": TaskState.FAILED.value,
                "error_code": NEEDS_REVIEW,
            }
        )
        return result

    @translated
    def stats(self, days: int = 30) -> list[DayStats]:
        now = datetime.fromtimestamp(self.clock.now(), UTC)
        first_day = (now - timedelta(days=days - 1)).strftime("%Y-%m-%d")
        by_day: dict[str, DayStats] = {}
        for doc in self._db["day_stats"].find({"day": {"$gte": first_day}}):
            day = by_day.setdefault(doc["day"], DayStats(doc["day"]))
            metric, value = str(doc["metric"]), int(doc["value"])
            if metric == "downloads":
                day.downloads += value
            elif metric == "bytes":
                day.bytes += value
            elif metric.startswith("failure:"):
                code = metric.removeprefix("failure:")
                day.failures[code] = day.failures.get(code, 0) + value
        return [by_day[day] for day in sorted(by_day, reverse=True)]

    @translated
    def cache_get(self, key: str) -> Any | None:
        doc = self._db["catalog"].find_one({"_id": key, "expires_at": {"$gt": self.clock.now()}})
        return None if doc is None else json.loads(doc["value"])

    @translated
    def cache_put(self, key: str, value: Any, ttl_seconds: float) -> None:
        # JSON text, because BSON field names must not contain "." or start with "$".
        text = json.dumps(value, ensure_ascii=False)
        self._db["catalog"].update_one(
            {"_id": key},
            {"$set": {"value": text, "expires_at": self.clock.now() + ttl_seconds}},
            upsert=True,
        )

    def _count(self, metric: str, amount: int) -> None:
        """Add `amount` to today's `metric` (UTC day by the server's clock)."""
        day = datetime.fromtimestamp(self.clock.now(), UTC).strftime("%Y-%m-%d")
        # One document per (day, metric): error codes contain "." and cannot be field names.
        self._db["day_stats"].update_one(
            {"_id": f"{day}|{metric}"},
            {"$inc": {"value": amount}, "$set": {"day": day, "metric": metric}},
            upsert=True,
        )


def _filter_query(task_filter: TaskFilter) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if task_filter.states:
        query["state"] = {"$in": [TaskState(state).value for state in task_filter.states]}
    if task_filter.kinds:
        query["kind"] = {"$in": [TaskKind(kind).value for kind in task_filter.kinds]}
    if task_filter.parent_id is not None:
        query["parent_id"] = task_filter.parent_id
    if task_filter.top_level:
        query["parent_id"] = None
    if task_filter.needs_review is True:
        query["$and"] = [{"state": TaskState.FAILED.value}, {"error_code": NEEDS_REVIEW}]
    elif task_filter.needs_review is False:
        query["$nor"] = [{"state": TaskState.FAILED.value, "error_code": NEEDS_REVIEW}]
    return query
