"""The shared store: MongoDB, for several machines working one queue.

A claim is one `find_one_and_update` sorted by priority and seq, hinted to the `claim`
index. Lease expiry and other times written by workers come from the server's clock
(`$$NOW` in pipeline updates), so machines with skewed clocks agree on who owns a task.
A partial unique index on `dedupe_key` among active tasks makes concurrent identical
submissions from several processes create one task.

Every task write takes a number from the `change` counter into `change_seq`, which
`changes_since` follows (see `ChangeCursor` for writes that land out of order).

Needs MongoDB 4.4 or newer, because the claim passes a hint to `findAndModify` (added in
4.4) and updates are aggregation pipelines using `$$NOW` (added in 4.2). A batch given to
`submit` or `remove` is not one transaction, so a connection loss can leave part of it
written. Submitting again is safe because submission is idempotent. A removal cut short
may delete tasks without recording their ids for `changes_since`, so followers see the
tasks vanish only when they list the queue again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from pymongo import MongoClient, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from spotdesk.errors import SpotdeskError
from spotdesk.model import Task, TaskKind, TaskState

from . import codec, transitions
from .contract import Flags, LeaseLost, NewTask, Outcome, ProgressUpdate, StoreError, Submitted
from .mongo_reading import MongoReading
from .mongo_support import CLAIM_INDEX, NOW_SECONDS, ServerClock, ensure_schema, literal, translated

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_MS = 5000  # server selection and connect timeout unless the URI sets one
_FLAGS = {"cancel_requested": 1, "pause_requested": 1, "kind": 1}
_RETRIES = 5  # optimistic updates re-read and retry this often when a task changed meanwhile


class MongoStore(MongoReading):
    """The `Store` contract on a MongoDB database; safe to share between threads."""

    def __init__(self, uri: str, client: MongoClient[dict[str, Any]] | None = None) -> None:
        self.uri = uri
        options: dict[str, Any] = {}
        if "serverSelectionTimeoutMS" not in uri:
            options["serverSelectionTimeoutMS"] = DEFAULT_TIMEOUT_MS
            options["connectTimeoutMS"] = DEFAULT_TIMEOUT_MS
        self._client: MongoClient[dict[str, Any]] = client or MongoClient(uri, **options)
        self._db = self._client.get_default_database(default="spotdesk")
        self._tasks: Collection[dict[str, Any]] = self._db["tasks"]
        self.clock = ServerClock(self._db)
        translated(ensure_schema)(self._db)

    # ---- counters and guarded writes ------------------------------------------------------

    def _take_numbers(self, name: str, count: int = 1) -> int:
        """Reserve `count` numbers of counter `name`; return the first."""
        for _ in range(_RETRIES):
            try:
                doc = self._db["counters"].find_one_and_update(
                    {"_id": name},
                    {"$inc": {"value": count}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                continue  # two first upserts raced; the counter exists now
            # NOTE: SecantusDB 0.7.0b3 can return None from racing first upserts, where
            # MongoDB would return the document or raise DuplicateKeyError.
            if doc is not None:
                return int(doc["value"]) - count + 1
        raise StoreError(f"The {name} counter could not be incremented; try again.")

    def _stamp(self, fields: dict[str, Any]) -> list[dict[str, Any]]:
        """Return a pipeline update setting `fields`, `updated_at` and a new `change_seq`."""
        values = literal(fields)
        if "state" in fields:
            values["active"] = {"$literal": fields["state"] in codec.ACTIVE_STATES}
        values["updated_at"] = NOW_SECONDS
        values["change_seq"] = {"$literal": self._take_numbers("change")}
        return [{"$set": values}]

    def _leased_update(
        self, task_id: str, token: str, fields: dict[str, Any], extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Update a task the caller holds the lease of; raises `LeaseLost` if it does not."""
        update = self._stamp(fields)
        if extra:
            update[0]["$set"].update(extra)
        doc = self._tasks.find_one_and_update(
            {"_id": task_id, "lease_token": token, "state": TaskState.RUNNING.value},
            update,
            projection=_FLAGS,
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            raise LeaseLost(f"Task {task_id} is no longer leased with this token.")
        return doc

    def _leased_doc(self, task_id: str, token: str) -> dict[str, Any]:
        doc = self._tasks.find_one(
            {"_id": task_id, "lease_token": token, "state": TaskState.RUNNING.value}
        )
        if doc is None:
            raise LeaseLost(f"Task {task_id} is no longer leased with this token.")
        return doc

    def _guarded_update(
        self, doc: dict[str, Any], fields: dict[str, Any], also: tuple[str, ...] = ()
    ) -> bool:
        """Update `doc` only if its state, flags, lease and the fields `also` are unchanged."""
        keys = ("_id", "state", "cancel_requested", "pause_requested", "lease_token", *also)
        guard = {key: doc.get(key) for key in keys}
        return self._tasks.update_one(guard, self._stamp(fields)).matched_count == 1

    # ---- submission -----------------------------------------------------------------------

    @translated
    def submit(self, tasks: Sequence[NewTask]) -> list[Submitted]:
        if not tasks:
            return []
        first_seq = self._take_numbers("seq", len(tasks))
        return [self._submit_one(new, first_seq + index) for index, new in enumerate(tasks)]

    def _submit_one(self, new: NewTask, seq: int) -> Submitted:
        for _ in range(_RETRIES):
            existing = self._active_with_key(new.dedupe_key)
            if existing is not None:
                return Submitted(existing, created=False)
            try:
                return Submitted(self._insert(new, seq), created=True)
            except DuplicateKeyError:
                continue  # another process inserted the same key just now: read it back
        raise StoreError(
            f"Submitting {new.link} kept colliding with concurrent changes.", retryable=True
        )

    def _active_with_key(self, dedupe_key: str | None) -> str | None:
        if dedupe_key is None:
            return None
        doc = self._tasks.find_one(
            {"dedupe_key": dedupe_key, "active": True},
            projection={"_id": 1},
        )
        return None if doc is None else str(doc["_id"])

    def _insert(self, new: NewTask, seq: int) -> str:
        task_id = codec.new_id()
        record = codec.new_task_record(new, task_id, seq, self.clock.now())
        record["_id"] = record.pop("id")
        # The partial indexes test fields with $exists, so None values stay out.
        record = {name: value for name, value in record.items() if value is not None}
        record["active"] = True  # see the `active_dedupe` index
        record["change_seq"] = self._take_numbers("change")
        self._tasks.insert_one(record)
        return task_id

    # ---- worker side ----------------------------------------------------------------------

    @translated
    def claim(
        self, owner: str, lease_seconds: float, kinds: Sequence[TaskKind] | None = None
    ) -> Task | None:
        query = self._claim_query(kinds)
        sort = [("priority", -1), ("seq", 1)]
        # Idle workers poll often; a read first spares the change counter a step per poll.
        if self._tasks.find_one(query, {"_id": 1}, sort=sort, hint=CLAIM_INDEX) is None:
            return None
        update = self._stamp(
            {
                "state": TaskState.RUNNING.value,
                "owner": owner,
                "lease_token": codec.new_token(),
                "cancel_requested": False,
                "pause_requested": False,
            }
        )
        update[0]["$set"]["lease_until"] = {"$add": [NOW_SECONDS, lease_seconds]}
        update[0]["$set"]["attempts"] = {"$add": ["$attempts", 1]}
        doc = self._tasks.find_one_and_update(
            query,
            update,
            sort=sort,
            hint=CLAIM_INDEX,
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            return None
        log.debug("claimed task %s for %s (attempt %d)", doc["_id"], owner, doc["attempts"])
        return codec.task_from_record(doc)

    def _claim_query(self, kinds: Sequence[TaskKind] | None) -> dict[str, Any]:
        query: dict[str, Any] = {
            "state": TaskState.QUEUED.value,
            "not_before": {"$lte": self.clock.now()},
        }
        if kinds:
            query["kind"] = {"$in": [kind.value for kind in kinds]}
        return query

    @translated
    def explain_claim(self, kinds: Sequence[TaskKind] | None = None) -> dict[str, Any]:
        """Return the server's query plan for the claim, to check that it uses the index."""
        command = {
            "findAndModify": self._tasks.name,
            "query": self._claim_query(kinds),
            "sort": {"priority": -1, "seq": 1},
            "update": {"$set": {"state": TaskState.RUNNING.value}},
            "hint": CLAIM_INDEX,
        }
        return dict(self._db.command("explain", command, verbosity="queryPlanner"))

    @translated
    def heartbeat(self, task_id: str, token: str, lease_seconds: float) -> Flags:
        doc = self._leased_update(
            task_id, token, {}, {"lease_until": {"$add": [NOW_SECONDS, lease_seconds]}}
        )
        return Flags(bool(doc.get("cancel_requested")), bool(doc.get("pause_requested")))

    @translated
    def report_progress(self, task_id: str, token: str, update: ProgressUpdate) -> Flags:
        doc = self._leased_update(task_id, token, codec.progress_fields(update))
        return Flags(bool(doc.get("cancel_requested")), bool(doc.get("pause_requested")))

    @translated
    def add_children(self, task_id: str, token: str, children: Sequence[NewTask]) -> list[str]:
        self._leased_update(task_id, token, {"child_count": len(children)})
        first_seq = self._take_numbers("seq", max(len(children), 1))
        return [
            self._add_child(task_id, child, first_seq + index)
            for index, child in enumerate(children)
        ]

    def _add_child(self, parent_id: str, child: NewTask, seq: int) -> str:
        child.parent_id = parent_id
        for _ in range(_RETRIES):
            if child.position is not None:
                existing = self._tasks.find_one(
                    {"parent_id": parent_id, "position": child.position}, {"_id": 1}
                )
                if existing is not None:
                    return str(existing["_id"])
            if self._active_with_key(child.dedupe_key) is not None:
                # NOTE: an equal task is active elsewhere, but the child is still created so
                # the collection stays complete. When both run at once, both download.
                child.dedupe_key = None
            try:
                return self._insert(child, seq)
            except DuplicateKeyError:
                continue  # a concurrent insert took the key or the position: look again
        raise StoreError(
            f"Creating track {child.position} of {parent_id} kept colliding.", retryable=True
        )

    @translated
    def complete(self, task_id: str, token: str, outcome: Outcome) -> None:
        doc = self._leased_update(
            task_id, token, transitions.complete_fields(outcome, self.clock.now())
        )
        for metric, amount in transitions.completion_metrics(doc["kind"], outcome).items():
            self._count(metric, amount)

    @translated
    def fail(
        self, task_id: str, token: str, error: SpotdeskError, retry_after: float | None = None
    ) -> TaskState:
        for _ in range(_RETRIES):
            doc = self._leased_doc(task_id, token)
            state, fields = transitions.fail_fields(doc, error, retry_after, self.clock.now())
            if self._guarded_update(doc, fields):
                break
        else:
            raise LeaseLost(f"Task {task_id} kept changing while its failure was recorded.")
        if state is TaskState.FAILED:
            self._count(f"failure:{error.code}", 1)
        log.info("task %s failed with %s, now %s", task_id, error.code, state.value)
        return state

    @translated
    def release(self, task_id: str, token: str, state: TaskState = TaskState.QUEUED) -> None:
        for _ in range(_RETRIES):
            doc = self._leased_doc(task_id, token)
            if self._guarded_update(doc, transitions.release_fields(doc, state, self.clock.now())):
                return
        raise LeaseLost(f"Task {task_id} kept changing while it was released.")

    @translated
    def reap_expired(self) -> int:
        now = self.clock.now()
        reaped = 0
        for doc in self._tasks.find(
            {"state": TaskState.RUNNING.value, "lease_until": {"$lt": now}}
        ):
            fields = transitions.reap_fields(doc, now)
            if not self._guarded_update(doc, fields, also=("lease_until",)):
                continue  # the worker renewed or finished it meanwhile
            reaped += 1
            if fields["state"] == TaskState.FAILED.value:
                self._count(f"failure:{codec.LEASE_EXPIRED_CODE}", 1)
            log.warning(
                "lease of task %s held by %s expired; task is now %s",
                doc["_id"],
                doc.get("owner"),
                fields["state"],
            )
        return reaped

    # ---- user side ------------------------------------------------------------------------

    @translated
    def request_cancel(self, task_ids: Iterable[str]) -> list[str]:
        return self._apply(
            task_ids,
            "cancel",
            lambda doc: transitions.cancel_fields(
                TaskState(doc["state"]), bool(doc.get("cancel_requested")), self.clock.now()
            ),
        )

    @translated
    def request_pause(self, task_ids: Iterable[str]) -> list[str]:
        return self._apply(
            task_ids,
            "pause",
            lambda doc: transitions.pause_fields(
                TaskState(doc["state"]), bool(doc.get("pause_requested"))
            ),
        )

    @translated
    def resume(self, task_ids: Iterable[str]) -> list[str]:
        return self._apply(
            task_ids,
            "resume",
            lambda doc: transitions.resume_fields(
                TaskState(doc["state"]), bool(doc.get("pause_requested"))
            ),
        )

    @translated
    def retry(self, task_ids: Iterable[str], chosen_url: str | None = None) -> list[str]:
        now = self.clock.now()
        return self._apply(
            task_ids,
            "retry",
            lambda doc: transitions.retry_fields(
                TaskState(doc["state"]),
                chosen_url if doc["kind"] == TaskKind.TRACK.value else None,
                float(doc.get("not_before") or 0.0),
                now,
            ),
        )

    def _apply(self, task_ids: Iterable[str], action: str, fields_for: Any) -> list[str]:
        requested = list(dict.fromkeys(task_ids))
        docs = self._with_children(requested)
        affected: list[str] = []
        collided: list[str] = []
        for doc in docs:
            if self._apply_one(doc, fields_for, collided):
                affected.append(str(doc["_id"]))
        found = {str(doc["_id"]): doc for doc in docs}
        now = self.clock.now()
        transitions.check_single(requested, found, affected, action, now, bool(collided))
        return affected

    def _apply_one(self, doc: dict[str, Any] | None, fields_for: Any, collided: list[str]) -> bool:
        """Apply a user action to one task, re-reading it if a worker changed it meanwhile.

        Appends the task's id to `collided` when an equal active task blocks a re-queue.
        """
        for _ in range(_RETRIES):
            if doc is None:
                return False
            fields = fields_for(doc)
            if fields is None:
                return False
            try:
                if self._guarded_update(doc, fields):
                    return True
            except DuplicateKeyError:
                log.info("not re-queuing task %s: an equal task is already active", doc["_id"])
                collided.append(str(doc["_id"]))
                return False
            doc = self._tasks.find_one({"_id": doc["_id"]})
        return False

    def _with_children(self, ids: list[str]) -> list[dict[str, Any]]:
        query = {"$or": [{"_id": {"$in": ids}}, {"parent_id": {"$in": ids}}]}
        return list(self._tasks.find(query).sort("seq", 1))

    @translated
    def remove(self, task_ids: Iterable[str]) -> list[str]:
        docs = self._with_children(list(dict.fromkeys(task_ids)))
        self._delete([str(doc["_id"]) for doc in docs])
        return [str(doc["_id"]) for doc in docs]

    @translated
    def clear_finished(self) -> int:
        finished = ["done", "cancelled"]
        candidates = list(
            self._tasks.find({"state": {"$in": finished}}, {"_id": 1, "parent_id": 1})
        )
        ids = {str(doc["_id"]) for doc in candidates}
        parents = {doc["parent_id"] for doc in candidates if doc.get("parent_id")}
        existing_parents = {
            doc["_id"] for doc in self._tasks.find({"_id": {"$in": list(parents)}}, {"_id": 1})
        }
        busy = set(
            self._tasks.distinct(
                "parent_id", {"parent_id": {"$in": list(ids)}, "state": {"$nin": finished}}
            )
        )
        roots = [
            str(doc["_id"])
            for doc in candidates
            if doc["_id"] not in busy and doc.get("parent_id") not in existing_parents
        ]
        docs = self._with_children(roots) if roots else []
        self._delete([str(doc["_id"]) for doc in docs])
        return len(docs)

    def _delete(self, ids: list[str]) -> None:
        if not ids:
            return
        self._tasks.delete_many({"_id": {"$in": ids}})
        first = self._take_numbers("change", len(ids))
        now = self.clock.now()
        self._db["removed_tasks"].insert_many(
            [
                {"change_seq": first + index, "task_id": task_id, "removed_at": now}
                for index, task_id in enumerate(ids)
            ]
        )
        self._prune_tombstones(now - codec.TOMBSTONE_SECONDS)

    def _prune_tombstones(self, before: float) -> None:
        """Delete removals older than `before`, remembering the newest change deleted."""
        old = self._db["removed_tasks"].find_one(
            {"removed_at": {"$lt": before}}, sort=[("change_seq", -1)], projection={"change_seq": 1}
        )
        if old is None:
            return
        self._db["removed_tasks"].delete_many({"change_seq": {"$lte": old["change_seq"]}})
        self._db["counters"].update_one(
            {"_id": "pruned"}, {"$max": {"value": old["change_seq"]}}, upsert=True
        )

    def close(self) -> None:
        self._client.close()
