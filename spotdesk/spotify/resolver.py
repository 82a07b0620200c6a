"""Resolve Spotify links into tracks, choosing the metadata source and caching results.

The Web API is read with the user's login ("Log in with Spotify") when there is one, which
also reads the user's own and followed private playlists and Liked Songs. Next come the
app's client credentials, then the public embed pages. spotdesk moves on to the next access
when the Web API returns 401 or 403 (another user's playlist, revoked credentials, an ended
login), and for playlists also on 404, because Spotify-owned playlists are hidden from
development-mode apps. Liked Songs exist only for the user's login.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from spotdesk.config import ServiceUrls, Settings
from spotdesk.model import LinkKind, Resolution, SpotifyAccess, SpotifyLink, Track
from spotdesk.spotify.api_source import LIKED_SONGS_NEED_LOGIN, WebApiSource
from spotdesk.spotify.cache import InMemoryCache, MetadataCache
from spotdesk.spotify.credentials import Credentials
from spotdesk.spotify.errors import (
    AuthFailed,
    Forbidden,
    LoginExpired,
    LoginRequired,
    NotFound,
    PodcastNotSupported,
    SpotifyError,
)
from spotdesk.spotify.public import PublicPages
from spotdesk.spotify.ratelimit import DEFAULT_MAX_WAIT, RateLimitPolicy
from spotdesk.spotify.user_auth import (
    KEYRING_TOKENS,
    LOGIN_AGAIN,
    TokenStore,
    UserSession,
    UserToken,
)
from spotdesk.spotify.webapi import WebApiClient

log = logging.getLogger(__name__)

T = TypeVar("T")
WEB_ACCESS = (SpotifyAccess.USER, SpotifyAccess.APP)

CACHE_VERSION = "v1"
# How long a resolved object stays cached, in seconds. Playlists change most often.
CACHE_TTL = {
    LinkKind.TRACK: 7 * 24 * 3600.0,
    LinkKind.ALBUM: 7 * 24 * 3600.0,
    LinkKind.ARTIST: 24 * 3600.0,
    LinkKind.PLAYLIST: 3600.0,
    # Liked Songs change whenever the user saves a track, so they are never cached.
    LinkKind.LIKED: 0.0,
}
# Spotify keeps rejecting a batch lookup it rejected once, so the rejection is cached for a
# day. That saves one failing request per resolve in every process sharing the cache.
BATCH_REFUSALS_TTL = 24 * 3600.0


class Resolver:
    """Turn links into `Resolution`s; safe to reuse for many links.

    `token_store` contains the user's login. The default is the system keyring, and None
    ignores any login. The store is read again before each resolve, so a long-running
    worker picks up a login or logout made in the window. `max_rate_limit_wait` caps the
    seconds one call sleeps through 429 responses before it raises `RateLimited`; `sleep`
    is replaceable for tests.

    NOTE: a caller that means "public pages only" must pass `token_store=None` as well as
    no credentials, or a stored login is still used.
    """

    def __init__(
        self,
        urls: ServiceUrls,
        credentials: Credentials | None,
        cache: MetadataCache | None = None,
        *,
        token_store: TokenStore | None = KEYRING_TOKENS,
        max_rate_limit_wait: float = DEFAULT_MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 15.0,
    ) -> None:
        self.urls = urls
        self.credentials = credentials
        self.token_store = token_store
        self.cache: MetadataCache = cache if cache is not None else InMemoryCache()
        # The last reason Spotify gave for rejecting the user's login, for callers to show.
        self.login_problem: LoginExpired | None = None
        # The Web API and the public pages are separate services with separate limits.
        self._api_policy = RateLimitPolicy(max_wait=max_rate_limit_wait, sleep=sleep)
        public_policy = RateLimitPolicy(max_wait=max_rate_limit_wait, sleep=sleep)
        self._timeout = timeout
        self._api_source: WebApiSource | None = None
        self._api_disabled = False
        self._user_source: WebApiSource | None = None
        self._ended_login: UserToken | None = None  # rejected by Spotify; never loaded again
        # Both clients are the same Spotify app, so they share what batch lookups it lost.
        self._batch_refused: set[str] | None = None
        self._known_refusals: set[str] = set()
        self.public = PublicPages(urls.spotify_open, public_policy, timeout)

    def resolve(self, link: SpotifyLink) -> Resolution:
        """Return the tracks behind `link`, from the cache when it is fresh."""
        if link.kind in (LinkKind.EPISODE, LinkKind.SHOW):
            raise PodcastNotSupported(f"{link.url}: podcasts are not supported yet.")
        self._load_login()
        ttl = CACHE_TTL[link.kind]
        cached = self._cache_get(self._key(link.kind.value, link.id)) if ttl > 0 else None
        if cached is not None:
            try:
                resolution = Resolution.from_dict(cached)
            except (KeyError, TypeError, ValueError) as error:
                log.warning("ignoring unreadable cached metadata for %s: %r", link.uri, error)
            else:
                log.debug("using cached metadata for %s", link.uri)
                return resolution

        resolution, access = self._read(
            link, lambda source: source.resolve(link), lambda: self.public.resolve(link)
        )
        resolution.access = access
        log.info(
            "resolved %s from %s with %s access: %d tracks, %d skipped",
            link.uri,
            resolution.source.value,
            access.value,
            len(resolution.tracks),
            sum(entry.count for entry in resolution.skipped),
        )
        if ttl > 0:
            # Rejected credentials or an ended login change the key.
            self._cache_put(self._key(link.kind.value, link.id), resolution.to_dict(), ttl)
        for track in resolution.tracks:
            self._cache_put(
                self._key("track-object", track.id), track.to_dict(), CACHE_TTL[LinkKind.TRACK]
            )
        return resolution

    def track(self, track_id: str) -> Track:
        """Return one track by id, from the cache when it is fresh."""
        self._load_login()
        key = self._key("track-object", track_id)
        cached = self._cache_get(key)
        if cached is not None:
            try:
                return Track.from_dict(cached)
            except (KeyError, TypeError, ValueError) as error:
                log.warning("ignoring unreadable cached track %s: %r", track_id, error)
        link = SpotifyLink(LinkKind.TRACK, track_id)
        track, _ = self._read(
            link, lambda source: source.track(track_id), lambda: self.public.track(track_id)
        )
        key = self._key("track-object", track_id)
        self._cache_put(key, track.to_dict(), CACHE_TTL[LinkKind.TRACK])
        return track

    def _read(
        self,
        link: SpotifyLink,
        web: Callable[[WebApiSource], T],
        public: Callable[[], T],
    ) -> tuple[T, SpotifyAccess]:
        """Read `link` with the first access that Spotify allows, in `WEB_ACCESS` order."""
        denials: list[SpotifyError] = []
        accesses = (SpotifyAccess.USER,) if link.kind is LinkKind.LIKED else WEB_ACCESS
        for access in accesses:
            source = self._web_source(access)
            if source is None:
                continue
            try:
                return web(source), access
            except LoginExpired as error:
                self._end_login(error)
                denials.append(error)
            except (AuthFailed, Forbidden) as error:
                if isinstance(error, AuthFailed) and access is SpotifyAccess.APP:
                    log.warning(
                        "Spotify rejected the configured credentials; using public pages "
                        "from now on"
                    )
                    self._api_disabled = True
                denials.append(error)
            except NotFound as error:
                if link.kind is not LinkKind.PLAYLIST:
                    raise
                denials.append(error)
            finally:
                self._remember_batch_refusals()
            log.info(
                "the Web API with %s access denied %s (%s); trying the next access",
                access.value,
                link.uri,
                denials[-1].code,
            )

        if link.kind is LinkKind.LIKED:
            raise self._liked_songs_error(denials)
        return self._read_public(link, public, denials), SpotifyAccess.PUBLIC

    def _read_public(
        self, link: SpotifyLink, public: Callable[[], T], denials: list[SpotifyError]
    ) -> T:
        if not denials:
            return public()
        codes = ", ".join(dict.fromkeys(error.code for error in denials))
        log.info("reading Spotify's public page of %s after the Web API denied it", link.uri)
        try:
            return public()
        except NotFound as public_error:
            raise NotFound(
                f"{link.url} is private or does not exist: the Web API denied access "
                f"({codes}) and its public page was not found.{self._login_hint(link)}",
                detail="\n".join([*(error.message for error in denials), public_error.message]),
            ) from public_error

    def _login_hint(self, link: SpotifyLink) -> str:
        """Return a hint on logging in, for a playlist that no access could read."""
        if link.kind is not LinkKind.PLAYLIST:
            return ""
        if self.login_problem is not None:
            return f" Spotify no longer accepts your login. {LOGIN_AGAIN}"
        if self._user_source is None:
            return " If it is your own or a followed private playlist, Log in with Spotify."
        return ""

    def _liked_songs_error(self, denials: list[SpotifyError]) -> SpotifyError:
        # An earlier resolve may have ended the login, so this one found none to try.
        ended = [error for error in denials if isinstance(error, LoginExpired)]
        reason = ended[-1] if ended else self.login_problem
        if reason is None:
            return LoginRequired(LIKED_SONGS_NEED_LOGIN)
        return LoginExpired(
            f"Liked Songs need your Spotify login, and Spotify no longer accepts it. "
            f"{LOGIN_AGAIN}",
            detail=reason.message,
        )

    def _end_login(self, error: LoginExpired) -> None:
        self.login_problem = error
        if self._user_source is not None and self._user_source.client.user_session is not None:
            self._ended_login = self._user_source.client.user_session.token
        self._user_source = None
        log.warning(
            "%s Until then spotdesk reads Spotify with the app's credentials or its public "
            "pages.",
            error.message,
        )

    def _web_source(self, access: SpotifyAccess) -> WebApiSource | None:
        if access is SpotifyAccess.USER:
            return self._user_source
        return self._api()

    def _load_login(self) -> None:
        """Pick up the stored login, or drop the session when the user logged out."""
        if self.token_store is None:
            return
        token = self.token_store.load()
        if token is None or token == self._ended_login:
            self._user_source = None
            return
        current = self._user_source.client.user_session if self._user_source else None
        if current is not None and current.token.refresh_token == token.refresh_token:
            return  # the same login; the session may hold a newer access token
        session = UserSession(
            self.urls.spotify_accounts,
            token,
            self.token_store,
            fallback_client_id=self.credentials.client_id if self.credentials else "",
            timeout=self._timeout,
        )
        self._user_source = WebApiSource(self._client(None, session))
        self.login_problem = None
        log.info("reading Spotify with your login (scopes: %s)", token.scope or "not recorded")

    def _api(self) -> WebApiSource | None:
        if self.credentials is None or self._api_disabled:
            return None
        if self._api_source is None:
            self._api_source = WebApiSource(self._client(self.credentials, None))
        return self._api_source

    def _client(
        self, credentials: Credentials | None, user_session: UserSession | None
    ) -> WebApiClient:
        client = WebApiClient(
            self.urls.spotify_api,
            self.urls.spotify_accounts,
            credentials,
            self._api_policy,
            self._timeout,
            user_session=user_session,
        )
        if self._batch_refused is None:
            stored = self._cache_get(self._batch_key())
            stored_kinds = stored if isinstance(stored, list) else []
            self._batch_refused = {kind for kind in stored_kinds if isinstance(kind, str)}
            self._known_refusals = set(self._batch_refused)
        client.batch_refused = self._batch_refused
        return client

    def _remember_batch_refusals(self) -> None:
        refused = self._batch_refused
        if refused is not None and refused != self._known_refusals:
            self._cache_put(self._batch_key(), sorted(refused), BATCH_REFUSALS_TTL)
            self._known_refusals = set(refused)

    def _batch_key(self) -> str:
        return f"spotify:{CACHE_VERSION}:batch-refused"

    # The cache only saves requests, so a failing cache (a store that is down, say) is
    # logged and resolution goes on without it. Stores raise their own error types, hence
    # the broad catch.

    def _cache_get(self, key: str) -> Any | None:
        try:
            return self.cache.cache_get(key)
        except Exception as error:  # noqa: BLE001
            log.warning("reading the metadata cache failed for %s: %r", key, error)
            return None

    def _cache_put(self, key: str, value: Any, ttl_seconds: float) -> None:
        try:
            self.cache.cache_put(key, value, ttl_seconds)
        except Exception as error:  # noqa: BLE001
            log.warning("writing the metadata cache failed for %s: %r", key, error)

    def _key(self, kind: str, object_id: str) -> str:
        # Results read through the Web API carry more (ISRCs, albums) than public ones, so
        # the two are cached apart. Rejected credentials and an ended login count as none.
        # NOTE: results read with the login share the "api" key, so after a logout a private
        # playlist stays readable from the cache until its TTL (an hour) runs out.
        web = self._user_source is not None or (self.credentials and not self._api_disabled)
        mode = "api" if web else "public"
        return f"spotify:{CACHE_VERSION}:{mode}:{kind}:{object_id}"


# Set to "1" to read Spotify's public pages only; `spotdesk download --public` sets it for
# the worker processes it starts.
PUBLIC_ONLY_ENV = "SPOTDESK_SPOTIFY_PUBLIC_ONLY"


def build_resolver(
    urls: ServiceUrls,
    settings: Settings,
    *,
    public: bool | None = None,
    cache: MetadataCache | None = None,
) -> Resolver:
    """Build the resolver every entry point uses, from the settings and the environment.

    With `public` (or `SPOTDESK_SPOTIFY_PUBLIC_ONLY=1` when `public` is None) neither the
    app credentials nor a stored "Log in with Spotify" token are used.
    """
    import os

    from spotdesk.spotify.credentials import load_credentials

    if public is None:
        public = os.environ.get(PUBLIC_ONLY_ENV) == "1"
    if public:
        return Resolver(urls, None, cache=cache, token_store=None)
    return Resolver(urls, load_credentials(settings), cache=cache)
