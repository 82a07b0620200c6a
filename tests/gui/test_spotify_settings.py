"""The Spotify page of the settings: login states, log out, and where credentials are kept.

Tokens live in an in-memory keyring (the `memory_keyring` fixture). The login test runs the
real PKCE flow against the fake Spotify on loopback: a Qt URL handler acts as the
browser and follows the fake consent page's redirect to the page's redirect server.
"""

from __future__ import annotations

import functools
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from spotdesk.config import ServiceUrls, Settings, save_settings, settings_path
from spotdesk.gui import oauth
from spotdesk.gui.spotify_settings import SpotifyPage
from spotdesk.spotify import credentials, user_auth
from tests.fakes.spotify_api import FakeSpotify
from tests.gui.memory_keyring import MemoryKeyring

TOKEN_KEY = (user_auth.KEYRING_SERVICE, user_auth.KEYRING_TOKEN_USER)
SECRET_KEY = (credentials.KEYRING_SERVICE, credentials.KEYRING_USER)
LOGIN_TIMEOUT_MS = 15_000

NOT_LOGGED_IN = "Not logged in."
LOGGED_IN = "Logged in. spotdesk can read your private playlists and Liked Songs."
NO_LIBRARY = "Logged in, but without access to Liked Songs. Log in again to allow it."


@pytest.fixture
def fake_spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify(load_recordings=False) as fake:
        yield fake


def make_page(qtbot, settings: Settings, urls: ServiceUrls | None = None) -> SpotifyPage:
    page = SpotifyPage(settings, urls or ServiceUrls.from_env())
    qtbot.addWidget(page)
    page.show()
    return page


class Browser(QObject):
    """Plays the desktop browser: opens each http URL that the page passes to Qt."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []
        self.failures: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())
        threading.Thread(target=self._visit, args=(url.toString(),), daemon=True).start()

    def _visit(self, url: str) -> None:
        # No proxies, so the visit stays on loopback whatever the environment sets.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            opener.open(url, timeout=10).read()
        except OSError as error:
            # A refused login ends on the redirect server's 400 page, which is expected.
            self.failures.append(str(error))


@pytest.fixture
def browser() -> Iterator[Browser]:
    handler = Browser()
    QDesktopServices.setUrlHandler("http", handler, "open")
    yield handler
    QDesktopServices.unsetUrlHandler("http")


@pytest.fixture
def free_redirect_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the system choose the redirect port, so tests never need the fixed one free."""
    login_class = oauth.PkceLogin
    monkeypatch.setattr(oauth, "PkceLogin", functools.partial(login_class, port=0, timeout=10))


# ---- login states ---------------------------------------------------------------------------


def test_no_token_shows_not_logged_in(qtbot, memory_keyring: MemoryKeyring) -> None:
    page = make_page(qtbot, Settings())

    assert page.login_status.text() == NOT_LOGGED_IN
    assert not page.logout_button.isVisible()


def test_login_button_needs_client_id(qtbot, memory_keyring: MemoryKeyring) -> None:
    page = make_page(qtbot, Settings())

    assert not page.login_button.isEnabled()
    page.client_id.setText("0123456789abcdef")
    assert page.login_button.isEnabled()
    page.client_id.setText("   ")
    assert not page.login_button.isEnabled()


def test_stored_token_shows_logged_in(
    qtbot, memory_keyring: MemoryKeyring, fake_spotify: FakeSpotify
) -> None:
    user_auth.save_user_token(fake_spotify.accounts.user_token())

    page = make_page(qtbot, Settings(spotify_client_id=fake_spotify.client_id))

    assert page.login_status.text() == LOGGED_IN
    assert page.logout_button.isVisible()
    assert page.login_button.isEnabled()


def test_token_without_library_scope(
    qtbot, memory_keyring: MemoryKeyring, fake_spotify: FakeSpotify
) -> None:
    token = fake_spotify.accounts.user_token(("playlist-read-private",))
    user_auth.save_user_token(token)

    page = make_page(qtbot, Settings(spotify_client_id=fake_spotify.client_id))

    assert page.login_status.text() == NO_LIBRARY
    assert page.logout_button.isVisible()


def test_empty_scope_counts_as_logged_in(
    qtbot, memory_keyring: MemoryKeyring, fake_spotify: FakeSpotify
) -> None:
    # An empty scope means the scopes are unknown, so the page does not claim one is missing.
    token = fake_spotify.accounts.user_token(())
    user_auth.save_user_token(token)

    page = make_page(qtbot, Settings())

    assert page.login_status.text() == LOGGED_IN


