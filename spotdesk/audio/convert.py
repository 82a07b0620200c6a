"""Convert downloaded audio to the requested format with ffmpeg.

When the source's codec already is the target codec the audio stream is copied into the
target container (a remux), which is lossless and much faster than re-encoding.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spotdesk.audio.ffmpeg import FfmpegError, FfmpegFailed, probe, run_ffmpeg
from spotdesk.audio.filesystem import DiskFull, FolderNotWritable
from spotdesk.errors import SpotdeskError
from spotdesk.model import (  # noqa: F401 - validate_bitrate and InvalidBitrate are re-exported
    BITRATE_RANGES,
    AudioFormat,
    InvalidBitrate,
    validate_bitrate,
)

log = logging.getLogger(__name__)


class ConversionFailed(FfmpegError):
    """ffmpeg could not decode the source or encode the target."""

    code = "convert.codec"


@dataclass(frozen=True)
class Target:
    """The ffmpeg settings for one output format."""

    codec: str  # ffmpeg's codec name, compared with the source's to decide on a remux
    encoder: str
    muxer: str  # passed as `-f`, so temporary file names need no meaningful extension
    extension: str
    lossless: bool = False


TARGETS: dict[AudioFormat, Target] = {
    AudioFormat.MP3: Target("mp3", "libmp3lame", "mp3", "mp3"),
    AudioFormat.M4A: Target("aac", "aac", "ipod", "m4a"),
    AudioFormat.OPUS: Target("opus", "libopus", "opus", "opus"),
    AudioFormat.OGG: Target("vorbis", "libvorbis", "ogg", "ogg"),
    AudioFormat.FLAC: Target("flac", "flac", "flac", "flac", lossless=True),
    AudioFormat.WAV: Target("pcm_s16le", "pcm_s16le", "wav", "wav", lossless=True),
}

_OPUS_BITRATE_RANGE = BITRATE_RANGES[AudioFormat.OPUS]


@dataclass(frozen=True)
class ConversionResult:
    path: Path
    remuxed: bool
    source_codec: str | None
    duration_s: float | None


def extension_for(audio_format: AudioFormat) -> str:
    return TARGETS[audio_format].extension


def convert(
    source: Path,
    target_path: Path,
    audio_format: AudioFormat,
    bitrate: int | None,
    *,
    source_codec: str | None = None,
    check: Callable[[], None] = lambda: None,
) -> ConversionResult:
    """Write `source` to `target_path` in `audio_format`, remuxing when the codec fits.

    `bitrate` is in kbit/s and ignored for lossless formats. `source_codec` saves a probe
    when the caller already knows it. Raises `ConversionFailed`, `DiskFull` or
    `FolderNotWritable`; a partial `target_path` is removed before raising.
    """
    target = TARGETS[audio_format]
    duration = None
    if source_codec is None:
        info = probe(source)
        source_codec, duration = info.codec, info.duration_s
    remux = source_codec == target.codec

    arguments = ["-y", "-i", str(source), "-map", "0:a:0", "-vn", "-sn", "-dn"]
    # Source metadata (a video's description, an encoder tag) must not leak into the
    # tags written later.
    arguments += ["-map_metadata", "-1", "-map_chapters", "-1"]
    if remux:
        arguments += ["-c:a", "copy"]
    else:
        arguments += ["-c:a", target.encoder, *_bitrate_arguments(target, bitrate)]
    arguments += ["-f", target.muxer, str(target_path)]

    log.debug(
        "%s %s (%s) to %s",
        "remuxing" if remux else "transcoding",
        source.name,
        source_codec,
        audio_format.value,
    )
    try:
        run_ffmpeg(arguments, check)
    except FfmpegFailed as error:
        _remove_partial(target_path)
        raise _classify(error, target_path) from error
    except BaseException:
        _remove_partial(target_path)
        raise
    return ConversionResult(target_path, remux, source_codec, duration)


def _remove_partial(path: Path) -> None:
    """Remove a partial output, but only a regular file or a link: a device such as
    /dev/null given as the target must never be deleted."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)


def _bitrate_arguments(target: Target, bitrate: int | None) -> list[str]:
    if target.lossless or not bitrate:
        return []
    if target.codec == "opus":
        low, high = _OPUS_BITRATE_RANGE
        bitrate = min(max(bitrate, low), high)
    return ["-b:a", f"{bitrate}k"]


def _classify(error: FfmpegFailed, target_path: Path) -> SpotdeskError:
    output = error.detail or ""
    if "No space left on device" in output:
        return DiskFull(
            f"The disk holding {target_path.parent} is full; free some space or choose "
            "another output folder.",
            detail=output,
        )
    if "Permission denied" in output or "Read-only file system" in output:
        return FolderNotWritable(
            f"Cannot write to {target_path.parent}; choose an output folder you are allowed "
            "to write to.",
            detail=output,
        )
    return ConversionFailed(
        f"ffmpeg could not convert the downloaded audio ({error.message}); "
        "try another source for this track.",
        detail=output,
    )
