"""A loopback stand-in for YouTube Music's `youtubei/v1/search` endpoint.

It replays recorded exchanges (a JSON list of `{"request_body": {...}, "body": {...}}`, as
in `tests/fixtures/ytmusic/`) for the query they were recorded with, serves synthetic
responses registered with `add_response`, and returns an empty result for every other
query. `GET /` returns a page carrying a visitor id, as music.youtube.com does.

The synthetic builders produce the shelf and list-item shapes that the web client
(`WEB_REMIX`) receives, so ytmusicapi parses them with its real code.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# ytmusicapi's search filters start with "EgWKAQ" followed by a code for the filter.
_FILTER_PREFIXES = {"EgWKAQII": "songs", "EgWKAQIQ": "videos"}
_EMPTY_RESPONSE: dict[str, Any] = {"responseContext": {}}
VISITOR_PAGE = '<html><script>ytcfg.set({"VISITOR_DATA": "fake-visitor-id"});</script></html>'


@dataclass
class SearchRequest:
    """One search the fake received."""

    query: str
    filter: str | None
    path: str
    body: dict[str, Any]


def filter_of(params: str | None) -> str | None:
    """Return the ytmusicapi filter name encoded in a search request's `params`."""
    if not params:
        return None
    for prefix, name in _FILTER_PREFIXES.items():
        if params.startswith(prefix):
            return name
    return "other"


class FakeYouTubeMusic:
    """A threaded HTTP server on 127.0.0.1 that serves YouTube Music searches."""

    def __init__(self, recorded: Path | None = None) -> None:
        self.responses: dict[tuple[str, str | None], dict[str, Any]] = {}
        self.failures: dict[tuple[str, str | None], tuple[int, str]] = {}
        self.requests: list[SearchRequest] = []
        self.page_paths: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if recorded is not None:
            self.load_recorded(recorded)

    def load_recorded(self, path: Path) -> None:
        for exchange in json.loads(path.read_text(encoding="utf-8")):
            request = exchange["request_body"]
            self.add_response(request["query"], exchange["body"], filter_of(request.get("params")))

    def add_response(self, query: str, body: dict[str, Any], filter: str | None = None) -> None:
        self.responses[(query, filter)] = body

    def fail(self, query: str, status: int, body: str = "", filter: str | None = None) -> None:
        """Respond to `query` with `status` and `body` (a JSON error by default)."""
        text = body or json.dumps({"error": {"code": status, "message": "fake failure"}})
        self.failures[(query, filter)] = (status, text)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/youtubei/v1/"

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the fake first"
        return self._server.server_address[1]

    @property
    def urls(self) -> dict[str, str]:
        return {"SPOTDESK_YTMUSIC_URL": self.base_url}

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

    def answer(self, query: str, filter: str | None) -> tuple[int, str]:
        if (query, filter) in self.failures:
            return self.failures[(query, filter)]
        body = self.responses.get((query, filter), _EMPTY_RESPONSE)
        return 200, json.dumps(body)


def _handler_for(fake: FakeYouTubeMusic) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            fake.page_paths.append(self.path)
            self._send(200, VISITOR_PAGE, "text/html; charset=utf-8")

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            body = json.loads(raw or b"{}")
            path = self.path.split("?", 1)[0]
            if not path.endswith("/youtubei/v1/search"):
                self._send(404, json.dumps({"error": {"code": 404, "message": "no such endpoint"}}))
                return
            query, filter = body.get("query", ""), filter_of(body.get("params"))
            fake.requests.append(SearchRequest(query, filter, self.path, body))
            status, text = fake.answer(query, filter)
            self._send(status, text)

        def _send(self, status: int, text: str, content_type: str = "application/json") -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


# --- synthetic responses in the shape of the web client's search results ---------------


def _run(text: str, browse_id: str | None = None) -> dict[str, Any]:
    run: dict[str, Any] = {"text": text}
    if browse_id:
        run["navigationEndpoint"] = {"browseEndpoint": {"browseId": browse_id}}
    return run


def _column(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"musicResponsiveListItemFlexColumnRenderer": {"text": {"runs": runs}}}


def _with_separators(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    joined: list[dict[str, Any]] = []
    for run in runs:
        if joined:
            joined.append({"text": " • "})
        joined.append(run)
    return joined


def list_item(
    video_id: str,
    title: str,
    artists: list[str],
    duration: str,
    *,
    album: str | None = None,
    views: str | None = None,
    explicit: bool = False,
    video_type: str = "MUSIC_VIDEO_TYPE_ATV",
) -> dict[str, Any]:
    """Build one `musicResponsiveListItemRenderer` search result."""
    runs = [_run(name, f"UC{index:022d}") for index, name in enumerate(artists)]
    if album:
        runs.append(_run(album, "MPREb_fakealbum"))
    if views:
        runs.append(_run(views))
    runs.append(_run(duration))

    renderer: dict[str, Any] = {
        "flexColumns": [_column([_run(title)]), _column(_with_separators(runs))],
        "overlay": {
            "musicItemThumbnailOverlayRenderer": {
                "content": {
                    "musicPlayButtonRenderer": {
                        "playNavigationEndpoint": {
                            "watchEndpoint": {
                                "videoId": video_id,
                                "watchEndpointMusicSupportedConfigs": {
                                    "watchEndpointMusicConfig": {"musicVideoType": video_type}
                                },
                            }
                        }
                    }
                }
            }
        },
    }
    if explicit:
        label = {"accessibilityData": {"accessibilityData": {"label": "Explicit"}}}
        renderer["badges"] = [{"musicInlineBadgeRenderer": label}]
    return {"musicResponsiveListItemRenderer": renderer}


def shelf_response(shelf_title: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Build a search response with one titled shelf ("Songs", "Videos") of `items`."""
    shelf = {"musicShelfRenderer": {"title": {"runs": [{"text": shelf_title}]}, "contents": items}}
    tab = {"tabRenderer": {"content": {"sectionListRenderer": {"contents": [shelf]}}}}
    return {"contents": {"tabbedSearchResultsRenderer": {"tabs": [tab]}}}
