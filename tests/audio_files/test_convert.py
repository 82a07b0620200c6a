"""Real ffmpeg: lookup, probing and conversion to every output format."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from spotdesk.audio import convert as convert_module
from spotdesk.audio import ffmpeg
from spotdesk.audio.convert import ConversionFailed, convert
from spotdesk.audio.ffmpeg import FfmpegMissing, find_ffmpeg, probe
from spotdesk.audio.filesystem import DiskFull
from spotdesk.errors import CancelledError
from spotdesk.model import AudioFormat
from tests.audio_files.conftest import TONE_SECONDS, files_in

EXPECTED_CODECS = {
    AudioFormat.MP3: "mp3",
    AudioFormat.M4A: "aac",
    AudioFormat.OPUS: "opus",
    AudioFormat.OGG: "vorbis",
    AudioFormat.FLAC: "flac",
    AudioFormat.WAV: "pcm_s16le",
}


@pytest.fixture
def no_cached_ffmpeg() -> Iterator[None]:
    find_ffmpeg.cache_clear()
    yield
    find_ffmpeg.cache_clear()


def test_find_ffmpeg_prefers_path(no_cached_ffmpeg: None) -> None:
    assert find_ffmpeg() == Path(shutil.which("ffmpeg") or "")


def test_find_ffmpeg_falls_back_to_imageio(
    no_cached_ffmpeg: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imageio_ffmpeg

    monkeypatch.setattr(ffmpeg.shutil, "which", lambda name: None)

    assert find_ffmpeg() == Path(imageio_ffmpeg.get_ffmpeg_exe())


def test_find_ffmpeg_missing_is_actionable(
    no_cached_ffmpeg: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import imageio_ffmpeg

    def no_binary() -> str:
        raise RuntimeError("No ffmpeg exe could be found.")

    monkeypatch.setattr(ffmpeg.shutil, "which", lambda name: None)
    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", no_binary)

    with pytest.raises(FfmpegMissing) as caught:
        find_ffmpeg()

    assert caught.value.code == "ffmpeg.missing"
    assert "PATH" in caught.value.message


@pytest.mark.parametrize(("name", "codec"), [("m4a", "aac"), ("webm", "opus"), ("mp3", "mp3")])
def test_probe_reads_codec_and_duration(tones: dict[str, Path], name: str, codec: str) -> None:
    info = probe(tones[name])

    assert info.codec == codec
    assert info.duration_s == pytest.approx(TONE_SECONDS, abs=0.1)


@pytest.mark.parametrize("audio_format", list(AudioFormat))
def test_convert_writes_each_format(
    tones: dict[str, Path], tmp_path: Path, audio_format: AudioFormat
) -> None:
    target = tmp_path / "out.bin"

    result = convert(tones["m4a"], target, audio_format, 128)

    info = probe(target)
    assert info.codec == EXPECTED_CODECS[audio_format]
    assert info.duration_s == pytest.approx(TONE_SECONDS, abs=0.1)
    assert result.remuxed is (audio_format is AudioFormat.M4A)


@pytest.mark.parametrize(
    ("source", "audio_format"),
    [("m4a", AudioFormat.M4A), ("webm", AudioFormat.OPUS), ("mp3", AudioFormat.MP3)],
)
def test_convert_remuxes_matching_codec(
    tones: dict[str, Path], tmp_path: Path, source: str, audio_format: AudioFormat
) -> None:
    target = tmp_path / "out.bin"

    result = convert(tones[source], target, audio_format, 320)

    assert result.remuxed
    assert result.source_codec == EXPECTED_CODECS[audio_format]
    # A copied stream keeps the source's size (give or take container overhead), where
    # re-encoding at 320 kbit/s would roughly triple it.
    assert target.stat().st_size < tones[source].stat().st_size * 1.3


def packet_hashes(path: Path) -> list[str]:
    """Return the MD5 of every audio packet, as ffmpeg's framemd5 muxer lists them."""
    output = subprocess.run(
        [
            str(find_ffmpeg()),
            "-v",
            "error",
            "-i",
            str(path),
            "-map",
            "0:a",
            "-c",
            "copy",
            "-f",
            "framemd5",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split(",") for line in output.splitlines() if not line.startswith("#")]
    return [row[5].strip() for row in rows if len(row) > 5]


@pytest.mark.parametrize(
    ("source", "audio_format"),
    [("m4a", AudioFormat.M4A), ("webm", AudioFormat.OPUS), ("mp3", AudioFormat.MP3)],
)
def test_remux_copies_packets_unchanged(
    tones: dict[str, Path], tmp_path: Path, source: str, audio_format: AudioFormat
) -> None:
    target = tmp_path / "out.bin"

    convert(tones[source], target, audio_format, 128)

    assert packet_hashes(target) == packet_hashes(tones[source])


def test_transcode_changes_packets(tones: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "out.bin"

    convert(tones["m4a"], target, AudioFormat.OPUS, 128)

    assert packet_hashes(target) != packet_hashes(tones["m4a"])


def test_convert_transcodes_other_codec(tones: dict[str, Path], tmp_path: Path) -> None:
    result = convert(tones["webm"], tmp_path / "out.bin", AudioFormat.MP3, 128)

    assert not result.remuxed
    assert result.source_codec == "opus"


def test_convert_applies_bitrate(tones: dict[str, Path], tmp_path: Path) -> None:
    low = convert(tones["m4a"], tmp_path / "low.mp3", AudioFormat.MP3, 64).path
    high = convert(tones["m4a"], tmp_path / "high.mp3", AudioFormat.MP3, 256).path

    assert high.stat().st_size > 3 * low.stat().st_size


def test_convert_garbage_is_codec_error(tmp_path: Path) -> None:
    source = tmp_path / "noise.m4a"
    source.write_bytes(b"this is not audio" * 100)
    target = tmp_path / "out.mp3"

    with pytest.raises(ConversionFailed) as caught:
        convert(source, target, AudioFormat.MP3, 128, source_codec="aac")

    assert caught.value.code == "convert.codec"
    assert caught.value.detail
    assert not target.exists()


def test_convert_disk_full(tones: dict[str, Path], tmp_path: Path) -> None:
    # /dev/full fails every write with ENOSPC, as a full disk does, without privileges.
    # A link to it stands for the target, so clean-up removes the link and never the device.
    target = tmp_path / "out.mp3"
    target.symlink_to("/dev/full")

    with pytest.raises(DiskFull) as caught:
        convert(tones["m4a"], target, AudioFormat.MP3, 128)

    assert caught.value.code == "fs.disk_full"
    assert not target.is_symlink()
    assert Path("/dev/full").is_char_device()


def test_convert_cancel_kills_ffmpeg(
    tones: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def check() -> None:
        calls.append(1)
        if len(calls) > 2:
            raise CancelledError("cancelled by the test")

    # Reading the input at its native rate (-re) keeps ffmpeg busy long enough to cancel.
    def slow_run(arguments: list[str], check_function: Callable[[], None]) -> str:
        return ffmpeg.run_ffmpeg(["-re", *arguments], check_function)

    monkeypatch.setattr(convert_module, "run_ffmpeg", slow_run)
    started = time.monotonic()

    with pytest.raises(CancelledError):
        convert(tones["long"], tmp_path / "out.mp3", AudioFormat.MP3, 128, check=check)

    assert time.monotonic() - started < 5
    assert files_in(tmp_path) == []


def test_imageio_ffmpeg_converts_and_probes(
    no_cached_ffmpeg: None, tones: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ffmpeg.shutil, "which", lambda name: None)
    assert "imageio_ffmpeg" in str(find_ffmpeg())

    result = convert(tones["webm"], tmp_path / "out.bin", AudioFormat.OGG, 96)

    assert result.source_codec == "opus"
    assert not result.remuxed
    assert probe(tones["webm"]).duration_s == pytest.approx(TONE_SECONDS, abs=0.1)
    assert probe(tmp_path / "out.bin").codec == "vorbis"
