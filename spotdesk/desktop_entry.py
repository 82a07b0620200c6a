"""Add spotdesk to the user's application menu on Linux, or take it out again.

spotdesk registers nothing on its own: these functions run only on the user's request, through
`spotdesk desktop-entry --install` or `--remove`. Files go to the user's data folder from
the XDG Base Directory specification ($XDG_DATA_HOME, by default ~/.local/share), never to
a system folder:

- `applications/io.github.spotdesk.Spotdesk.desktop`, whose Exec line starts the
  spotdesk that ran the command (a bundle, a pipx or pip install, or `python -m spotdesk`);
- the app icon under `icons/hicolor/<size>/apps/`.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spotdesk.errors import SpotdeskError

log = logging.getLogger(__name__)

APP_ID = "io.github.spotdesk.Spotdesk"
DESKTOP_FILE_NAME = f"{APP_ID}.desktop"

# Names and comments of the entry; kept equal to packaging/linux/ by a test.
ENTRY_TEXT = {
    "GenericName": ("Music Downloader", "音乐下载器"),
    "Comment": (
        "Turn Spotify links into tagged audio files",
        "把 Spotify 链接变成带完整标签的音频文件",
    ),
    "Keywords": (
        "Spotify;music;download;YouTube;tags;playlist;",
        "Spotify;音乐;下载;歌单;标签;",
    ),
}


class DesktopEntryError(SpotdeskError):
    """The desktop entry could not be written or removed."""

    code = "desktop_entry.failed"


@dataclass
class DesktopEntryFiles:
    """The files that an install wrote or a removal deleted."""

    desktop_file: Path | None = None
    icons: list[Path] = field(default_factory=list)

    def all(self) -> list[Path]:
        return ([self.desktop_file] if self.desktop_file else []) + self.icons


def user_data_home(environ: Mapping[str, str] | None = None) -> Path:
    """Return $XDG_DATA_HOME, or ~/.local/share when it is unset or not an absolute path."""
    environ = os.environ if environ is None else environ
    value = environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def launch_command() -> list[str]:
    """Return the command line that starts the spotdesk running this code."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    # The `spotdesk` script that pip or pipx installed beside this interpreter's scripts.
    schemes = [sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user")]
    for scheme in schemes:
        script = Path(sysconfig.get_path("scripts", scheme=scheme)) / "spotdesk"
        if script.is_file():
            return [str(script)]
    return [sys.executable, "-m", "spotdesk"]


_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def quote_exec_argument(argument: str) -> str:
    """Quote one argument for an Exec key as the Desktop Entry specification requires.

    Arguments with reserved characters go in double quotes, where `"`, `` ` ``, `$` and
    `\\` get a backslash. `%` is doubled because Exec uses it for field codes. The value
    is then written as a desktop file string, which doubles every backslash once more.
    """
    argument = argument.replace("%", "%%")
    if argument and not (set(argument) & _RESERVED):
        quoted = argument
    else:
        escaped = "".join("\\" + char if char in '"`$\\' else char for char in argument)
        quoted = f'"{escaped}"'
    return quoted.replace("\\", "\\\\")


def render_desktop_entry(command: Sequence[str]) -> str:
    """Return the text of spotdesk's .desktop file with `command` on its Exec line."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Name=spotdesk",
    ]
    for key, (english, chinese) in ENTRY_TEXT.items():
        lines.append(f"{key}={english}")
        lines.append(f"{key}[zh_CN]={chinese}")
    lines += [
        "Exec=" + " ".join(quote_exec_argument(part) for part in command),
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=AudioVideo;Audio;",
        "StartupNotify=true",
        "StartupWMClass=spotdesk",
    ]
    return "\n".join(lines) + "\n"


def _icon_sources() -> list[Path]:
    from spotdesk.gui.resources import icon_files

    return icon_files()


def _icon_target(data_home: Path, source: Path) -> Path:
    apps = data_home / "icons" / "hicolor"
    if source.suffix == ".svg":
        return apps / "scalable" / "apps" / f"{APP_ID}.svg"
    size = source.stem.rsplit("-", 1)[-1]  # spotdesk-48.png
    return apps / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def _require_linux() -> None:
    if not sys.platform.startswith("linux"):
        raise DesktopEntryError(
            f"desktop entries are for Linux desktops; this system is {sys.platform}.",
            code="desktop_entry.unsupported",
        )


def install_desktop_entry(
    data_home: Path | None = None,
    command: Sequence[str] | None = None,
    icons: Sequence[Path] | None = None,
) -> DesktopEntryFiles:
    """Write the .desktop file and the app icons into the user's data folder.

    An existing entry is replaced, so running it again after moving spotdesk fixes the
    Exec line. Raises DesktopEntryError when a file cannot be written.
    """
    _require_linux()
    data_home = data_home or user_data_home()
    command = list(command or launch_command())
    icons = list(_icon_sources() if icons is None else icons)
    written = DesktopEntryFiles()
    try:
        for source in icons:
            target = _icon_target(data_home, source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.icons.append(target)

        desktop_file = data_home / "applications" / DESKTOP_FILE_NAME
        desktop_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = desktop_file.with_suffix(".desktop.tmp")
        temporary.write_text(render_desktop_entry(command), encoding="utf-8")
        os.replace(temporary, desktop_file)
        written.desktop_file = desktop_file
    except OSError as error:
        raise DesktopEntryError(
            f"cannot write the desktop entry under {data_home}: {error.strerror or error}. "
            "Check that the folder is writable, or set XDG_DATA_HOME to one that is.",
            detail=str(error),
        ) from error

    if not icons:
        log.warning("no app icon found; the menu entry will show a generic icon")
    log.info("desktop entry written to %s, starting %s", written.desktop_file, command)
    return written


def remove_desktop_entry(data_home: Path | None = None) -> DesktopEntryFiles:
    """Delete the .desktop file and icons that `install_desktop_entry` writes, if present."""
    _require_linux()
    data_home = data_home or user_data_home()
    candidates = [data_home / "applications" / DESKTOP_FILE_NAME]
    candidates += sorted((data_home / "icons" / "hicolor").glob(f"*/apps/{APP_ID}.*"))
    removed = DesktopEntryFiles()
    for path in candidates:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise DesktopEntryError(
                f"cannot remove {path}: {error.strerror or error}.", detail=str(error)
            ) from error
        if path.suffix == ".desktop":
            removed.desktop_file = path
        else:
            removed.icons.append(path)
    log.info("desktop entry removed: %d file(s)", len(removed.all()))
    return removed
