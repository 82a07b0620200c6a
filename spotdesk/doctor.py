"""Environment checks behind `spotdesk doctor` and the window's "Copy diagnostics".

Each check returns a `Check`: what was found and, when something is wrong, how to fix it.
Checks never contact Spotify or YouTube, and their output contains no secrets, so it can
be pasted into a bug report.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from spotdesk import __version__
from spotdesk.config import Settings, config_dir, data_dir, log_dir

log = logging.getLogger(__name__)


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"  # downloads work, with a limit worth knowing
    FAILED = "failed"  # downloads cannot work until this is fixed


@dataclass
class Check:
    name: str
    status: Status
    found: str
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return {**asdict(self), "status": self.status.value}


def _first_line(command: list[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"cannot run: {error}"
    output = (completed.stdout or completed.stderr).strip()
    return output.splitlines()[0] if output else f"exit status {completed.returncode}"


def check_versions() -> Check:
    parts = [f"spotdesk {__version__}", f"Python {platform.python_version()}"]
    try:
        import PySide6
        from PySide6 import QtCore

        parts.append(f"Qt {QtCore.qVersion()} (PySide6 {PySide6.__version__})")
    except ImportError:
        return Check(
            "versions",
            Status.FAILED,
            ", ".join(parts) + ", Qt missing",
            "Reinstall spotdesk: python3 -m pip install --force-reinstall spotdesk",
        )
    try:
        from yt_dlp.version import __version__ as yt_dlp_version

        parts.append(f"yt-dlp {yt_dlp_version}")
    except ImportError:
        return Check(
            "versions",
            Status.FAILED,
            ", ".join(parts) + ", yt-dlp missing",
            "Install yt-dlp: python3 -m pip install 'yt-dlp[default]'",
        )
    return Check("versions", Status.OK, ", ".join(parts))


def check_ffmpeg() -> Check:
    try:
        from spotdesk.audio.ffmpeg import find_ffmpeg

        path = str(find_ffmpeg())
    except ImportError:
        path = shutil.which("ffmpeg") or ""
    except Exception as error:  # the finder raises the project's FfmpegMissing
        return Check("ffmpeg", Status.FAILED, str(error), _FFMPEG_FIX)
    if not path:
        return Check("ffmpeg", Status.FAILED, "not found", _FFMPEG_FIX)
    return Check("ffmpeg", Status.OK, f"{path} ({_first_line([path, '-version'])})")


_FFMPEG_FIX = (
    "Install ffmpeg from your system's packages, or reinstall spotdesk so that "
    "imageio-ffmpeg provides one: python3 -m pip install --force-reinstall imageio-ffmpeg"
)


def find_js_runtime() -> str | None:
    """Return the JavaScript runtime yt-dlp uses for YouTube: the `deno` package's first."""
    try:
        import deno

        return str(deno.find_deno_bin())
    except (ImportError, FileNotFoundError, OSError):
        return shutil.which("deno")


def check_js_runtime() -> Check:
    path = find_js_runtime()
    if not path:
        return Check(
            "JavaScript runtime",
            Status.FAILED,
            "no deno found",
            "YouTube downloads need it: python3 -m pip install deno",
        )
    return Check("JavaScript runtime", Status.OK, f"{path} ({_first_line([path, '--version'])})")


def check_store(settings: Settings, store_uri: str | None = None) -> Check:
    uri = store_uri or settings.effective_store_uri
    redacted_uri = _redact_uri(uri)
    try:
        from spotdesk.store import open_store

        store = open_store(uri)
        try:
            counts = store.counts()
        finally:
            store.close()
    except Exception as error:  # any driver failure means the queue is unusable
        log.debug("store check failed for %s", redacted_uri, exc_info=True)
        return Check(
            "task store",
            Status.FAILED,
            f"{redacted_uri}: {error}",
            "Start the database, or choose another store in settings or with --store.",
        )
    summary = ", ".join(f"{count} {state}" for state, count in sorted(counts.items()) if count)
    return Check("task store", Status.OK, f"{redacted_uri} ({summary or 'empty'})")


def _redact_uri(uri: str) -> str:
    """Hide a password in a `mongodb://user:password@host` URI."""
    scheme, separator, rest = uri.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return uri
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def check_spotify(settings: Settings) -> Check:
    try:
        from spotdesk.spotify.credentials import load_credentials
        from spotdesk.spotify.user_auth import load_user_token

        credentials = load_credentials(settings)
        login = load_user_token()
    except Exception as error:  # a broken keyring must not hide the other checks
        log.debug("reading Spotify credentials failed", exc_info=True)
        return Check(
            "Spotify access",
            Status.WARNING,
            f"public pages only (credentials unreadable: {error})",
            "Check the system keyring, or set SPOTIPY_CLIENT_ID and SPOTIPY_CLIENT_SECRET.",
        )
    modes = []
    if login is not None:
        modes.append("Spotify login (private playlists and Liked Songs)")
    if credentials is not None:
        modes.append(f"app credentials (client id {credentials.client_id[:6]}…)")
    if modes:
        return Check("Spotify access", Status.OK, ", then ".join(modes) + ", then public pages")
    return Check(
        "Spotify access",
        Status.WARNING,
        "public pages only: playlists show at most 100 tracks, and there is no ISRC or "
        "album data for playlist tracks",
        "Add your own Spotify app's client id and secret in settings for full metadata.",
    )


def check_output_folder(settings: Settings) -> Check:
    folder = Path(settings.output_dir).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".spotdesk-check-"):
            pass
    except OSError as error:
        return Check(
            "output folder",
            Status.FAILED,
            f"{folder}: {error.strerror or error}",
            "Choose a folder you can write to, in settings or with -o.",
        )
    free = shutil.disk_usage(folder).free
    if free < 500 * 1024 * 1024:
        return Check(
            "output folder",
            Status.WARNING,
            f"{folder} (only {free // (1024 * 1024)} MiB free)",
            "Free some disk space: an album takes about 100 MiB.",
        )
    return Check("output folder", Status.OK, f"{folder} ({free // (1024**3)} GiB free)")


def check_folders() -> Check:
    found = f"config {config_dir()}, data {data_dir()}, logs {log_dir()}"
    return Check("folders", Status.OK, found)


def run_checks(settings: Settings, store_uri: str | None = None) -> list[Check]:
    checks: list[Callable[[], Check]] = [
        check_versions,
        check_ffmpeg,
        check_js_runtime,
        lambda: check_store(settings, store_uri),
        lambda: check_spotify(settings),
        lambda: check_output_folder(settings),
        check_folders,
    ]
    return [check() for check in checks]


def format_report(checks: list[Check]) -> str:
    marks = {Status.OK: "ok  ", Status.WARNING: "warn", Status.FAILED: "FAIL"}
    lines = [f"spotdesk doctor on {platform.platform()} ({sys.executable})"]
    for check in checks:
        lines.append(f"[{marks[check.status]}] {check.name}: {check.found}")
        if check.fix:
            lines.append(f"       fix: {check.fix}")
    lines.append(f"settings: {os.fspath(config_dir() / 'settings.json')}")
    return "\n".join(lines)
