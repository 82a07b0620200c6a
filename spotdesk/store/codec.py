"""Conversions and rules both stores share: task records, ids, tokens and retry backoff.

A task record is a flat mapping with one key per `Task` field. Nested values (options,
track, match, ...) are plain JSON types; SQLite keeps them as JSON text in their columns,
MongoDB as embedded documents.
"""

from __future__ import annotations

import json
import random
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from spotdesk.model import Task, TaskState

from .contract import InvalidCursor, NewTask, ProgressUpdate

# Task fields holding nested JSON values rather than scalars.
JSON_FIELDS = ("options", "track", "context", "match", "candidates", "skipped")
BOOL_FIELDS = ("cancel_requested", "pause_requested")

ACTIVE_STATES = (TaskState.QUEUED.value, TaskState.RUNNING.value, TaskState.PAUSED.value)

# Retry backoff after a retryable failure or an expired lease, in seconds.
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 600.0

# How long removed task ids stay visible to `changes_since`. A reader whose cursor is older
# than this misses those removals and should re-list the queue.
TOMBSTONE_SECONDS = 7 * 24 * 3600.0

# Error code of a task whose worker stopped renewing its lease too often.
LEASE_EXPIRED_CODE = "store.lease_expired"


def new_id() -> str:
    return uuid.uuid4().hex


def new_token() -> str:
    return secrets.token_hex(16)


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> float:
    """Return the delay before attempt `attempts + 1`: exponential, capped, with jitter.

    The delay doubles with each attempt made (5 s, 10 s, 20 s, ... up to 10 minutes) and
    is then scaled by a random factor in [0.5, 1.0), so workers that failed together do
    not all retry in the same second.
    """
    exponent = max(attempts - 1, 0)
    ceiling = min(BACKOFF_BASE_SECONDS * (2.0**exponent), BACKOFF_MAX_SECONDS)
    factor = 0.5 + 0.5 * (rng or random).random()
    return ceiling * factor


def new_task_record(new: NewTask, task_id: str, seq: int, now: float) -> dict[str, Any]:
    """Return the record of a freshly submitted task (nested values as JSON types)."""
    return {
        "id": task_id,
        "seq": seq,
        "kind": new.kind.value,
        "state": TaskState.QUEUED.value,
        "link": new.link,
        "options": new.options.to_dict(),
        "parent_id": new.parent_id,
        "position": new.position,
        "priority": new.priority,
        "dedupe_key": new.dedupe_key,
        "title": new.title,
        "track": new.track.to_dict() if new.track else None,
        "context": new.context.to_dict() if new.context else None,
        "chosen_url": new.chosen_url,
        "candidates": [],
        "skipped": [],
        "progress": 0.0,
        "attempts": 0,
        "max_attempts": new.max_attempts,
        "cancel_requested": False,
        "pause_requested": False,
        "not_before": 0.0,
        "created_at": now,
        "updated_at": now,
    }


def progress_fields(update: ProgressUpdate) -> dict[str, Any]:
    """Return the fields a progress write sets (JSON types); None values are left out."""
    fields: dict[str, Any] = {}
    for name in ("progress", "bytes_done", "bytes_total", "speed", "eta", "title"):
        value = getattr(update, name)
        if value is not None:
            fields[name] = value
    if update.stage is not None:
        fields["stage"] = update.stage.value
    if update.track is not None:
        fields["track"] = update.track.to_dict()
    if update.match is not None:
        fields["match"] = update.match.to_dict()
    if update.candidates is not None:
        fields["candidates"] = [candidate.to_dict() for candidate in update.candidates]
    return fields


def task_from_record(record: Mapping[str, Any], json_as_text: bool = False) -> Task:
    """Build a `Task` from a stored record; `json_as_text` decodes SQLite's JSON columns."""
    data = dict(record)
    if "_id" in data:
        data["id"] = data.pop("_id")
    if json_as_text:
        for name in JSON_FIELDS:
            if isinstance(data.get(name), str):
                data[name] = json.loads(data[name])
    for name in BOOL_FIELDS:
        data[name] = bool(data.get(name))
    if data.get("not_before") == 0:
        data["not_before"] = None
    return Task.from_dict(data)


def encode_json_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Return `fields` with nested values turned into JSON text, for SQLite columns."""
    encoded = dict(fields)
    for name in JSON_FIELDS:
        if name in encoded and encoded[name] is not None:
            encoded[name] = json.dumps(encoded[name], ensure_ascii=False)
    return encoded


def check_cursor_range(after: int, newest: int, pruned: int) -> None:
    """Raise `InvalidCursor` for a cursor this store cannot continue from.

    A cursor above the newest change came from another store. A cursor below `pruned`
    is older than the removals still kept, so the caller would miss some.
    """
    if after > newest:
        raise InvalidCursor(
            f"The cursor {after} is ahead of this store's changes ({newest}); it came from "
            "another store. List the tasks again and follow the new cursor."
        )
    if after < pruned:
        raise InvalidCursor(
            f"The cursor {after} is older than the removals this store keeps; list the tasks "
            "again and follow the new cursor."
        )


# Cursor numbers must fit the databases' signed 64-bit integers.
_MAX_POSITION = 2**63 - 1


def parse_position(text: str, cursor: str | None = None) -> int:
    """Return the number in a cursor; raises `InvalidCursor` unless it is in 0..2**63-1."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= _MAX_POSITION:
        whole = cursor if cursor is not None else text
        raise InvalidCursor(f"Invalid cursor {whole!r}; pass a cursor this store returned.")
    return number
