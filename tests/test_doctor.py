import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spotdesk.config import Settings
from spotdesk.doctor import (
    Status,
    _redact_uri,
    check_js_runtime,
    check_output_folder,
    check_spotify,
    check_store,
)


def test_redact_hides_mongodb_password() -> None:
    redacted_uri = _redact_uri("mongodb://alice:s3cret@db.example:27017/spotdesk")
    assert "s3cret" not in redacted_uri
    assert redacted_uri == "mongodb://alice:***@db.example:27017/spotdesk"


def test_redact_keeps_sqlite_uri() -> None:
    assert _redact_uri("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"


def test_output_folder_writable(tmp_path: Path) -> None:
    check = check_output_folder(Settings(output_dir=str(tmp_path / "music")))
    assert check.status is not Status.FAILED
    assert (tmp_path / "music").is_dir()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_output_folder_unwritable(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    check = check_output_folder(Settings(output_dir=str(locked)))
    assert check.status is Status.FAILED
    assert check.fix


def test_output_folder_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    check = check_output_folder(Settings(output_dir=str(blocker / "music")))
    assert check.status is Status.FAILED
    assert "folder you can write to" in check.fix


def test_js_runtime_found() -> None:
    assert check_js_runtime().status is Status.OK


def test_spotify_without_credentials_is_public_pages() -> None:
    check = check_spotify(Settings())
    assert check.status is Status.WARNING
    assert "public pages" in check.found


def test_spotify_with_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", "abcdef123456")
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", "topsecret")
    check = check_spotify(Settings())
    assert check.status is Status.OK
    assert "topsecret" not in check.found


def test_store_sqlite_reachable(tmp_path: Path) -> None:
    check = check_store(Settings(), f"sqlite:///{tmp_path / 'q.db'}")
    assert check.status is Status.OK


def test_store_unreachable_fails() -> None:
    uri = "mongodb://127.0.0.1:9/spotdesk?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
    check = check_store(Settings(), uri)
    assert check.status is Status.FAILED


def test_doctor_json_and_exit_status(tmp_path: Path) -> None:
    env = {**os.environ, "SPOTDESK_CONFIG_DIR": str(tmp_path)}
    (tmp_path / "settings.json").write_text(json.dumps({"output_dir": str(tmp_path / "out")}))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "spotdesk",
            "doctor",
            "--json",
            "--store",
            f"sqlite:///{tmp_path / 'q.db'}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    checks = {check["name"]: check for check in json.loads(result.stdout)}
    assert checks["output folder"]["status"] == "ok"
    assert checks["task store"]["status"] == "ok"
    assert result.returncode == 0


def test_spotify_with_login(monkeypatch: pytest.MonkeyPatch) -> None:
    from spotdesk.spotify import user_auth

    token = user_auth.UserToken.from_json(
        json.dumps(
            {
                "access_token": "access-secret",
                "refresh_token": "refresh-secret",
                "expires_at": 4102444800.0,
                "scope": "user-library-read",
                "client_id": "abcdef123456",
            }
        )
    )
    monkeypatch.setattr(user_auth, "load_user_token", lambda: token)

    check = check_spotify(Settings())

    assert check.status is Status.OK
    assert "Spotify login" in check.found
    assert "secret" not in check.found
