"""JSON-lines status events that a worker process writes on its stdout.

Each line is one JSON object whose first key is ``"event"``. The manager reads them to
follow its workers. Readers ignore events and keys they do not know, so a newer worker can
talk to an older manager. Every event carries ``worker`` (the worker id) and ``time``
(Unix seconds).

Events and their extra keys:

- ``started``: ``pid``, ``store`` (the store URI, password masked), ``lease`` (seconds)
- ``claimed``: ``task``, ``kind``, ``title``, ``attempt``
- ``progress``: ``task``, ``stage``, ``fraction``, ``bytes_done``, ``bytes_total``,
  ``speed``, ``eta``
- ``done``: ``task``, ``output_path``, ``skipped`` (bool)
- ``failed``: ``task``, ``code``, ``message``, ``state`` (the state the task ended in)
- ``released``: ``task``, ``state`` (queued, paused or cancelled), ``reason``
- ``abandoned``: ``task``, ``reason`` (the lease was lost; nothing was placed)
- ``waiting``: ``reason``, ``until`` (Unix seconds)
- ``store_unavailable``: ``reason``, ``until`` (the next retry, Unix seconds)
- ``heartbeat``: ``task`` (or null while idle)
- ``stopped``: ``reason``
"""

from __future__ import annotations

import json
import threading
import time
from typing import IO, Any

STARTED = "started"
CLAIMED = "claimed"
PROGRESS = "progress"
DONE = "done"
FAILED = "failed"
RELEASED = "released"
ABANDONED = "abandoned"
WAITING = "waiting"
STORE_UNAVAILABLE = "store_unavailable"
HEARTBEAT = "heartbeat"
STOPPED = "stopped"

KNOWN_EVENTS = frozenset(
    {
        STARTED,
        CLAIMED,
        PROGRESS,
        DONE,
        FAILED,
        RELEASED,
        ABANDONED,
        WAITING,
        STORE_UNAVAILABLE,
        HEARTBEAT,
        STOPPED,
    }
)


class EventWriter:
    """Write events as JSON lines to one stream, safely from several threads."""

    def __init__(self, stream: IO[str], worker_id: str) -> None:
        self._stream = stream
        self._worker_id = worker_id
        self._lock = threading.Lock()

    def emit(self, event: str, **fields: Any) -> None:
        record: dict[str, Any] = {"event": event, "worker": self._worker_id, "time": time.time()}
        record.update(fields)
        line = json.dumps(record, ensure_ascii=False, default=str)
        with self._lock:
            try:
                self._stream.write(line + "\n")
                self._stream.flush()
            except (OSError, ValueError):
                # The reader went away (the manager died); the worker keeps its task
                # consistent through the store, so losing status lines is harmless.
                pass


def parse_event(line: str | bytes) -> dict[str, Any] | None:
    """Return the event of one output line, or None when the line is not an event.

    A line that is not a JSON object with a string ``event`` key (a stray print from a
    library, for example) gives None, so the caller can log it and go on.
    """
    if isinstance(line, bytes):
        line = line.decode("utf-8", errors="replace")
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("event"), str):
        return None
    return record


def describe_event(record: dict[str, Any]) -> str:
    """Return one readable line for an event, as `spotdesk workers` prints it."""
    event = record.get("event")
    worker = record.get("worker", "?")
    task = record.get("task")
    short_task = str(task)[:8] if task else ""

    if event == STARTED:
        return f"{worker}: started (pid {record.get('pid')}, store {record.get('store')})"
    if event == CLAIMED:
        title = record.get("title") or record.get("kind") or ""
        return f"{worker}: took {short_task} {title} (attempt {record.get('attempt')})"
    if event == PROGRESS:
        fraction = record.get("fraction") or 0.0
        return f"{worker}: {short_task} {record.get('stage')} {fraction * 100:.0f}%"
    if event == DONE:
        verb = "skipped, already in the library" if record.get("skipped") else "done"
        return f"{worker}: {short_task} {verb}: {record.get('output_path') or ''}".rstrip(": ")
    if event == FAILED:
        return (
            f"{worker}: {short_task} failed ({record.get('code')}), now {record.get('state')}: "
            f"{record.get('message')}"
        )
    if event == RELEASED:
        return (
            f"{worker}: {short_task} handed back as {record.get('state')} ({record.get('reason')})"
        )
    if event == ABANDONED:
        return f"{worker}: {short_task} abandoned: {record.get('reason')}"

    if event in (WAITING, STORE_UNAVAILABLE):
        until = record.get("until")
        when = time.strftime("%H:%M:%S", time.localtime(until)) if until else "?"
        label = "store unavailable" if event == STORE_UNAVAILABLE else "waiting"
        return f"{worker}: {label}: {record.get('reason')} (next try at {when})"

    if event == STOPPED:
        return f"{worker}: stopped ({record.get('reason')})"
    return f"{worker}: {event}"
