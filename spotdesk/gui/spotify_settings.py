"""The Spotify page of the settings: app credentials in the keyring, and the login."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from spotdesk.config import ServiceUrls, Settings
from spotdesk.gui import oauth
from spotdesk.spotify import user_auth

log = logging.getLogger(__name__)


class SpotifyPage(QWidget):
    """Client id in the settings file, client secret and login tokens in the keyring."""

    login_finished = Signal(object)  # a UserToken, or a LoginFailed

    def __init__(self, settings: Settings, urls: ServiceUrls, parent: Any = None) -> None:
        super().__init__(parent)
        self._urls = urls
        self._secret_edited = False
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setObjectName("publicPagesExplanation")

        self.client_id = QLineEdit(settings.spotify_client_id, self)
        self.client_id.setObjectName("clientId")
        self.client_secret = QLineEdit(self)
        self.client_secret.setObjectName("clientSecret")
        self.client_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.client_secret.textEdited.connect(self._on_secret_edited)
        self.credentials_box = QGroupBox(self)
        form = QFormLayout(self.credentials_box)
        self.client_id_label = QLabel(self)
        self.client_secret_label = QLabel(self)
        form.addRow(self.client_id_label, self.client_id)
        form.addRow(self.client_secret_label, self.client_secret)

        self.login_box = QGroupBox(self)
        self.login_button = QPushButton(self)
        self.login_button.setObjectName("loginButton")
        self.logout_button = QPushButton(self)
        self.login_status = QLabel(self)
        self.login_status.setWordWrap(True)
        self.redirect_label = QLabel(self)
        self.redirect_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.login_button)
        buttons.addWidget(self.logout_button)
        buttons.addStretch(1)
        login_layout = QVBoxLayout(self.login_box)
        login_layout.addWidget(self.redirect_label)
        login_layout.addLayout(buttons)
        login_layout.addWidget(self.login_status)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.credentials_box)
        layout.addWidget(self.login_box)
        layout.addStretch(1)

        self.login_button.clicked.connect(self.start_login)
        self.logout_button.clicked.connect(self._log_out)
        self.login_finished.connect(self._on_login_finished)
        self.client_id.textChanged.connect(self._update_buttons)
        self.retranslate()
        self._show_token_state()

    def retranslate(self) -> None:
        self.explanation.setText(
            self.tr(
                "Without credentials, spotdesk reads Spotify's public web pages. That works "
                "for public tracks, albums and playlists, but gives no ISRC codes (so matches "
                "are less certain), no genres, and no private playlists. With your own "
                "Spotify app's client id and secret, spotdesk uses the Web API instead; "
                "create the app for free at "
                "developer.spotify.com/dashboard."
            )
        )
        self.credentials_box.setTitle(self.tr("Your Spotify app"))
        self.client_id_label.setText(self.tr("Client ID:"))
        self.client_secret_label.setText(self.tr("Client secret:"))
        self.client_secret.setPlaceholderText(
            self.tr("Stored in the system keyring; type to replace it")
        )
        self.login_box.setTitle(self.tr("Your playlists and Liked Songs"))
        self.login_button.setText(self.tr("Log in with Spotify"))
        self.logout_button.setText(self.tr("Log out"))
        self.redirect_label.setText(
            self.tr(
                "Logging in lets spotdesk read your private playlists and Liked Songs. Add "
                "{uri} as a redirect URI of your Spotify app first."
            ).format(uri=oauth.redirect_uri())
        )
        self._show_token_state()

    def _on_secret_edited(self) -> None:
        self._secret_edited = True

    def apply(self, settings: Settings) -> None:
        """Copy the client id into `settings` and save an edited secret to the keyring."""
        settings.spotify_client_id = self.client_id.text().strip()
        if self._secret_edited:
            from spotdesk.spotify.credentials import save_client_secret

            save_client_secret(self.client_secret.text().strip())
            self._secret_edited = False
            log.info(
                "Spotify client secret %s the keyring",
                "saved to" if self.client_secret.text().strip() else "removed from",
            )

    def _update_buttons(self) -> None:
        self.login_button.setEnabled(bool(self.client_id.text().strip()))

    def _show_token_state(self) -> None:
        token = user_auth.load_user_token()
        self.logout_button.setVisible(token is not None)
        if token is None:
            self.login_status.setText(self.tr("Not logged in."))
        elif token.scope and user_auth.LIBRARY_SCOPE not in token.scopes:
            self.login_status.setText(
                self.tr(
                    "Logged in, but without access to Liked Songs. Log in again to allow it."
                )
            )
        else:
            self.login_status.setText(
                self.tr("Logged in. spotdesk can read your private playlists and Liked Songs.")
            )
        self._update_buttons()

    def start_login(self) -> None:
        """Start the PKCE login; its outcome arrives through `login_finished`."""
        client_id = self.client_id.text().strip()
        if not client_id:
            return
        self.login_button.setEnabled(False)
        self.login_status.setText(self.tr("Waiting for you to allow access in the browser…"))
        login = oauth.PkceLogin(self._urls.spotify_accounts, client_id)
        self._run(login)

    def _run(self, login: oauth.PkceLogin) -> None:
        async def attempt() -> None:
            try:
                token = await login.run(self._open_browser)
            except oauth.LoginFailed as error:
                self.login_finished.emit(error)
            else:
                self.login_finished.emit(token)

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            # The app's qasync loop: the redirect server runs beside the window.
            loop.create_task(attempt())
        else:
            threading.Thread(target=asyncio.run, args=(attempt(),), daemon=True).start()

    def _open_browser(self, url: str) -> None:
        # Without a qasync loop this runs on the login's thread. openUrl belongs on the GUI
        # thread, so a queued call hands the URL over.
        from PySide6.QtCore import QMetaObject, Qt

        self._pending_url = url
        QMetaObject.invokeMethod(self, "_open_pending_url", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _open_pending_url(self) -> None:
        QDesktopServices.openUrl(QUrl(self._pending_url))

    def _on_login_finished(self, outcome: object) -> None:
        if isinstance(outcome, oauth.UserToken):
            user_auth.save_user_token(outcome)
            log.info("logged in with Spotify; scopes %s", outcome.scope)
            self._show_token_state()
            return
        message = getattr(outcome, "message", str(outcome))
        log.warning("Spotify login failed: %s", message)
        self.login_status.setText(self.tr("Login failed: {reason}").format(reason=message))
        self._update_buttons()

    def _log_out(self) -> None:
        user_auth.clear_user_token()
        self._show_token_state()
