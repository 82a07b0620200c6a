"""Pipeline.run end to end: real yt-dlp from loopback, real ffmpeg, real mutagen."""

from __future__ import annotations

import dataclasses
import errno
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from spotdesk.audio import ffmpeg, filesystem, tagformats
from spotdesk.audio.fetch import (
    AgeRestricted,
    BotCheck,
    Downloaded,
    Fetcher,
    FetchError,
    Forbidden,
    GeoBlocked,
    NetworkError,
    Unavailable,
)
from spotdesk.audio.ffmpeg import FfmpegMissing
from spotdesk.audio.filesystem import DiskFull, FolderNotWritable, PathTooLong
from spotdesk.audio.naming import NamingError
from spotdesk.audio.tags import read_tags
from spotdesk.config import ServiceUrls
from spotdesk.errors import CancelledError, PausedError, SpotdeskError
from spotdesk.model import (
    AudioFormat,
    LinkKind,
    OutputOptions,
    OverwritePolicy,
    Progress,
    Resolution,
    SpotifyLink,
    Stage,
)
from spotdesk.pipeline import DurationMismatch, NoMatch, Pipeline, write_collection_playlist
from tests.audio_files.conftest import StubMatcher, candidate, files_in, make_track
from tests.fakes.lrclib import FakeLrclib, LyricsRecord
from tests.fakes.media_server import MediaServer

AUDIO_FILE_SUFFIXES = tuple(f".{audio_format.value}" for audio_format in AudioFormat)


def pipeline_for(*urls: str, **kwargs: object) -> Pipeline:
    return Pipeline(ServiceUrls(), matcher=StubMatcher([candidate(url) for url in urls]), **kwargs)  # type: ignore[arg-type]


def audio_files(options: OutputOptions) -> list[str]:
    return [name for name in files_in(Path(options.folder)) if name.endswith(AUDIO_FILE_SUFFIXES)]


def leftovers(options: OutputOptions) -> list[str]:
    """Files that are neither audio nor the library index: temporaries, partial downloads."""
    return [
        name
        for name in files_in(Path(options.folder))
        if not name.endswith(AUDIO_FILE_SUFFIXES) and not name.endswith(".spotdesk-library.json")
    ]


@pytest.mark.parametrize("audio_format", list(AudioFormat))
def test_run_produces_tagged_file(
    media: MediaServer, options: OutputOptions, audio_format: AudioFormat
) -> None:
    options.format = audio_format
    track = make_track(cover_url=media.url("cover.jpg"))
    reports: list[Progress] = []

    result = pipeline_for(media.url("tone.webm")).run(track, options, report=reports.append)

    assert result.status == "downloaded"
    assert result.output_path == os.path.join(
        options.folder, f"Tyler, The Creator, Frank Ocean - Test Tone.{audio_format.value}"
    )
    assert result.bytes_written == Path(result.output_path).stat().st_size
    tags = read_tags(Path(result.output_path))
    assert tags["artists"] == ["Tyler, The Creator", "Frank Ocean"]
    assert tags["source_url"] == media.url("tone.webm")
    assert tags["cover_mime"] == "image/jpeg"
    assert result.warnings == []
    assert leftovers(options) == []


def test_run_reports_stages_in_order(media: MediaServer, options: OutputOptions) -> None:
    reports: list[Progress] = []

    pipeline_for(media.url("tone.m4a")).run(make_track(), options, report=reports.append)

    stages = [report.stage for report in reports]
    first_seen = list(dict.fromkeys(stages))
    assert first_seen == [
        Stage.SEARCHING,
        Stage.MATCHING,
        Stage.DOWNLOADING,
        Stage.CONVERTING,
        Stage.TAGGING,
        Stage.PLACING,
    ]
    fractions = [report.fraction for report in reports]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert any(report.bytes_total for report in reports if report.stage is Stage.DOWNLOADING)


