"""The Spotify Web API through spotipy, with spotdesk's own error and 429 handling.

spotipy 2.26 hard-codes its base URLs, so the client overrides `Spotify.prefix` and the
token URL (`SpotifyClientCredentials.OAUTH_TOKEN_URL`) on the instances. spotipy's own
retries are replaced by a session that retries only connection failures and 5xx responses
and ignores Retry-After. Otherwise urllib3 would sleep for as long as a 429 requests, which
can be hours. 429s are handled by `RateLimitPolicy` instead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from spotipy import Spotify, SpotifyClientCredentials
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.exceptions import SpotifyException, SpotifyOauthError
from urllib3.util.retry import Retry

from spotdesk.spotify.credentials import Credentials
from spotdesk.spotify.errors import (
    AuthFailed,
    Forbidden,
    LoginExpired,
    NotFound,
    SpotifyError,
    SpotifyUnavailable,
)
from spotdesk.spotify.ratelimit import RateLimitPolicy, parse_retry_after
from spotdesk.spotify.user_auth import LOGIN_AGAIN, UserSession

log = logging.getLogger(__name__)

JsonObject = dict[str, Any]
T = TypeVar("T")

PAGE_LIMIT_PLAYLIST = 100  # the maximum Spotify accepts for /playlists/{id}/items
PAGE_LIMIT_ALBUM = 50  # the maximum for album track pages and artist album pages
PAGE_LIMIT_SAVED = 50  # the maximum for /me/tracks
BATCH_TRACKS = 50  # ids per GET /tracks?ids= request
BATCH_ALBUMS = 20  # ids per GET /albums?ids= request
# OAuth error codes (RFC 6749, section 5.2) that mean the credentials themselves are wrong.
CREDENTIAL_ERRORS = frozenset({"invalid_client", "unauthorized_client"})


class _SpotipyLogFilter(logging.Filter):
    """Hide credentials in spotipy's log records and demote its HTTP error records.

    spotipy logs request headers (the bearer token, the Basic client secret) at debug
    level, and every HTTP error at error level, including the 403s and 404s that spotdesk
    expects and reports in its own words.
    """

    _secret = re.compile(r"(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]+")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "Bearer" in message or "Basic" in message:
            record.msg = self._secret.sub(r"\1 ***", message)
            record.args = None
        if record.levelno == logging.ERROR and message.startswith("HTTP Error for"):
            record.levelno = logging.DEBUG
            record.levelname = logging.getLevelName(logging.DEBUG)
        return True


for _name in ("spotipy.client", "spotipy.oauth2"):
    logging.getLogger(_name).addFilter(_SpotipyLogFilter())


def _session() -> requests.Session:
    retry = Retry(
        total=3,
        connect=2,
        read=False,  # re-raise read timeouts, so requests reports them as Timeout
        status=2,
        backoff_factor=0.5,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=frozenset(["GET", "POST"]),
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class WebApiClient:
    """Calls the Web API endpoints a development-mode Spotify app may use.

    Batch lookups (`/tracks?ids=`, `/albums?ids=`) are tried first. Once Spotify rejects
    one kind with 403 or 404, the client uses single lookups of that kind from then on.
    """

    def __init__(
        self,
        api_url: str,
        accounts_url: str,
        credentials: Credentials | None,
        policy: RateLimitPolicy | None = None,
        timeout: float = 15.0,
        *,
        user_session: UserSession | None = None,
    ) -> None:
        """Read with the user's login when `user_session` is given, else with `credentials`."""
        self.api_prefix = api_url.rstrip("/") + "/"
        self.timeout = timeout
        self.policy = policy or RateLimitPolicy()
        self.batch_refused: set[str] = set()  # kinds whose batch lookups Spotify rejected
        self.user_session = user_session
        auth: SpotifyClientCredentials | UserSession
        if user_session is not None:
            auth = user_session
            self._client_auth: SpotifyClientCredentials | None = None
        elif credentials is not None:
            auth = SpotifyClientCredentials(
                client_id=credentials.client_id,
                client_secret=credentials.client_secret,
                requests_timeout=timeout,
                cache_handler=MemoryCacheHandler(),
            )
            auth.OAUTH_TOKEN_URL = accounts_url.rstrip("/") + "/api/token"
            self._client_auth = auth
        else:
            raise ValueError("the Web API needs client credentials or a user session")
        self._spotify = Spotify(
            auth_manager=auth,
            requests_session=_session(),
            requests_timeout=timeout,
            retries=0,
            status_retries=0,
        )
        self._spotify.prefix = self.api_prefix

    # -- single objects -------------------------------------------------------------

    def track(self, track_id: str) -> JsonObject:
        return self._call(f"track {track_id}", self._spotify.track, track_id)

    def album(self, album_id: str) -> JsonObject:
        return self._call(f"album {album_id}", self._spotify.album, album_id)

    def artist(self, artist_id: str) -> JsonObject:
        return self._call(f"artist {artist_id}", self._spotify.artist, artist_id)

    def current_user(self) -> JsonObject:
        """Return the logged-in user's profile (GET /me); needs a user session."""
        return self._call("your Spotify profile", self._spotify.current_user)

    def playlist(self, playlist_id: str) -> JsonObject:
        return self._call(
            f"playlist {playlist_id}",
            self._spotify.playlist,
            playlist_id,
            additional_types=("track", "episode"),
        )

    # -- pages ----------------------------------------------------------------------

    def playlist_items(self, playlist_id: str) -> tuple[list[JsonObject], int | None]:
        """Return every entry of a playlist and the total Spotify reports."""
        first = self._call(
            f"items of playlist {playlist_id}",
            self._spotify.playlist_items,
            playlist_id,
            limit=PAGE_LIMIT_PLAYLIST,
            additional_types=("track", "episode"),
        )
        return list(self.pages(first, f"items of playlist {playlist_id}")), first.get("total")

    def album_tracks(self, album: JsonObject) -> tuple[list[JsonObject], int | None]:
        """Return every simplified track of a full album object, following its pages."""
        first = album.get("tracks") or {"items": [], "next": None}
        return list(self.pages(first, f"tracks of album {album.get('id')}")), first.get("total")

    def saved_tracks(self) -> tuple[list[JsonObject], int | None]:
        """Return every entry of the user's Liked Songs (GET /me/tracks), newest first."""
        first = self._call(
            "your Liked Songs", self._spotify.current_user_saved_tracks, limit=PAGE_LIMIT_SAVED
        )
        return list(self.pages(first, "your Liked Songs")), first.get("total")

    def artist_albums(self, artist_id: str) -> tuple[list[JsonObject], int | None]:
        first = self._call(
            f"albums of artist {artist_id}",
            self._spotify.artist_albums,
            artist_id,
            include_groups="album,single",
            limit=PAGE_LIMIT_ALBUM,
        )
        return list(self.pages(first, f"albums of artist {artist_id}")), first.get("total")

    def pages(self, first: JsonObject, what: str) -> Iterator[JsonObject]:
        """Yield the items of a paging object and of every page its `next` links reach."""
        page: JsonObject | None = first
        followed: set[str] = set()
        while page is not None:
            yield from page.get("items") or []
            next_url = page.get("next")
            if not next_url:
                return
            if next_url in followed:
                log.warning("page link %s of %s repeats; stopping there", next_url, what)
                return
            followed.add(next_url)
            page = self._call(what, self._spotify._get, self._local_url(next_url))

    # -- lookups by id ---------------------------------------------------------------

    def tracks(self, track_ids: list[str]) -> dict[str, JsonObject | None]:
        """Return full track objects by id; an id Spotify does not know maps to None."""
        return self._lookup_many("track", track_ids, BATCH_TRACKS, "tracks", self.track)

    def albums(self, album_ids: list[str]) -> dict[str, JsonObject | None]:
        return self._lookup_many("album", album_ids, BATCH_ALBUMS, "albums", self.album)

    def _lookup_many(
        self,
        kind: str,
        ids: list[str],
        batch_size: int,
        batch_path: str,
        single: Callable[[str], JsonObject],
    ) -> dict[str, JsonObject | None]:
        found: dict[str, JsonObject | None] = {}
        pending = list(dict.fromkeys(ids))
        while pending and kind not in self.batch_refused:
            chunk, pending = pending[:batch_size], pending[batch_size:]
            try:
                response = self._call(
                    f"{len(chunk)} {kind}s", self._spotify._get, batch_path, ids=",".join(chunk)
                )
            except (Forbidden, NotFound) as error:
                log.info(
                    "Spotify rejected batch %s lookups (%s); using single lookups from now on",
                    kind,
                    error.code,
                )
                self.batch_refused.add(kind)
                pending = chunk + pending
                break
            for requested, data in zip(chunk, response.get(batch_path) or [], strict=False):
                found[requested] = data
        for object_id in pending:
            try:
                found[object_id] = single(object_id)
            except NotFound:
                log.info("Spotify returned 404 for %s %s", kind, object_id)
                found[object_id] = None
        return found

    # -- plumbing --------------------------------------------------------------------

    def _local_url(self, url: str) -> str:
        """Point a `next` URL at the configured API base, whatever host Spotify named."""
        if url.startswith(self.api_prefix):
            return url
        marker = "/v1/"
        index = url.find(marker)
        if index < 0:
            raise SpotifyError(f"Spotify returned a page link spotdesk cannot follow: {url}")
        return self.api_prefix + url[index + len(marker) :]

    def _invalidate_token(self) -> None:
        if self.user_session is not None:
            self.user_session.invalidate()
        elif self._client_auth is not None:
            self._client_auth.cache_handler.save_token_to_cache(None)

    def _call(self, what: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        waited = 0.0
        rate_limited = 0
        token_refreshed = False
        while True:
            self.policy.check_blocked()
            try:
                return function(*args, **kwargs)
            except SpotifyException as error:
                status = error.http_status
                if status == 429:
                    rate_limited += 1
                    retry_after = parse_retry_after((error.headers or {}).get("Retry-After"))
                    waited += self.policy.wait_or_raise(retry_after, waited, rate_limited, what)
                    continue
                if status == 401 and not token_refreshed:
                    # The token may have been revoked early; fetch a new one once.
                    log.info("Spotify returned 401 for %s; requesting a new access token", what)
                    self._invalidate_token()
                    token_refreshed = True
                    continue
                if status == 401 and self.user_session is not None:
                    raise LoginExpired(
                        f"Spotify rejected your login while reading {what}. {LOGIN_AGAIN}",
                        detail=str(error),
                    ) from error
                raise _translate(error, what) from error
            except SpotifyOauthError as error:
                if error.error in CREDENTIAL_ERRORS:
                    raise AuthFailed(
                        f"Spotify rejected the client id and secret ({error.error}); "
                        "check them in the settings.",
                        detail=str(error),
                    ) from error
                reason = (
                    error.error if re.fullmatch(r"\w+", error.error or "") else "no reason given"
                )
                raise SpotifyUnavailable(
                    f"Spotify's token endpoint failed while reading {what} ({reason}); "
                    "try again later.",
                    detail=str(error),
                ) from error
            except requests.Timeout as error:
                raise SpotifyUnavailable(
                    f"Spotify timed out after {self.timeout:g} s while reading {what}; "
                    "try again later.",
                    detail=str(error),
                ) from error
            except requests.RequestException as error:
                raise SpotifyUnavailable(
                    f"Spotify could not be reached while reading {what} "
                    f"({error.__class__.__name__}); check the network and try again.",
                    detail=str(error),
                ) from error


def _translate(error: SpotifyException, what: str) -> SpotifyError:
    status = error.http_status
    detail = str(error)
    if status in (400, 404):
        return NotFound(f"Spotify has no {what}; check the link.", detail=detail)
    if status == 403:
        return Forbidden(f"Spotify denied access to {what} (HTTP 403).", detail=detail)
    if status == 401:
        return AuthFailed(
            f"Spotify rejected the access token while reading {what}; check the client id "
            "and secret in the settings.",
            detail=detail,
        )
    if status >= 500:
        return SpotifyUnavailable(
            f"Spotify failed with HTTP {status} while reading {what}; try again later.",
            detail=detail,
        )
    return SpotifyError(f"Spotify returned HTTP {status} while reading {what}.", detail=detail)
