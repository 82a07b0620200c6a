"""`spotdesk api`: the token command, argument checks and the missing-extra message."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

from spotdesk.api.token import TOKEN_ENV, token_path


def run_spotdesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spotdesk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_show_token_creates_and_prints() -> None:
    first = run_spotdesk("api", "--show-token")
    second = run_spotdesk("api", "--show-token")

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == token_path().read_text().strip()
    assert second.stdout == first.stdout
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600
    assert str(token_path()) in first.stderr


def test_show_token_prefers_environment() -> None:
    value = "environment-token-0123456789"

    result = run_spotdesk("api", "--show-token", env={TOKEN_ENV: value})

    assert result.stdout.strip() == value
    assert TOKEN_ENV in result.stderr
    assert not token_path().exists()


def test_short_environment_token_is_usage_error() -> None:
    result = run_spotdesk("api", "--show-token", env={TOKEN_ENV: "abc"})

    assert result.returncode == 2
    assert "shorter than" in result.stderr


def test_missing_extra_prints_install_hint() -> None:
    code = (
        "import sys; sys.modules['fastapi'] = None; "
        "from spotdesk.cli.main import main; raise SystemExit(main(['api']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 1
    assert "pip install 'spotdesk[api]'" in result.stderr


def test_invalid_port_and_workers_are_usage_errors(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'q.db'}"

    port = run_spotdesk("api", "--port", "70000", "--store", store)
    workers = run_spotdesk("api", "--workers", "-1", "--store", store)

    assert port.returncode == 2
    assert "--port" in port.stderr
    assert workers.returncode == 2
    assert "--workers" in workers.stderr


def test_unopenable_store_fails_fast(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    result = run_spotdesk("api", "--workers", "0", "--store", f"sqlite:///{blocker / 'q.db'}")

    assert result.returncode == 1
    assert "Cannot open the task store" in result.stderr


def test_unknown_store_scheme_fails_fast() -> None:
    result = run_spotdesk("api", "--workers", "0", "--store", "redis://127.0.0.1:9/0")

    assert result.returncode == 1
    assert "sqlite:///PATH" in result.stderr


def test_show_token_works_without_extra() -> None:
    code = (
        "import sys; sys.modules['fastapi'] = None; sys.modules['uvicorn'] = None; "
        "from spotdesk.cli.main import main; raise SystemExit(main(['api', '--show-token']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == token_path().read_text().strip()


def test_taken_port_fails_cleanly(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        store = f"sqlite:///{tmp_path / 'q.db'}"

        alone = run_spotdesk("api", "--port", port, "--store", store, "--workers", "0")
        with_workers = run_spotdesk("api", "--port", port, "--store", store, "--workers", "1")

    for result in (alone, with_workers):
        assert result.returncode == 1
        assert "address already in use" in result.stderr
        assert "did not start" in result.stderr
        assert "Traceback" not in result.stderr
