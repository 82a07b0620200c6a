"""Fixtures for the Spotify side: a fresh loopback fake per test and resolvers aimed at it."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend

from spotdesk.spotify.resolver import Resolver
from spotdesk.spotify.user_auth import UserToken, save_user_token
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


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dictionary for one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.passwords:
            raise PasswordDeleteError(username)
        del self.passwords[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Replace the file-less null keyring that tests/conftest.py selects with a working one."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def logged_in(fake_spotify: FakeSpotify, memory_keyring: MemoryKeyring) -> UserToken:
    """Save a login to the keyring, as "Log in with Spotify" in the window does."""
    token = fake_spotify.accounts.user_token()
    save_user_token(token)
    return token
