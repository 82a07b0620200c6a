"""`spotdesk resolve`: output, JSON and exit statuses, against the loopback fake."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from spotdesk.cli.main import build_parser
from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.spotify_data import synthetic_id

TRACK_URL = "https://open.spotify.com/track/1t2qKa8K72IBC8yQlhD9bU"
ALBUM_URL = "https://open.spotify.com/album/4MQnUDGXmHOvnsWCpzeqWT"
PLAYLIST_URL = "https://open.spotify.com/playlist/5LkNhFidYyyjRWwnkcMbQs"


def main(argv: list[str]) -> int:
    """Run a command in-process without the logging set-up that `cli.main.main` adds."""
    args = build_parser().parse_args(argv)
    return int(args.run(args))


@pytest.fixture
def cli_env(fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> FakeSpotify:
    for name, value in {**fake_spotify.env, **fake_spotify.credential_env}.items():
        monkeypatch.setenv(name, value)
    return fake_spotify


def test_track_printed(cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", TRACK_URL]) == 0
    output = capsys.readouterr().out
    assert "Dirty Palm; Chandler Jewels - Ropes [3:08]" in output
    assert "album Ropes" in output
    assert "disc 1" in output
    assert "track 1/1" in output
    assert "ISRC GB2LD2110301" in output
    assert "source web_api" in output
    assert "cover https://i.scdn.co/image/ab67616d0000b273fe2cb38e4d2412dbb0e54332" in output


def test_playlist_lists_skipped(cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", PLAYLIST_URL]) == 0
    output = capsys.readouterr().out
    assert "Playlist: Top 10 NCS Songs Episode 2 by Example User (9 tracks, 1 skipped" in output
    assert "skipped entry 1: unavailable" in output


def test_json_output(cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "--json", TRACK_URL, ALBUM_URL]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [item["name"] for item in document["resolutions"]] == ["Ropes", "NCS: The Best of 2017"]
    assert document["resolutions"][0]["tracks"][0]["isrc"] == "GB2LD2110301"
    assert document["failed"] == []
    assert document["invalid"] == []


def test_missing_object_exits_one(cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    missing = f"https://open.spotify.com/track/{synthetic_id('none', 1)}"
    assert main(["resolve", TRACK_URL, missing]) == 1
    captured = capsys.readouterr()
    assert "Ropes" in captured.out
    assert "Spotify has no track" in captured.err


def test_not_listed_entries_exit_one(
    cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fakes.spotify_data import make_album, make_artist, make_track

    artist = make_artist(synthetic_id("art", 1), "Short")
    album = make_album(synthetic_id("alb", 1), "Gaps", [artist])
    track = make_track(synthetic_id("trk", 1), "Only", [artist], album)
    cli_env.add_album(album, [track], total=3)
    assert main(["resolve", f"spotify:album:{album['id']}"]) == 1
    assert "skipped 2 entries: not_listed" in capsys.readouterr().out


def test_invalid_argument_exits_two(
    cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resolve", TRACK_URL, "https://example.com/x"]) == 2
    captured = capsys.readouterr()
    assert "Ropes" in captured.out
    assert "is not a Spotify link" in captured.err


def test_podcast_exits_two(cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "https://open.spotify.com/episode/1t2qKa8K72IBC8yQlhD9bU"]) == 2
    assert "podcasts are not supported yet" in capsys.readouterr().err


def test_no_arguments_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["resolve"])
    assert caught.value.code == 2


def test_rate_limit_prints_lift_time(
    cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_env.fail("/v1/tracks/.*", 429, retry_after=7200)
    assert main(["resolve", "--json", TRACK_URL]) == 1
    captured = capsys.readouterr()
    assert "requests are accepted again at" in captured.err
    assert "in 2 h 0 min" in captured.err
    failed = json.loads(captured.out)["failed"][0]
    assert failed["code"] == "spotify.rate_limited"
    assert failed["retry_after"] == 7200


def test_public_flag_skips_api(cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "--public", TRACK_URL]) == 0
    assert "source public_page" in capsys.readouterr().out
    assert cli_env.api_calls() == 0


def test_manual_pair_resolved(cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", f"https://media.example/a.mp3|{TRACK_URL}"]) == 0
    assert "manual audio: https://media.example/a.mp3" in capsys.readouterr().out


def test_command_runs_as_subprocess(fake_spotify: FakeSpotify) -> None:
    env = {**os.environ, **fake_spotify.env, **fake_spotify.credential_env}
    result = subprocess.run(
        [sys.executable, "-m", "spotdesk", "resolve", "--json", ALBUM_URL],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["resolutions"][0]["tracks"]) == 16


def test_short_link_resolved(cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.short_links["Ab12"] = f"{ALBUM_URL}?si=share"
    assert main(["resolve", "https://spotify.link/Ab12"]) == 0
    assert "Album: NCS: The Best of 2017" in capsys.readouterr().out


def test_broken_short_link_exits_two(
    cli_env: FakeSpotify, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["resolve", "https://spotify.link/Missing"]) == 2
    assert "did not lead to a Spotify link" in capsys.readouterr().err
