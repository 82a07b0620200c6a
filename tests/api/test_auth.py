"""Bearer-token checks on every endpoint, and where the token comes from."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from spotdesk.api.token import (
    TOKEN_ENV,
    TokenError,
    load_or_create_token,
    token_path,
)
from tests.api.conftest import TOKEN, RunningApi

TASK = "0123456789abcdef0123456789abcdef"
PROTECTED = [
    ("GET", "/api/v1/downloads"),
    ("POST", "/api/v1/downloads"),
    ("GET", f"/api/v1/downloads/{TASK}"),
    ("DELETE", f"/api/v1/downloads/{TASK}"),
    ("POST", f"/api/v1/downloads/{TASK}/cancel"),
    ("POST", f"/api/v1/downloads/{TASK}/pause"),
    ("POST", f"/api/v1/downloads/{TASK}/resume"),
    ("POST", f"/api/v1/downloads/{TASK}/retry"),
    ("POST", f"/api/v1/downloads/{TASK}/match"),
    ("GET", "/api/v1/events"),
    ("GET", "/api/v1/stats"),
    ("GET", "/openapi.json"),
    ("GET", "/api/v1/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_missing_token_gets_401(api: RunningApi, method: str, path: str) -> None:
    response = api.anonymous.request(method, path, json={"links": ["x"]})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "api.unauthorized"


@pytest.mark.parametrize(
    "header",
    [
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        "Bearer",
        f"Basic {TOKEN}",
        TOKEN,
        f"Bearer {TOKEN.upper()}",
        f"Bearer  {TOKEN}",
    ],
)
def test_wrong_token_gets_401(api: RunningApi, header: str) -> None:
    response = api.anonymous.get("/api/v1/downloads", headers={"Authorization": header})

    assert response.status_code == 401


def test_health_needs_no_token(api: RunningApi) -> None:
    response = api.anonymous.get("/api/v1/health")

    assert response.status_code == 200


def test_openapi_served_with_token(api: RunningApi) -> None:
    response = api.client.get("/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/downloads" in response.json()["paths"]


def test_token_never_logged(api: RunningApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    guessed = "guessed-token-value-0123456789"

    api.anonymous.get("/api/v1/downloads", headers={"Authorization": f"Bearer {guessed}"})
    api.client.get("/api/v1/downloads")
    api.client.post("/api/v1/downloads", json={"links": ["https://example.com"]})

    assert "rejected an invalid API token" in caplog.text
    assert TOKEN not in caplog.text
    assert guessed not in caplog.text


# ---- the token file -----------------------------------------------------------------------


def test_first_start_creates_private_file() -> None:
    token = load_or_create_token({})

    path = token_path()
    assert path.read_text().strip() == token.value
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(token.value) >= 32
    assert token.value not in repr(token)


def test_second_start_reuses_token() -> None:
    first = load_or_create_token({})
    second = load_or_create_token({})

    assert second.value == first.value


def test_environment_overrides_file() -> None:
    load_or_create_token({})
    value = "deployment-token-abcdefghijklmnop"

    token = load_or_create_token({TOKEN_ENV: value})

    assert token.value == value
    assert TOKEN_ENV in token.source


def test_short_environment_token_rejected() -> None:
    with pytest.raises(TokenError):
        load_or_create_token({TOKEN_ENV: "short"})


def test_readable_file_is_tightened() -> None:
    load_or_create_token({})
    path: Path = token_path()
    os.chmod(path, 0o644)

    load_or_create_token({})

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_empty_file_rejected_with_fix() -> None:
    path = token_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    os.chmod(path, 0o600)

    with pytest.raises(TokenError, match="delete it"):
        load_or_create_token({})


def test_compare_is_exact() -> None:
    token = load_or_create_token({TOKEN_ENV: "exact-token-value-0123"})

    assert token.matches("exact-token-value-0123")
    assert not token.matches("exact-token-value-012")
    assert not token.matches("exact-token-value-01234")
    assert not token.matches("")
