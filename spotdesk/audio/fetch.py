"""Download a candidate's best audio with yt-dlp's Python API.

Progress reaches the caller as `DownloadProgress` values. When `check()` raises (cancel,
pause, lost lease), yt-dlp's progress hook raises too, which stops the transfer mid-file.
yt-dlp's failures become `FetchError`s with a stable code, one sentence saying what the
user can do, and `try_next` telling the pipeline whether another candidate may work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spotdesk.audio.fetcherrors import (
    AgeRestricted,
    BotCheck,
    FetchError,
    Forbidden,
    GeoBlocked,
    NetworkError,
    TooLarge,
    Unavailable,
    classify_failure,
)
from spotdesk.audio.ffmpeg import FfmpegMissing, find_ffmpeg
from spotdesk.audio.filesystem import remove_quietly, temp_stem

log = logging.getLogger(__name__)

SOCKET_TIMEOUT_S = 30.0
RETRIES = 3
# How often the calling thread delivers progress and calls `check()`, in seconds.
POLL_INTERVAL_S = 0.1
# How long a cancelled download may take to stop before the caller stops waiting for it.
STOP_GRACE_S = 2.0

# The size limit of one download is an estimate meant to be generous. 640 kbit/s is twice
# MP3's maximum of 320 kbit/s, and lossy audio streams usually stay below that. Doubling it
# leaves room for a video stream when a site offers no audio-only format. The margin covers
# containers and very short tracks. Without a known length the absolute limit applies,
# which is about 1.9 hours at the doubled rate.
LIMIT_BYTES_PER_SECOND = 640_000 // 8 * 2
LIMIT_MARGIN_BYTES = 20 * 1024 * 1024
ABSOLUTE_LIMIT_BYTES = 1024 * 1024 * 1024

__all__ = [
    "AgeRestricted",
    "BotCheck",
    "DownloadProgress",
    "Downloaded",
    "FetchError",
    "Fetcher",
    "Forbidden",
    "GeoBlocked",
    "NetworkError",
    "TooLarge",
    "Unavailable",
    "classify_failure",
    "deno_path",
]


@dataclass(frozen=True)
class DownloadProgress:
    """One yt-dlp progress report; sizes in bytes, speed in bytes/s, ETA in seconds."""

    bytes_done: int
    bytes_total: int | None
    speed: float | None
    eta: float | None


@dataclass(frozen=True)
class Downloaded:
    path: Path
    url: str
    title: str | None
    codec: str | None  # yt-dlp's `acodec` when the site reports it
    duration_s: float | None  # as the site reports it; probe the file to be sure


def size_limit(duration_s: float | None) -> int:
    """Return the most bytes a download for a track of `duration_s` seconds may take."""
    if duration_s is None or duration_s <= 0:
        return ABSOLUTE_LIMIT_BYTES
    return int(duration_s * LIMIT_BYTES_PER_SECOND) + LIMIT_MARGIN_BYTES


def deno_path() -> str | None:
    """Return the deno binary shipped by the `deno` PyPI package, or one on PATH."""
    try:
        import deno

        return str(deno.find_deno_bin())
    except (ImportError, FileNotFoundError, RuntimeError) as error:
        log.debug("deno package not usable: %s", error)
    import shutil

    return shutil.which("deno")


class Fetcher:
    """Download audio with yt-dlp into a caller-chosen folder under a temporary name.

    A `yt_dlp.YoutubeDL` is kept and reused between downloads, because building one loads
    every extractor (about 60 ms with yt-dlp 2026.11.23, measured with cProfile on a busy
    2-core machine), and reuse keeps HTTP connections and browser cookies loaded. Each
    download runs on a helper thread while the calling thread delivers progress and calls
    `check()`, so a cancel takes effect even while the server sends nothing.
    """

    def __init__(
        self,
        cookies_from_browser: str | None = None,
        js_runtime: str | None = None,
        extra_options: dict[str, Any] | None = None,
    ) -> None:
        self.cookies_from_browser = cookies_from_browser or None
        self.js_runtime = js_runtime if js_runtime is not None else deno_path()
        self.extra_options = dict(extra_options or {})
        self._idle: _Session | None = None
        self._lock = threading.Lock()

    def fetch(
        self,
        url: str,
        folder: Path,
        *,
        on_progress: Callable[[DownloadProgress], None] = lambda progress: None,
        check: Callable[[], None] = lambda: None,
        expected_duration_s: float | None = None,
    ) -> Downloaded:
        """Download the best audio of `url` into `folder` and return where it went.

        The download fails with `TooLarge` once it passes `size_limit(expected_duration_s)`
        bytes, so an endless stream cannot fill the disk.

        `on_progress` and `check` run on the calling thread. Every file of this download
        carries one random stem, and all of them are removed when the download fails or
        `check()` raises. A download stalled inside a read cannot be stopped at once: it is
        abandoned after `STOP_GRACE_S`, and its thread removes its files when the read
        returns (at the latest after `SOCKET_TIMEOUT_S`).
        """
        stem = f"{temp_stem()}.download"
        max_bytes = size_limit(expected_duration_s)
        job = _DownloadJob(self._take_session(), url, folder, stem, max_bytes)
        job.start()
        try:
            while not job.finished.wait(POLL_INTERVAL_S):
                job.deliver_progress(on_progress)
                check()
            job.deliver_progress(on_progress)
        except BaseException:
            job.request_stop()
            if job.finished.wait(STOP_GRACE_S):
                # The download may have ended before its thread saw the stop request, and
                # then that thread removed nothing.
                job.session.close()
                _remove_partials(folder, stem)
            else:
                log.warning(
                    "download of %s did not stop within %.0f s; its partial files in %s are "
                    "removed when the stalled read ends",
                    url,
                    STOP_GRACE_S,
                    folder,
                )
            raise

        if job.error is not None:
            job.session.close()
            _remove_partials(folder, stem)
            if job.too_large:
                raise _too_large(url, max_bytes, expected_duration_s) from job.error
            if isinstance(job.error, _download_error_class()):
                raise classify_failure(str(job.error), job.session.logger.text()) from job.error
            raise job.error
        self._return_session(job.session)
        return _downloaded(job, url, folder, stem)

    def close(self) -> None:
        """Close the kept yt-dlp instance (its HTTP connections and cookie jar)."""
        with self._lock:
            session, self._idle = self._idle, None
        if session is not None:
            session.close()

    def _take_session(self) -> _Session:
        with self._lock:
            session, self._idle = self._idle, None
        return session or _Session(self.options())

    def _return_session(self, session: _Session) -> None:
        with self._lock:
            if self._idle is None:
                self._idle = session
                return
        session.close()

    def options(self) -> dict[str, Any]:
        """Return the yt-dlp options; the output template is replaced on every download."""
        options: dict[str, Any] = {
            "format": "bestaudio/best",
            "outtmpl": {"default": "%(id)s.%(ext)s"},
            "noplaylist": True,
            "quiet": True,
            "no_warnings": False,
            "noprogress": True,
            "socket_timeout": SOCKET_TIMEOUT_S,
            "retries": RETRIES,
            "fragment_retries": RETRIES,
            "overwrites": True,
            "continuedl": False,
            "writethumbnail": False,
            "cachedir": False,
        }
        if self.js_runtime:
            options["js_runtimes"] = {"deno": {"path": self.js_runtime}}
        try:
            # yt-dlp needs ffmpeg for some formats (HLS streams, for example) and looks only
            # on PATH without `ffmpeg_location`, which misses imageio-ffmpeg's binary.
            options["ffmpeg_location"] = str(find_ffmpeg())
        except FfmpegMissing as error:
            log.debug("yt-dlp gets no ffmpeg location: %s", error)
        if self.cookies_from_browser:
            # yt-dlp takes (browser, profile, keyring, container).
            options["cookiesfrombrowser"] = (self.cookies_from_browser, None, None, None)
        options.update(self.extra_options)
        return options


class _Stopped(Exception):
    """Raised from yt-dlp's progress hook to end a download the caller gave up on."""


