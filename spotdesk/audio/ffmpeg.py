"""Locate ffmpeg, run it with cancellation, and read what an audio file contains.

ffmpeg is the one on `PATH`, else the binary that the `imageio-ffmpeg` package ships. That
package ships no ffprobe, so `probe` reads codec and duration with mutagen where mutagen
understands the container, and parses `ffmpeg -i` output otherwise (WebM, for example).
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import mutagen

from spotdesk.errors import SpotdeskError

log = logging.getLogger(__name__)

# How often a running ffmpeg is polled for cancellation, in seconds.
POLL_INTERVAL_S = 0.1


class FfmpegError(SpotdeskError):
    """ffmpeg is missing or failed."""

    code = "ffmpeg.failed"


class FfmpegMissing(FfmpegError):
    code = "ffmpeg.missing"


class FfmpegFailed(FfmpegError):
    """ffmpeg ran and failed; `detail` contains its whole error output."""

    code = "ffmpeg.failed"


@functools.cache
def find_ffmpeg() -> Path:
    """Return the ffmpeg executable: the one on `PATH`, else imageio-ffmpeg's binary."""
    on_path = shutil.which("ffmpeg")
    if on_path:
        return Path(on_path)
    try:
        import imageio_ffmpeg

        return Path(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as error:
        raise FfmpegMissing(
            "ffmpeg was not found; install ffmpeg and put it on PATH, "
            "or reinstall spotdesk so its imageio-ffmpeg dependency is present.",
            detail=f"{type(error).__name__}: {error}",
        ) from error


@dataclass(frozen=True)
class MediaInfo:
    """The first audio stream of a file: ffmpeg's codec name and the duration in seconds."""

    codec: str | None
    duration_s: float | None


# mutagen's stream types mapped to ffmpeg codec names; MP4 is decided by its codec field.
_MUTAGEN_CODECS = {
    "MP3": "mp3",
    "FLAC": "flac",
    "OggOpus": "opus",
    "OggVorbis": "vorbis",
}
# ffmpeg 5.1 exits with status 0 when writing the trailer or closing the output fails
# (a full disk, for example), so these lines count as a failure whatever the status.
_WRITE_FAILURE = re.compile(r"Error (writing trailer|closing file)|No space left on device")
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_AUDIO_STREAM = re.compile(r"Stream #\d+:\d+.*?: Audio: ([A-Za-z0-9_]+)")


def probe(path: Path) -> MediaInfo:
    """Return the codec and duration of `path`'s first audio stream."""
    info = _probe_with_mutagen(path)
    if info is not None:
        return info
    return _probe_with_ffmpeg(path)


def _probe_with_mutagen(path: Path) -> MediaInfo | None:
    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError) as error:
        log.debug("mutagen cannot read %s, asking ffmpeg: %s", path, error)
        return None
    if audio is None:
        return None
    kind = type(audio).__name__
    codec = _MUTAGEN_CODECS.get(kind)
    if kind == "MP4":
        mp4_codec = getattr(audio.info, "codec", "")
        codec = "aac" if mp4_codec.startswith("mp4a.40") else None
    if codec is None:
        return None
    return MediaInfo(codec=codec, duration_s=float(audio.info.length))


def _probe_with_ffmpeg(path: Path) -> MediaInfo:
    completed = subprocess.run(
        [str(find_ffmpeg()), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    # `ffmpeg -i` with no output always exits 1; the stream list is on stderr.
    output = completed.stderr
    stream = _AUDIO_STREAM.search(output)
    if stream is None:
        raise FfmpegFailed(
            f"{path.name} contains no audio stream ffmpeg can read; try another source.",
            code="convert.no_audio",
            detail=output,
        )
    duration = _DURATION.search(output)
    seconds = None
    if duration:
        hours, minutes, secs = duration.groups()
        seconds = int(hours) * 3600 + int(minutes) * 60 + float(secs)
    return MediaInfo(codec=stream.group(1), duration_s=seconds)


def run_ffmpeg(arguments: Sequence[str], check: Callable[[], None]) -> str:
    """Run ffmpeg with `arguments`, calling `check()` while it runs, and return its stderr.

    When `check()` raises, ffmpeg is killed and the exception propagates. A non-zero exit
    raises `FfmpegFailed` carrying the whole stderr as `detail`; callers classify it.
    """
    command = [str(find_ffmpeg()), "-hide_banner", "-nostdin", "-loglevel", "error", *arguments]
    log.debug("running %s", subprocess.list2cmdline(command))
    with tempfile.TemporaryFile() as stderr_file:
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr_file
            )
        except OSError as error:
            raise FfmpegMissing(
                f"ffmpeg at {command[0]} cannot be started; install ffmpeg and put it on PATH.",
                detail=str(error),
            ) from error
        # A waiting thread lets this loop wake the moment ffmpeg exits; Popen.wait with a
        # timeout polls with sleeps of up to 50 ms, which a short remux would notice.
        exited = threading.Event()
        waiter = threading.Thread(target=_wait_and_set, args=(process, exited), daemon=True)
        waiter.start()
        try:
            while not exited.wait(POLL_INTERVAL_S):
                check()
        except BaseException:
            process.kill()
            process.wait()
            raise
        stderr_file.seek(0)
        stderr = stderr_file.read().decode("utf-8", errors="replace")
    if stderr:
        log.debug("ffmpeg output:\n%s", stderr)
    if process.returncode != 0 or _WRITE_FAILURE.search(stderr):
        raise FfmpegFailed(
            f"ffmpeg failed with exit status {process.returncode}: {_last_line(stderr)}",
            detail=stderr,
        )
    return stderr


def _wait_and_set(process: subprocess.Popen[bytes], exited: threading.Event) -> None:
    process.wait()
    exited.set()


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
