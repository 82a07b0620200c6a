"""mutagen tags written and read back for every output format."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import mutagen
import pytest

from spotdesk.audio import tagformats
from spotdesk.audio.convert import convert
from spotdesk.audio.filesystem import DiskFull
from spotdesk.audio.tags import (
    Cover,
    TagData,
    TagError,
    UnsupportedFile,
    format_lrc,
    parse_lrc,
    read_tags,
    strip_timestamps,
    write_tags,
)
from spotdesk.model import AudioFormat
from tests.audio_files.conftest import make_track

SYNCED = "[ar:Someone]\n[00:01.00]first line\n[00:02.50][01:02.05]chorus, twice\n[00:04.20]last"
PLAIN = "first line\nchorus, twice\nlast"


@pytest.fixture(scope="session")
def untagged(
    tones: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[AudioFormat, Path]:
    folder = tmp_path_factory.mktemp("untagged")
    return {
        audio_format: convert(
            tones["m4a"], folder / f"tone.{audio_format.value}", audio_format, 96
        ).path
        for audio_format in AudioFormat
    }


@pytest.fixture
def full_data(cover_jpeg: bytes) -> TagData:
    track = make_track(
        artists=["Tyler, The Creator", "Earth, Wind & Fire", "王菲"],
        album_artists=["Various, Artists"],
        disc_number=2,
        disc_count=3,
        genres=["hip hop", "soul, funk"],
    )
    return TagData.from_track(
        track,
        source_url="https://music.youtube.com/watch?v=abc",
        cover=Cover(cover_jpeg, "image/jpeg"),
        lyrics_synced=SYNCED,
        lyrics_plain=PLAIN,
    )


def copy_of(untagged: dict[AudioFormat, Path], audio_format: AudioFormat, tmp_path: Path) -> Path:
    path = tmp_path / untagged[audio_format].name
    shutil.copy(untagged[audio_format], path)
    return path


@pytest.mark.parametrize("audio_format", list(AudioFormat))
def test_tags_round_trip_every_field(
    untagged: dict[AudioFormat, Path], full_data: TagData, tmp_path: Path, audio_format: AudioFormat
) -> None:
    path = copy_of(untagged, audio_format, tmp_path)

    write_tags(path, audio_format, full_data)
    tags = read_tags(path)

    assert tags["title"] == "Test Tone"
    assert tags["artists"] == ["Tyler, The Creator", "Earth, Wind & Fire", "王菲"]
    assert tags["album"] == "Sine Waves"
    assert tags["album_artists"] == ["Various, Artists"]
    assert (tags["track_number"], tags["track_count"]) == (2, 9)
    assert (tags["disc_number"], tags["disc_count"]) == (2, 3)
    assert tags["date"] == "2017-07-21"
    assert tags["isrc"] == "USQX91700001"
    assert tags["genres"] == ["hip hop", "soul, funk"]
    assert tags["explicit"] is True
    assert tags["spotify_id"] == "4uLU6hMCjMI75M1A2tKUQC"
    assert tags["spotify_url"] == "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
    assert tags["source_url"] == "https://music.youtube.com/watch?v=abc"
    assert tags["cover"] == full_data.cover.data  # type: ignore[union-attr]
    assert tags["cover_mime"] == "image/jpeg"
    assert parse_lrc(tags["lyrics_synced"]) == parse_lrc(SYNCED)
    assert tags["lyrics_plain"] == PLAIN


@pytest.mark.parametrize("audio_format", list(AudioFormat))
def test_tags_keep_audio_playable(
    untagged: dict[AudioFormat, Path], full_data: TagData, tmp_path: Path, audio_format: AudioFormat
) -> None:
    path = copy_of(untagged, audio_format, tmp_path)

    write_tags(path, audio_format, full_data)

    audio = mutagen.File(path)
    assert audio is not None
    assert audio.info.length == pytest.approx(3.0, abs=0.1)


@pytest.mark.parametrize("audio_format", list(AudioFormat))
def test_tags_leave_out_unknown_values(
    untagged: dict[AudioFormat, Path], tmp_path: Path, audio_format: AudioFormat
) -> None:
    path = copy_of(untagged, audio_format, tmp_path)

    write_tags(path, audio_format, TagData(title="Only a title", artists=["A"]))
    tags = read_tags(path)

    assert tags["title"] == "Only a title"
    assert tags["album"] is None
    assert tags["track_number"] is None
    assert tags["explicit"] is None
    assert tags["cover"] is None
    assert tags["lyrics_synced"] is None
    assert tags["lyrics_plain"] is None
    assert tags["genres"] == []


@pytest.mark.parametrize("audio_format", [AudioFormat.MP3, AudioFormat.M4A, AudioFormat.FLAC])
def test_tags_clean_flag(
    untagged: dict[AudioFormat, Path], tmp_path: Path, audio_format: AudioFormat
) -> None:
    path = copy_of(untagged, audio_format, tmp_path)

    write_tags(path, audio_format, TagData(title="Clean", explicit=False))

    assert read_tags(path)["explicit"] is False


def test_tags_mp4_rating_atom(
    untagged: dict[AudioFormat, Path], full_data: TagData, tmp_path: Path
) -> None:
    path = copy_of(untagged, AudioFormat.M4A, tmp_path)

    write_tags(path, AudioFormat.M4A, full_data)

    assert mutagen.File(path).tags["rtng"] == [1]


def test_tags_id3_uses_multi_value_frames(
    untagged: dict[AudioFormat, Path], full_data: TagData, tmp_path: Path
) -> None:
    path = copy_of(untagged, AudioFormat.MP3, tmp_path)

    write_tags(path, AudioFormat.MP3, full_data)

    tags = mutagen.File(path).tags
    assert tags.version[:2] == (2, 4)
    assert list(tags["TPE1"].text) == full_data.artists
    assert tags.getall("SYLT")[0].text[0] == ("first line", 1000)


def test_tags_plain_lyrics_only(untagged: dict[AudioFormat, Path], tmp_path: Path) -> None:
    for audio_format in (AudioFormat.MP3, AudioFormat.OGG, AudioFormat.M4A):
        path = copy_of(untagged, audio_format, tmp_path)
        write_tags(path, audio_format, TagData(title="x", lyrics_plain=PLAIN))
        tags = read_tags(path)
        assert tags["lyrics_plain"] == PLAIN, audio_format
        assert tags["lyrics_synced"] is None, audio_format


def test_tags_replace_old_tags(
    untagged: dict[AudioFormat, Path], full_data: TagData, tmp_path: Path
) -> None:
    path = copy_of(untagged, AudioFormat.FLAC, tmp_path)
    write_tags(path, AudioFormat.FLAC, full_data)

    write_tags(path, AudioFormat.FLAC, TagData(title="Second"))

    tags = read_tags(path)
    assert tags["title"] == "Second"
    assert tags["artists"] == []
    assert tags["cover"] is None


def test_tags_damaged_file_is_tag_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.mp3"
    path.write_bytes(b"\x00" * 64)

    with pytest.raises(TagError) as caught:
        write_tags(path, AudioFormat.FLAC, TagData(title="x"))

    assert caught.value.code == "tags.failed"


def test_read_tags_unknown_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not audio")

    with pytest.raises(UnsupportedFile):
        read_tags(path)


def test_tags_disk_full_on_save(
    untagged: dict[AudioFormat, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ENOSPC is injected at mutagen's save call: a real size-limited filesystem would
    # need mount privileges on the host.
    path = copy_of(untagged, AudioFormat.MP3, tmp_path)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tagformats.MP3, "save", full_disk)

    with pytest.raises(DiskFull) as caught:
        write_tags(path, AudioFormat.MP3, TagData(title="x"))

    assert caught.value.code == "fs.disk_full"


def test_parse_lrc_orders_and_expands_stamps() -> None:
    assert parse_lrc(SYNCED) == [
        (1000, "first line"),
        (2500, "chorus, twice"),
        (4200, "last"),
        (62050, "chorus, twice"),
    ]


def test_format_lrc_rounds_to_hundredths() -> None:
    assert format_lrc([(59_996, "a"), (61_006, "b")]) == "[01:00.00]a\n[01:01.01]b"


def test_strip_timestamps() -> None:
    assert strip_timestamps("[00:01.00]a\n[00:02.00]b") == "a\nb"
