"""The resolver with the user's login: private playlists, refresh, and fallbacks."""

from __future__ import annotations

import logging
import time

import pytest

from spotdesk.model import LinkKind, MetadataSource, SpotifyAccess, SpotifyLink
from spotdesk.spotify.errors import NotFound
from spotdesk.spotify.resolver import Resolver
from spotdesk.spotify.user_auth import UserToken, clear_user_token, load_user_token, save_user_token
from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.spotify_data import APP_OWNER, synthetic_id
from tests.spotify.conftest import MemoryKeyring, SleepRecorder

RECORDED_ALBUM = SpotifyLink(LinkKind.ALBUM, "4MQnUDGXmHOvnsWCpzeqWT")
PRIVATE_ID = synthetic_id("priv", 1)
FOLLOWED_ID = synthetic_id("foll", 1)
OTHER_ID = synthetic_id("othr", 1)


def playlist(playlist_id: str) -> SpotifyLink:
    return SpotifyLink(LinkKind.PLAYLIST, playlist_id)


@pytest.fixture
def private_playlists(fake_spotify: FakeSpotify) -> FakeSpotify:
    """The user's own private playlist, another user's private one they follow, and a
    private one they do not follow."""
    fake_spotify.add_generated_playlist(PRIVATE_ID, 3, owner=APP_OWNER, name="Mine")
    fake_spotify.add_generated_playlist(FOLLOWED_ID, 2, owner="friend", name="Followed")
    fake_spotify.add_generated_playlist(OTHER_ID, 2, owner="stranger", name="Hidden")
    for playlist_id in (PRIVATE_ID, FOLLOWED_ID, OTHER_ID):
        fake_spotify.catalog.playlists[playlist_id].public = False
    fake_spotify.accounts.follow(FOLLOWED_ID)
    return fake_spotify


def make_resolver(fake: FakeSpotify, sleeps: SleepRecorder, *, credentials: bool) -> Resolver:
    return Resolver(
        fake.service_urls(),
        fake.credentials if credentials else None,
        sleep=sleeps,
        timeout=5,
    )


