"""`spotdesk match` as a subprocess, against the Spotify and YouTube Music loopback fakes.

Every run passes `--provider ytmusic`: the YouTube fallback searches youtube.com through
yt-dlp, which has no loopback stand-in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.spotify_data import make_album, make_artist, make_track, synthetic_id
from tests.fakes.ytmusic import FakeYouTubeMusic, list_item, shelf_response

NOBODY_ELSE_ID = synthetic_id("nobodyelse", 1)
KARAOKE_ONLY_ID = synthetic_id("karaokeonly", 1)
MISSING_ID = synthetic_id("missing", 1)
PAIR_ALBUM_ID = synthetic_id("pairalbum", 1)
RECORDED_VIDEO_ID = "nfyk-V5CoIE"
# Candidate URLs are built from this prefix; nothing is ever requested from it.
WATCH_URL = "http://127.0.0.1:9/ytmusic-watch?v="


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    fake = FakeSpotify(load_recordings=False)
    artist = make_artist(synthetic_id("abstrakt", 1), "Abstrakt")
    album = make_album(synthetic_id("nobodyalbum", 1), "Nobody Else", [artist])
    nobody_else = make_track(
        NOBODY_ELSE_ID, "Nobody Else", [artist], album, duration_ms=163_000, isrc="GB2LD2210007"
    )
    fake.add_album(album, [nobody_else])

    singer = make_artist(synthetic_id("singer", 1), "Singer")
    other_album = make_album(synthetic_id("otheralbum", 1), "Other", [singer])
    karaoke_only = make_track(
        KARAOKE_ONLY_ID, "Quiet Song", [singer], other_album, duration_ms=180_000, isrc=None
    )
    fake.add_album(other_album, [karaoke_only])

    duo = make_artist(synthetic_id("duo", 1), "Duo")
    pair_album = make_album(PAIR_ALBUM_ID, "Two Songs", [duo])
    first = make_track(synthetic_id("first", 1), "First Song", [duo], pair_album, isrc=None)
    second = make_track(
        synthetic_id("second", 1), "Second Song", [duo], pair_album, track_number=2, isrc=None
    )
    fake.add_album(pair_album, [first, second])
    with fake:
        yield fake


def run_match(
    spotify: FakeSpotify, ytmusic: FakeYouTubeMusic, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **spotify.env, **spotify.credential_env, **ytmusic.urls}
    env["SPOTDESK_YTMUSIC_WATCH_URL"] = WATCH_URL
    return subprocess.run(
        [sys.executable, "-m", "spotdesk", "match", "--provider", "ytmusic", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def only_track(document: dict[str, Any]) -> dict[str, Any]:
    tracks = [track for link in document["links"] for track in link["tracks"]]
    assert len(tracks) == 1
    return tracks[0]


def track_url(track_id: str) -> str:
    return f"https://open.spotify.com/track/{track_id}"


def test_json_names_chosen_audio(spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic) -> None:
    result = run_match(spotify, fake_ytmusic, track_url(NOBODY_ELSE_ID), "--json")
    assert result.returncode == 0, result.stderr
    track = only_track(json.loads(result.stdout))
    assert track["chosen_url"] == f"{WATCH_URL}{RECORDED_VIDEO_ID}"
    assert track["confidence"] >= 0.85
    assert track["needs_review"] is False
    assert "found by ISRC" in track["reasons"]
    assert track["candidates"][0]["video_id"] == RECORDED_VIDEO_ID
    assert track["track"]["isrc"] == "GB2LD2210007"


def test_text_output(spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic) -> None:
    result = run_match(spotify, fake_ytmusic, track_url(NOBODY_ELSE_ID))
    assert result.returncode == 0, result.stderr
    assert f"-> {WATCH_URL}{RECORDED_VIDEO_ID}" in result.stdout
    assert "Abstrakt - Nobody Else [2:43]" in result.stdout
    assert "1 track: 1 matched, 0 need review, 0 failed" in result.stdout


def test_doubtful_match_needs_review(spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic) -> None:
    karaoke = list_item("karaoke0001", "Quiet Song (Karaoke Version)", ["Sing King"], "3:00")
    fake_ytmusic.add_response("Singer Quiet Song", shelf_response("Songs", [karaoke]), "songs")
    result = run_match(spotify, fake_ytmusic, track_url(KARAOKE_ONLY_ID), "--json")
    assert result.returncode == 0, result.stderr
    track = only_track(json.loads(result.stdout))
    assert track["chosen_url"] is None
    assert track["needs_review"] is True
    assert "unrequested karaoke" in track["reasons"]
    assert [candidate["video_id"] for candidate in track["candidates"]] == ["karaoke0001"]


def test_manual_pair_skips_search(spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic) -> None:
    audio = "https://www.youtube.com/watch?v=chosen00001"
    result = run_match(spotify, fake_ytmusic, f"{audio}|{track_url(NOBODY_ELSE_ID)}", "--json")
    assert result.returncode == 0, result.stderr
    track = only_track(json.loads(result.stdout))
    assert track["chosen_url"] == audio
    assert track["reasons"] == ["chosen by user"]
    assert fake_ytmusic.requests == []


def test_invalid_input_is_usage_error(spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic) -> None:
    result = run_match(spotify, fake_ytmusic, "https://example.com/not-spotify")
    assert result.returncode == 2
    assert "is not a Spotify link" in result.stderr


def test_unknown_track_fails_alone(spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic) -> None:
    result = run_match(
        spotify, fake_ytmusic, track_url(MISSING_ID), track_url(NOBODY_ELSE_ID), "--json"
    )
    assert result.returncode == 1
    document = json.loads(result.stdout)
    missing, found = document["links"]
    assert missing["error"]["code"] == "spotify.not_found"
    assert found["tracks"][0]["chosen_url"] is not None
    assert document["summary"]["links_failed"] == 1


def test_search_failure_reported(spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic) -> None:
    fake_ytmusic.fail("GB2LD2210007", 500)
    result = run_match(spotify, fake_ytmusic, track_url(NOBODY_ELSE_ID), "--json")
    assert result.returncode == 1
    track = only_track(json.loads(result.stdout))
    assert track["error"]["code"] == "search.failed"
    assert track["chosen_url"] is None


def test_failing_track_does_not_stop_album(
    spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic
) -> None:
    fake_ytmusic.fail("Duo First Song", 503, filter="songs")
    second = list_item("second00001", "Second Song", ["Duo"], "3:20", album="Two Songs")
    fake_ytmusic.add_response("Duo Second Song", shelf_response("Songs", [second]), "songs")
    album_url = f"https://open.spotify.com/album/{PAIR_ALBUM_ID}"

    result = run_match(spotify, fake_ytmusic, album_url, "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    first, second_track = document["links"][0]["tracks"]
    assert first["error"]["code"] == "search.failed"
    assert second_track["chosen_url"] == f"{WATCH_URL}second00001"
    assert second_track["position"] == 2
    assert document["summary"] == {
        "tracks": 2,
        "matched": 1,
        "needs_review": 0,
        "failed": 1,
        "links_failed": 0,
    }


def test_album_text_output(spotify: FakeSpotify, fake_ytmusic: FakeYouTubeMusic) -> None:
    album_url = f"https://open.spotify.com/album/{PAIR_ALBUM_ID}"
    result = run_match(spotify, fake_ytmusic, album_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Two Songs (album) {album_url}")
    assert "needs review: no candidates found" in result.stdout
    assert "2 tracks: 0 matched, 2 need review, 0 failed" in result.stdout
    assert "matching 2/2: Second Song" in result.stderr
