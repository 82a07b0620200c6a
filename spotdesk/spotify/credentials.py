"""The user's own Spotify app credentials (client credentials flow).

The client id may live in the settings file, but the secret never does: it comes from
`SPOTIPY_CLIENT_SECRET` or from the system keyring.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from spotdesk.config import Settings

log = logging.getLogger(__name__)

KEYRING_SERVICE = "spotdesk"
KEYRING_USER = "spotify_client_secret"
CLIENT_ID_ENV = "SPOTIPY_CLIENT_ID"
CLIENT_SECRET_ENV = "SPOTIPY_CLIENT_SECRET"


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        # Keeps the secret out of logs and tracebacks that print the object.
        return f"Credentials(client_id={self.client_id!r}, client_secret='***')"


def load_credentials(settings: Settings | None = None) -> Credentials | None:
    """Return the configured credentials, or None when spotdesk should use public pages.

    `SPOTIPY_CLIENT_ID` and `SPOTIPY_CLIENT_SECRET` win when both are set; otherwise the
    client id from the settings is paired with the secret stored in the keyring.
    """
    env_id = os.environ.get(CLIENT_ID_ENV, "").strip()
    env_secret = os.environ.get(CLIENT_SECRET_ENV, "").strip()
    if env_id and env_secret:
        return Credentials(env_id, env_secret)
    if env_id or env_secret:
        log.warning(
            "only one of %s and %s is set; both are needed, so the environment is ignored",
            CLIENT_ID_ENV,
            CLIENT_SECRET_ENV,
        )

    client_id = (settings.spotify_client_id if settings else "").strip()
    if not client_id:
        return None
    secret = _read_keyring_secret()
    if not secret:
        log.warning(
            "a Spotify client id is set but no client secret is stored in the keyring; "
            "using Spotify's public pages instead"
        )
        return None
    return Credentials(client_id, secret)


def save_client_secret(secret: str) -> None:
    """Store the client secret in the system keyring (an empty secret deletes it)."""
    import keyring
    from keyring.errors import PasswordDeleteError

    if secret:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, secret)
        return
    try:
        keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except PasswordDeleteError:
        pass


def _read_keyring_secret() -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except KeyringError as error:
        log.warning("reading the Spotify client secret from the keyring failed: %s", error)
        return None
