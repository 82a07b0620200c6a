"""A loopback HTTP server that serves generated audio files to real yt-dlp.

yt-dlp's generic extractor downloads a direct media URL as it would a site's audio, so the
download path, progress hooks, cancellation and HTTP failures all run for real. Audio is
generated with the real ffmpeg: sine tones of a few seconds in the containers YouTube
serves (m4a/AAC, webm/Opus) and MP3.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from spotdesk.audio.ffmpeg import find_ffmpeg

# ffmpeg arguments and Content-Type per generated container.
TONE_FORMATS: dict[str, tuple[list[str], str]] = {
    "m4a": (["-c:a", "aac", "-b:a", "96k", "-f", "ipod"], "audio/mp4"),
    "webm": (["-c:a", "libopus", "-b:a", "64k", "-f", "webm"], "audio/webm"),
    "mp3": (["-c:a", "libmp3lame", "-b:a", "96k", "-f", "mp3"], "audio/mpeg"),
    "opus": (["-c:a", "libopus", "-b:a", "64k", "-f", "opus"], "audio/ogg"),
    "flac": (["-c:a", "flac", "-f", "flac"], "audio/flac"),
}


def make_tone(path: Path, seconds: float = 3.0, frequency: int = 440) -> Path:
    """Write a sine tone of `seconds` to `path`, in the container its suffix names."""
    arguments, _ = TONE_FORMATS[path.suffix.lstrip(".")]
    subprocess.run(
        [
            str(find_ffmpeg()),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={frequency}:duration={seconds}:sample_rate=48000",
            "-ac",
            "2",
            *arguments,
            str(path),
        ],
        check=True,
    )
    return path


class _QuietServer(ThreadingHTTPServer):
    """A server that ignores clients hanging up early, as yt-dlp does after sniffing a file."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass
class Fault:
    """What the server does instead of serving a path normally."""

    status: int | None = None  # respond with this HTTP status and a short body
    body: bytes = b""
    hang_after: int | None = None  # send this many body bytes, then stall until released


class MediaServer:
    """Serve files on 127.0.0.1 at `url(name)`, with throttling and fault injection.

    `throttle(bytes_per_second)` slows every body. `fail(name, status)` makes that path
    return an HTTP error. `hang(name, after)` stalls after `after` bytes until `release()`.
    `requests` counts GET and HEAD requests per path.
    """

    def __init__(self) -> None:
        self.files: dict[str, tuple[Path, str]] = {}
        self.faults: dict[str, Fault] = {}
        self.requests: dict[str, int] = {}
        self.bytes_per_second: int | None = None
        self.release_event = threading.Event()
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> MediaServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release_event.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> MediaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def add(self, name: str, path: Path, content_type: str | None = None) -> str:
        """Serve `path` as `name` and return its URL."""
        if content_type is None:
            known = TONE_FORMATS.get(path.suffix.lstrip("."))
            content_type = known[1] if known else "application/octet-stream"
        self.files[name] = (path, content_type)
        return self.url(name)

    def fail(self, name: str, status: int, body: bytes = b"") -> str:
        self.faults[name] = Fault(status=status, body=body)
        return self.url(name)

    def hang(self, name: str, after: int) -> None:
        self.faults[name] = Fault(hang_after=after)
        self.release_event.clear()

    def release(self) -> None:
        self.release_event.set()

    def throttle(self, bytes_per_second: int | None) -> None:
        self.bytes_per_second = bytes_per_second

    def _count(self, name: str) -> None:
        with self._lock:
            self.requests[name] = self.requests.get(name, 0) + 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self._serve(send_body=False)

            def do_GET(self) -> None:
                self._serve(send_body=True)

            def _serve(self, send_body: bool) -> None:
                name = self.path.split("?", 1)[0].lstrip("/")
                server._count(name)
                fault = server.faults.get(name)
                if fault and fault.status:
                    body = fault.body or f"error {fault.status}".encode()
                    self._send_status(fault.status, body)
                    return
                if name not in server.files:
                    self._send_status(404, b"not found")
                    return
                path, content_type = server.files[name]
                data = path.read_bytes()
                start, status = self._range_start(len(data))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data) - start))
                self.send_header("Accept-Ranges", "bytes")
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if send_body:
                    self._send_body(data[start:], fault)

            def _range_start(self, size: int) -> tuple[int, int]:
                header = self.headers.get("Range", "")
                if header.startswith("bytes=") and "-" in header:
                    first = header[6:].split("-", 1)[0]
                    if first.isdigit() and int(first) < size:
                        return int(first), 206
                return 0, 200

            def _send_status(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _send_body(self, data: bytes, fault: Fault | None) -> None:
                chunk = 16 * 1024
                try:
                    for offset in range(0, len(data), chunk):
                        if fault and fault.hang_after is not None and offset >= fault.hang_after:
                            server.release_event.wait(timeout=30)
                            fault = None
                        self.wfile.write(data[offset : offset + chunk])
                        if server.bytes_per_second:
                            time.sleep(chunk / server.bytes_per_second)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
