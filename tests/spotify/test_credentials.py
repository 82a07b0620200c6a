"""Where the client id and secret come from, and that the secret stays out of sight."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend

from spotdesk.config import Settings
from spotdesk.spotify.credentials import (
    KEYRING_SERVICE,
    KEYRING_USER,
    Credentials,
    load_credentials,
    save_client_secret,
)


class MemoryKeyring(KeyringBackend):
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
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_environment_wins(monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> None:
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", "env-id")
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", "env-secret")
    memory_keyring.set_password(KEYRING_SERVICE, KEYRING_USER, "stored")
    credentials = load_credentials(Settings(spotify_client_id="settings-id"))
    assert credentials == Credentials("env-id", "env-secret")


def test_settings_id_with_keyring_secret(memory_keyring: MemoryKeyring) -> None:
    save_client_secret("stored-secret")
    credentials = load_credentials(Settings(spotify_client_id="settings-id"))
    assert credentials == Credentials("settings-id", "stored-secret")


def test_id_without_secret_gives_none(memory_keyring: MemoryKeyring) -> None:
    assert load_credentials(Settings(spotify_client_id="settings-id")) is None


def test_nothing_configured_gives_none() -> None:
    assert load_credentials(Settings()) is None
    assert load_credentials(None) is None


def test_half_environment_ignored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", "env-id")
    assert load_credentials(Settings()) is None
    assert "SPOTIPY_CLIENT_SECRET" in caplog.text


def test_empty_secret_deletes(memory_keyring: MemoryKeyring) -> None:
    save_client_secret("stored")
    save_client_secret("")
    assert memory_keyring.passwords == {}
    save_client_secret("")  # deleting nothing is fine


def test_repr_hides_secret() -> None:
    text = repr(Credentials("visible-id", "hidden-secret"))
    assert "hidden-secret" not in text
    assert "visible-id" in text