def test_unreadable_token_shows_not_logged_in(qtbot, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets[TOKEN_KEY] = "not a token"

    page = make_page(qtbot, Settings())

    assert page.login_status.text() == NOT_LOGGED_IN
    assert not page.logout_button.isVisible()


def test_null_keyring_shows_not_logged_in(qtbot) -> None:
    # tests/conftest.py selects keyring's null backend, the state of a desktop without one.
    page = make_page(qtbot, Settings(spotify_client_id="0123456789abcdef"))

    assert page.login_status.text() == NOT_LOGGED_IN
    assert page.login_button.isEnabled()


# ---- log out --------------------------------------------------------------------------------


def test_log_out_clears_token(
    qtbot, memory_keyring: MemoryKeyring, fake_spotify: FakeSpotify
) -> None:
    user_auth.save_user_token(fake_spotify.accounts.user_token())
    memory_keyring.secrets[SECRET_KEY] = "kept-secret"
    page = make_page(qtbot, Settings(spotify_client_id=fake_spotify.client_id))

    page.logout_button.click()

    assert TOKEN_KEY not in memory_keyring.secrets
    assert user_auth.load_user_token() is None
    assert page.login_status.text() == NOT_LOGGED_IN
    assert not page.logout_button.isVisible()
    # Logging out ends the user's login only, so the app's own secret stays.
    assert memory_keyring.secrets[SECRET_KEY] == "kept-secret"


# ---- credentials ----------------------------------------------------------------------------


def test_secret_saved_to_keyring_not_file(qtbot, memory_keyring: MemoryKeyring) -> None:
    page = make_page(qtbot, Settings())
    page.client_id.setText("  0123456789abcdef ")
    qtbot.keyClicks(page.client_secret, "s3cret-value")
    settings = Settings()

    page.apply(settings)
    save_settings(settings)

    assert memory_keyring.secrets[SECRET_KEY] == "s3cret-value"
    assert settings.spotify_client_id == "0123456789abcdef"
    saved = settings_path().read_text(encoding="utf-8")
    assert "0123456789abcdef" in saved
    assert "s3cret-value" not in saved


def test_secret_field_starts_empty(qtbot, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets[SECRET_KEY] = "stored-secret"

    page = make_page(qtbot, Settings(spotify_client_id="0123456789abcdef"))

    assert page.client_secret.text() == ""
    assert page.client_id.text() == "0123456789abcdef"


def test_cleared_secret_removed_from_keyring(qtbot, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets[SECRET_KEY] = "old-secret"
    page = make_page(qtbot, Settings(spotify_client_id="0123456789abcdef"))
    qtbot.keyClicks(page.client_secret, "x")
    qtbot.keyClick(page.client_secret, Qt.Key.Key_Backspace)
    assert page.client_secret.text() == ""

    page.apply(Settings())

    assert SECRET_KEY not in memory_keyring.secrets


def test_untouched_secret_kept_on_apply(qtbot, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.secrets[SECRET_KEY] = "old-secret"
    page = make_page(qtbot, Settings(spotify_client_id="0123456789abcdef"))

    page.apply(Settings())

    assert memory_keyring.secrets[SECRET_KEY] == "old-secret"


# ---- the login through the fake Spotify -----------------------------------------------------


@pytest.mark.usefixtures("free_redirect_port")
def test_login_saves_token_to_keyring(
    qtbot,
    memory_keyring: MemoryKeyring,
    fake_spotify: FakeSpotify,
    browser: Browser,
) -> None:
    settings = Settings(spotify_client_id=fake_spotify.client_id)
    page = make_page(qtbot, settings, fake_spotify.service_urls())

    page.login_button.click()

    qtbot.waitUntil(lambda: page.login_status.text() == LOGGED_IN, timeout=LOGIN_TIMEOUT_MS)
    assert browser.opened[0].startswith(f"{fake_spotify.base_url}/authorize?")
    token = user_auth.load_user_token()
    assert token is not None
    assert token.client_id == fake_spotify.client_id
    assert user_auth.LIBRARY_SCOPE in token.scopes
    assert fake_spotify.accounts.scopes_of(token.access_token) is not None
    form = fake_spotify.accounts.token_forms[0]
    assert form["grant_type"] == "authorization_code"
    assert "client_secret" not in form
    assert page.logout_button.isVisible()
    assert page.login_button.isEnabled()

    page.apply(settings)
    save_settings(settings)
    saved = settings_path().read_text(encoding="utf-8")
    assert token.access_token not in saved
    assert token.refresh_token is not None
    assert token.refresh_token not in saved


@pytest.mark.usefixtures("free_redirect_port")
def test_denied_login_shows_reason(
    qtbot, memory_keyring: MemoryKeyring, fake_spotify: FakeSpotify, browser: Browser
) -> None:
    fake_spotify.accounts.deny = True
    page = make_page(
        qtbot, Settings(spotify_client_id=fake_spotify.client_id), fake_spotify.service_urls()
    )

    page.login_button.click()

    qtbot.waitUntil(
        lambda: page.login_status.text().startswith("Login failed:"), timeout=LOGIN_TIMEOUT_MS
    )
    assert "access_denied" in page.login_status.text()
    assert user_auth.load_user_token() is None
    assert TOKEN_KEY not in memory_keyring.secrets
    assert page.login_button.isEnabled()
    assert not page.logout_button.isVisible()


def test_login_timeout_shows_reason(
    qtbot,
    memory_keyring: MemoryKeyring,
    fake_spotify: FakeSpotify,
    browser: Browser,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fake consent page rejects an unknown client id, so no redirect ever arrives and
    # the login ends at its timeout.
    login_class = oauth.PkceLogin
    monkeypatch.setattr(oauth, "PkceLogin", functools.partial(login_class, port=0, timeout=1.0))
    settings = Settings(spotify_client_id="unknown-client")
    page = make_page(qtbot, settings, fake_spotify.service_urls())

    page.login_button.click()

    assert not page.login_button.isEnabled()
    qtbot.waitUntil(
        lambda: page.login_status.text().startswith("Login failed:"), timeout=LOGIN_TIMEOUT_MS
    )
    assert "within 1 s" in page.login_status.text()
    assert "400" in browser.failures[0]
    assert user_auth.load_user_token() is None
    assert page.login_button.isEnabled()