def test_private_playlist_read_with_login(
    private_playlists: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    resolver = make_resolver(private_playlists, sleeps, credentials=True)

    resolution = resolver.resolve(playlist(PRIVATE_ID))

    assert resolution.name == "Mine"
    assert len(resolution.tracks) == 3
    assert resolution.access is SpotifyAccess.USER
    assert resolution.source is MetadataSource.WEB_API
    assert private_playlists.calls["/api/token"] == 0  # no client credentials token needed


def test_followed_private_playlist_read(
    private_playlists: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    resolution = make_resolver(private_playlists, sleeps, credentials=True).resolve(
        playlist(FOLLOWED_ID)
    )

    assert resolution.name == "Followed"
    assert resolution.owner == "Friend"
    assert resolution.access is SpotifyAccess.USER


def test_private_playlist_forbidden_for_app(
    private_playlists: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    resolver = make_resolver(private_playlists, sleeps, credentials=True)

    with pytest.raises(NotFound) as caught:
        resolver.resolve(playlist(PRIVATE_ID))

    assert "spotify.forbidden" in caught.value.message
    assert "Log in with Spotify" in caught.value.message
    assert private_playlists.calls[f"/v1/playlists/{PRIVATE_ID}"] == 1


def test_unfollowed_private_playlist_not_found(
    private_playlists: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    resolver = make_resolver(private_playlists, sleeps, credentials=True)

    with pytest.raises(NotFound, match="is private or does not exist"):
        resolver.resolve(playlist(OTHER_ID))

    # The login was tried first, then the app credentials, then the public page.
    assert private_playlists.calls[f"/v1/playlists/{OTHER_ID}"] == 2
    assert private_playlists.calls[f"/embed/playlist/{OTHER_ID}"] == 1


def test_login_works_without_credentials(
    private_playlists: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    resolver = make_resolver(private_playlists, sleeps, credentials=False)

    resolution = resolver.resolve(RECORDED_ALBUM)

    assert len(resolution.tracks) == 16
    assert any(track.isrc for track in resolution.tracks)  # the Web API, not public pages
    assert resolution.access is SpotifyAccess.USER


def test_access_recorded_per_mode(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    app = make_resolver(fake_spotify, sleeps, credentials=True).resolve(RECORDED_ALBUM)
    public = make_resolver(fake_spotify, sleeps, credentials=False).resolve(RECORDED_ALBUM)

    assert app.access is SpotifyAccess.APP
    assert public.access is SpotifyAccess.PUBLIC
    assert app.to_dict()["access"] == "app"


def test_expired_token_refreshed_and_saved(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    token = fake_spotify.accounts.user_token(expires_in=-5)
    save_user_token(token)

    resolution = make_resolver(fake_spotify, sleeps, credentials=False).resolve(RECORDED_ALBUM)

    assert resolution.access is SpotifyAccess.USER
    assert fake_spotify.calls["/api/token"] == 1
    saved = load_user_token()
    assert saved is not None
    assert saved.access_token != token.access_token
    assert saved.expires_at > time.time() + 3000


def test_rejected_access_token_refreshed_once(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    fake_spotify.accounts.expire_access_tokens()  # revoked early, before its expiry time

    resolution = make_resolver(fake_spotify, sleeps, credentials=False).resolve(RECORDED_ALBUM)

    assert resolution.access is SpotifyAccess.USER
    assert fake_spotify.calls["/api/token"] == 1


def test_revoked_login_falls_back_to_app(
    fake_spotify: FakeSpotify,
    logged_in: UserToken,
    sleeps: SleepRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_spotify.accounts.revoke_login()
    resolver = make_resolver(fake_spotify, sleeps, credentials=True)

    resolution = resolver.resolve(RECORDED_ALBUM)

    assert resolution.access is SpotifyAccess.APP
    assert len(resolution.tracks) == 16
    assert resolver.login_problem is not None
    assert resolver.login_problem.code == "spotify.login_expired"
    assert "Log in with Spotify again" in caplog.text
    assert load_user_token() is None


def test_revoked_login_falls_back_to_public(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    fake_spotify.accounts.revoke_login()
    resolver = make_resolver(fake_spotify, sleeps, credentials=False)

    resolution = resolver.resolve(RECORDED_ALBUM)

    assert resolution.access is SpotifyAccess.PUBLIC
    assert resolution.source is MetadataSource.PUBLIC_PAGE


def test_revoked_login_private_playlist_message(
    private_playlists: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    private_playlists.accounts.revoke_login()
    resolver = make_resolver(private_playlists, sleeps, credentials=True)

    with pytest.raises(NotFound) as caught:
        resolver.resolve(playlist(PRIVATE_ID))

    assert "Log in with Spotify again" in caught.value.message
    assert "spotify.login_expired" in caught.value.message


def test_ended_login_not_retried(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    # A login without a refresh token cannot be renewed, so it stays in the keyring.
    token = fake_spotify.accounts.user_token(expires_in=-5)
    save_user_token(UserToken(token.access_token, None, token.expires_at, token.scope))
    resolver = make_resolver(fake_spotify, sleeps, credentials=True)

    first = resolver.resolve(RECORDED_ALBUM)
    second = resolver.resolve(SpotifyLink(LinkKind.TRACK, "1t2qKa8K72IBC8yQlhD9bU"))

    assert first.access is SpotifyAccess.APP
    assert second.access is SpotifyAccess.APP
    assert "cannot be renewed" in str(resolver.login_problem)


def test_login_after_start_picked_up(
    private_playlists: FakeSpotify, memory_keyring: MemoryKeyring, sleeps: SleepRecorder
) -> None:
    resolver = make_resolver(private_playlists, sleeps, credentials=True)
    assert resolver.resolve(RECORDED_ALBUM).access is SpotifyAccess.APP

    save_user_token(private_playlists.accounts.user_token())

    assert resolver.resolve(playlist(PRIVATE_ID)).access is SpotifyAccess.USER


def test_logout_picked_up(
    private_playlists: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    resolver = make_resolver(private_playlists, sleeps, credentials=True)
    assert resolver.resolve(playlist(FOLLOWED_ID)).access is SpotifyAccess.USER

    clear_user_token()

    with pytest.raises(NotFound):
        resolver.resolve(playlist(PRIVATE_ID))


def test_token_store_none_ignores_login(
    private_playlists: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    resolver = Resolver(
        private_playlists.service_urls(), None, token_store=None, sleep=sleeps, timeout=5
    )

    resolution = resolver.resolve(RECORDED_ALBUM)

    assert resolution.access is SpotifyAccess.PUBLIC
    assert private_playlists.api_calls() == 0


def test_public_playlist_cached_for_app(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    # Results read with the login are Web API results, so the app's resolvers reuse them.
    cache_owner = make_resolver(fake_spotify, sleeps, credentials=True)
    cache_owner.resolve(RECORDED_ALBUM)
    fake_spotify.reset_calls()
    clear_user_token()

    again = Resolver(
        fake_spotify.service_urls(), fake_spotify.credentials, cache_owner.cache, timeout=5
    ).resolve(RECORDED_ALBUM)

    assert again.access is SpotifyAccess.USER
    assert fake_spotify.api_calls() == 0


def test_user_token_not_logged(
    fake_spotify: FakeSpotify,
    logged_in: UserToken,
    sleeps: SleepRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    make_resolver(fake_spotify, sleeps, credentials=False).resolve(RECORDED_ALBUM)

    assert logged_in.access_token not in caplog.text
    assert "Bearer ***" in caplog.text


def test_batch_refusal_shared_with_app(
    fake_spotify: FakeSpotify, logged_in: UserToken, sleeps: SleepRecorder
) -> None:
    first = fake_spotify.add_generated_album(synthetic_id("lbat", 1), 2)
    second = fake_spotify.add_generated_album(synthetic_id("lbat", 2), 2)
    resolver = make_resolver(fake_spotify, sleeps, credentials=True)
    assert resolver.resolve(SpotifyLink(LinkKind.ALBUM, first)).access is SpotifyAccess.USER

    clear_user_token()
    resolution = resolver.resolve(SpotifyLink(LinkKind.ALBUM, second))

    assert resolution.access is SpotifyAccess.APP
    assert fake_spotify.calls["/v1/tracks"] == 1
