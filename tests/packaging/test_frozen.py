"""Worker commands and the bundle's command-line dispatch (spotdesk.frozen)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spotdesk import frozen


def test_worker_command_from_python() -> None:
    command = frozen.worker_command(["--store", "sqlite:///q.db", "--id", "w1"])
    assert command == [
        sys.executable,
        "-P",
        "-m",
        "spotdesk.worker",
        "--store",
        "sqlite:///q.db",
        "--id",
        "w1",
    ]


def test_worker_command_in_linux_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    executable = tmp_path / "spotdesk"
    executable.touch()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    assert frozen.worker_command(["--id", "w1"]) == [str(executable), "--worker", "--id", "w1"]


def test_worker_command_in_windows_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    windowed = tmp_path / "spotdesk.exe"
    windowed.touch()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(windowed))
    monkeypatch.setattr(sys, "platform", "win32")
    assert frozen.worker_command(["--id", "w1"]) == [str(windowed), "--worker", "--id", "w1"]


def test_bundle_environment_restores_library_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bin").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    environ = {
        "PATH": "/usr/bin",
        "LD_LIBRARY_PATH": str(tmp_path),
        "LD_LIBRARY_PATH_ORIG": "/opt/lib",
    }
    frozen.prepare_bundle_environment(environ)
    assert environ["PATH"].split(":")[0] == str(tmp_path / "bin")
    assert environ["LD_LIBRARY_PATH"] == "/opt/lib"
    assert environ["PYINSTALLER_RESET_ENVIRONMENT"] == "1"


def test_bundle_environment_drops_bundle_library_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    environ = {"PATH": "/usr/bin", "LD_LIBRARY_PATH": str(tmp_path)}
    frozen.prepare_bundle_environment(environ)
    assert "LD_LIBRARY_PATH" not in environ
    assert environ["PATH"] == "/usr/bin"  # no bin folder in this bundle


def test_main_rejects_other_modules(capsys: pytest.CaptureFixture[str]) -> None:
    assert frozen.main(["-m", "os"]) == 2
    assert "cannot run module 'os'" in capsys.readouterr().err


def test_main_rejects_bare_module_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert frozen.main(["-m"]) == 2
    assert "allowed: spotdesk, spotdesk.worker" in capsys.readouterr().err


def test_main_runs_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        frozen.main(["-m", "spotdesk", "--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("spotdesk ")


@pytest.mark.parametrize("prefix", [["--worker"], ["-m", "spotdesk.worker"]])
def test_main_runs_worker(prefix: list[str]) -> None:
    code = "import sys; from spotdesk.frozen import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", code, *prefix, "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "--store" in result.stdout
