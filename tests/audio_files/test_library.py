"""The library index that skips recordings already present, and `.m3u8` playlists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spotdesk.audio.convert import convert
from spotdesk.audio.library import INDEX_NAME, LibraryIndex, write_m3u8
from spotdesk.audio.tags import TagData, write_tags
from spotdesk.model import AudioFormat
from tests.audio_files.conftest import make_track


@pytest.fixture(scope="session")
def plain_mp3(tones: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plain")
    return convert(tones["m4a"], folder / "plain.mp3", AudioFormat.MP3, 64).path


def tagged_copy(source: Path, target: Path, **tags: object) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    write_tags(target, AudioFormat.MP3, TagData(**tags))  # type: ignore[arg-type]
    return target


def test_find_by_spotify_id(plain_mp3: Path, tmp_path: Path) -> None:
    path = tagged_copy(plain_mp3, tmp_path / "a" / "x.mp3", spotify_id="4uLU6hMCjMI75M1A2tKUQC")

    assert LibraryIndex(tmp_path).find(make_track(isrc=None), AudioFormat.MP3) == path


def test_find_by_linked_id(plain_mp3: Path, tmp_path: Path) -> None:
    path = tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="otherMarketId")
    track = make_track(isrc=None, linked_id="otherMarketId")

    assert LibraryIndex(tmp_path).find(track, AudioFormat.MP3) == path


def test_find_by_isrc(plain_mp3: Path, tmp_path: Path) -> None:
    path = tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="someOtherId", isrc="USQX91700001")

    assert LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3) == path


def test_find_ignores_other_format(plain_mp3: Path, tmp_path: Path) -> None:
    tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="4uLU6hMCjMI75M1A2tKUQC")

    assert LibraryIndex(tmp_path).find(make_track(), AudioFormat.FLAC) is None


def test_find_ignores_other_recording(plain_mp3: Path, tmp_path: Path) -> None:
    tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="different", isrc="GBAAA0000001")

    assert LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3) is None


def test_find_ignores_temporary_files(plain_mp3: Path, tmp_path: Path) -> None:
    tagged_copy(plain_mp3, tmp_path / ".spotdesk-abc.mp3", spotify_id="4uLU6hMCjMI75M1A2tKUQC")

    assert LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3) is None


def test_index_saved_and_reused(
    plain_mp3: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="4uLU6hMCjMI75M1A2tKUQC")
    LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3)
    saved = json.loads((tmp_path / INDEX_NAME).read_text())
    assert saved["entries"]["x.mp3"]["spotify_id"] == "4uLU6hMCjMI75M1A2tKUQC"

    import spotdesk.audio.library as library

    def no_tag_reads(path: Path) -> dict[str, object]:
        raise AssertionError(f"tags of {path} read again although the index is fresh")

    monkeypatch.setattr(library, "read_tags", no_tag_reads)
    assert LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3) == tmp_path / "x.mp3"


def test_index_notices_changed_and_removed_files(plain_mp3: Path, tmp_path: Path) -> None:
    path = tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="4uLU6hMCjMI75M1A2tKUQC")
    LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3)

    write_tags(path, AudioFormat.MP3, TagData(spotify_id="replaced", title="a longer title now"))
    assert LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3) is None

    path.unlink()
    LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3)
    assert json.loads((tmp_path / INDEX_NAME).read_text())["entries"] == {}


def test_damaged_index_is_rebuilt(plain_mp3: Path, tmp_path: Path) -> None:
    path = tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="4uLU6hMCjMI75M1A2tKUQC")
    (tmp_path / INDEX_NAME).write_text("{not json")

    assert LibraryIndex(tmp_path).find(make_track(), AudioFormat.MP3) == path


def test_missing_folder_is_empty(tmp_path: Path) -> None:
    assert LibraryIndex(tmp_path / "nothing").find(make_track(), AudioFormat.MP3) is None


def test_m3u8_relative_paths_in_order(tmp_path: Path) -> None:
    first = make_track(id="a", title="First", artists=["A, B"], duration_ms=61_400)
    missing = make_track(id="b", title="Missing")
    third = make_track(id="c", title="Third", artists=["C"], duration_ms=None)
    items = [
        (first, tmp_path / "Album" / "01 First.mp3"),
        (missing, None),
        (third, tmp_path / "Other" / "Third #1.mp3"),
    ]

    playlist = write_m3u8(tmp_path / "Mix.m3u8", items)

    assert playlist.read_text(encoding="utf-8") == (
        "#EXTM3U\n"
        "#EXTINF:61,A, B - First\n"
        "Album/01 First.mp3\n"
        "#EXTINF:-1,C - Third\n"
        "Other/Third #1.mp3\n"
    )
    assert [path.name for path in tmp_path.iterdir()] == ["Mix.m3u8"]


def test_kept_index_sees_other_process(plain_mp3: Path, tmp_path: Path) -> None:
    mine = LibraryIndex(tmp_path)
    assert mine.find(make_track(), AudioFormat.MP3) is None
    path = tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="4uLU6hMCjMI75M1A2tKUQC")

    LibraryIndex(tmp_path).add(path, make_track(), AudioFormat.MP3)

    assert mine.find(make_track(), AudioFormat.MP3) == path


def test_kept_index_forgets_deleted_file(plain_mp3: Path, tmp_path: Path) -> None:
    path = tagged_copy(plain_mp3, tmp_path / "x.mp3", spotify_id="4uLU6hMCjMI75M1A2tKUQC")
    index = LibraryIndex(tmp_path)
    assert index.find(make_track(), AudioFormat.MP3) == path

    path.unlink()

    assert index.find(make_track(), AudioFormat.MP3) is None


def test_relative_folder(plain_mp3: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tagged_copy(plain_mp3, tmp_path / "lib" / "x.mp3", title="x")

    LibraryIndex("lib").add(path, make_track(), AudioFormat.MP3)

    assert LibraryIndex("lib").find(make_track(), AudioFormat.MP3) == path
