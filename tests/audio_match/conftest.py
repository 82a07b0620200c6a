"""Fixtures of the search, match and lyrics tests: tracks, candidates and loopback fakes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spotdesk.model import MatchCandidate, Track
from tests.fakes.lrclib import FakeLrclib
from tests.fakes.ytmusic import FakeYouTubeMusic

FIXTURES = Path(__file__).parent.parent / "fixtures"


def make_track(**values: object) -> Track:
    """Build a track with "Blinding Lights" defaults, overridden by `values`."""
    defaults: dict[str, object] = {
        "id": "0VjIjW4GlUZAMYd2vXMi3b",
        "title": "Blinding Lights",
        "artists": ["The Weeknd"],
        "duration_ms": 200_040,
        "album": "After Hours",
        "isrc": "USUG11904206",
        "explicit": False,
    }
    defaults.update(values)
    return Track(**defaults)  # type: ignore[arg-type]


def make_candidate(video_id: str, title: str, **values: object) -> MatchCandidate:
    """Build an unscored YouTube Music song candidate, overridden by `values`."""
    defaults: dict[str, object] = {
        "url": f"https://music.youtube.com/watch?v={video_id}",
        "title": title,
        "channel": None,
        "duration_s": 200.0,
        "provider": "ytmusic",
        "result_type": "song",
        "video_id": video_id,
        "artists": ["The Weeknd"],
    }
    defaults.update(values)
    return MatchCandidate(**defaults)  # type: ignore[arg-type]


@pytest.fixture
def ytmusic_fixtures() -> Path:
    return FIXTURES / "ytmusic"


@pytest.fixture
def fake_ytmusic() -> Iterator[FakeYouTubeMusic]:
    server = FakeYouTubeMusic(FIXTURES / "ytmusic" / "ytmusic-search.json")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_lrclib() -> Iterator[FakeLrclib]:
    server = FakeLrclib()
    server.start()
    yield server
    server.stop()