def test_run_chosen_url_skips_search(media: MediaServer, options: OutputOptions) -> None:
    matcher = StubMatcher([])
    pipeline = Pipeline(ServiceUrls(), matcher=matcher)  # type: ignore[arg-type]

    result = pipeline.run(make_track(), options, chosen_url=media.url("tone.mp3"))

    assert result.status == "downloaded"
    assert matcher.calls == []
    assert result.match is not None
    assert result.match.provider == "manual"


def test_run_chosen_url_keeps_other_length(media: MediaServer, options: OutputOptions) -> None:
    result = pipeline_for().run(make_track(), options, chosen_url=media.url("long.m4a"))

    assert result.status == "downloaded"
    assert any("lasts 30 s" in warning for warning in result.warnings)


def test_run_low_confidence_needs_review(media: MediaServer, options: OutputOptions) -> None:
    matcher = StubMatcher([candidate(media.url("tone.m4a"), confidence=0.3)])

    result = Pipeline(ServiceUrls(), matcher=matcher).run(make_track(), options)  # type: ignore[arg-type]

    assert result.status == "needs_review"
    assert result.output_path is None
    assert result.candidates[0].url == media.url("tone.m4a")
    assert media.requests.get("tone.m4a") is None
    assert files_in(Path(options.folder)) == []


def test_run_no_candidates_is_not_found(options: OutputOptions) -> None:
    with pytest.raises(NoMatch) as caught:
        pipeline_for().run(make_track(), options)

    assert caught.value.code == "match.not_found"


def test_run_duration_mismatch_tries_next(media: MediaServer, options: OutputOptions) -> None:
    result = pipeline_for(media.url("long.m4a"), media.url("tone.mp3")).run(make_track(), options)

    assert result.status == "downloaded"
    assert result.match is not None
    assert result.match.url == media.url("tone.mp3")
    assert leftovers(options) == []


def test_run_every_length_wrong_fails(media: MediaServer, options: OutputOptions) -> None:
    with pytest.raises(DurationMismatch) as caught:
        pipeline_for(media.url("long.m4a")).run(make_track(), options)

    assert caught.value.code == "match.duration_mismatch"
    assert files_in(Path(options.folder)) == []


def test_run_forbidden_tries_next(media: MediaServer, options: OutputOptions) -> None:
    media.fail("tone.m4a", 403)

    result = pipeline_for(media.url("tone.m4a"), media.url("tone.webm")).run(make_track(), options)

    assert result.match is not None
    assert result.match.url == media.url("tone.webm")


