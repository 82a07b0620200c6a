"""The user side of the fake Spotify: "Log in with Spotify", user tokens and Liked Songs.

It plays Spotify's accounts service for a PKCE client: `/authorize` redirects the browser
back to the loopback redirect URI with a code, and `/api/token` exchanges that code (with the
PKCE verifier, no client secret) and refresh tokens for access tokens. The fake user is the
recordings' playlist owner, so their own playlists are the recorded ones.

    with FakeSpotify() as fake:
        token = fake.accounts.user_token()  # a login as if the browser flow had run
        fake.accounts.add_saved_tracks([...])
        fake.accounts.revoke_login()  # refresh now fails with 400 invalid_grant
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from spotdesk.spotify.user_auth import SCOPES, UserToken
from tests.fakes.spotify_data import APP_OWNER, JsonObject, Reply

if TYPE_CHECKING:
    from tests.fakes.spotify_api import FakeSpotify

LIBRARY_SCOPE = "user-library-read"


@dataclass(frozen=True)
class _CodeGrant:
    """What `/authorize` recorded for one authorization code."""

    client_id: str
    redirect_uri: str
    challenge: str
    scopes: frozenset[str]


class FakeAccounts:
    """The fake user's login state; `FakeSpotify.accounts` is the one a server uses."""

    def __init__(self, fake: FakeSpotify) -> None:
        self.fake = fake
        self.user_id = APP_OWNER
        self.display_name = "Example User"
        self.saved: list[JsonObject] = []  # Liked Songs entries, newest first
        self.followed: set[str] = set()  # playlist ids the user follows
        self.expires_in = 3600  # seconds, in token responses
        self.rotate_refresh_tokens = True  # a refresh returns a new refresh token
        self.deny = False  # /authorize redirects with error=access_denied
        self.token_forms: list[dict[str, str]] = []  # forms of PKCE and refresh grants
        self._access: dict[str, frozenset[str]] = {}  # access token -> scopes
        self._refresh: dict[str, frozenset[str]] = {}  # refresh token -> scopes
        self._codes: dict[str, _CodeGrant] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    # -- test set-up -------------------------------------------------------------------

    def user_token(
        self,
        scopes: tuple[str, ...] = SCOPES,
        *,
        expires_in: float | None = None,
        client_id: str | None = None,
    ) -> UserToken:
        """Issue a login as if the browser flow had run, ready to save in a keyring."""
        access, refresh = self._issue(frozenset(scopes))
        lifetime = self.expires_in if expires_in is None else expires_in
        return UserToken(
            access_token=access,
            refresh_token=refresh,
            expires_at=time.time() + lifetime,
            scope=" ".join(scopes),
            client_id=self.fake.client_id if client_id is None else client_id,
        )

    def add_saved_tracks(self, tracks: list[JsonObject]) -> None:
        """Add tracks to Liked Songs after the ones already there (older saves)."""
        for track in tracks:
            if track.get("type") == "track" and track.get("id"):
                self.fake.catalog.tracks.setdefault(track["id"], track)
            self.saved.append({"added_at": "2026-02-01T00:00:00Z", "track": track})

    def follow(self, playlist_id: str) -> None:
        self.followed.add(playlist_id)

    def expire_access_tokens(self) -> None:
        """Make every user access token invalid; refresh tokens keep working."""
        with self._lock:
            self._access.clear()

    def revoke_login(self) -> None:
        """End every login, as removing the app from the Spotify account does."""
        with self._lock:
            self._access.clear()
            self._refresh.clear()

    def scopes_of(self, access_token: str) -> frozenset[str] | None:
        """Return the scopes of a valid user access token, or None for any other token."""
        with self._lock:
            return self._access.get(access_token)

    def can_read_playlist(self, owner_id: str, playlist_id: str) -> bool:
        return owner_id == self.user_id or playlist_id in self.followed

    # -- endpoints ---------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> Reply:
        """Play the consent page: redirect to the redirect URI with a code or an error."""
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.fake.client_id:
            return Reply(400, "<html><body>INVALID_CLIENT: Invalid client</body></html>")
        if not redirect.startswith(("http://127.0.0.1:", "http://[::1]:")):
            return Reply(400, "<html><body>INVALID_CLIENT: Invalid redirect URI</body></html>")
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return Reply(400, "<html><body>unsupported_response_type</body></html>")
        if self.deny:
            answer = {"error": "access_denied", "state": query.get("state", "")}
            return Reply(303, "", {"Location": f"{redirect}?{urlencode(answer)}"})

        code = f"fake-code-{next(self._numbers)}"
        with self._lock:
            self._codes[code] = _CodeGrant(
                client_id=query["client_id"],
                redirect_uri=redirect,
                challenge=query.get("code_challenge", ""),
                scopes=frozenset(query.get("scope", "").split()),
            )
        answer = {"code": code, "state": query.get("state", "")}
        return Reply(303, "", {"Location": f"{redirect}?{urlencode(answer)}"})

    def token(self, form: dict[str, str]) -> Reply:
        """Serve the authorization_code (PKCE) and refresh_token grants of /api/token."""
        self.token_forms.append(dict(form))
        if form.get("client_id") != self.fake.client_id:
            return _oauth_error("invalid_client", "Invalid client")
        if form["grant_type"] == "authorization_code":
            return self._exchange_code(form)
        return self._refresh_grant(form)

    def me(self) -> JsonObject:
        return {
            "id": self.user_id,
            "display_name": self.display_name,
            "type": "user",
            "uri": f"spotify:user:{self.user_id}",
        }

    # -- plumbing ----------------------------------------------------------------------

    def _exchange_code(self, form: dict[str, str]) -> Reply:
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None:
            return _oauth_error("invalid_grant", "Invalid authorization code")
        if form.get("redirect_uri") != grant.redirect_uri:
            return _oauth_error("invalid_grant", "Invalid redirect URI")
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") != grant.challenge:
            return _oauth_error("invalid_grant", "code_verifier was incorrect")
        access, refresh = self._issue(grant.scopes)
        return Reply(200, self._token_body(access, refresh, grant.scopes))

    def _refresh_grant(self, form: dict[str, str]) -> Reply:
        old = form.get("refresh_token", "")
        with self._lock:
            scopes = self._refresh.get(old)
            if scopes is not None and self.rotate_refresh_tokens:
                del self._refresh[old]
        if scopes is None:
            return _oauth_error("invalid_grant", "Refresh token revoked")
        access, refresh = self._issue(scopes, refresh=None if self.rotate_refresh_tokens else old)
        body = self._token_body(access, refresh if self.rotate_refresh_tokens else None, scopes)
        return Reply(200, body)

    def _issue(
        self, scopes: frozenset[str], refresh: str | None = None
    ) -> tuple[str, str]:
        number = next(self._numbers)
        access = f"fake-user-token-{number}"
        refresh = refresh or f"fake-refresh-{number}"
        with self._lock:
            self._access[access] = scopes
            self._refresh[refresh] = scopes
        return access, refresh

    def _token_body(self, access: str, refresh: str | None, scopes: frozenset[str]) -> JsonObject:
        body: JsonObject = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": " ".join(sorted(scopes)),
        }
        if refresh is not None:
            body["refresh_token"] = refresh
        return body


def _oauth_error(error: str, description: str) -> Reply:
    return Reply(400, {"error": error, "error_description": description})
