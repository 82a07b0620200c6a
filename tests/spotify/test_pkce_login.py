"""Log in with Spotify end to end: the browser flow against the fake, then a resolve."""

from __future__ import annotations

import asyncio
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from spotdesk.gui import oauth
from spotdesk.model import LIKED_SONGS_ID, LinkKind, SpotifyAccess, SpotifyLink
from spotdesk.spotify.resolver import Resolver
from spotdesk.spotify.user_auth import SCOPES, load_user_token, save_user_token
from tests.fakes.spotify_api import CLIENT_ID, FakeSpotify
from tests.fakes.spotify_data import make_album, make_artist, make_track, synthetic_id
from tests.spotify.conftest import MemoryKeyring


def browser(visited: list[str]) -> Callable[[str], None]:
    """Return an `open_browser` that follows the consent page's redirect on a thread.

    The login's redirect server runs on the event loop that calls `open_browser`, so the
    visit must not block that loop.
    """

    def open_browser(url: str) -> None:
        visited.append(url)

        def visit() -> None:
            try:
                urllib.request.urlopen(url, timeout=5).read()
            except urllib.error.HTTPError:
                pass  # the redirect server's 400 page for a failed login

        threading.Thread(target=visit, daemon=True).start()

    return open_browser


def log_in(fake: FakeSpotify, visited: list[str]) -> oauth.UserToken:
    login = oauth.PkceLogin(fake.base_url, CLIENT_ID, port=0, timeout=10)
    return asyncio.run(login.run(browser(visited)))


def test_login_through_fake_accounts(fake_spotify: FakeSpotify) -> None:
    visited: list[str] = []

    token = log_in(fake_spotify, visited)

    assert fake_spotify.accounts.scopes_of(token.access_token) == frozenset(SCOPES)
    assert token.refresh_token
    assert token.client_id == CLIENT_ID
    assert token.scopes == frozenset(SCOPES)
    query = parse_qs(urlsplit(visited[0]).query)
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")
    assert not query["redirect_uri"][0].endswith(":0/callback")
    form = fake_spotify.accounts.token_forms[0]
    assert form["grant_type"] == "authorization_code"
    assert "client_secret" not in form


def test_denied_login_fails(fake_spotify: FakeSpotify) -> None:
    fake_spotify.accounts.deny = True

    with pytest.raises(oauth.LoginFailed, match="access_denied"):
        log_in(fake_spotify, [])
    assert fake_spotify.accounts.token_forms == []


def test_fake_rejects_wrong_verifier(fake_spotify: FakeSpotify) -> None:
    challenge = oauth.code_challenge("the-verifier-the-client-kept-000000000000000")
    authorize = requests.get(
        f"{fake_spotify.base_url}/authorize",
        params={
            "client_id": CLIENT_ID,
            "response_type": "code",
            "redirect_uri": "http://127.0.0.1:9/callback",
            "code_challenge_method": "S256",
            "code_challenge": challenge,
            "state": "s",
        },
        allow_redirects=False,
        timeout=5,
    )
    code = parse_qs(urlsplit(authorize.headers["Location"]).query)["code"][0]

    response = requests.post(
        f"{fake_spotify.base_url}/api/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:9/callback",
            "client_id": CLIENT_ID,
            "code_verifier": "another-verifier-000000000000000000000000000",
        },
        timeout=5,
    )

    assert authorize.status_code == 303
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_saved_login_reads_liked_songs(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    artist = make_artist(synthetic_id("pkceart", 1), "Saved Artist")
    album = make_album(synthetic_id("pkcealb", 1), "Saved Album", [artist], total_tracks=1)
    fake_spotify.accounts.add_saved_tracks(
        [make_track(synthetic_id("pkcetrk", 1), "Saved Song", [artist], album)]
    )

    save_user_token(log_in(fake_spotify, []))
    resolver = Resolver(fake_spotify.service_urls(), None, timeout=5)
    resolution = resolver.resolve(SpotifyLink(LinkKind.LIKED, LIKED_SONGS_ID))

    assert [track.title for track in resolution.tracks] == ["Saved Song"]
    assert resolution.access is SpotifyAccess.USER
    assert load_user_token() is not None
