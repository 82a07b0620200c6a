"""The user's login in the keyring, and its refresh at the fake accounts token endpoint."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from spotdesk.spotify.errors import LoginExpired, SpotifyUnavailable
from spotdesk.spotify.user_auth import (
    KEYRING_SERVICE,
    KEYRING_TOKEN_USER,
    KEYRING_TOKENS,
    SCOPES,
    UserSession,
    UserToken,
    clear_user_token,
    load_user_token,
    refresh_user_token,
    save_user_token,
)
from tests.fakes.spotify_api import CLIENT_ID, FakeSpotify
from tests.spotify.conftest import MemoryKeyring

CLOSED_ACCOUNTS = "http://127.0.0.1:9"


def expired(token: UserToken) -> UserToken:
    return UserToken(
        token.access_token, token.refresh_token, time.time() - 10, token.scope, token.client_id
    )


def session_for(fake: FakeSpotify, token: UserToken) -> UserSession:
    return UserSession(fake.base_url, token, KEYRING_TOKENS, timeout=5)


def test_token_saved_and_loaded(memory_keyring: MemoryKeyring) -> None:
    token = UserToken("access-1", "refresh-1", 1234.5, " ".join(SCOPES), CLIENT_ID)

    save_user_token(token)

    assert load_user_token() == token
    assert (KEYRING_SERVICE, KEYRING_TOKEN_USER) in memory_keyring.passwords


def test_token_cleared(memory_keyring: MemoryKeyring) -> None:
    save_user_token(UserToken("access-1", "refresh-1", 1.0, "", CLIENT_ID))

    clear_user_token()
    clear_user_token()  # clearing nothing is fine

    assert load_user_token() is None
    assert memory_keyring.passwords == {}


def test_token_without_client_id_loads(memory_keyring: MemoryKeyring) -> None:
    # Logins saved before the client id was recorded lack the key.
    stored = '{"access_token": "a", "refresh_token": "r", "expires_at": 5, "scope": "s"}'
    memory_keyring.passwords[(KEYRING_SERVICE, KEYRING_TOKEN_USER)] = stored

    token = load_user_token()

    assert token == UserToken("a", "r", 5.0, "s", "")


@pytest.mark.parametrize("stored", ["not json", "[]", '{"refresh_token": "r"}'])
def test_unreadable_token_means_logged_out(
    memory_keyring: MemoryKeyring, stored: str, caplog: pytest.LogCaptureFixture
) -> None:
    memory_keyring.passwords[(KEYRING_SERVICE, KEYRING_TOKEN_USER)] = stored

    assert load_user_token() is None
    assert "unreadable" in caplog.text


def test_null_keyring_means_logged_out() -> None:
    # tests/conftest.py selects keyring's null backend, which stores nothing.
    save_user_token(UserToken("access-1", "refresh-1", 1.0, "", CLIENT_ID))

    assert load_user_token() is None


def test_repr_hides_tokens() -> None:
    text = repr(UserToken("access-secret", "refresh-secret", 1.0, "scope", CLIENT_ID))

    assert "access-secret" not in text
    assert "refresh-secret" not in text
    assert CLIENT_ID in text


def test_refresh_sends_client_id_only(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.accounts.user_token()

    fresh = refresh_user_token(fake_spotify.base_url, token, CLIENT_ID, timeout=5)

    form = fake_spotify.accounts.token_forms[-1]
    assert form["grant_type"] == "refresh_token"
    assert form["refresh_token"] == token.refresh_token
    assert form["client_id"] == CLIENT_ID
    assert "client_secret" not in form
    assert fresh.access_token != token.access_token
    assert fresh.client_id == CLIENT_ID
    assert fresh.scopes == frozenset(SCOPES)


def test_refresh_keeps_refresh_token_not_returned(fake_spotify: FakeSpotify) -> None:
    fake_spotify.accounts.rotate_refresh_tokens = False
    token = fake_spotify.accounts.user_token()

    fresh = refresh_user_token(fake_spotify.base_url, token, CLIENT_ID, timeout=5)

    assert fresh.refresh_token == token.refresh_token


def test_revoked_refresh_raises_login_expired(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.accounts.user_token()
    fake_spotify.accounts.revoke_login()

    with pytest.raises(LoginExpired) as caught:
        refresh_user_token(fake_spotify.base_url, token, CLIENT_ID, timeout=5)

    assert "invalid_grant" in caught.value.message
    assert "Log in with Spotify again" in caught.value.message
    assert caught.value.code == "spotify.login_expired"


def test_wrong_client_id_raises_login_expired(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.accounts.user_token()

    with pytest.raises(LoginExpired, match="invalid_client"):
        refresh_user_token(fake_spotify.base_url, token, "another-app", timeout=5)


def test_missing_refresh_token_raises(fake_spotify: FakeSpotify) -> None:
    token = UserToken("access-1", None, 1.0, "", CLIENT_ID)

    with pytest.raises(LoginExpired, match="cannot be renewed"):
        refresh_user_token(fake_spotify.base_url, token, CLIENT_ID, timeout=5)
    assert fake_spotify.calls["/api/token"] == 0


def test_missing_client_id_raises(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.accounts.user_token(client_id="")

    with pytest.raises(LoginExpired, match="does not name the app"):
        refresh_user_token(fake_spotify.base_url, token, "", timeout=5)


def test_token_endpoint_down_is_unavailable(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.accounts.user_token()
    fake_spotify.fail("/api/token", 503)

    with pytest.raises(SpotifyUnavailable, match="HTTP 503"):
        refresh_user_token(fake_spotify.base_url, token, CLIENT_ID, timeout=5)


def test_unreachable_accounts_is_unavailable(fake_spotify: FakeSpotify) -> None:
    token = fake_spotify.accounts.user_token()

    with pytest.raises(SpotifyUnavailable, match="could not be reached"):
        refresh_user_token(CLOSED_ACCOUNTS, token, CLIENT_ID, timeout=5)


def test_session_refreshes_expired_token(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    token = expired(fake_spotify.accounts.user_token())
    save_user_token(token)
    session = session_for(fake_spotify, token)

    access = session.get_access_token()

    assert access != token.access_token
    assert fake_spotify.accounts.scopes_of(access) == frozenset(SCOPES)
    saved = load_user_token()
    assert saved is not None
    assert saved.access_token == access
    assert saved.refresh_token != token.refresh_token  # the fake rotates refresh tokens


def test_session_keeps_fresh_token(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    token = fake_spotify.accounts.user_token()
    session = session_for(fake_spotify, token)

    assert session.get_access_token() == token.access_token
    assert session.get_access_token() == token.access_token
    assert fake_spotify.calls["/api/token"] == 0


def test_session_refreshes_near_expiry(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    token = fake_spotify.accounts.user_token(expires_in=30)  # inside the 60 s margin
    session = session_for(fake_spotify, token)

    assert session.get_access_token() != token.access_token
    assert fake_spotify.calls["/api/token"] == 1


def test_invalidated_session_refreshes(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    token = fake_spotify.accounts.user_token()
    session = session_for(fake_spotify, token)

    session.invalidate()

    assert session.get_access_token() != token.access_token
    assert fake_spotify.calls["/api/token"] == 1


def test_session_adopts_token_renewed_elsewhere(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    old = expired(fake_spotify.accounts.user_token())
    newer = fake_spotify.accounts.user_token()
    save_user_token(newer)  # another process renewed the login meanwhile
    session = session_for(fake_spotify, old)

    assert session.get_access_token() == newer.access_token
    assert fake_spotify.calls["/api/token"] == 0


def test_session_retries_with_rotated_refresh_token(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    old = expired(fake_spotify.accounts.user_token())
    # Another process refreshed: the old refresh token is spent, and the saved token
    # carries the new one but has also expired.
    rotated = expired(refresh_user_token(fake_spotify.base_url, old, CLIENT_ID, timeout=5))
    save_user_token(rotated)
    session = session_for(fake_spotify, old)

    access = session.get_access_token()

    assert fake_spotify.accounts.scopes_of(access) is not None
    assert load_user_token().access_token == access  # type: ignore[union-attr]


def test_revoked_session_clears_stored_login(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    token = expired(fake_spotify.accounts.user_token())
    save_user_token(token)
    fake_spotify.accounts.revoke_login()
    session = session_for(fake_spotify, token)

    with pytest.raises(LoginExpired):
        session.get_access_token()

    assert load_user_token() is None
    assert "removing it from the keyring" in caplog.text


def test_revoked_session_keeps_newer_login(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    token = expired(fake_spotify.accounts.user_token())
    fake_spotify.accounts.revoke_login()
    newer = expired(UserToken("access-new", "refresh-new", 0.0, "", CLIENT_ID))
    save_user_token(newer)  # the user logged in again, but this one is revoked too
    session = session_for(fake_spotify, token)

    with pytest.raises(LoginExpired):
        session.get_access_token()

    assert load_user_token() is not None


def test_tokens_never_logged(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = expired(fake_spotify.accounts.user_token())
    session = session_for(fake_spotify, token)

    access = session.get_access_token()

    assert access not in caplog.text
    assert token.access_token not in caplog.text
    assert str(token.refresh_token) not in caplog.text


def test_concurrent_requests_refresh_once(
    fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring
) -> None:
    token = expired(fake_spotify.accounts.user_token())
    session = session_for(fake_spotify, token)
    results: list[str] = []

    threads = [
        threading.Thread(target=lambda: results.append(session.get_access_token()))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert len(results) == 8
    assert len(set(results)) == 1
    assert fake_spotify.calls["/api/token"] == 1


def test_missing_keyring_logged_once_at_info(caplog: pytest.LogCaptureFixture) -> None:
    import keyring
    from keyring.backends import fail

    from spotdesk.spotify.user_auth import KeyringTokenStore

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        tokens = KeyringTokenStore()
        with caplog.at_level("DEBUG", logger="spotdesk.spotify.user_auth"):
            assert tokens.load() is None
            assert tokens.load() is None
            tokens.clear()
    finally:
        keyring.set_keyring(previous)

    records = [record for record in caplog.records if "no system keyring" in record.getMessage()]
    assert len(records) == 1
    assert records[0].levelname == "INFO"
    assert not [record for record in caplog.records if record.levelname == "WARNING"]