def test_run_unreadable_audio_tries_next(
    media: MediaServer, options: OutputOptions, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.m4a"
    garbage.write_bytes(b"<html>not audio</html>" * 200)
    media.add("garbage.m4a", garbage, "audio/mp4")

    result = pipeline_for(media.url("garbage.m4a"), media.url("tone.mp3")).run(
        make_track(), options
    )

    assert result.match is not None
    assert result.match.url == media.url("tone.mp3")
    assert leftovers(options) == []


def test_run_last_fetch_error_raised(media: MediaServer, options: OutputOptions) -> None:
    media.fail("tone.m4a", 403)

    with pytest.raises(Forbidden):
        pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    assert files_in(Path(options.folder)) == []


def test_run_network_error_stops_at_once(options: OutputOptions, media: MediaServer) -> None:
    port = media.base_url.rsplit(":", 1)[1]
    media.stop()
    fetcher_options = {"retries": 0, "extractor_retries": 0}
    pipeline = pipeline_for(
        f"http://127.0.0.1:{port}/tone.m4a",
        f"http://127.0.0.1:{port}/tone.mp3",
        fetcher=Fetcher(extra_options=fetcher_options),
    )

    with pytest.raises(NetworkError) as caught:
        pipeline.run(make_track(), options)

    assert caught.value.retryable
    assert leftovers(options) == []


@pytest.mark.parametrize("error_class", [CancelledError, PausedError])
def test_run_stop_mid_download_leaves_nothing(
    media: MediaServer, options: OutputOptions, error_class: type[SpotdeskError]
) -> None:
    media.throttle(60_000)
    downloading: list[Progress] = []

    def report(progress: Progress) -> None:
        if progress.stage is Stage.DOWNLOADING and progress.bytes_done:
            downloading.append(progress)

    def check() -> None:
        if downloading:
            raise error_class("stopped by the test")

    with pytest.raises(error_class):
        pipeline_for(media.url("tone.m4a")).run(make_track(), options, report=report, check=check)

    assert files_in(Path(options.folder)) == []


def test_run_stop_before_placing_places_nothing(media: MediaServer, options: OutputOptions) -> None:
    placing: list[Progress] = []

    def check() -> None:
        if placing:
            raise CancelledError("lease lost")

    def report(progress: Progress) -> None:
        if progress.stage is Stage.PLACING:
            placing.append(progress)

    with pytest.raises(CancelledError):
        pipeline_for(media.url("tone.m4a")).run(make_track(), options, report=report, check=check)

    assert files_in(Path(options.folder)) == []


def test_run_missing_ffmpeg_fails_clearly(
    media: MediaServer, options: OutputOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> Path:
        raise FfmpegMissing("ffmpeg was not found; install ffmpeg and put it on PATH.")

    monkeypatch.setattr(ffmpeg, "find_ffmpeg", missing)

    with pytest.raises(FfmpegMissing) as caught:
        pipeline_for(media.url("tone.webm")).run(make_track(), options)

    assert caught.value.code == "ffmpeg.missing"
    assert files_in(Path(options.folder)) == []


def test_run_folder_under_a_file_is_not_writable(media: MediaServer, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    options = OutputOptions(folder=str(blocker / "library"))

    with pytest.raises(FolderNotWritable) as caught:
        pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    assert caught.value.code == "fs.not_writable"
    assert media.requests == {}


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_run_read_only_folder_is_not_writable(media: MediaServer, options: OutputOptions) -> None:
    folder = Path(options.folder)
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(FolderNotWritable):
            pipeline_for(media.url("tone.m4a")).run(make_track(), options)
    finally:
        folder.chmod(0o700)
    assert files_in(folder) == []


def test_run_permission_denied_is_not_writable(
    media: MediaServer, options: OutputOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root here, where file modes do not stop writes, so EACCES is injected
    # at the first file the pipeline creates in the folder.
    import spotdesk.pipeline as pipeline_module

    real_open = open

    def denied(path: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "x" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(pipeline_module, "open", denied, raising=False)

    with pytest.raises(FolderNotWritable) as caught:
        pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    assert "choose an output folder" in caught.value.message
    assert files_in(Path(options.folder)) == []


def test_run_disk_full_leaves_nothing(
    media: MediaServer, options: OutputOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ENOSPC is injected at mutagen's save: mounting a size-limited filesystem would need
    # privileges on the host.
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tagformats.MP3, "save", full_disk)

    with pytest.raises(DiskFull) as caught:
        pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    assert caught.value.code == "fs.disk_full"
    assert files_in(Path(options.folder)) == []


def test_run_skips_recording_in_library(media: MediaServer, options: OutputOptions) -> None:
    first = pipeline_for(media.url("tone.m4a")).run(make_track(), options)
    matcher = StubMatcher([candidate(media.url("tone.m4a"))])
    renamed = dataclasses.replace(options, template="{album}/{title}.{ext}")

    second = Pipeline(ServiceUrls(), matcher=matcher).run(make_track(), renamed)  # type: ignore[arg-type]

    assert second.status == "skipped"
    assert second.output_path == first.output_path
    assert matcher.calls == []
    assert media.requests["tone.m4a"] == 2  # only the first run fetched it


def test_run_skips_same_isrc(media: MediaServer, options: OutputOptions) -> None:
    pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    result = pipeline_for(media.url("tone.m4a")).run(make_track(id="relinkedCopy"), options)

    assert result.status == "skipped"


def test_run_other_format_downloads_again(media: MediaServer, options: OutputOptions) -> None:
    pipeline_for(media.url("tone.m4a")).run(make_track(), options)
    flac = dataclasses.replace(options, format=AudioFormat.FLAC)

    result = pipeline_for(media.url("tone.m4a")).run(make_track(), flac)

    assert result.status == "downloaded"
    assert len(audio_files(options)) == 2


def test_run_force_replaces_file(media: MediaServer, options: OutputOptions) -> None:
    first = pipeline_for(media.url("tone.m4a")).run(make_track(), options)
    forced = dataclasses.replace(options, force=True)

    second = pipeline_for(media.url("tone.webm")).run(make_track(), forced)

    assert second.status == "downloaded"
    assert second.output_path == first.output_path
    assert read_tags(Path(second.output_path or ""))["source_url"] == media.url("tone.webm")
    assert len(audio_files(options)) == 1


def test_run_name_taken_by_other_recording(media: MediaServer, options: OutputOptions) -> None:
    pipeline_for(media.url("tone.m4a")).run(make_track(), options)
    other = make_track(id="another", isrc="GBAAA0000002")

    result = pipeline_for(media.url("tone.m4a")).run(other, options)

    assert result.status == "downloaded"
    assert result.output_path is not None
    assert result.output_path.endswith("Test Tone (2).mp3")
    assert read_tags(Path(result.output_path))["spotify_id"] == "another"
    assert len(audio_files(options)) == 2


def test_run_name_taken_by_untagged_file(media: MediaServer, options: OutputOptions) -> None:
    folder = Path(options.folder)
    folder.mkdir(parents=True)
    hand_made = folder / "Tyler, The Creator, Frank Ocean - Test Tone.mp3"
    hand_made.write_bytes(b"copied in by hand")

    kept = pipeline_for(media.url("tone.m4a")).run(make_track(), options)
    renamed = pipeline_for(media.url("tone.m4a")).run(
        make_track(), dataclasses.replace(options, overwrite=OverwritePolicy.RENAME)
    )

    assert kept.status == "skipped"
    assert "Set overwrite to rename" in kept.message
    assert hand_made.read_bytes() == b"copied in by hand"
    assert renamed.status == "downloaded"
    assert renamed.output_path is not None
    assert renamed.output_path.endswith("Test Tone (2).mp3")


def test_run_names_equal_after_cut(media: MediaServer, options: OutputOptions) -> None:
    long_title = "Overture " * 40  # 360 bytes, so both names are cut at the same point
    first = make_track(id="first", isrc="GBAAA0000021", title=long_title + "Part One")
    second = make_track(id="second", isrc="GBAAA0000022", title=long_title + "Part Two")

    one = pipeline_for(media.url("tone.m4a")).run(first, options)
    two = pipeline_for(media.url("tone.webm")).run(second, options)

    assert one.status == "downloaded"
    assert two.status == "downloaded", two.message
    assert one.output_path is not None
    assert two.output_path is not None
    assert one.output_path != two.output_path
    assert Path(two.output_path).stem.endswith(" (2)")
    assert len(Path(two.output_path).name.encode("utf-8")) <= 255
    assert read_tags(Path(one.output_path))["spotify_id"] == "first"
    assert read_tags(Path(two.output_path))["spotify_id"] == "second"

    again = pipeline_for(media.url("tone.webm")).run(second, options)

    assert again.status == "skipped"
    assert len(audio_files(options)) == 2


def test_run_multi_disc_collision_adds_disc(media: MediaServer, options: OutputOptions) -> None:
    disc_one = make_track(id="d1", isrc="GBAAA0000011", disc_number=1, disc_count=2)
    disc_two = make_track(id="d2", isrc="GBAAA0000012", disc_number=2, disc_count=2)

    pipeline_for(media.url("tone.m4a")).run(disc_one, options)
    result = pipeline_for(media.url("tone.m4a")).run(disc_two, options)

    assert result.status == "downloaded"
    assert audio_files(options) == [
        "Tyler, The Creator, Frank Ocean - Test Tone (Disc 2).mp3",
        "Tyler, The Creator, Frank Ocean - Test Tone.mp3",
    ]


def test_run_cover_failure_is_warning(media: MediaServer, options: OutputOptions) -> None:
    track = make_track(cover_url=media.url("no-such-cover.jpg"))

    result = pipeline_for(media.url("tone.m4a")).run(track, options)

    assert result.status == "downloaded"
    assert result.warnings == ["The cover image could not be fetched; the file has no cover."]
    assert read_tags(Path(result.output_path or ""))["cover"] is None


@dataclass
class StubLyrics:
    synced: str | None
    plain: str | None


class StubLyricsClient:
    def __init__(self, lyrics: StubLyrics | None) -> None:
        self.lyrics = lyrics
        self.calls = 0

    def fetch(self, track: object) -> StubLyrics | None:
        self.calls += 1
        return self.lyrics


def test_run_writes_lyrics_and_lrc_file(media: MediaServer, options: OutputOptions) -> None:
    client = StubLyricsClient(StubLyrics("[00:01.00]hello\n[00:02.00]world", "hello\nworld"))
    options.lyrics = True
    options.lrc_file = True

    result = pipeline_for(media.url("tone.m4a"), lyrics=client).run(make_track(), options)

    output = Path(result.output_path or "")
    tags = read_tags(output)
    assert tags["lyrics_plain"] == "hello\nworld"
    assert tags["lyrics_synced"] == "[00:01.00]hello\n[00:02.00]world"
    assert (
        output.with_suffix(".lrc").read_text(encoding="utf-8")
        == "[00:01.00]hello\n[00:02.00]world\n"
    )


def test_run_lyrics_off_never_asks(media: MediaServer, options: OutputOptions) -> None:
    client = StubLyricsClient(StubLyrics(None, "words"))

    result = pipeline_for(media.url("tone.m4a"), lyrics=client).run(make_track(), options)

    assert client.calls == 0
    assert read_tags(Path(result.output_path or ""))["lyrics_plain"] is None


def test_collection_playlist_in_spotify_order(tmp_path: Path) -> None:
    tracks = [
        make_track(id=f"t{number}", title=f"Song {number}", duration_ms=3000) for number in range(3)
    ]
    resolution = Resolution(SpotifyLink(LinkKind.ALBUM, "alb1"), "Best: Of/Hits", tracks)
    options = OutputOptions(folder=str(tmp_path))
    paths = {
        "t2": str(tmp_path / "B" / "Song 2.mp3"),
        "t0": str(tmp_path / "A" / "Song 0.mp3"),
        "t1": None,
    }

    playlist = write_collection_playlist(resolution, paths, options)

    assert playlist == tmp_path / "Best_ Of_Hits.m3u8"
    lines = playlist.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == ["A/Song 0.mp3", "B/Song 2.mp3"]


def test_collection_playlist_not_for_single_track(tmp_path: Path) -> None:
    resolution = Resolution(SpotifyLink(LinkKind.TRACK, "t0"), "Song", [make_track(id="t0")])

    assert (
        write_collection_playlist(
            resolution, {"t0": str(tmp_path / "x.mp3")}, OutputOptions(folder=str(tmp_path))
        )
        is None
    )


def test_run_lyrics_from_lrclib(media: MediaServer, options: OutputOptions) -> None:
    lrclib = FakeLrclib()
    lrclib.add(
        LyricsRecord(
            track_name="Test Tone",
            artist_name="Tyler, The Creator",
            album_name="Sine Waves",
            duration=3.0,
            plain="la la\nla",
            synced="[00:00.50]la la\n[00:02.00]la",
        )
    )
    lrclib.start()
    try:
        urls = dataclasses.replace(ServiceUrls(), lrclib=lrclib.base_url)
        matcher = StubMatcher([candidate(media.url("tone.m4a"))])
        options.lyrics = True

        result = Pipeline(urls, matcher=matcher).run(make_track(), options)  # type: ignore[arg-type]
    finally:
        lrclib.stop()

    tags = read_tags(Path(result.output_path or ""))
    assert tags["lyrics_plain"] == "la la\nla"
    assert tags["lyrics_synced"] == "[00:00.50]la la\n[00:02.00]la"
    assert not Path(result.output_path or "").with_suffix(".lrc").exists()


def test_run_removes_killed_process_leftovers(media: MediaServer, options: OutputOptions) -> None:
    folder = Path(options.folder)
    folder.mkdir(parents=True)
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    host = filesystem._host_tag()
    leftover = folder / f".spotdesk-{host}-{process.pid}-0123456789ab.download.m4a.part"
    leftover.write_bytes(b"partial download of a killed worker")

    pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    assert leftovers(options) == []


def test_run_path_too_long_fails_clearly(media: MediaServer, tmp_path: Path) -> None:
    # Linux allows 4096 bytes per path; seventeen 250-byte folders exceed that.
    deep = tmp_path.joinpath(*["d" * 250] * 17)
    options = OutputOptions(folder=str(deep))

    with pytest.raises(PathTooLong) as caught:
        pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    assert caught.value.code == "fs.path_too_long"
    assert media.requests == {}


def test_run_template_outside_folder_fails(
    media: MediaServer, options: OutputOptions, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    Path(options.folder).mkdir(parents=True)
    os.symlink(outside, Path(options.folder) / "Sine Waves")
    options.template = "{album}/{title}.{ext}"

    with pytest.raises(NamingError):
        pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    assert files_in(outside) == []
    assert media.requests == {}


def test_run_relative_output_folder(
    media: MediaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = OutputOptions(folder="music")
    pipeline = pipeline_for(media.url("tone.m4a"))

    first = pipeline.run(make_track(), options)
    second = pipeline.run(make_track(), options)

    assert first.output_path == str(
        tmp_path / "music" / "Tyler, The Creator, Frank Ocean - Test Tone.mp3"
    )
    assert second.status == "skipped"


class FailingFirstFetcher(Fetcher):
    """Raise `error` for the first URL and download the others for real."""

    def __init__(self, error: FetchError) -> None:
        super().__init__()
        self.error = error
        self.urls: list[str] = []

    def fetch(self, url: str, folder: Path, **kwargs: Any) -> Downloaded:
        self.urls.append(url)
        if len(self.urls) == 1:
            raise self.error
        return super().fetch(url, folder, **kwargs)


@pytest.mark.parametrize(
    ("error_class", "tries_next"),
    [
        (Unavailable, True),
        (AgeRestricted, True),
        (GeoBlocked, True),
        (Forbidden, True),
        (NetworkError, False),
        (BotCheck, False),
    ],
)
def test_run_fetch_failure_kinds(
    media: MediaServer, options: OutputOptions, error_class: type[FetchError], tries_next: bool
) -> None:
    fetcher = FailingFirstFetcher(error_class("injected by the test"))
    pipeline = pipeline_for(media.url("tone.m4a"), media.url("tone.mp3"), fetcher=fetcher)

    if tries_next:
        result = pipeline.run(make_track(), options)
        assert result.match is not None
        assert result.match.url == media.url("tone.mp3")
    else:
        with pytest.raises(error_class):
            pipeline.run(make_track(), options)
        assert fetcher.urls == [media.url("tone.m4a")]
    assert leftovers(options) == []


def test_run_two_workers_same_track(media: MediaServer, options: OutputOptions) -> None:
    media.throttle(150_000)  # both downloads overlap, so both pass the library check
    results: dict[int, object] = {}

    def work(number: int) -> None:
        results[number] = pipeline_for(media.url("tone.m4a")).run(make_track(), options)

    threads = [threading.Thread(target=work, args=(number,)) for number in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(result.status for result in results.values())  # type: ignore[attr-defined]
    assert statuses == ["downloaded", "skipped"]
    assert media.requests["tone.m4a"] == 4  # both downloaded: yt-dlp requests it twice each
    assert audio_files(options) == ["Tyler, The Creator, Frank Ocean - Test Tone.mp3"]
    assert leftovers(options) == []
