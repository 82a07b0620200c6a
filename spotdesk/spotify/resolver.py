"""Resolve Spotify links into tracks, choosing the metadata source and caching results.

With credentials the Web API is used. spotdesk falls back to the public embed pages when
the Web API returns 401 or 403 (another user's playlist, revoked credentials), and for
playlists also on 404, because Spotify-owned playlists are hidden from development-mode
apps. Without credentials only the public pages are used.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from spotdesk.config import ServiceUrls
from spotdesk.model import LinkKind, Resolution, SpotifyLink, Track
from spotdesk.spotify.api_source import WebApiSource
from spotdesk.spotify.cache import InMemoryCache, MetadataCache
from spotdesk.spotify.credentials import Credentials
from spotdesk.spotify.errors import (
    AuthFailed,
    Forbidden,
    NotFound,
    PodcastNotSupported,
    SpotifyError,
)
from spotdesk.spotify.public import PublicPages
from spotdesk.spotify.ratelimit import DEFAULT_MAX_WAIT, RateLimitPolicy
from spotdesk.spotify.webapi import WebApiClient

log = logging.getLogger(__name__)

CACHE_VERSION = "v1"
# How long a resolved object stays cached, in seconds. Playlists change most often.
CACHE_TTL = {
    LinkKind.TRACK: 7 * 24 * 3600.0,
    LinkKind.ALBUM: 7 * 24 * 3600.0,
    LinkKind.ARTIST: 24 * 3600.0,
    LinkKind.PLAYLIST: 3600.0,
}
# Spotify keeps rejecting a batch lookup it rejected once, so the rejection is cached for a
# day. That saves one failing request per resolve in every process sharing the cache.
BATCH_REFUSALS_TTL = 24 * 3600.0


class Resolver:
    """Turn links into `Resolution`s; safe to reuse for many links.

    `max_rate_limit_wait` caps the seconds one call sleeps through 429 responses before it
    raises `RateLimited`; `sleep` is replaceable for tests.
    """

    def __init__(
        self,
        urls: ServiceUrls,
        credentials: Credentials | None,
        cache: MetadataCache | None = None,
        *,
        max_rate_limit_wait: float = DEFAULT_MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 15.0,
    ) -> None:
        self.urls = urls
        self.credentials = credentials
        self.cache: MetadataCache = cache if cache is not None else InMemoryCache()
        # The Web API and the public pages are separate services with separate limits.
        self._api_policy = RateLimitPolicy(max_wait=max_rate_limit_wait, sleep=sleep)
        public_policy = RateLimitPolicy(max_wait=max_rate_limit_wait, sleep=sleep)
        self._timeout = timeout
        self._api_source: WebApiSource | None = None
        self._api_disabled = False
        self._known_refusals: set[str] = set()
        self.public = PublicPages(urls.spotify_open, public_policy, timeout)

    def resolve(self, link: SpotifyLink) -> Resolution:
        """Return the tracks behind `link`, from the cache when it is fresh."""
        if link.kind in (LinkKind.EPISODE, LinkKind.SHOW):
            raise PodcastNotSupported(f"{link.url}: podcasts are not supported yet.")
        key = self._key(link.kind.value, link.id)
        cached = self._cache_get(key)
        if cached is not None:
            try:
                resolution = Resolution.from_dict(cached)
            except (KeyError, TypeError, ValueError) as error:
                log.warning("ignoring unreadable cached metadata for %s: %r", link.uri, error)
            else:
                log.debug("using cached metadata for %s", link.uri)
                return resolution

        resolution = self._resolve_uncached(link)
        key = self._key(link.kind.value, link.id)  # rejected credentials change the key
        log.info(
            "resolved %s from %s: %d tracks, %d skipped",
            link.uri,
            resolution.source.value,
            len(resolution.tracks),
            sum(entry.count for entry in resolution.skipped),
        )
        self._cache_put(key, resolution.to_dict(), CACHE_TTL[link.kind])
        for track in resolution.tracks:
            self._cache_put(
                self._key("track-object", track.id), track.to_dict(), CACHE_TTL[LinkKind.TRACK]
            )
        return resolution

    def track(self, track_id: str) -> Track:
        """Return one track by id, from the cache when it is fresh."""
        key = self._key("track-object", track_id)
        cached = self._cache_get(key)
        if cached is not None:
            try:
                return Track.from_dict(cached)
            except (KeyError, TypeError, ValueError) as error:
                log.warning("ignoring unreadable cached track %s: %r", track_id, error)
        link = SpotifyLink(LinkKind.TRACK, track_id)
        api = self._api()
        if api is None:
            track = self.public.track(track_id)
        else:
            try:
                track = api.track(track_id)
            except (AuthFailed, Forbidden) as error:
                track = self._fallback(link, error).tracks[0]
            finally:
                self._remember_batch_refusals()
        key = self._key("track-object", track_id)
        self._cache_put(key, track.to_dict(), CACHE_TTL[LinkKind.TRACK])
        return track

    def _resolve_uncached(self, link: SpotifyLink) -> Resolution:
        api = self._api()
        if api is None:
            return self.public.resolve(link)
        try:
            return api.resolve(link)
        except (AuthFailed, Forbidden) as error:
            return self._fallback(link, error)
        except NotFound as error:
            if link.kind is not LinkKind.PLAYLIST:
                raise
            return self._fallback(link, error)
        finally:
            self._remember_batch_refusals()

    def _fallback(self, link: SpotifyLink, error: SpotifyError) -> Resolution:
        log.info(
            "the Web API denied access to %s (%s); reading Spotify's public page instead",
            link.uri,
            error.code,
        )
        if isinstance(error, AuthFailed):
            log.warning(
                "Spotify rejected the configured credentials; using public pages from now on"
            )
            self._api_disabled = True
        try:
            return self.public.resolve(link)
        except NotFound as public_error:
            raise NotFound(
                f"{link.url} is private or does not exist: the Web API denied access "
                f"({error.code}) and its public page was not found.",
                detail=f"{error.message}\n{public_error.message}",
            ) from public_error

    def _api(self) -> WebApiSource | None:
        if self.credentials is None or self._api_disabled:
            return None
        if self._api_source is None:
            client = WebApiClient(
                self.urls.spotify_api,
                self.urls.spotify_accounts,
                self.credentials,
                self._api_policy,
                self._timeout,
            )
            stored = self._cache_get(self._batch_key())
            if isinstance(stored, list):
                client.batch_refused = {kind for kind in stored if isinstance(kind, str)}
            self._known_refusals = set(client.batch_refused)
            self._api_source = WebApiSource(client)
        return self._api_source

    def _remember_batch_refusals(self) -> None:
        if self._api_source is None:
            return
        refused = self._api_source.client.batch_refused
        if refused != self._known_refusals:
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
        # Results read with working credentials carry more (ISRCs, albums) than public ones,
        # so the two are cached apart; rejected credentials count as none.
        mode = "api" if self.credentials and not self._api_disabled else "public"
        return f"spotify:{CACHE_VERSION}:{mode}:{kind}:{object_id}"