class _LimitExceeded(Exception):
    """Raised from yt-dlp's progress hook to end a download that passed its size limit."""


def _too_large(url: str, max_bytes: int, duration_s: float | None) -> TooLarge:
    size = f"{max_bytes / 1_000_000:.0f} MB"
    if duration_s is None or duration_s <= 0:
        reason = f"passed the limit of {size} for a download"
    else:
        reason = f"passed {size}, more than a {duration_s:.0f} s track can need"
    return TooLarge(
        f"The download from {url} {reason}, so it was stopped and its partial file removed; "
        "choose another match, or check that the address is a single recording.",
    )


class _Session:
    """One `YoutubeDL` with its own log collector and progress hook."""

    def __init__(self, options: dict[str, Any]) -> None:
        import yt_dlp

        self.logger = _CollectingLogger()
        self.hook: Callable[[dict[str, Any]], None] = lambda status: None
        self.downloader = yt_dlp.YoutubeDL(
            {**options, "logger": self.logger, "progress_hooks": [self._dispatch]}
        )

    def _dispatch(self, status: dict[str, Any]) -> None:
        self.hook(status)

    def close(self) -> None:
        try:
            self.downloader.close()
        except Exception as error:  # closing must never hide the error being handled
            log.debug("closing yt-dlp failed: %s", error)


