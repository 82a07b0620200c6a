"""`spotdesk download` against the fake Spotify and the loopback media server."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from spotdesk.audio.fetch import Downloaded, Fetcher
from spotdesk.audio.match import MatchResult
from spotdesk.audio.tags import read_tags
from spotdesk.cli.download import download_links
from spotdesk.cli.download_display import (
    DownloadSummary,
    Outcome,
    ProgressDisplay,
    exit_status,
    format_summary,
)
from spotdesk.config import ServiceUrls
from spotdesk.model import MatchCandidate, OutputOptions, Progress, Stage, Track
from spotdesk.pipeline import Pipeline
from spotdesk.spotify.resolver import Resolver
from tests.audio_files.conftest import candidate, files_in
from tests.fakes import spotify_data
from tests.fakes.media_server import MediaServer
from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.ytmusic import FakeYouTubeMusic, list_item, shelf_response

ALBUM_ID = spotify_data.synthetic_id("album", 1)


@dataclass
class TitleMatcher:
    """Return a fixed candidate per track title; unknown titles get no candidates."""

    by_title: dict[str, MatchCandidate]
    threshold: float = 0.6
    calls: list[str] = field(default_factory=list)

    def find(self, track: Track) -> MatchResult:
        self.calls.append(track.title)
        best = self.by_title.get(track.title)
        if best is None:
            return MatchResult(None, 0.0, [], needs_review=True)
        return MatchResult(
            best, best.confidence, [best], needs_review=best.confidence < self.threshold
        )


@pytest.fixture
def spotify(media: MediaServer) -> FakeSpotify:
    with FakeSpotify() as fake:
        artist = spotify_data.make_artist(
            spotify_data.synthetic_id("artist", 1), "Earth, Wind & Fire"
        )
        cover = {"url": media.url("cover.jpg"), "width": 64, "height": 64}
        album = spotify_data.make_album(ALBUM_ID, "Tones", [artist], total_tracks=3, images=[cover])
        tracks = [
            spotify_data.make_track(
                spotify_data.synthetic_id("track", number),
                f"Tone {number}",
                [artist],
                album,
                track_number=number,
                duration_ms=3000,
                isrc=f"QZFAK000000{number}",
            )
            for number in (1, 2, 3)
        ]
        fake.add_album(album, tracks)
        yield fake


def run_download(
    text: str, options: OutputOptions, spotify: FakeSpotify, matcher: object
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    resolver = Resolver(spotify.service_urls(), spotify.credentials)
    pipeline = Pipeline(ServiceUrls(), matcher=matcher)  # type: ignore[arg-type]
    status = download_links(text, options, resolver, pipeline, out, err)
    return status, out.getvalue(), err.getvalue()


def test_album_downloads_every_track(
    media: MediaServer, spotify: FakeSpotify, options: OutputOptions
) -> None:
    matcher = TitleMatcher(
        {
            f"Tone {n}": candidate(media.url(name))
            for n, name in ((1, "tone.m4a"), (2, "tone.webm"), (3, "tone.mp3"))
        }
    )
    options.template = "{album}/{track_number:02d} {title}.{ext}"

    status, out, err = run_download(f"spotify:album:{ALBUM_ID}", options, spotify, matcher)

    assert status == 0, out + err
    assert files_in(Path(options.folder)) == [
        ".spotdesk-library.json",
        "Tones.m3u8",
        "Tones/01 Tone 1.mp3",
        "Tones/02 Tone 2.mp3",
        "Tones/03 Tone 3.mp3",
    ]
    tags = read_tags(Path(options.folder) / "Tones" / "02 Tone 2.mp3")
    assert tags["artists"] == ["Earth, Wind & Fire"]
    assert (tags["track_number"], tags["track_count"]) == (2, 3)
    assert tags["cover_mime"] == "image/jpeg"
    playlist = (Path(options.folder) / "Tones.m3u8").read_text(encoding="utf-8").splitlines()
    assert [line for line in playlist if not line.startswith("#")] == [
        "Tones/01 Tone 1.mp3",
        "Tones/02 Tone 2.mp3",
        "Tones/03 Tone 3.mp3",
    ]
    assert "Downloaded 3, skipped 0, needs review 0, failed 0" in out


def test_one_failure_never_stops_others(
    media: MediaServer, spotify: FakeSpotify, options: OutputOptions
) -> None:
    media.fail("tone.webm", 403)
    matcher = TitleMatcher(
        {
            "Tone 1": candidate(media.url("tone.m4a")),
            "Tone 2": candidate(media.url("tone.webm")),
            "Tone 3": candidate(media.url("tone.mp3"), confidence=0.2),
        }
    )

    status, out, _ = run_download(
        f"https://open.spotify.com/album/{ALBUM_ID}", options, spotify, matcher
    )

    assert status == 1
    assert matcher.calls == ["Tone 1", "Tone 2", "Tone 3"]
    assert "Downloaded 1, skipped 0, needs review 1, failed 1" in out
    assert "failed        Earth, Wind & Fire - Tone 2: " in out
    assert "[fetch.http_403]" in out
    assert "needs review  Earth, Wind & Fire - Tone 3" in out
    assert f"Best candidate: Test Tone <{media.url('tone.mp3')}>." in out
    playlist = (Path(options.folder) / "Tones.m3u8").read_text(encoding="utf-8")
    assert "Tone 1" in playlist
    assert "Tone 2" not in playlist


def test_second_run_skips_everything(
    media: MediaServer, spotify: FakeSpotify, options: OutputOptions
) -> None:
    matcher = TitleMatcher({f"Tone {n}": candidate(media.url("tone.m4a")) for n in (1, 2, 3)})
    run_download(f"spotify:album:{ALBUM_ID}", options, spotify, matcher)
    matcher.calls.clear()

    status, out, _ = run_download(f"spotify:album:{ALBUM_ID}", options, spotify, matcher)

    assert status == 0
    assert matcher.calls == []
    assert "Downloaded 0, skipped 3, needs review 0, failed 0" in out


def test_manual_pair_uses_given_audio(
    media: MediaServer, spotify: FakeSpotify, options: OutputOptions
) -> None:
    track_id = spotify_data.synthetic_id("track", 2)
    matcher = TitleMatcher({})

    status, out, _ = run_download(
        f"{media.url('tone.webm')}|spotify:track:{track_id}", options, spotify, matcher
    )

    assert status == 0, out
    assert matcher.calls == []
    output = Path(options.folder) / "Earth, Wind & Fire - Tone 2.mp3"
    assert read_tags(output)["source_url"] == media.url("tone.webm")


def test_unknown_link_fails_with_reason(spotify: FakeSpotify, options: OutputOptions) -> None:
    missing = spotify_data.synthetic_id("missing", 9)

    status, out, err = run_download(f"spotify:track:{missing}", options, spotify, TitleMatcher({}))

    assert status == 1
    assert "failed 1" in out
    assert missing in err


def test_invalid_link_beside_valid_fails(
    media: MediaServer, spotify: FakeSpotify, options: OutputOptions
) -> None:
    track_id = spotify_data.synthetic_id("track", 1)
    text = f"{media.url('tone.m4a')}|spotify:track:{track_id} https://open.spotify.com/track/short"

    status, out, err = run_download(text, options, spotify, TitleMatcher({}))

    assert status == 1
    assert "Downloaded 1, skipped 0, needs review 0, failed 1" in out
    assert "https://open.spotify.com/track/short" in err


def test_invalid_text_is_usage_error(spotify: FakeSpotify, options: OutputOptions) -> None:
    status, _, err = run_download(
        "https://example.com/not-spotify", options, spotify, TitleMatcher({})
    )

    assert status == 2
    assert "not a Spotify link" in err


def test_display_lines_without_terminal() -> None:
    stream = io.StringIO()
    summary = DownloadSummary()
    display = ProgressDisplay(stream, 2, summary)

    display.start_track("A - Song", 1)
    display.update(Progress(Stage.SEARCHING, 0.0))
    display.update(Progress(Stage.DOWNLOADING, 0.2, bytes_done=100, bytes_total=1000, speed=50.0))
    display.update(Progress(Stage.DOWNLOADING, 0.5, bytes_done=500, bytes_total=1000, speed=50.0))
    display.finish_track(Outcome("A - Song", "downloaded", "ok", path="/music/A - Song.mp3"))

    assert stream.getvalue().splitlines() == [
        "[1/2] searching A - Song",
        "[1/2] downloading A - Song",
        "[1/2] downloaded: A - Song -> /music/A - Song.mp3",
    ]
    assert summary.bytes_downloaded == 500


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_display_redraws_live_line_on_terminal() -> None:
    stream = FakeTerminal()
    display = ProgressDisplay(stream, 3, DownloadSummary())

    display.start_track("A - Song", 2)
    display.update(
        Progress(Stage.DOWNLOADING, 0.45, bytes_done=10, bytes_total=20, speed=2048.0, eta=65)
    )

    text = stream.getvalue()
    assert text.startswith("\r[2/3] downloading  45% 2.0 KiB/s ETA 1:05 A - Song | done 0/3")


def test_display_fits_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    stream = FakeTerminal()
    display = ProgressDisplay(stream, 3, DownloadSummary())

    display.start_track("A very long artist name - and an even longer title", 1)
    display.update(Progress(Stage.SEARCHING, 0.0))

    line = stream.getvalue().removeprefix("\r")
    assert len(line) == 39
    assert line.endswith("…")


def test_display_shows_overall_speed() -> None:
    stream = FakeTerminal()
    summary = DownloadSummary(bytes_downloaded=4096, started=time.monotonic() - 2.0)
    display = ProgressDisplay(stream, 3, summary)
    summary.add(Outcome("A - Song", "downloaded", "ok"))

    display.start_track("B - Song", 2)
    display.update(Progress(Stage.CONVERTING, 0.8))

    assert stream.getvalue().rstrip().endswith("B - Song | done 1/3, 2.0 KiB/s overall")


def test_summary_and_exit_status() -> None:
    summary = DownloadSummary()
    summary.add(Outcome("A", "downloaded", "ok"))
    summary.add(Outcome("B", "skipped", "Already in the library."))
    assert exit_status(summary) == 0

    summary.add(Outcome("C", "failed", "ffmpeg was not found.", code="ffmpeg.missing"))
    text = format_summary(summary)

    assert exit_status(summary) == 1
    assert text.splitlines()[0].startswith("Downloaded 1, skipped 1, needs review 0, failed 1 in ")
    assert "  failed        C: ffmpeg was not found. [ffmpeg.missing]" in text


def test_command_runs_from_terminal(
    media: MediaServer, spotify: FakeSpotify, tmp_path: Path
) -> None:
    track_id = spotify_data.synthetic_id("track", 1)
    environment = {**os.environ, **spotify.env, **spotify.credential_env}
    output = tmp_path / "music"

    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "spotdesk",
            "download",
            f"{media.url('tone.m4a')}|spotify:track:{track_id}",
            "-o",
            str(output),
            "--format",
            "m4a",
            "--template",
            "{artist}/{title}.{ext}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert files_in(output) == [".spotdesk-library.json", "Earth, Wind & Fire/Tone 1.m4a"]
    assert "Downloaded 1, skipped 0" in completed.stdout


def test_command_rejects_bad_template(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "spotdesk",
            "download",
            "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
            "-o",
            str(tmp_path),
            "--template",
            "{nope}.{ext}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 2
    assert "unknown field {nope}" in completed.stderr


@dataclass
class LoopbackProvider:
    """A search provider whose results point at the loopback media server."""

    media: MediaServer
    name: str = "ytmusic"

    def search(self, track: Track, limit: int = 10) -> list[MatchCandidate]:
        live = MatchCandidate(
            url=self.media.url("long.m4a"),
            title=f"{track.title} (Live at Wembley)",
            channel=track.artists[0],
            duration_s=30.0,
            provider=self.name,
            result_type="video",
        )
        studio = MatchCandidate(
            url=self.media.url("tone.webm"),
            title=track.title,
            channel=track.artists[0],
            duration_s=3.0,
            provider=self.name,
            result_type="song",
            album=track.album,
        )
        return [live, studio][:limit]


def test_real_matcher_picks_studio_version(
    media: MediaServer, spotify: FakeSpotify, options: OutputOptions
) -> None:
    from spotdesk.audio.match import Matcher

    matcher = Matcher([LoopbackProvider(media)])
    track_id = spotify_data.synthetic_id("track", 3)

    status, out, err = run_download(f"spotify:track:{track_id}", options, spotify, matcher)

    assert status == 0, out + err
    tags = read_tags(Path(options.folder) / "Earth, Wind & Fire - Tone 3.mp3")
    assert tags["source_url"] == media.url("tone.webm")
    assert media.requests.get("long.m4a") is None


def interrupt_download(spotify: FakeSpotify, pair: str, output: Path) -> tuple[int, str, str]:
    """Run `spotdesk download PAIR`, send SIGINT once the download has started, and return
    the exit status, stdout and stderr."""
    environment = {**os.environ, **spotify.env, **spotify.credential_env}
    process = subprocess.Popen(
        [sys.executable, "-m", "spotdesk", "download", pair, "-o", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(path.name.endswith(".part") for path in output.glob(".spotdesk-*")):
            assert time.monotonic() < deadline, "the download never started"
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)

        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    return process.returncode, stdout, stderr


def test_command_interrupt_leaves_nothing(
    media: MediaServer, spotify: FakeSpotify, tmp_path: Path
) -> None:
    media.throttle(50_000)
    track_id = spotify_data.synthetic_id("track", 1)
    output = tmp_path / "music"

    status, stdout, stderr = interrupt_download(
        spotify, f"{media.url('long.m4a')}|spotify:track:{track_id}", output
    )

    assert status == 1, stdout + stderr
    assert "Interrupted" in stdout
    assert files_in(output) == []


def run_command(
    spotify: FakeSpotify, *arguments: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **spotify.env, **spotify.credential_env}
    return subprocess.run(
        [sys.executable, "-m", "spotdesk", "download", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
    )


def test_command_continues_after_interrupt(
    media: MediaServer, spotify: FakeSpotify, tmp_path: Path
) -> None:
    media.throttle(50_000)
    track_id = spotify_data.synthetic_id("track", 2)
    pair = f"{media.url('long.m4a')}|spotify:track:{track_id}"
    output = tmp_path / "music"

    status, stdout, stderr = interrupt_download(spotify, pair, output)
    assert status == 1, stdout + stderr
    assert "Unfinished tasks stay queued" in stdout

    media.throttle(None)
    second = run_command(spotify, pair, "-o", str(output))

    assert second.returncode == 0, second.stdout + second.stderr
    assert "Continuing 1 link(s) already in the queue." in second.stdout
    assert "Downloaded 1, skipped 0" in second.stdout
    assert files_in(output) == [".spotdesk-library.json", "Earth, Wind & Fire - Tone 2.mp3"]


def test_command_second_run_skips(media: MediaServer, spotify: FakeSpotify, tmp_path: Path) -> None:
    track_id = spotify_data.synthetic_id("track", 3)
    pair = f"{media.url('tone.m4a')}|spotify:track:{track_id}"
    output = tmp_path / "music"

    first = run_command(spotify, pair, "-o", str(output), "--format", "m4a")
    second = run_command(spotify, pair, "-o", str(output), "--format", "m4a")

    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Downloaded 0, skipped 1" in second.stdout
    assert files_in(output) == [".spotdesk-library.json", "Earth, Wind & Fire - Tone 3.m4a"]


def test_command_in_process(media: MediaServer, spotify: FakeSpotify, tmp_path: Path) -> None:
    track_id = spotify_data.synthetic_id("track", 1)
    pair = f"{media.url('tone.m4a')}|spotify:track:{track_id}"
    output = tmp_path / "music"

    completed = run_command(spotify, pair, "-o", str(output), "--in-process")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Downloaded 1, skipped 0" in completed.stdout
    assert (output / "Earth, Wind & Fire - Tone 1.mp3").is_file()
    assert not (Path(os.environ["SPOTDESK_DATA_DIR"]) / "spotdesk.db").exists()


class LoopbackFetcher(Fetcher):
    """A real yt-dlp fetcher that gets YouTube Music watch URLs from the media server.

    The media server replaces the audio YouTube would serve, and yt-dlp still downloads it.
    """

    def __init__(self, media: MediaServer, files: dict[str, str]) -> None:
        super().__init__()
        self.media = media
        self.files = files  # video id -> file name on the media server
        self.requested: list[str] = []

    def fetch(self, url: str, folder: Path, **kwargs: Any) -> Downloaded:
        self.requested.append(url)
        video_id = url.rsplit("v=", 1)[-1]
        return super().fetch(self.media.url(self.files[video_id]), folder, **kwargs)


def test_album_through_youtube_music_search(
    media: MediaServer, spotify: FakeSpotify, options: OutputOptions
) -> None:
    from spotdesk.audio.match import Matcher
    from spotdesk.audio.ytmusic import YouTubeMusicProvider

    ytmusic = FakeYouTubeMusic()
    files = {}
    for number, name in ((1, "tone.m4a"), (2, "tone.webm"), (3, "tone.mp3")):
        video_id = f"toneVideo{number:02d}"
        files[video_id] = name
        song = list_item(video_id, f"Tone {number}", ["Earth, Wind & Fire"], "0:03", album="Tones")
        ytmusic.add_response(
            f"Earth, Wind & Fire Tone {number}", shelf_response("Songs", [song]), "songs"
        )
    ytmusic.start()
    try:
        fetcher = LoopbackFetcher(media, files)
        pipeline = Pipeline(
            ServiceUrls(),
            matcher=Matcher([YouTubeMusicProvider(ytmusic.base_url)]),
            fetcher=fetcher,
        )
        out, err = io.StringIO(), io.StringIO()
        resolver = Resolver(spotify.service_urls(), spotify.credentials)

        status = download_links(f"spotify:album:{ALBUM_ID}", options, resolver, pipeline, out, err)
    finally:
        ytmusic.stop()

    assert status == 0, out.getvalue() + err.getvalue()
    assert fetcher.requested == [
        f"https://music.youtube.com/watch?v=toneVideo{n:02d}" for n in (1, 2, 3)
    ]
    tags = read_tags(Path(options.folder) / "Earth, Wind & Fire - Tone 2.mp3")
    assert tags["source_url"] == "https://music.youtube.com/watch?v=toneVideo02"
    assert tags["isrc"] == "QZFAK0000002"


@pytest.mark.parametrize(
    ("bitrate", "message"),
    [("0", "--bitrate must be a positive number"), ("99999", "out of range for mp3")],
)
def test_command_rejects_bad_bitrate(tmp_path: Path, bitrate: str, message: str) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "spotdesk",
            "download",
            "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
            "-o",
            str(tmp_path),
            "--bitrate",
            bitrate,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 2
    assert message in completed.stderr
