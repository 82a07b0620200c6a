"""MongoDB plumbing for `MongoStore`: indexes, the database clock, cursors and errors."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from pymongo import ASCENDING, DESCENDING, IndexModel, MongoClient
from pymongo.database import Database
from pymongo.errors import (
    ConnectionFailure,
    DuplicateKeyError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from .codec import parse_position
from .contract import InvalidCursor, SchemaTooNew, StoreError, StoreUnavailable

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CLAIM_INDEX = "claim"

# The database clock as Unix seconds, for pipeline updates: `$$NOW` is the server's time.
NOW_SECONDS: dict[str, Any] = {"$divide": [{"$toLong": "$$NOW"}, 1000]}

TASK_INDEXES = [
    # Claim: queued tasks by priority, then submission order.
    IndexModel(
        [("state", ASCENDING), ("priority", DESCENDING), ("seq", ASCENDING)], name=CLAIM_INDEX
    ),
    # Reaper: running tasks by lease expiry.
    IndexModel([("state", ASCENDING), ("lease_until", ASCENDING)], name="lease_expiry"),
    # A collection's tracks in order.
    IndexModel([("parent_id", ASCENDING), ("seq", ASCENDING)], name="by_parent"),
    # One child per (parent, position), so a re-run resolve creates no duplicates.
    IndexModel(
        [("parent_id", ASCENDING), ("position", ASCENDING)],
        name="child_position",
        unique=True,
        partialFilterExpression={"parent_id": {"$exists": True}, "position": {"$exists": True}},
    ),
    IndexModel([("seq", ASCENDING)], name="seq", unique=True),
    # Changed-since polling by the window and the API.
    IndexModel([("change_seq", ASCENDING)], name="changes"),
    # At most one active task per dedupe key. The partial filters here use only equality
    # and $exists (fields that are None are left out of new documents), because those are
    # what every MongoDB-compatible server accepts; Amazon DocumentDB 5.0, for one, takes
    # no $in or $type there. So the filter reads an `active` flag rather than the state.
    IndexModel(
        [("dedupe_key", ASCENDING)],
        name="active_dedupe",
        unique=True,
        partialFilterExpression={"dedupe_key": {"$exists": True}, "active": True},
    ),
]


def ensure_schema(db: Database[Any]) -> None:
    """Create the indexes and check the schema version; raises `SchemaTooNew`."""
    meta = db["meta"].find_one({"_id": "schema"})
    found = int(meta["version"]) if meta else 0
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"The MongoDB database {db.name} has schema version {found}, but this spotdesk "
            f"reads versions up to {SCHEMA_VERSION}; update spotdesk or choose another database.",
        )
    db["tasks"].create_indexes(TASK_INDEXES)
    db["removed_tasks"].create_index([("change_seq", ASCENDING)], name="changes")
    db["day_stats"].create_index([("day", DESCENDING)], name="by_day")
    for counter in ("seq", "change"):
        try:
            db["counters"].update_one({"_id": counter}, {"$setOnInsert": {"value": 0}}, upsert=True)
        except DuplicateKeyError:
            pass  # another process created it at the same moment
    db["meta"].update_one(
        {"_id": "schema", "version": {"$lt": SCHEMA_VERSION}},
        {"$set": {"version": SCHEMA_VERSION}},
        upsert=not meta,
    )


def literal(fields: dict[str, Any]) -> dict[str, Any]:
    """Wrap values for a pipeline `$set`, where a string like "$x" would read a field."""
    return {name: {"$literal": value} for name, value in fields.items()}


class ServerClock:
    """An estimate of the database server's clock, for query filters.

    Writes use `$$NOW` directly; filters cannot, so they use this estimate, taken from
    the `hello` reply's `localTime` (millisecond resolution) and refreshed every
    `refresh_seconds`.
    """

    def __init__(self, db: Database[Any], refresh_seconds: float = 60.0) -> None:
        self._db = db
        self._refresh_seconds = refresh_seconds
        self._offset = 0.0
        self._measured_at = float("-inf")

    def now(self) -> float:
        if time.monotonic() - self._measured_at > self._refresh_seconds:
            self._measure()
        return time.time() + self._offset

    def _measure(self) -> None:
        sent = time.time()
        reply = self._db.client.admin.command("hello")
        received = time.time()
        server_time = reply.get("localTime")
        if isinstance(server_time, datetime):
            server_seconds = server_time.replace(tzinfo=UTC).timestamp()
            self._offset = server_seconds - (sent + received) / 2
        self._measured_at = time.monotonic()


# Limits for re-reading missing change numbers whose writes may still be in flight: only
# the newest GAP_WINDOW numbers below the cursor count, each for GAP_SECONDS seconds.
# Numbers of overwritten writes look missing too, so the limits also bound the cursor's
# size. NOTE: a write that lands more than GAP_SECONDS after taking its number is missed
# by readers already past it, until they list the queue again.
GAP_WINDOW = 256
GAP_SECONDS = 10.0


@dataclass
class ChangeCursor:
    """A `changes_since` position: the highest change seen and the recent numbers missing.

    Writers take change numbers from a counter before they write, so a reader can see
    number 7 before the write holding number 6 lands. The cursor keeps such recent gaps
    and queries them again until GAP_SECONDS after the newest gap was found.

    Encoded as `AFTER` or `AFTER:BITMAP@STAMP`, where bit i of the hexadecimal BITMAP marks
    number AFTER - i as missing and STAMP is that Unix second. It stays under 100
    characters, so it fits an SSE `Last-Event-ID`.
    """

    after: int
    gaps: set[int] = field(default_factory=set)
    found_at: float = 0.0  # when the newest gap was found

    def encode(self) -> str:
        bitmap = sum(1 << (self.after - number) for number in self.gaps)
        return f"{self.after}:{bitmap:x}@{int(self.found_at)}" if bitmap else str(self.after)

    @classmethod
    def decode(cls, text: str) -> ChangeCursor:
        head, separator, tail = text.partition(":")
        after = parse_position(head, text)
        if not separator:
            return cls(after)
        bitmap_text, _, stamp_text = tail.partition("@")
        try:
            bitmap = int(bitmap_text, 16)
            found_at = float(parse_position(stamp_text, text))
        except ValueError:
            bitmap = -1
        if not 0 < bitmap < 1 << GAP_WINDOW or bitmap.bit_length() > after + 1:
            raise InvalidCursor(f"Invalid cursor {text!r}; pass a cursor this store returned.")
        gaps = {after - bit for bit in range(bitmap.bit_length()) if bitmap >> bit & 1}
        return cls(after, gaps, found_at)

    def advance(self, seen: Iterable[int], last: int, now: float) -> ChangeCursor:
        """Return the cursor after reading the changes numbered `seen`, up to `last`."""
        seen_set = set(seen)
        after = max(self.after, last)
        gaps: set[int] = set()
        if now - self.found_at < GAP_SECONDS:
            gaps = {number for number in self.gaps if number not in seen_set}
        new_gaps = {
            number
            for number in range(max(self.after + 1, last - GAP_WINDOW + 1), last + 1)
            if number not in seen_set
        }
        gaps = {number for number in gaps | new_gaps if number > after - GAP_WINDOW}
        found_at = now if new_gaps else self.found_at
        return ChangeCursor(after, gaps, found_at)


P = ParamSpec("P")
R = TypeVar("R")


def translated(method: Callable[P, R]) -> Callable[P, R]:
    """Turn driver errors into store errors: connection trouble is `StoreUnavailable`."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except ServerSelectionTimeoutError as error:
            raise _no_server(error, args) from error
        except ConnectionFailure as error:
            raise StoreUnavailable(
                f"The MongoDB server cannot be reached: {error}; retrying later may help.",
                detail=repr(error),
            ) from error
        except OperationFailure as error:
            raise StoreError(f"A MongoDB operation failed: {error}.", detail=repr(error)) from error
        except PyMongoError as error:
            raise StoreUnavailable(f"MongoDB failed: {error}.", detail=repr(error)) from error

    return wrapper


def _no_server(error: ServerSelectionTimeoutError, args: tuple[Any, ...]) -> StoreUnavailable:
    """Turn pymongo's multi-line topology report into one sentence; the report goes to debug."""
    log.debug("MongoDB server selection failed: %s", error)
    client = _client_of(args)
    if client is None:
        where, timeout = "the configured address", ""
    else:
        hosts = client.topology_description.server_descriptions()
        where = ", ".join(f"{host}:{port}" for host, port in hosts) or "the configured address"
        timeout = f" within {client.options.server_selection_timeout:g} s"
    return StoreUnavailable(
        f"No MongoDB server answered at {where}{timeout}; is the server running?",
        detail=str(error),
    )


def _client_of(args: tuple[Any, ...]) -> MongoClient[dict[str, Any]] | None:
    """Find the client of a wrapped call: a store method's `self` or a `Database` argument."""
    for value in args:
        if isinstance(value, Database):
            return value.client
        client = getattr(value, "_client", None)
        if isinstance(client, MongoClient):
            return client
    return None
