"""Fixtures for the download, convert, tag and place tests: generated audio served to
real yt-dlp from a loopback server, and tracks to name and tag."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from spotdesk.audio.ffmpeg import find_ffmpeg
from spotdesk.audio.match import MatchResult
from spotdesk.model import MatchCandidate, OutputOptions, Track
from tests.fakes.media_server import MediaServer, make_tone

TONE_SECONDS = 3.0
LONG_TONE_SECONDS = 30.0


@pytest.fixture(scope="session")
def tones(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tones of `TONE_SECONDS` in m4a, webm, mp3 and opus, and a long m4a one."""
    folder = tmp_path_factory.mktemp("tones")
    files = {ext: make_tone(folder / f"tone.{ext}", TONE_SECONDS) for ext in ("m4a", "webm", "mp3")}
    files["long"] = make_tone(folder / "long.m4a", LONG_TONE_SECONDS, frequency=220)
    return files


@pytest.fixture(scope="session")
def cover_jpeg(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("cover") / "cover.jpg"
    subprocess.run(
        [
            str(find_ffmpeg()),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=64x64",
            "-frames:v",
            "1",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


@pytest.fixture
def media(
    tones: dict[str, Path], cover_jpeg: bytes, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MediaServer]:
    """A media server with every tone at `tone.<ext>`, `long.m4a` and `cover.jpg`."""
    server = MediaServer()
    for path in tones.values():
        server.add(path.name, path)
    cover = tmp_path_factory.mktemp("served") / "cover.jpg"
    cover.write_bytes(cover_jpeg)
    server.add("cover.jpg", cover, "image/jpeg")
    with server:
        yield server


def make_track(**changes: object) -> Track:
    values: dict[str, object] = {
        "id": "4uLU6hMCjMI75M1A2tKUQC",
        "title": "Test Tone",
        "artists": ["Tyler, The Creator", "Frank Ocean"],
        "duration_ms": int(TONE_SECONDS * 1000),
        "album": "Sine Waves",
        "album_artists": ["Tyler, The Creator"],
        "track_number": 2,
        "track_count": 9,
        "disc_number": 1,
        "disc_count": 1,
        "release_date": "2017-07-21",
        "isrc": "USQX91700001",
        "explicit": True,
        "genres": ["hip hop"],
    }
    values.update(changes)
    return Track(**values)  # type: ignore[arg-type]


@pytest.fixture
def track() -> Track:
    return make_track()


@pytest.fixture
def options(tmp_path: Path) -> OutputOptions:
    return OutputOptions(folder=str(tmp_path / "library"))


def candidate(
    url: str, confidence: float = 0.9, duration_s: float | None = TONE_SECONDS
) -> MatchCandidate:
    return MatchCandidate(
        url=url,
        title="Test Tone",
        channel="Tyler, The Creator",
        duration_s=duration_s,
        provider="ytmusic",
        result_type="song",
        confidence=confidence,
    )


@dataclass
class StubMatcher:
    """A matcher that returns fixed candidates, as the real one would after searching."""

    ranked: list[MatchCandidate]
    threshold: float = 0.6
    calls: list[str] = field(default_factory=list)

    def find(self, track: Track) -> MatchResult:
        self.calls.append(track.id)
        best = self.ranked[0] if self.ranked else None
        confidence = best.confidence if best else 0.0
        return MatchResult(
            best, confidence, list(self.ranked), needs_review=confidence < self.threshold
        )


def files_in(folder: Path) -> list[str]:
    """Every file below `folder`, as sorted relative POSIX paths."""
    if not folder.exists():
        return []
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
    )
