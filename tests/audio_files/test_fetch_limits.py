"""Real yt-dlp against a loopback server that streams without end or returns HTTP 410."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from spotdesk.audio.fetch import (
    ABSOLUTE_LIMIT_BYTES,
    LIMIT_MARGIN_BYTES,
    Fetcher,
    TooLarge,
    Unavailable,
    size_limit,
)
from spotdesk.config import ServiceUrls
from spotdesk.model import OutputOptions
from spotdesk.pipeline import Pipeline
from tests.audio_files.conftest import StubMatcher, candidate, files_in, make_track
from tests.fakes.media_server import MediaServer

CHUNK = b"\0" * (256 * 1024)


class _EndlessHandler(BaseHTTPRequestHandler):
    """Serve /endless.m4a as a chunked body that never ends, and any other path as 410."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._headers()

    def do_GET(self) -> None:
        if not self._headers():
            return
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
        except OSError:
            return  # the client closed the connection

    def _headers(self) -> bool:
        if self.path != "/endless.m4a":
            self.send_response(410)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        self.send_response(200)
        self.send_header("Content-Type", "audio/mp4")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        return True


@pytest.fixture
def endless() -> Iterator[str]:
    """A loopback server for `_EndlessHandler`; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EndlessHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_size_limit_from_duration() -> None:
    assert size_limit(3.0) == 3 * 160_000 + LIMIT_MARGIN_BYTES
    assert size_limit(None) == ABSOLUTE_LIMIT_BYTES
    assert size_limit(0) == ABSOLUTE_LIMIT_BYTES


def test_endless_stream_stops_at_limit(endless: str, tmp_path: Path) -> None:
    started = time.monotonic()

    with pytest.raises(TooLarge) as caught:
        Fetcher().fetch(f"{endless}/endless.m4a", tmp_path, expected_duration_s=3.0)

    assert time.monotonic() - started < 30
    assert caught.value.code == "fetch.too_large"
    assert caught.value.try_next
    assert f"{endless}/endless.m4a" in caught.value.message
    assert "3 s track" in caught.value.message
    assert "choose another match" in caught.value.message
    assert files_in(tmp_path) == []


def test_pipeline_tries_next_after_too_large(
    endless: str, media: MediaServer, options: OutputOptions, caplog: pytest.LogCaptureFixture
) -> None:
    matcher = StubMatcher([candidate(f"{endless}/endless.m4a"), candidate(media.url("tone.m4a"))])

    pipeline = Pipeline(ServiceUrls(), matcher=matcher)  # type: ignore[arg-type]
    started = time.monotonic()

    result = pipeline.run(make_track(), options)

    assert time.monotonic() - started < 30

    assert result.status == "downloaded"
    assert result.match is not None
    assert result.match.url == media.url("tone.m4a")
    assert not [name for name in files_in(Path(options.folder)) if ".download" in name]
    assert "[fetch.too_large]" in caplog.text
    assert "more than a 3 s track can need" in caplog.text


def test_http_410_is_unavailable(endless: str, tmp_path: Path) -> None:
    with pytest.raises(Unavailable) as caught:
        Fetcher().fetch(f"{endless}/gone.m4a", tmp_path)

    assert caught.value.code == "fetch.unavailable"
    assert "network" not in caught.value.message
    assert "410" in (caught.value.detail or "")
    assert files_in(tmp_path) == []
