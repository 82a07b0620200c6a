"""A keyring backend that keeps passwords in a JSON file, for tests that start spotdesk.

An in-memory keyring does not reach a subprocess, so such tests select this one with
`PYTHON_KEYRING_BACKEND=tests.spotify.file_keyring.JsonFileKeyring` and name the file in
`SPOTDESK_TEST_KEYRING_FILE`. The subprocess must run from the repository root, so that
`tests` is importable.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

FILE_ENV = "SPOTDESK_TEST_KEYRING_FILE"
BACKEND_NAME = "tests.spotify.file_keyring.JsonFileKeyring"


class JsonFileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ[FILE_ENV])

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write(self, passwords: dict[str, str]) -> None:
        self.path.write_text(json.dumps(passwords), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        passwords = self._read()
        passwords[f"{service}/{username}"] = password
        self._write(passwords)

    def delete_password(self, service: str, username: str) -> None:
        passwords = self._read()
        if passwords.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._write(passwords)
