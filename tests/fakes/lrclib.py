"""A loopback stand-in for the LRCLIB lyrics API (`/api/get` and `/api/search`).

Records are added with `add`. `/get` returns the record whose track, artist and album
names match and whose duration is within 2 seconds. `/search` returns every record whose
track name contains the query. `fail_with` makes every
request respond with one status code, and `delay` slows every response down.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class LyricsRecord:
    track_name: str
    artist_name: str
    album_name: str
    duration: float
    plain: str | None = None
    synced: str | None = None
    instrumental: bool = False
    id: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "trackName": self.track_name,
            "artistName": self.artist_name,
            "albumName": self.album_name,
            "duration": self.duration,
            "instrumental": self.instrumental,
            "plainLyrics": self.plain,
            "syncedLyrics": self.synced,
        }


@dataclass
class FakeLrclib:
    """A threaded HTTP server on 127.0.0.1 serving lyrics records."""

    records: list[LyricsRecord] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    fail_with: int | None = None
    raw_body: str | None = None  # when set, every response is this text with status 200
    search_body: str | None = None  # when set, /search responds with this text
    delay: float = 0.0
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def add(self, record: LyricsRecord) -> LyricsRecord:
        record.id = len(self.records) + 1
        self.records.append(record)
        return record

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/api"

    @property
    def urls(self) -> dict[str, str]:
        return {"SPOTDESK_LRCLIB_URL": self.base_url}

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def get(self, query: dict[str, str]) -> LyricsRecord | None:
        for record in self.records:
            if (
                record.track_name.casefold() == query.get("track_name", "").casefold()
                and record.artist_name.casefold() == query.get("artist_name", "").casefold()
                and record.album_name.casefold() == query.get("album_name", "").casefold()
                and abs(record.duration - float(query.get("duration") or 0)) <= 2
            ):
                return record
        return None

    def search(self, query: dict[str, str]) -> list[LyricsRecord]:
        wanted = (query.get("track_name") or query.get("q") or "").casefold()
        return [record for record in self.records if wanted in record.track_name.casefold()]


def _handler_for(fake: FakeLrclib) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            fake.requests.append((parts.path, query))
            fake.user_agents.append(self.headers.get("User-Agent", ""))
            if fake.delay:
                time.sleep(fake.delay)

            if fake.fail_with is not None:
                self._send(fake.fail_with, {"statusCode": fake.fail_with, "message": "failure"})
            elif fake.raw_body is not None:
                self._send_text(200, fake.raw_body)
            elif parts.path.endswith("/get"):
                record = fake.get(query)
                if record is None:
                    self._send(404, {"code": 404, "name": "TrackNotFound"})
                else:
                    self._send(200, record.to_json())
            elif parts.path.endswith("/search") and fake.search_body is not None:
                self._send_text(200, fake.search_body)
            elif parts.path.endswith("/search"):
                self._send(200, [record.to_json() for record in fake.search(query)])
            else:
                self._send(404, {"code": 404, "name": "NotFound"})

        def _send(self, status: int, body: Any) -> None:
            self._send_text(status, json.dumps(body))

        def _send_text(self, status: int, text: str) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
