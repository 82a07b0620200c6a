"""Real yt-dlp downloading from the loopback media server."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from spotdesk.audio import fetch
from spotdesk.audio.fetch import (
    AgeRestricted,
    BotCheck,
    DownloadProgress,
    Fetcher,
    FetchError,
    Forbidden,
    GeoBlocked,
    NetworkError,
    Unavailable,
    classify_failure,
)
from spotdesk.audio.ffmpeg import find_ffmpeg
from spotdesk.errors import CancelledError
from tests.audio_files.conftest import files_in
from tests.fakes.media_server import MediaServer


@pytest.mark.parametrize("name", ["tone.m4a", "tone.webm", "tone.mp3"])
def test_fetch_downloads_each_container(media: MediaServer, tmp_path: Path, name: str) -> None:
    reports: list[DownloadProgress] = []

    downloaded = Fetcher().fetch(media.url(name), tmp_path, on_progress=reports.append)

    assert downloaded.path.read_bytes() == (media.files[name][0]).read_bytes()
    assert downloaded.path.parent == tmp_path
    assert downloaded.path.name.startswith(".spotdesk-")
    assert reports, "no progress was reported"
    assert reports[-1].bytes_done == downloaded.path.stat().st_size
    assert reports[-1].bytes_total == downloaded.path.stat().st_size
    assert files_in(tmp_path) == [downloaded.path.name]


def test_fetch_reports_speed_and_eta(media: MediaServer, tmp_path: Path) -> None:
    media.throttle(400_000)
    reports: list[DownloadProgress] = []

    Fetcher().fetch(media.url("tone.m4a"), tmp_path, on_progress=reports.append)

    assert any(report.speed for report in reports)
    assert any(report.eta is not None for report in reports)
    done = [report.bytes_done for report in reports]
    assert done == sorted(done)


def test_fetch_cancel_mid_download_leaves_nothing(media: MediaServer, tmp_path: Path) -> None:
    media.throttle(50_000)
    reports: list[DownloadProgress] = []

    def check() -> None:
        if reports:
            raise CancelledError("cancelled by the test")

    with pytest.raises(CancelledError):
        Fetcher().fetch(media.url("long.m4a"), tmp_path, on_progress=reports.append, check=check)

    assert reports[-1].bytes_done < (reports[-1].bytes_total or 0)
    assert files_in(tmp_path) == []


def test_fetch_http_403_is_classified(media: MediaServer, tmp_path: Path) -> None:
    media.fail("tone.m4a", 403)

    with pytest.raises(Forbidden) as caught:
        Fetcher().fetch(media.url("tone.m4a"), tmp_path)

    assert caught.value.code == "fetch.http_403"
    assert caught.value.try_next
    assert "403" in (caught.value.detail or "")
    assert files_in(tmp_path) == []


def test_fetch_missing_file_is_unavailable(media: MediaServer, tmp_path: Path) -> None:
    with pytest.raises(Unavailable) as caught:
        Fetcher().fetch(media.url("gone.m4a"), tmp_path)

    assert caught.value.code == "fetch.unavailable"
    assert files_in(tmp_path) == []


def test_fetch_refused_connection_is_network_error(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    fetcher = Fetcher(extra_options={"retries": 0, "extractor_retries": 0})

    with pytest.raises(NetworkError) as caught:
        fetcher.fetch(f"http://127.0.0.1:{port}/tone.m4a", tmp_path)

    assert caught.value.retryable
    assert not caught.value.try_next


@pytest.mark.parametrize(
    ("message", "error_class"),
    [
        ("ERROR: [youtube] abc: Sign in to confirm you're not a bot. Use --cookies", BotCheck),
        (
            "ERROR: [youtube] abc: Sign in to confirm your age. This video may be inappropriate",
            AgeRestricted,
        ),
        (
            "ERROR: [youtube] abc: The uploader has not made this video available in your country",
            GeoBlocked,
        ),
        ("ERROR: unable to download video data: HTTP Error 403: Forbidden", Forbidden),
        ("ERROR: [youtube] abc: Video unavailable. This video has been removed", Unavailable),
        ("ERROR: [youtube] abc: Private video. Sign in if you've been granted access", Unavailable),
        (
            "ERROR: Unable to download webpage: <urlopen error [Errno 111] Connection refused>",
            NetworkError,
        ),
        ("ERROR: Read timed out.", NetworkError),
    ],
)
def test_classify_failure_codes(message: str, error_class: type[FetchError]) -> None:
    error = classify_failure(message)

    assert type(error) is error_class
    assert error.code.startswith("fetch.")
    assert message in (error.detail or "")


def test_classify_failure_messages_are_actionable() -> None:
    assert "cookies_from_browser" in classify_failure("Sign in to confirm you're not a bot").message
    assert "cookies_from_browser" in classify_failure("Sign in to confirm your age").message
    assert "another match" in classify_failure("Video unavailable").message


def test_classify_failure_unknown_message() -> None:
    error = classify_failure("ERROR: something new went wrong")

    assert type(error) is FetchError
    assert error.code == "fetch.failed"
    assert "something new went wrong" in error.message


def test_options_pass_deno_and_browser_cookies() -> None:
    fetcher = Fetcher(cookies_from_browser="firefox", js_runtime="/opt/deno/bin/deno")

    options = fetcher.options()

    assert options["js_runtimes"] == {"deno": {"path": "/opt/deno/bin/deno"}}
    assert options["ffmpeg_location"] == str(find_ffmpeg())
    assert options["cookiesfrombrowser"] == ("firefox", None, None, None)


def test_deno_path_finds_the_pypi_binary() -> None:
    path = fetch.deno_path()

    assert path is not None
    assert Path(path).name.startswith("deno")


def test_fetcher_reused_after_failure(media: MediaServer, tmp_path: Path) -> None:
    fetcher = Fetcher()
    (tmp_path / "a").mkdir()
    first = fetcher.fetch(media.url("tone.m4a"), tmp_path / "a")
    media.fail("tone.webm", 404)

    with pytest.raises(Unavailable):
        fetcher.fetch(media.url("tone.webm"), tmp_path)
    second = fetcher.fetch(media.url("tone.mp3"), tmp_path)

    assert first.path.parent == tmp_path / "a"
    assert second.path.suffix == ".mp3"
    assert second.path.parent == tmp_path
    assert [path.name for path in tmp_path.iterdir() if path.is_file()] == [second.path.name]


def test_fetch_cancel_while_stalled(media: MediaServer, tmp_path: Path) -> None:
    media.hang("long.m4a", after=64 * 1024)
    reports: list[DownloadProgress] = []

    def check() -> None:
        if reports:
            raise CancelledError("cancelled by the test")

    started = time.monotonic()
    with pytest.raises(CancelledError):
        Fetcher().fetch(media.url("long.m4a"), tmp_path, on_progress=reports.append, check=check)
    waited = time.monotonic() - started

    assert waited < fetch.STOP_GRACE_S + 2
    media.release()
    deadline = time.monotonic() + 10
    while files_in(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert files_in(tmp_path) == []


def test_fetch_progress_on_calling_thread(media: MediaServer, tmp_path: Path) -> None:
    threads: set[str] = set()

    def record(progress: DownloadProgress) -> None:
        threads.add(threading.current_thread().name)

    Fetcher().fetch(media.url("tone.m4a"), tmp_path, on_progress=record)

    assert threads == {threading.current_thread().name}


def test_fetch_stop_after_download_ended(media: MediaServer, tmp_path: Path) -> None:
    media.throttle(100_000)  # slow enough that check() runs while the download is under way

    def check() -> None:
        # Raise only once the download is complete and its thread has ended, so the stop
        # request comes too late for that thread to clean up.
        deadline = time.monotonic() + 10
        while not list(tmp_path.glob(".spotdesk-*.download.m4a")):
            assert time.monotonic() < deadline, "the download never completed"
            time.sleep(0.01)
        time.sleep(0.3)
        raise CancelledError("cancelled by the test")

    with pytest.raises(CancelledError):
        Fetcher().fetch(media.url("tone.m4a"), tmp_path, check=check)

    assert files_in(tmp_path) == []
