"""Liked Songs: read from /me/tracks with the user's login, page by page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spotdesk.cli.main import build_parser
from spotdesk.model import LIKED_SONGS_ID, LinkKind, SpotifyAccess, SpotifyLink
from spotdesk.spotify.errors import LoginExpired, LoginRequired
from spotdesk.spotify.resolver import Resolver
from spotdesk.spotify.user_auth import (
    KEYRING_SERVICE,
    KEYRING_TOKEN_USER,
    UserToken,
    save_user_token,
)
from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.spotify_data import (
    make_album,
    make_artist,
    make_local_file,
    make_track,
    synthetic_id,
)
from tests.spotify.conftest import MemoryKeyring, SleepRecorder
from tests.spotify.file_keyring import BACKEND_NAME, FILE_ENV

ROOT = Path(__file__).resolve().parents[2]

LIKED = SpotifyLink(LinkKind.LIKED, LIKED_SONGS_ID)
LIKED_URL = "https://open.spotify.com/collection/tracks"


def saved_tracks(count: int) -> list[dict]:
    artist = make_artist(synthetic_id("likeart", 1), "Liked Artist")
    album = make_album(synthetic_id("likealb", 1), "Liked Album", [artist], total_tracks=count)
    return [
        make_track(
            synthetic_id("liked", number),
            f"Liked {number}",
            [artist],
            album,
            track_number=number,
            isrc=f"QZLIK{number:07d}",
        )
        for number in range(1, count + 1)
    ]


def make_resolver(fake: FakeSpotify, sleeps: SleepRecorder) -> Resolver:
    return Resolver(fake.service_urls(), fake.credentials, sleep=sleeps, timeout=5)


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    return int(args.run(args))


def test_liked_songs_follow_pages(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    fake_spotify.accounts.add_saved_tracks(saved_tracks(120))

    resolution = make_resolver(fake_spotify, sleeps).resolve(LIKED)

    assert [track.title for track in resolution.tracks] == [f"Liked {n}" for n in range(1, 121)]
    assert resolution.total == 120
    assert resolution.name == "Liked Songs"
    assert resolution.owner == "Example User"
    assert resolution.access is SpotifyAccess.USER
    assert resolution.tracks[0].isrc == "QZLIK0000001"
    assert fake_spotify.calls["/v1/me/tracks"] == 3  # 50 + 50 + 20


def test_liked_songs_skip_unusable_entries(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    tracks = saved_tracks(2)
    fake_spotify.accounts.add_saved_tracks([tracks[0], make_local_file("Home Demo"), tracks[1]])

    resolution = make_resolver(fake_spotify, sleeps).resolve(LIKED)

    assert [track.title for track in resolution.tracks] == ["Liked 1", "Liked 2"]
    assert [(entry.position, entry.reason) for entry in resolution.skipped] == [
        (2, "local_file")
    ]


def test_empty_liked_songs(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    resolution = make_resolver(fake_spotify, sleeps).resolve(LIKED)

    assert resolution.tracks == []
    assert resolution.total == 0


def test_liked_songs_never_cached(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    resolver = make_resolver(fake_spotify, sleeps)
    fake_spotify.accounts.add_saved_tracks(saved_tracks(1))
    resolver.resolve(LIKED)

    fake_spotify.accounts.add_saved_tracks(saved_tracks(2)[1:])
    resolution = resolver.resolve(LIKED)

    assert len(resolution.tracks) == 2
    assert fake_spotify.calls["/v1/me/tracks"] == 2


def test_liked_songs_need_login(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    with pytest.raises(LoginRequired) as caught:
        make_resolver(fake_spotify, sleeps).resolve(LIKED)

    assert caught.value.code == "spotify.login_required"
    assert "Liked Songs need Log in with Spotify" in caught.value.message
    assert fake_spotify.total_calls == 0


def test_liked_songs_revoked_login(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    save_user_token(fake_spotify.accounts.user_token(expires_in=-5))
    fake_spotify.accounts.revoke_login()

    with pytest.raises(LoginExpired) as caught:
        make_resolver(fake_spotify, sleeps).resolve(LIKED)

    assert caught.value.code == "spotify.login_expired"
    assert "Log in with Spotify again" in caught.value.message
    assert fake_spotify.calls["/v1/me/tracks"] == 0


def test_liked_songs_after_ended_login(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    save_user_token(fake_spotify.accounts.user_token(expires_in=-5))
    fake_spotify.accounts.revoke_login()
    resolver = make_resolver(fake_spotify, sleeps)
    resolver.resolve(SpotifyLink(LinkKind.ALBUM, "4MQnUDGXmHOvnsWCpzeqWT"))  # ends the login

    with pytest.raises(LoginExpired, match="Log in with Spotify again"):
        resolver.resolve(LIKED)


def test_liked_songs_without_library_scope(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    save_user_token(fake_spotify.accounts.user_token(scopes=("playlist-read-private",)))

    with pytest.raises(LoginRequired, match="does not allow spotdesk to read Liked Songs"):
        make_resolver(fake_spotify, sleeps).resolve(LIKED)
    assert fake_spotify.calls["/v1/me/tracks"] == 0


def test_liked_songs_forbidden_by_spotify(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    # A login saved without a scope list is tried, and Spotify rejects it.
    token = fake_spotify.accounts.user_token(scopes=("playlist-read-private",))
    save_user_token(UserToken(token.access_token, token.refresh_token, token.expires_at, ""))

    with pytest.raises(LoginRequired, match="HTTP 403"):
        make_resolver(fake_spotify, sleeps).resolve(LIKED)


def test_cli_resolves_liked_songs(
    fake_spotify: FakeSpotify,
    logged_in: UserToken,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in fake_spotify.env.items():
        monkeypatch.setenv(name, value)
    fake_spotify.accounts.add_saved_tracks(saved_tracks(3))

    assert main(["resolve", "--json", "spotify:user:exampleuser00:collection"]) == 0

    document = json.loads(capsys.readouterr().out)
    resolution = document["resolutions"][0]
    assert resolution["link"] == {"kind": "liked", "id": LIKED_SONGS_ID}
    assert [track["title"] for track in resolution["tracks"]] == ["Liked 1", "Liked 2", "Liked 3"]
    assert resolution["access"] == "user"


def test_cli_liked_songs_text(
    fake_spotify: FakeSpotify,
    logged_in: UserToken,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in fake_spotify.env.items():
        monkeypatch.setenv(name, value)
    fake_spotify.accounts.add_saved_tracks(saved_tracks(1))

    assert main(["resolve", LIKED_URL]) == 0

    output = capsys.readouterr().out
    assert "Liked: Liked Songs by Example User (1 tracks; source web_api)" in output
    assert f"link: {LIKED_URL}" in output


def test_cli_liked_songs_without_login(
    fake_spotify: FakeSpotify,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in {**fake_spotify.env, **fake_spotify.credential_env}.items():
        monkeypatch.setenv(name, value)

    assert main(["resolve", "--json", LIKED_URL]) == 1

    captured = capsys.readouterr()
    assert "Liked Songs need Log in with Spotify" in captured.err
    assert json.loads(captured.out)["failed"][0]["code"] == "spotify.login_required"


def test_cli_subprocess_without_login(fake_spotify: FakeSpotify) -> None:
    env = {**os.environ, **fake_spotify.env, **fake_spotify.credential_env}
    result = subprocess.run(
        [sys.executable, "-m", "spotdesk", "resolve", "spotify:collection:tracks"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )

    assert result.returncode == 1
    assert "Liked Songs need Log in with Spotify" in result.stderr
    assert fake_spotify.total_calls == 0


def test_cli_subprocess_with_login(fake_spotify: FakeSpotify, tmp_path: Path) -> None:
    keyring_file = tmp_path / "keyring.json"
    token = fake_spotify.accounts.user_token(expires_in=-5)  # the command must refresh it
    keyring_file.write_text(
        json.dumps({f"{KEYRING_SERVICE}/{KEYRING_TOKEN_USER}": token.to_json()}),
        encoding="utf-8",
    )
    fake_spotify.accounts.add_saved_tracks(saved_tracks(2))
    env = {
        **os.environ,
        **fake_spotify.env,
        "PYTHON_KEYRING_BACKEND": BACKEND_NAME,
        FILE_ENV: str(keyring_file),
    }

    result = subprocess.run(
        [sys.executable, "-m", "spotdesk", "resolve", "--json", LIKED_URL],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )

    assert result.returncode == 0, result.stderr
    tracks = json.loads(result.stdout)["resolutions"][0]["tracks"]
    assert [track["title"] for track in tracks] == ["Liked 1", "Liked 2"]
    stored = json.loads(keyring_file.read_text(encoding="utf-8"))
    saved = UserToken.from_json(stored[f"{KEYRING_SERVICE}/{KEYRING_TOKEN_USER}"])
    assert saved.access_token != token.access_token
    assert token.access_token not in result.stderr


def test_liked_songs_page_rate_limit_waited(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    fake_spotify.accounts.add_saved_tracks(saved_tracks(60))
    fake_spotify.fail("/v1/me/tracks", 429, times=1, retry_after=3)

    resolution = make_resolver(fake_spotify, sleeps).resolve(LIKED)

    assert len(resolution.tracks) == 60
    assert sleeps.waits == [3.0]


def test_liked_songs_short_total_not_listed(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    fake_spotify.accounts.add_saved_tracks(saved_tracks(2))
    page = {"items": fake_spotify.accounts.saved, "total": 5, "next": None}
    fake_spotify.fail("/v1/me/tracks", 200, body=page)

    resolution = make_resolver(fake_spotify, sleeps).resolve(LIKED)

    assert len(resolution.tracks) == 2
    assert [(entry.reason, entry.count) for entry in resolution.skipped] == [("not_listed", 3)]
