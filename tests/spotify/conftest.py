"""Fixtures for the Spotify side: a fresh loopback fake per test and resolvers aimed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spotdesk.spotify.resolver import Resolver
from tests.fakes.spotify_api import FakeSpotify


class SleepRecorder:
    """Stands in for time.sleep so rate-limit tests take no time; records each wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def fake_spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        yield fake


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def resolver(fake_spotify: FakeSpotify, sleeps: SleepRecorder) -> Resolver:
    """A resolver with credentials, so it uses the Web API first."""
    return Resolver(fake_spotify.service_urls(), fake_spotify.credentials, sleep=sleeps, timeout=5)


@pytest.fixture
def public_resolver(fake_spotify: FakeSpotify, sleeps: SleepRecorder) -> Resolver:
    """A resolver without credentials, so it reads the public pages only."""
    return Resolver(fake_spotify.service_urls(), None, sleep=sleeps, timeout=5)
