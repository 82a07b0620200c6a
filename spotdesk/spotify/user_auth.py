"""The user's own Spotify login: the token that "Log in with Spotify" produces.

The GUI runs the browser part of the Authorization Code flow with PKCE and saves the token
here, in the system keyring (never in a file). The resolver loads it, refreshes it at
`<accounts>/api/token` when it expires, and saves the refreshed token back. A PKCE client
has no secret, so a refresh sends only the client id.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import requests

from spotdesk.spotify.errors import LoginExpired, SpotifyUnavailable

log = logging.getLogger(__name__)

KEYRING_SERVICE = "spotdesk"
KEYRING_TOKEN_USER = "spotify_user_token"
# Scopes the login requests: private and collaborative playlists, and Liked Songs.
SCOPES = ("playlist-read-private", "playlist-read-collaborative", "user-library-read")
LIBRARY_SCOPE = "user-library-read"
# A token this close to its expiry is refreshed first, so it cannot expire mid-request.
EXPIRY_MARGIN_S = 60.0
LOGIN_AGAIN = "Log in with Spotify again in Settings."


@dataclass(frozen=True)
class UserToken:
    """An access token of the user's login, with what is needed to refresh it.

    `client_id` names the Spotify app that issued the token; a refresh must send the same
    one. It is empty in tokens saved before spotdesk stored it.
    """

    access_token: str
    refresh_token: str | None
    expires_at: float  # Unix time
    scope: str  # space-separated, as Spotify returns it
    client_id: str = ""

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return self.expires_at - now <= seconds

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> UserToken:
        """Parse a stored token; raise ValueError when the text is not one."""
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise ValueError("the stored Spotify login has no access token")
        return cls(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token") or None,
            expires_at=float(data.get("expires_at", 0.0)),
            scope=str(data.get("scope") or ""),
            client_id=str(data.get("client_id") or ""),
        )

    @classmethod
    def from_response(
        cls,
        body: Mapping[str, Any],
        client_id: str,
        *,
        previous: UserToken | None = None,
        now: float | None = None,
    ) -> UserToken:
        """Build a token from a token endpoint response (RFC 6749, section 5.1).

        A refresh response may omit the refresh token and the scope; the previous token's
        values are kept then.
        """
        now = time.time() if now is None else now
        access_token = body.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise ValueError("the token response contains no access token")
        refresh_token = body.get("refresh_token") or (previous.refresh_token if previous else None)
        scope = body.get("scope")
        if scope is None:
            scope = previous.scope if previous else ""
        return cls(
            access_token=access_token,
            refresh_token=refresh_token,
            expires_at=now + float(body.get("expires_in", 3600)),
            scope=str(scope),
            client_id=client_id,
        )

    def __repr__(self) -> str:
        # Keeps both tokens out of logs and tracebacks that print the object.
        return (
            f"UserToken(expires_at={self.expires_at}, scope={self.scope!r}, "
            f"client_id={self.client_id!r})"
        )


class TokenStore(Protocol):
    """Storage for the user's login between runs."""

    def load(self) -> UserToken | None: ...

    def save(self, token: UserToken) -> None: ...

    def clear(self) -> None: ...


class KeyringTokenStore:
    """Keeps the login in the system keyring under service "spotdesk".

    Keyring failures are logged, and `load` then returns None, so a broken keyring means
    "not logged in" and never stops a resolve. A system without any keyring backend, such
    as a server or a container, is common and expected, so it is logged once per process
    at info level rather than as a warning on every command.
    """

    def __init__(self) -> None:
        self._missing_backend_logged = False

    def _log_missing_backend(self, error: Exception) -> None:
        if not self._missing_backend_logged:
            self._missing_backend_logged = True
            log.info("no system keyring is available, so the Spotify login is not kept: %s", error)

    def load(self) -> UserToken | None:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError

        try:
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_TOKEN_USER)
        except NoKeyringError as error:
            self._log_missing_backend(error)
            return None
        except KeyringError as error:
            log.warning("reading the Spotify login from the keyring failed: %s", error)
            return None
        if not stored:
            return None
        try:
            return UserToken.from_json(stored)
        except (TypeError, ValueError):
            log.warning("the Spotify login stored in the keyring is unreadable; log in again")
            return None

    def save(self, token: UserToken) -> None:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, KEYRING_TOKEN_USER, token.to_json())
        except NoKeyringError as error:
            # Unlike reading, losing a new login matters to the user, so this stays a warning.
            log.warning(
                "saving the Spotify login failed: no system keyring is available: %s", error
            )
        except KeyringError as error:
            log.warning("saving the Spotify login to the keyring failed: %s", error)

    def clear(self) -> None:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

        try:
            keyring.delete_password(KEYRING_SERVICE, KEYRING_TOKEN_USER)
        except PasswordDeleteError:
            pass
        except NoKeyringError as error:
            self._log_missing_backend(error)  # nothing can be stored, so nothing to remove
        except KeyringError as error:
            log.warning("removing the Spotify login from the keyring failed: %s", error)


