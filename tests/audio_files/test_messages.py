"""Messages that name what failed: bitrates, special folders, unreadable audio."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from spotdesk.audio.convert import (
    BITRATE_RANGES,
    ConversionFailed,
    InvalidBitrate,
    validate_bitrate,
)
from spotdesk.audio.ffmpeg import FfmpegFailed, find_ffmpeg
from spotdesk.audio.filesystem import FolderNotWritable
from spotdesk.config import ServiceUrls
from spotdesk.errors import UsageError
from spotdesk.model import AudioFormat, OutputOptions
from spotdesk.pipeline import Pipeline
from tests.audio_files.conftest import StubMatcher, candidate, files_in, make_track
from tests.fakes.media_server import MediaServer


def pipeline_for(*urls: str) -> tuple[Pipeline, StubMatcher]:
    matcher = StubMatcher([candidate(url) for url in urls])
    return Pipeline(ServiceUrls(), matcher=matcher), matcher  # type: ignore[arg-type]


@pytest.mark.parametrize("audio_format", list(BITRATE_RANGES))
def test_bitrate_range_edges(audio_format: AudioFormat) -> None:
    low, high = BITRATE_RANGES[audio_format]
    validate_bitrate(audio_format, low)
    validate_bitrate(audio_format, high)
    for wrong in (low - 1, high + 1, 99999):
        with pytest.raises(InvalidBitrate) as caught:
            validate_bitrate(audio_format, wrong)
        assert isinstance(caught.value, UsageError)
        assert f"use {low} to {high} kbit/s" in caught.value.message
        assert audio_format.value in caught.value.message


def test_mp3_bitrate_over_320_rejected() -> None:
    with pytest.raises(InvalidBitrate) as caught:
        validate_bitrate(AudioFormat.MP3, 99999)
    assert caught.value.message == (
        "The bitrate 99999 kbit/s is out of range for mp3; use 8 to 320 kbit/s."
    )
    assert caught.value.code == "convert.invalid_bitrate"


@pytest.mark.parametrize("audio_format", [AudioFormat.FLAC, AudioFormat.WAV])
def test_lossless_ignores_bitrate(audio_format: AudioFormat) -> None:
    validate_bitrate(audio_format, 99999)
    validate_bitrate(audio_format, None)


def test_run_rejects_bitrate_before_search(options: OutputOptions, media: MediaServer) -> None:
    options.bitrate = 99999
    pipeline, matcher = pipeline_for(media.url("tone.m4a"))

    with pytest.raises(InvalidBitrate):
        pipeline.run(make_track(), options)

    assert matcher.calls == []
    assert files_in(Path(options.folder)) == []


def test_run_proc_folder_not_writable(media: MediaServer) -> None:
    pipeline, _ = pipeline_for(media.url("tone.m4a"))

    with pytest.raises(FolderNotWritable) as caught:
        pipeline.run(make_track(), OutputOptions(folder="/proc/self"))

    assert "not a normal folder" in caught.value.message
    assert "/proc/self" in caught.value.message
    assert "No such file" not in caught.value.message


def test_unreadable_audio_names_source(
    media: MediaServer, options: OutputOptions, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.m4a"
    garbage.write_bytes(b"<html>not audio</html>" * 200)
    media.add("garbage.m4a", garbage, "audio/mp4")
    pipeline, _ = pipeline_for(media.url("garbage.m4a"))

    with pytest.raises(FfmpegFailed) as caught:
        pipeline.run(make_track(), options)

    assert media.url("garbage.m4a") in caught.value.message
    assert ".spotdesk-" not in caught.value.message
    assert caught.value.code == "convert.no_audio"
    assert files_in(Path(options.folder)) == []


def test_conversion_failure_names_source(
    media: MediaServer, options: OutputOptions, tmp_path: Path
) -> None:
    # libvorbis rejects 500 kbit/s for a mono 22.05 kHz source, though the value is in range.
    mono = tmp_path / "mono.m4a"
    subprocess.run(
        [
            str(find_ffmpeg()),
            *("-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi"),
            *("-i", "sine=frequency=440:duration=3:sample_rate=22050", "-ac", "1"),
            *("-c:a", "aac", "-f", "ipod", str(mono)),
        ],
        check=True,
    )
    media.add("mono.m4a", mono, "audio/mp4")
    options.format = AudioFormat.OGG
    options.bitrate = 500
    pipeline, _ = pipeline_for(media.url("mono.m4a"))

    with pytest.raises(ConversionFailed) as caught:
        pipeline.run(make_track(), options)

    assert media.url("mono.m4a") in caught.value.message
    assert ".spotdesk-" not in caught.value.message
    assert "ogg" in caught.value.message
    assert files_in(Path(options.folder)) == []
