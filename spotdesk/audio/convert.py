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
from spotdesk.errors import SpotdeskError, UsageError
from spotdesk.model import AudioFormat

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

# The bitrates, in kbit/s, that `validate_bitrate` accepts for each lossy format. MP3
# stops at 320 kbit/s (libmp3lame silently clamps higher values), and libopus accepts 6 to
# 510. For Vorbis, libvorbis in ffmpeg 5.1 rejected a 44.1 or 48 kHz stereo source below
# 45 and above 500 kbit/s. NOTE: mono or low-sample-rate sources narrow the Vorbis range
# further, and the conversion then fails with `convert.codec`. The AAC range is a choice
# within what ffmpeg's aac encoder accepts for stereo.
BITRATE_RANGES: dict[AudioFormat, tuple[int, int]] = {
    AudioFormat.MP3: (8, 320),
    AudioFormat.M4A: (16, 512),
    AudioFormat.OPUS: (6, 510),
    AudioFormat.OGG: (48, 500),
}
_OPUS_BITRATE_RANGE = BITRATE_RANGES[AudioFormat.OPUS]


class InvalidBitrate(UsageError):
    code = "convert.invalid_bitrate"


def validate_bitrate(audio_format: AudioFormat, bitrate: int | None) -> None:
    """Raise `InvalidBitrate` unless `bitrate` (kbit/s) is in `audio_format`'s range.

    None means the encoder's default. Lossless formats ignore the bitrate, so any value
    passes for them.
    """
    if bitrate is None or audio_format not in BITRATE_RANGES:
        return
    low, high = BITRATE_RANGES[audio_format]
    if isinstance(bitrate, bool) or not isinstance(bitrate, int) or not low <= bitrate <= high:
        raise InvalidBitrate(
            f"The bitrate {bitrate!r} kbit/s is out of range for {audio_format.value}; "
            f"use {low} to {high} kbit/s."
        )


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
