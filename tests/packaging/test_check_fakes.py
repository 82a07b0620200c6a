"""The loopback servers that packaging/check_bundle.sh downloads from."""

from __future__ import annotations

import base64
import json
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "check_fakes.py"


def read_exports(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        values[name] = shlex.split(value)[0]
    return values


@pytest.fixture
def fakes(tmp_path: Path) -> Iterator[dict[str, str]]:
    env_file = tmp_path / "fakes.env"
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(env_file), "--lifetime", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not env_file.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert env_file.exists(), (
            process.stdout.read() if process.poll() is not None else "timed out"
        )
        yield read_exports(env_file)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def test_every_service_url_is_loopback(fakes: dict[str, str]) -> None:
    urls = {name: value for name, value in fakes.items() if name.endswith("_URL")}
    assert "SPOTDESK_SPOTIFY_API_URL" in urls
    assert "SPOTDESK_LRCLIB_URL" in urls
    for name, url in urls.items():
        assert urlsplit(url).hostname == "127.0.0.1", name


def test_pair_serves_tone_and_links_track(fakes: dict[str, str]) -> None:
    audio_url, _, link = fakes["CHECK_PAIR"].partition("|")
    assert link.startswith("https://open.spotify.com/track/")
    with urllib.request.urlopen(audio_url, timeout=10) as response:
        data = response.read()
    assert data[4:8] == b"ftyp"  # an MP4 container


def basic_credentials(fakes: dict[str, str]) -> str:
    pair = f"{fakes['SPOTIPY_CLIENT_ID']}:{fakes['SPOTIPY_CLIENT_SECRET']}"
    return base64.b64encode(pair.encode()).decode()


def test_fake_track_has_expected_title(fakes: dict[str, str]) -> None:
    track_id = fakes["CHECK_PAIR"].rsplit("/", 1)[1]
    token_request = urllib.request.Request(
        f"{fakes['SPOTDESK_SPOTIFY_ACCOUNTS_URL']}/api/token",
        data=b"grant_type=client_credentials",
        headers={"Authorization": f"Basic {basic_credentials(fakes)}"},
    )
    with urllib.request.urlopen(token_request, timeout=10) as response:
        token = json.loads(response.read())["access_token"]
    track_request = urllib.request.Request(
        f"{fakes['SPOTDESK_SPOTIFY_API_URL']}/tracks/{track_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(track_request, timeout=10) as response:
        track = json.loads(response.read())
    assert track["name"] == fakes["CHECK_TITLE"]
    assert urlsplit(track["album"]["images"][0]["url"]).hostname == "127.0.0.1"


def test_servers_stop_after_lifetime(tmp_path: Path) -> None:
    env_file = tmp_path / "fakes.env"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(env_file), "--lifetime", "0.5"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert env_file.is_file()
    assert "lifetime of 0 s is over" in result.stdout