KEYRING_TOKENS = KeyringTokenStore()


def load_user_token() -> UserToken | None:
    return KEYRING_TOKENS.load()


def save_user_token(token: UserToken) -> None:
    KEYRING_TOKENS.save(token)


def clear_user_token() -> None:
    KEYRING_TOKENS.clear()


def refresh_user_token(
    accounts_url: str,
    token: UserToken,
    client_id: str,
    *,
    timeout: float = 15.0,
    session: requests.Session | None = None,
) -> UserToken:
    """Exchange the token's refresh token for a new token (grant_type=refresh_token).

    Raises `LoginExpired` when Spotify rejects the refresh token or the client id (HTTP 400,
    `invalid_grant` or `invalid_client`), and `SpotifyUnavailable` when the token endpoint
    cannot be reached or fails.
    """
    if not token.refresh_token:
        raise LoginExpired(f"Your Spotify login expired and cannot be renewed. {LOGIN_AGAIN}")
    if not client_id:
        raise LoginExpired(
            f"The stored Spotify login does not name the app it belongs to. {LOGIN_AGAIN}"
        )
    post = session.post if session is not None else requests.post
    try:
        response = post(
            f"{accounts_url.rstrip('/')}/api/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": token.refresh_token,
                "client_id": client_id,
            },
            timeout=timeout,
        )
    except requests.RequestException as error:
        raise SpotifyUnavailable(
            "Renewing the Spotify login failed because Spotify could not be reached "
            f"({error.__class__.__name__}); try again later.",
            detail=str(error),
        ) from error

    if response.status_code == 200:
        try:
            return UserToken.from_response(response.json(), client_id, previous=token)
        except ValueError as error:
            raise SpotifyUnavailable(
                "Spotify's token endpoint returned an unreadable response while renewing the "
                "login; try again later.",
                detail=response.text[:500],
            ) from error
    reason = _oauth_error(response)
    if response.status_code in (400, 401):
        raise LoginExpired(
            f"Spotify no longer accepts your login ({reason}). {LOGIN_AGAIN}",
            detail=response.text[:500],
        )
    raise SpotifyUnavailable(
        f"Renewing the Spotify login failed with HTTP {response.status_code}; try again later.",
        detail=response.text[:500],
    )


def _oauth_error(response: requests.Response) -> str:
    """Return the OAuth error code of a failed token response, such as invalid_grant."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str) and error.replace("_", "").isalnum():
        return error
    return f"HTTP {response.status_code}"


class UserSession:
    """Hands spotipy the login's access token, refreshing and saving it when it expires.

    spotipy calls `get_access_token` before every request. `invalidate` makes the next
    call refresh, for a token that Spotify rejected with 401 before its expiry.
    """

    def __init__(
        self,
        accounts_url: str,
        token: UserToken,
        store: TokenStore,
        *,
        fallback_client_id: str = "",
        timeout: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.accounts_url = accounts_url
        self.token = token
        self.client_id = token.client_id or fallback_client_id
        self._store = store
        self._timeout = timeout
        self._clock = clock
        self._stale = False
        self._lock = threading.Lock()

    def get_access_token(self, as_dict: bool = False) -> str:
        with self._lock:
            if self._stale or self.token.expires_within(EXPIRY_MARGIN_S, self._clock()):
                self._refresh()
            return self.token.access_token

    def invalidate(self) -> None:
        with self._lock:
            self._stale = True

    def _refresh(self) -> None:
        # Another process (a worker, the window) may have refreshed and saved already.
        stored = self._store.load()
        if (
            stored is not None
            and stored.access_token != self.token.access_token
            and not stored.expires_within(EXPIRY_MARGIN_S, self._clock())
        ):
            log.info("using the Spotify login another spotdesk process renewed")
            self._adopt(stored)
            return

        log.info("renewing the Spotify login at the accounts token endpoint")
        try:
            fresh = self._request_refresh(self.token)
        except LoginExpired:
            # NOTE: Spotify may rotate refresh tokens, so a refresh that fails here can be
            # the old token after another process's refresh saved a new one. That newer
            # token gets one attempt before the login counts as ended.
            stored = self._store.load()
            if stored is None or stored.refresh_token in (None, self.token.refresh_token):
                self._forget(stored)
                raise
            fresh = self._request_refresh(stored)
        self._store.save(fresh)
        self._adopt(fresh)

    def _request_refresh(self, token: UserToken) -> UserToken:
        return refresh_user_token(
            self.accounts_url, token, token.client_id or self.client_id, timeout=self._timeout
        )

    def _adopt(self, token: UserToken) -> None:
        self.token = token
        self.client_id = token.client_id or self.client_id
        self._stale = False

    def _forget(self, stored: UserToken | None) -> None:
        """Remove the ended login from the store, unless a newer login replaced it."""
        if stored is not None and stored.refresh_token == self.token.refresh_token:
            log.warning("Spotify ended the stored login; removing it from the keyring")
            self._store.clear()
