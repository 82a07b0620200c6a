"""Caching: a second resolve of the same object makes no calls at all."""

from __future__ import annotations

import json
from typing import Any

import pytest

from spotdesk.model import LinkKind, SpotifyLink
from spotdesk.spotify.cache import InMemoryCache
from spotdesk.spotify.resolver import Resolver
from tests.fakes.spotify_api import FakeSpotify

ALBUM = SpotifyLink(LinkKind.ALBUM, "4MQnUDGXmHOvnsWCpzeqWT")
PLAYLIST = SpotifyLink(LinkKind.PLAYLIST, "5LkNhFidYyyjRWwnkcMbQs")


class JsonFileLikeCache:
    """A cache that keeps values as JSON text, as a database-backed store does."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.ttls: dict[str, float] = {}

    def cache_get(self, key: str) -> Any | None:
        row = self.rows.get(key)
        return None if row is None else json.loads(row)

    def cache_put(self, key: str, value: Any, ttl_seconds: float) -> None:
        self.rows[key] = json.dumps(value)
        self.ttls[key] = ttl_seconds


def test_second_album_resolve_makes_no_calls(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    first = resolver.resolve(ALBUM)
    fake_spotify.reset_calls()
    second = resolver.resolve(ALBUM)
    assert fake_spotify.total_calls == 0
    assert second == first


def test_second_playlist_resolve_makes_no_calls(
    resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    resolver.resolve(PLAYLIST)
    fake_spotify.reset_calls()
    resolution = resolver.resolve(PLAYLIST)
    assert fake_spotify.total_calls == 0
    assert [entry.reason for entry in resolution.skipped] == ["unavailable"]


def test_public_resolve_cached_too(public_resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    public_resolver.resolve(PLAYLIST)
    fake_spotify.reset_calls()
    public_resolver.resolve(PLAYLIST)
    assert fake_spotify.total_calls == 0


def test_track_lookup_after_album_is_cached(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    resolution = resolver.resolve(ALBUM)
    fake_spotify.reset_calls()
    track = resolver.track(resolution.tracks[3].id)
    assert fake_spotify.total_calls == 0
    assert track == resolution.tracks[3]


def test_shared_cache_serves_new_resolver(fake_spotify: FakeSpotify) -> None:
    cache = JsonFileLikeCache()
    Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache).resolve(ALBUM)
    fake_spotify.reset_calls()
    resolution = Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache).resolve(
        ALBUM
    )
    assert fake_spotify.total_calls == 0
    assert len(resolution.tracks) == 16


def test_cached_values_are_json(fake_spotify: FakeSpotify) -> None:
    cache = JsonFileLikeCache()
    Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache).resolve(PLAYLIST)
    assert cache.rows
    assert all(json.loads(row) for row in cache.rows.values())


def test_playlists_expire_sooner_than_albums(fake_spotify: FakeSpotify) -> None:
    cache = JsonFileLikeCache()
    resolver = Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache)
    resolver.resolve(PLAYLIST)
    resolver.resolve(ALBUM)
    playlist_ttl = next(ttl for key, ttl in cache.ttls.items() if ":playlist:" in key)
    album_ttl = next(ttl for key, ttl in cache.ttls.items() if ":album:" in key)
    assert playlist_ttl < album_ttl


def test_public_and_api_results_cached_apart(fake_spotify: FakeSpotify) -> None:
    cache = JsonFileLikeCache()
    Resolver(fake_spotify.service_urls(), None, cache).resolve(ALBUM)
    with_credentials = Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache)
    assert with_credentials.resolve(ALBUM).tracks[1].isrc is not None


def test_in_memory_cache_expires() -> None:
    now = [100.0]
    cache = InMemoryCache(clock=lambda: now[0])
    cache.cache_put("key", {"a": 1}, ttl_seconds=10)
    assert cache.cache_get("key") == {"a": 1}
    now[0] = 110.0
    assert cache.cache_get("key") is None


def test_in_memory_cache_returns_copies() -> None:
    cache = InMemoryCache()
    cache.cache_put("key", {"tracks": [1]}, ttl_seconds=60)
    cache.cache_get("key")["tracks"].append(2)
    assert cache.cache_get("key") == {"tracks": [1]}


def test_in_memory_cache_missing_key() -> None:
    assert InMemoryCache().cache_get("absent") is None


def test_batch_refusal_shared_through_cache(fake_spotify: FakeSpotify) -> None:
    cache = JsonFileLikeCache()
    Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache).resolve(ALBUM)
    assert fake_spotify.calls["/v1/tracks"] == 1
    other = fake_spotify.add_generated_album("BatchRefusalShared0001", 3)
    Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache).resolve(
        SpotifyLink(LinkKind.ALBUM, other)
    )
    assert fake_spotify.calls["/v1/tracks"] == 1


def test_rejected_credentials_cache_as_public(fake_spotify: FakeSpotify) -> None:
    from spotdesk.spotify.credentials import Credentials

    cache = JsonFileLikeCache()
    Resolver(fake_spotify.service_urls(), Credentials("wrong", "secret"), cache).resolve(ALBUM)
    assert any(":public:album:" in key for key in cache.rows)
    assert not any(":api:" in key for key in cache.rows)


class BrokenCache:
    def cache_get(self, key: str) -> Any | None:
        raise RuntimeError("store is down")

    def cache_put(self, key: str, value: Any, ttl_seconds: float) -> None:
        raise RuntimeError("store is down")


def test_broken_cache_does_not_stop_resolution(
    fake_spotify: FakeSpotify, caplog: pytest.LogCaptureFixture
) -> None:
    resolver = Resolver(fake_spotify.service_urls(), fake_spotify.credentials, BrokenCache())
    assert len(resolver.resolve(ALBUM).tracks) == 16
    assert "store is down" in caplog.text


def test_unreadable_cache_entry_ignored(fake_spotify: FakeSpotify) -> None:
    cache = JsonFileLikeCache()
    resolver = Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache)
    resolver.resolve(ALBUM)
    for key in cache.rows:
        cache.rows[key] = json.dumps({"unexpected": True})
    assert len(resolver.resolve(ALBUM).tracks) == 16


def test_entry_without_access_still_read(fake_spotify: FakeSpotify) -> None:
    # Entries cached before the access was recorded have no "access" key.
    cache = JsonFileLikeCache()
    resolver = Resolver(fake_spotify.service_urls(), fake_spotify.credentials, cache)
    resolver.resolve(ALBUM)
    key = next(key for key in cache.rows if ":album:" in key)
    entry = json.loads(cache.rows[key])
    del entry["access"]
    cache.rows[key] = json.dumps(entry)
    fake_spotify.reset_calls()

    resolution = resolver.resolve(ALBUM)

    assert resolution.access is None
    assert len(resolution.tracks) == 16
    assert fake_spotify.total_calls == 0
