"""Installing and removing the user's desktop entry (spotdesk.desktop_entry)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spotdesk.cli import desktop_entry as command
from spotdesk.desktop_entry import (
    APP_ID,
    DESKTOP_FILE_NAME,
    DesktopEntryError,
    install_desktop_entry,
    quote_exec_argument,
    remove_desktop_entry,
    render_desktop_entry,
    user_data_home,
)
from tests.packaging.test_linux_files import DESKTOP_FILE, read_desktop_entry

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktops only")


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


def run_command(*arguments: str) -> int:
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    return command.run(parser.parse_args(["desktop-entry", *arguments]))


def test_user_data_home_from_environment(tmp_path: Path) -> None:
    assert user_data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path


def test_user_data_home_ignores_relative_path() -> None:
    assert user_data_home({"XDG_DATA_HOME": "relative/share"}) == Path.home() / ".local/share"


def test_user_data_home_default() -> None:
    assert user_data_home({}) == Path.home() / ".local" / "share"


def test_install_writes_desktop_file(data_home: Path) -> None:
    files = install_desktop_entry(command=["/opt/spotdesk/spotdesk"])
    assert files.desktop_file == data_home / "applications" / DESKTOP_FILE_NAME
    entry = read_desktop_entry(files.desktop_file)
    assert entry["Exec"] == "/opt/spotdesk/spotdesk"
    assert entry["Icon"] == APP_ID


def test_install_copies_every_icon(data_home: Path) -> None:
    files = install_desktop_entry(command=["spotdesk"])
    names = {path.relative_to(data_home / "icons" / "hicolor").as_posix() for path in files.icons}
    assert f"scalable/apps/{APP_ID}.svg" in names
    assert f"48x48/apps/{APP_ID}.png" in names
    assert f"256x256/apps/{APP_ID}.png" in names
    for path in files.icons:
        assert path.stat().st_size > 0


def test_install_without_icons_still_writes_entry(data_home: Path) -> None:
    files = install_desktop_entry(command=["spotdesk"], icons=[])
    assert files.desktop_file is not None
    assert files.desktop_file.is_file()
    assert files.icons == []


def test_install_twice_replaces_exec(data_home: Path) -> None:
    install_desktop_entry(command=["/old/spotdesk"])
    files = install_desktop_entry(command=["/new/spotdesk"])
    assert files.desktop_file is not None
    assert read_desktop_entry(files.desktop_file)["Exec"] == "/new/spotdesk"
    assert sorted(p.name for p in files.desktop_file.parent.iterdir()) == [DESKTOP_FILE_NAME]


def test_install_unwritable_folder_raises(data_home: Path) -> None:
    data_home.mkdir(parents=True)
    (data_home / "applications").write_text("a file where a folder belongs")
    with pytest.raises(DesktopEntryError) as caught:
        install_desktop_entry(command=["spotdesk"], icons=[])
    assert caught.value.code == "desktop_entry.failed"
    assert str(data_home) in caught.value.message


def test_install_rejected_off_linux(data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    with pytest.raises(DesktopEntryError) as caught:
        install_desktop_entry(command=["spotdesk"])
    assert caught.value.code == "desktop_entry.unsupported"
    assert not data_home.exists()


def test_remove_deletes_what_install_wrote(data_home: Path) -> None:
    written = install_desktop_entry(command=["spotdesk"])
    removed = remove_desktop_entry()
    assert sorted(removed.all()) == sorted(written.all())
    for path in written.all():
        assert not path.exists()


def test_remove_keeps_other_files(data_home: Path) -> None:
    install_desktop_entry(command=["spotdesk"])
    other = data_home / "applications" / "org.example.Other.desktop"
    other.write_text("[Desktop Entry]\n")
    remove_desktop_entry()
    assert other.is_file()


def test_remove_when_nothing_installed(data_home: Path) -> None:
    assert remove_desktop_entry().all() == []


def test_rendered_entry_matches_packaged_file() -> None:
    packaged = read_desktop_entry(DESKTOP_FILE)
    rendered_text = render_desktop_entry(["spotdesk"])
    rendered = dict(line.split("=", 1) for line in rendered_text.splitlines()[1:])
    assert rendered == packaged


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("/usr/bin/spotdesk", "/usr/bin/spotdesk"),
        ("/opt/my apps/spotdesk", '"/opt/my apps/spotdesk"'),
        ("100%", "100%%"),
        ('say "hi"', '"say \\\\"hi\\\\""'),
        ("C:\\path", '"C:\\\\\\\\path"'),
        ("$HOME", '"\\\\$HOME"'),
        ("", '""'),
    ],
)
def test_quote_exec_argument(argument: str, expected: str) -> None:
    assert quote_exec_argument(argument) == expected


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-utils missing"
)
def test_installed_entry_validates(data_home: Path) -> None:
    files = install_desktop_entry(command=["/opt/my apps/spotdesk", "--flag=100%"])
    result = subprocess.run(
        ["desktop-file-validate", str(files.desktop_file)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_command_install_then_remove(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command("--install") == 0
    assert (data_home / "applications" / DESKTOP_FILE_NAME).is_file()
    assert "application menu" in capsys.readouterr().out

    assert run_command("--remove") == 0
    assert not (data_home / "applications" / DESKTOP_FILE_NAME).exists()
    assert "Removed" in capsys.readouterr().out


def test_command_remove_when_absent(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command("--remove") == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_command_needs_an_action() -> None:
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["desktop-entry"])


def test_command_failure_exit_status(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_home.mkdir(parents=True)
    (data_home / "applications").write_text("a file where a folder belongs")
    assert run_command("--install") == 1
    assert "cannot write the desktop entry" in capsys.readouterr().err