class _DownloadJob:
    """One download running on a helper thread; the caller reads its results."""

    def __init__(
        self, session: _Session, url: str, folder: Path, stem: str, max_bytes: int
    ) -> None:
        self.session = session
        self.url = url
        self.folder = folder
        self.stem = stem
        self.max_bytes = max_bytes
        self.too_large = False
        self.finished = threading.Event()
        self.info: dict[str, Any] | None = None
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._latest: DownloadProgress | None = None
        self._progress_lock = threading.Lock()

    def start(self) -> None:
        thread = threading.Thread(target=self._run, name=f"yt-dlp {self.stem}", daemon=True)
        thread.start()

    def request_stop(self) -> None:
        self._stop.set()

    def deliver_progress(self, on_progress: Callable[[DownloadProgress], None]) -> None:
        with self._progress_lock:
            latest, self._latest = self._latest, None
        if latest is not None:
            on_progress(latest)

    def _hook(self, status: dict[str, Any]) -> None:
        if self._stop.is_set():
            raise _Stopped()
        if status.get("status") != "downloading":
            return
        progress = DownloadProgress(
            bytes_done=int(status.get("downloaded_bytes") or 0),
            bytes_total=status.get("total_bytes") or status.get("total_bytes_estimate"),
            speed=status.get("speed"),
            eta=status.get("eta"),
        )
        # A declared size over the limit fails at once; a stream without one fails when
        # its received bytes pass the limit.
        announced = int(status.get("total_bytes") or 0)
        if max(progress.bytes_done, announced) > self.max_bytes:
            self.too_large = True
            raise _LimitExceeded()
        with self._progress_lock:
            self._latest = progress

    def _run(self) -> None:
        self.session.logger.lines.clear()
        self.session.hook = self._hook
        downloader = self.session.downloader
        try:
            downloader.params["outtmpl"]["default"] = str(self.folder / f"{self.stem}.%(ext)s")
            self.info = downloader.extract_info(self.url, download=True)
        except BaseException as error:  # handed to the calling thread, which raises it
            self.error = error
        finally:
            self.session.hook = lambda status: None
            if self._stop.is_set():
                # The caller has given up on this download and may no longer be waiting.
                self.session.close()
                _remove_partials(self.folder, self.stem)
            self.finished.set()


def _download_error_class() -> type[Exception]:
    import yt_dlp

    return yt_dlp.utils.DownloadError  # type: ignore[no-any-return]


def _downloaded(job: _DownloadJob, url: str, folder: Path, stem: str) -> Downloaded:
    info = job.info or {}
    path = _downloaded_path(info, folder, stem)
    if path is None:
        _remove_partials(folder, stem)
        raise FetchError(
            f"yt-dlp reported success for {url} but wrote no file; try another source.",
            detail=job.session.logger.text(),
        )
    acodec = info.get("acodec")
    return Downloaded(
        path=path,
        url=url,
        title=info.get("title"),
        codec=None if acodec in (None, "none") else str(acodec),
        duration_s=info.get("duration"),
    )


class _CollectingLogger:
    """yt-dlp logger that sends everything to our log at debug level and keeps it."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def debug(self, message: str) -> None:
        self._keep("debug", message)

    def info(self, message: str) -> None:
        self._keep("info", message)

    def warning(self, message: str) -> None:
        self._keep("warning", message)

    def error(self, message: str) -> None:
        self._keep("error", message)

    def _keep(self, level: str, message: str) -> None:
        self.lines.append(message)
        log.debug("yt-dlp %s: %s", level, message)

    def text(self) -> str:
        return "\n".join(self.lines)


def _downloaded_path(info: dict[str, Any] | None, folder: Path, stem: str) -> Path | None:
    if info:
        for item in info.get("requested_downloads") or []:
            path = item.get("filepath")
            if path and Path(path).is_file():
                return Path(path)
    matches = [path for path in folder.glob(f"{stem}.*") if not path.name.endswith(".part")]
    return matches[0] if len(matches) == 1 else None


def _remove_partials(folder: Path, stem: str) -> None:
    for path in folder.glob(f"{stem}*"):
        remove_quietly(path)
