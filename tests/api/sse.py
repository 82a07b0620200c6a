"""A small server-sent events reader for tests, over an httpx stream."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Event:
    event: str
    data: Any
    id: str | None


class EventReader:
    """Read events from a response on a background thread; tests wait for what they need."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.events: list[Event] = []
        self.retry: int | None = None
        self.closed = threading.Event()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            for line in self.response.iter_lines():
                if line.startswith(":"):
                    continue
                if line:
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
                    continue
                if "retry" in fields and "data" not in fields:
                    self.retry = int(fields["retry"])
                elif "data" in fields:
                    event = Event(
                        fields.get("event", "message"), json.loads(fields["data"]), fields.get("id")
                    )
                    with self._changed:
                        self.events.append(event)
                        self._changed.notify_all()
                fields = {}
        except httpx.HTTPError:
            pass
        finally:
            self.closed.set()
            with self._changed:
                self._changed.notify_all()

    def wait_for(self, predicate: Callable[[list[Event]], bool], timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.events):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed.is_set():
                    raise AssertionError(
                        f"expected events did not arrive within {timeout} s; got {self.events}"
                    )
                self._changed.wait(remaining)

    def last_id(self) -> str | None:
        ids = [event.id for event in self.events if event.id is not None]
        return ids[-1] if ids else None


@contextmanager
def read_events(
    client: httpx.Client,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Iterator[EventReader]:
    with client.stream(
        "GET", "/api/v1/events", params=params, headers=headers, timeout=httpx.Timeout(30.0)
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = EventReader(response)
        try:
            reader.wait_for(lambda events: any(event.event == "ready" for event in events))
            yield reader
        finally:
            _disconnect(response)
            reader.closed.wait(5)


def _disconnect(response: httpx.Response) -> None:
    """Shut the connection down at once, as a client that goes away does.

    Closing a socket while another thread is blocked reading it neither wakes that thread
    nor sends FIN on Linux, so the server would notice the client only at its next write.
    """
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def task_events(events: list[Event], task_id: str) -> list[Event]:
    return [event for event in events if event.event == "task" and event.data["id"] == task_id]
