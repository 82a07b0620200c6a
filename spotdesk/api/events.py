"""`/api/v1/events`: server-sent events of task changes, resumable with `Last-Event-ID`.

The stream polls `Store.changes_since` on the backend's thread pool, so waiting clients
hold no thread. Each change batch becomes one `task` event per changed task and one
`removed` event per removed id. Only the last event of a batch carries an `id:` line,
which is the store cursor after that batch. A client that reconnects with that id in
`Last-Event-ID` receives every change after it, so nothing is missed. A client cut off
in the middle of a batch gets that whole batch again (at-least-once delivery).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from spotdesk.errors import SpotdeskError
from spotdesk.store.contract import Changes

from .backend import Backend
from .errors import ApiError
from .schemas import ErrorResponse, task_summary

if TYPE_CHECKING:
    from spotdesk.service import Service
    from spotdesk.store.contract import Store

log = logging.getLogger(__name__)

router = APIRouter(tags=["events"])

POLL_INTERVAL_SECONDS = 0.5
KEEPALIVE_SECONDS = 15.0
BATCH_SIZE = 500
# After a failed poll the stream waits this long before the next one.
ERROR_BACKOFF_SECONDS = 2.0
# Open streams each poll the store, so their number is capped; more get 503. The check
# and the count are not atomic, so a burst of new clients may pass the cap by a few.
DEFAULT_MAX_STREAMS = 100
STREAMS_RETRY_AFTER_SECONDS = 10
# The `retry:` value sent to EventSource clients: how long to wait before reconnecting.
RECONNECT_MILLISECONDS = 2000

_EVENTS_DESCRIPTION = """\
A `text/event-stream` of task changes. Events:

- `ready`: sent once at the start; `data` is `{"cursor": ...}` and its `id` is a resume
  point even when nothing changes.
- `task`: a task was created or changed; `data` is the task as in `GET /downloads`.
- `removed`: a task was deleted; `data` is `{"id": ...}`.
- `cursor`: a batch held only tasks that `collection` filters out; `data` is
  `{"cursor": ...}` and its `id` moves the resume point past them.
- `error`: the store could not be read; the stream retries by itself.

