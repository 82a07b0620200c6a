"""Download a candidate's best audio with yt-dlp's Python API.

Progress reaches the caller as `DownloadProgress` values; `check()` is called from yt-dlp's
progress hook, so raising there (cancel, pause, lost lease) stops the transfer mid-file.
yt-dlp's failures become `FetchError`s with a stable code, one sentence saying what the
user can do, and `try_next` telling the pipeline whether another candidate may work.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spotdesk.audio.filesystem import TEMP_PREFIX, remove_quietly
from spotdesk.errors import SpotdeskError

log = logging.getLogger(__name__)

SOCKET_TIMEOUT_S = 30.0
RETRIES = 3


class FetchError(SpotdeskError):
    """yt-dlp could not download a candidate."""

    code = "fetch.failed"
    try_next = True  # whether another candidate for the same track may succeed


class Unavailable(FetchError):
    code = "fetch.unavailable"


class AgeRestricted(FetchError):
    code = "fetch.age_restricted"


class GeoBlocked(FetchError):
    code = "fetch.geo_blocked"


class Forbidden(FetchError):
    code = "fetch.http_403"
    retryable = True


class NetworkError(FetchError):
    code = "fetch.network"
    retryable = True
    try_next = False  # every candidate goes through the same network


class BotCheck(FetchError):
    code = "fetch.bot_check"
    retryable = True
    try_next = False  # YouTube then requires a sign-in for every video from this address


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

    One `yt_dlp.YoutubeDL` is kept and reused, because building one loads every
    extractor (about 60 ms with yt-dlp 2026.11.23, measured with cProfile on a busy
    2-core machine), and reuse keeps HTTP connections and browser cookies loaded. Only
    the output template, the progress hook and the log collector change per download. A
    lock makes concurrent `fetch` calls take turns. After any failure the instance is
    dropped, and the next call builds a new one.
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
        self._downloader: Any = None
        self._lock = threading.Lock()
        self._logger = _CollectingLogger()
        self._hook: Callable[[dict[str, Any]], None] = lambda status: None

    def fetch(
        self,
        url: str,
        folder: Path,
        *,
        on_progress: Callable[[DownloadProgress], None] = lambda progress: None,
        check: Callable[[], None] = lambda: None,
    ) -> Downloaded:
        """Download the best audio of `url` into `folder` and return where it went.

        Every file of this download carries one random stem, and all of them are removed
        when the download fails or `check()` raises.
        """
        import yt_dlp

        stem = f"{TEMP_PREFIX}{os.urandom(6).hex()}.download"

        def hook(status: dict[str, Any]) -> None:
            check()
            if status.get("status") == "downloading":
                on_progress(
                    DownloadProgress(
                        bytes_done=int(status.get("downloaded_bytes") or 0),
                        bytes_total=status.get("total_bytes") or status.get("total_bytes_estimate"),
                        speed=status.get("speed"),
                        eta=status.get("eta"),
                    )
                )

        with self._lock:
            self._logger.lines.clear()
            self._hook = hook
            try:
                downloader = self._reusable_downloader()
                downloader.params["outtmpl"]["default"] = str(folder / f"{stem}.%(ext)s")
                info = downloader.extract_info(url, download=True)
            except yt_dlp.utils.DownloadError as error:
                self._discard_downloader()
                _remove_partials(folder, stem)
                raise classify_failure(str(error), self._logger.text()) from error
            except BaseException:
                self._discard_downloader()
                _remove_partials(folder, stem)
                raise
            finally:
                self._hook = lambda status: None
            output = self._logger.text()

        path = _downloaded_path(info, folder, stem)
        if path is None:
            _remove_partials(folder, stem)
            raise FetchError(
                f"yt-dlp reported success for {url} but wrote no file; try another source.",
                detail=output,
            )
        acodec = info.get("acodec")
        return Downloaded(
            path=path,
            url=url,
            title=info.get("title"),
            codec=None if acodec in (None, "none") else str(acodec),
            duration_s=info.get("duration"),
        )

    def close(self) -> None:
        """Close the kept yt-dlp instance (its HTTP connections and cookie jar)."""
        with self._lock:
            self._discard_downloader()

    def _reusable_downloader(self) -> Any:
        if self._downloader is None:
            import yt_dlp

            self._downloader = yt_dlp.YoutubeDL(self.options())
        return self._downloader

    def _discard_downloader(self) -> None:
        if self._downloader is not None:
            try:
                self._downloader.close()
            except Exception as error:  # closing must never hide the error being handled
                log.debug("closing yt-dlp failed: %s", error)
            self._downloader = None

    def _dispatch_hook(self, status: dict[str, Any]) -> None:
        self._hook(status)

    def options(self) -> dict[str, Any]:
        """Return the yt-dlp options; the output template is replaced on every download."""
        options: dict[str, Any] = {
            "format": "bestaudio/best",
            "outtmpl": {"default": "%(id)s.%(ext)s"},
            "noplaylist": True,
            "quiet": True,
            "no_warnings": False,
            "noprogress": True,
            "logger": self._logger,
            "progress_hooks": [self._dispatch_hook],
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
        if self.cookies_from_browser:
            # yt-dlp takes (browser, profile, keyring, container).
            options["cookiesfrombrowser"] = (self.cookies_from_browser, None, None, None)
        options.update(self.extra_options)
        return options


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


# Phrases in yt-dlp 2026.11 error messages and in the YouTube playability reasons it passes
# on, matched in lower case; the first class with a matching phrase wins.
_FAILURES: list[tuple[type[FetchError], tuple[str, ...], str]] = [
    (
        BotCheck,
        ("confirm you're not a bot", "confirm you’re not a bot"),
        "YouTube asks for a sign-in to prove this is not a bot; set the cookies_from_browser "
        "setting to a browser where you are signed in to YouTube, or try again later.",
    ),
    (
        AgeRestricted,
        ("age-restricted", "confirm your age", "inappropriate for some users", "age restricted"),
        "The video is age-restricted; set the cookies_from_browser setting to a browser "
        "signed in to an adult YouTube account, or choose another match.",
    ),
    (
        GeoBlocked,
        (
            "not available in your country",
            "geo restrict",
            "geo-restrict",
            "blocked it in your country",
            "not made this video available in your country",
        ),
        "The video is blocked in your country; choose another match or use a proxy.",
    ),
    (
        Forbidden,
        ("http error 403", "403: forbidden", "403 forbidden"),
        "The server refused the download (HTTP 403); update yt-dlp, set cookies_from_browser, "
        "or try again later.",
    ),
    (
        Unavailable,
        (
            "video unavailable",
            "is unavailable",
            "private video",
            "has been removed",
            "http error 404",
            "404: not found",
            "this video is not available",
            "account associated with this video has been terminated",
            "unsupported url",
        ),
        "The audio is no longer available at that address; choose another match.",
    ),
    (
        NetworkError,
        (
            "unable to connect",
            "connection refused",
            "timed out",
            "network is unreachable",
            "name or service not known",
            "temporary failure in name resolution",
            "connection reset",
            "remote end closed connection",
            "unable to download webpage",
            "transporterror",
            "incompleteread",
            "urlopen error",
        ),
        "The download failed because of a network error; check your connection and retry.",
    ),
]


def classify_failure(message: str, output: str = "") -> FetchError:
    """Return the `FetchError` for a yt-dlp error message (and its full output)."""
    text = message.lower()
    detail = f"{message}\n{output}".strip()
    for error_class, phrases, advice in _FAILURES:
        if any(phrase in text for phrase in phrases):
            return error_class(advice, detail=detail)
    return FetchError(
        f"yt-dlp could not download the audio ({_short(message)}); try another match or "
        "update yt-dlp.",
        detail=detail,
    )


def _short(message: str) -> str:
    message = message.removeprefix("ERROR: ").strip()
    return message if len(message) <= 200 else message[:197] + "..."


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
