"""The loopback fake itself, which other test areas rely on."""

from __future__ import annotations

import requests

from spotdesk.config import SERVICE_URL_VARIABLES
from tests.fakes.spotify_api import FakeSpotify


def token(fake: FakeSpotify) -> str:
    response = requests.post(
        f"{fake.base_url}/api/token",
        data={"grant_type": "client_credentials"},
        auth=(fake.client_id, fake.client_secret),
        timeout=5,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def test_env_names_every_spotify_url(fake_spotify: FakeSpotify) -> None:
    spotify_variables = {
        name for key, name in SERVICE_URL_VARIABLES.items() if key.startswith("spotify")
    }
    assert set(fake_spotify.env) == spotify_variables
    assert all(value.startswith("http://127.0.0.1:") for value in fake_spotify.env.values())
    assert fake_spotify.urls == fake_spotify.env


def test_api_needs_token(fake_spotify: FakeSpotify) -> None:
    response = requests.get(f"{fake_spotify.base_url}/v1/tracks/1t2qKa8K72IBC8yQlhD9bU", timeout=5)
    assert response.status_code == 401


def test_wrong_secret_rejected(fake_spotify: FakeSpotify) -> None:
    response = requests.post(
        f"{fake_spotify.base_url}/api/token",
        data={"grant_type": "client_credentials"},
        auth=(fake_spotify.client_id, "wrong"),
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_fault_limited_by_times(fake_spotify: FakeSpotify) -> None:
    headers = {"Authorization": f"Bearer {token(fake_spotify)}"}
    url = f"{fake_spotify.base_url}/v1/tracks/1t2qKa8K72IBC8yQlhD9bU"
    fake_spotify.fail("/v1/tracks/.*", 429, times=1, retry_after=42)
    first = requests.get(url, headers=headers, timeout=5)
    second = requests.get(url, headers=headers, timeout=5)
    assert first.status_code == 429
    assert first.headers["Retry-After"] == "42"
    assert second.status_code == 200
    assert fake_spotify.calls["/v1/tracks/1t2qKa8K72IBC8yQlhD9bU"] == 2


def test_pages_link_next(fake_spotify: FakeSpotify) -> None:
    playlist_id = fake_spotify.add_generated_playlist("PagedPlaylist000000000", 120)
    headers = {"Authorization": f"Bearer {token(fake_spotify)}"}
    first = requests.get(
        f"{fake_spotify.base_url}/v1/playlists/{playlist_id}/items", headers=headers, timeout=5
    ).json()
    assert first["total"] == 120
    assert len(first["items"]) == 100
    second = requests.get(first["next"], headers=headers, timeout=5).json()
    assert len(second["items"]) == 20
    assert second["next"] is None


def test_embed_page_caps_track_list(fake_spotify: FakeSpotify) -> None:
    playlist_id = fake_spotify.add_generated_playlist("LongEmbedPlaylist00000", 140)
    page = requests.get(f"{fake_spotify.base_url}/embed/playlist/{playlist_id}", timeout=5).text
    assert '<script id="__NEXT_DATA__"' in page
    assert page.count('"entityType"') == 100


def test_stop_closes_port() -> None:
    fake = FakeSpotify(load_recordings=False).start()
    base = fake.base_url
    fake.stop()
    try:
        requests.get(f"{base}/embed/track/x", timeout=2)
    except requests.ConnectionError:
        return
    raise AssertionError("the fake still accepted connections after stop()")
