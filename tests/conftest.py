"""Test set-up shared by every test module.

Tests never reach the internet: every service URL defaults to a closed loopback port, and
any socket connection to a non-loopback address fails the test. Each test gets its own
config, data and log folders, so no test reads or writes the user's real settings.
"""

from __future__ import annotations

import atexit
import ipaddress
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from spotdesk.config import SERVICE_URL_VARIABLES

# Port 9 (discard) is closed on these machines, so a forgotten URL fails fast and visibly.
CLOSED_URL = "http://127.0.0.1:9"

for _variable in SERVICE_URL_VARIABLES.values():
    _suffix = "/youtubei/v1/" if _variable == "SPOTDESK_YTMUSIC_URL" else ""
    os.environ[_variable] = CLOSED_URL + _suffix
# yt-dlp's YouTube search has no base URL to point at a fake, so tests search YouTube
# Music only unless a test sets the providers itself.
os.environ.setdefault("SPOTDESK_SEARCH_PROVIDERS", "ytmusic")
for _variable in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET", "SPOTIPY_REDIRECT_URI"):
    os.environ.pop(_variable, None)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Session-wide private folders, so fixtures wider than one test, and the processes they
# start, never touch the user's real folders either. Each test then gets its own below.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="spotdesk-tests-"))
atexit.register(shutil.rmtree, _SESSION_HOME, ignore_errors=True)
for _variable, _name in (
    ("SPOTDESK_CONFIG_DIR", "config"),
    ("SPOTDESK_DATA_DIR", "data"),
    ("SPOTDESK_LOG_DIR", "log"),
    ("XDG_MUSIC_DIR", "music"),  # platformdirs' music folder, the default output folder
):
    os.environ[_variable] = str(_SESSION_HOME / _name)
# Keyring backends would reach the desktop's secret service; tests use a file-less one.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

FIXTURES = Path(__file__).parent / "fixtures"

_real_connect = socket.socket.connect


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # Unix sockets
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(address):
        raise OSError(f"test tried to connect to non-loopback address {address!r}")
    _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _private_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    for variable, name in (
        ("SPOTDESK_CONFIG_DIR", "config"),
        ("SPOTDESK_DATA_DIR", "data"),
        ("SPOTDESK_LOG_DIR", "log"),
    ):
        monkeypatch.setenv(variable, str(home / name))
    monkeypatch.setenv("XDG_MUSIC_DIR", str(home / "music"))
    monkeypatch.delenv("SPOTDESK_STORE", raising=False)
    yield home


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