The last event of each batch carries an `id:`; reconnect with it in `Last-Event-ID`
(browsers' EventSource does this by itself) or in `?last_event_id=` to receive every
change after it. Without either, the stream starts at the current state of the queue.
Lines starting with `:` are keep-alive comments sent every 15 seconds.
"""


@dataclass
class StreamCount:
    limit: int = DEFAULT_MAX_STREAMS
    open: int = 0


def _frame(event: str, data: Any, event_id: str | None = None) -> str:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, separators=(",", ":"), ensure_ascii=False))
    return "\n".join(lines) + "\n\n"


def _batch_frames(changes: Changes, collection: str | None) -> list[tuple[str, Any]]:
    frames: list[tuple[str, Any]] = []
    for task in changes.tasks:
        if collection and collection not in (task.id, task.parent_id):
            continue
        frames.append(("task", task_summary(task.to_dict()).model_dump(mode="json")))
    for task_id in changes.removed_ids:
        frames.append(("removed", {"id": task_id}))
    return frames


def _encode_batch(changes: Changes, collection: str | None) -> str:
    frames = _batch_frames(changes, collection)
    if not frames:
        # Filtered out entirely: a comment carries no id, so send the cursor on its own.
        return _frame("cursor", {"cursor": changes.cursor}, changes.cursor)
    text = [_frame(event, data) for event, data in frames[:-1]]
    text.append(_frame(frames[-1][0], frames[-1][1], changes.cursor))
    return "".join(text)


def _changes(store: Store, service: Service, cursor: str | None, limit: int) -> Changes:
    return store.changes_since(cursor, limit=limit)


async def _wait(shutdown: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(shutdown.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def _stream(
    request: Request,
    backend: Backend,
    first: Changes,
    start_cursor: str | None,
    collection: str | None,
) -> AsyncIterator[str]:
    shutdown: asyncio.Event = request.app.state.shutdown
    streams: StreamCount = request.app.state.event_streams
    streams.open += 1
    try:
        async for frame in _frames(request, backend, first, start_cursor, collection, shutdown):
            yield frame
    finally:
        streams.open -= 1
        log.debug("event stream to %s ended", request.client.host if request.client else "?")


async def _frames(
    request: Request,
    backend: Backend,
    first: Changes,
    start_cursor: str | None,
    collection: str | None,
    shutdown: asyncio.Event,
) -> AsyncIterator[str]:
    cursor = first.cursor
    yield f"retry: {RECONNECT_MILLISECONDS}\n\n"
    # A resumed stream sends the cursor it resumed from, not the one after the first
    # batch, so a client cut off before that batch arrives requests it again.
    yield _frame("ready", {"cursor": start_cursor or cursor}, start_cursor or cursor)
    if first.tasks or first.removed_ids:
        yield _encode_batch(first, collection)
    last_sent = time.monotonic()
    batch_full = len(first.tasks) + len(first.removed_ids) >= BATCH_SIZE
    failing = False

    while not shutdown.is_set():
        if await request.is_disconnected():
            break
        if not batch_full:
            await _wait(shutdown, POLL_INTERVAL_SECONDS)
            if shutdown.is_set():
                break
        try:
            changes = await backend.call(_changes, cursor, BATCH_SIZE)
        except SpotdeskError as error:
            # One log line and one `error` event per outage, not one per retry.
            if not failing:
                log.warning("event stream cannot read the store: %s (%s)", error, error.code)
                yield _frame("error", {"code": error.code, "message": error.message})
                failing = True
            await _wait(shutdown, ERROR_BACKOFF_SECONDS)
            continue
        if failing:
            log.info("event stream reads the store again")
            failing = False

        batch_full = len(changes.tasks) + len(changes.removed_ids) >= BATCH_SIZE
        if changes.tasks or changes.removed_ids:
            cursor = changes.cursor
            yield _encode_batch(changes, collection)
            last_sent = time.monotonic()
        elif time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
            yield ": keep-alive\n\n"
            last_sent = time.monotonic()


@router.get(
    "/events",
    summary="Follow task changes",
    description=_EVENTS_DESCRIPTION,
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "An endless stream of server-sent events.",
            "content": {
                "text/event-stream": {
                    "schema": {"type": "string"},
                    "example": 'event: task\nid: 42\ndata: {"id":"0f9c…","state":"running",'
                    '"stage":"downloading","progress":0.4}\n\n',
                }
            },
        },
        400: {"model": ErrorResponse, "description": "`Last-Event-ID` is not a valid cursor."},
        401: {"model": ErrorResponse, "description": "Missing or invalid bearer token."},
        503: {
            "model": ErrorResponse,
            "description": "The store cannot be reached, or too many streams are open.",
        },
    },
)
async def events(
    request: Request,
    last_event_id_header: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            max_length=512,
            description="The `id` of the last event received, to resume after it.",
        ),
    ] = None,
    last_event_id: Annotated[
        str | None,
        Query(max_length=512, description="Same as the `Last-Event-ID` header, for clients "
              "that cannot set headers."),
    ] = None,
    collection: Annotated[
        str | None,
        Query(max_length=64, description="Only events of this collection task and its tracks."),
    ] = None,
) -> StreamingResponse:
    backend: Backend = request.app.state.backend
    streams: StreamCount = request.app.state.event_streams
    if streams.open >= streams.limit:
        log.warning("rejected an event stream: %d streams are open already", streams.open)
        raise ApiError(
            503,
            "api.too_many_streams",
            f"{streams.open} event streams are open, the maximum for this server; close "
            "one or retry later.",
            headers={"Retry-After": str(STREAMS_RETRY_AFTER_SECONDS)},
        )
    cursor = last_event_id_header or last_event_id or None
    # Read once before streaming, so an invalid cursor or an unreachable store gets a
    # proper error status instead of a stream that breaks at once.
    first = await backend.call(_changes, cursor, BATCH_SIZE)
    return StreamingResponse(
        _stream(request, backend, first, cursor, collection),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
