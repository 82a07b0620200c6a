"""Filesystem failures as project errors, and small helpers for writing files safely."""

from __future__ import annotations

import errno
import logging
import os
import re
import secrets
import socket
import time
from pathlib import Path

from spotdesk.errors import SpotdeskError

log = logging.getLogger(__name__)

# Prefix of every temporary file spotdesk writes beside its final files. The leading dot
# hides it in most file browsers until it is renamed into place.
TEMP_PREFIX = ".spotdesk-"


class FilesystemError(SpotdeskError):
    """Writing, renaming or removing a file failed."""

    code = "fs.error"


class DiskFull(FilesystemError):
    code = "fs.disk_full"


class FolderNotWritable(FilesystemError):
    code = "fs.not_writable"


class PathTooLong(FilesystemError):
    code = "fs.path_too_long"


def filesystem_error(error: OSError, path: str | os.PathLike[str]) -> FilesystemError:
    """Return the project error for an `OSError` raised while writing `path`."""
    detail = f"{type(error).__name__}: {error}"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(
            f"The disk holding {path} is full; free some space or choose another output folder.",
            detail=detail,
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST):
        return FolderNotWritable(
            f"Cannot write to {path}; choose an output folder you are allowed to write to.",
            detail=detail,
        )
    if error.errno == errno.ENAMETOOLONG:
        return PathTooLong(
            f"The path {path} is too long for this filesystem; use a shorter output folder "
            "or name template.",
            detail=detail,
        )
    return FilesystemError(f"Writing {path} failed: {error.strerror or error}.", detail=detail)


# Temporary names carry the host and process that wrote them, so a later process on the
# same host can tell a file left by a killed process from one still being written.
_TEMP_NAME = re.compile(r"^\.spotdesk-(?P<host>[A-Za-z0-9]+)-(?P<pid>[0-9]+)-[0-9a-f]{12}")
# A temporary file from another host (or in the old naming) is stale after this many seconds.
STALE_AFTER_S = 24 * 3600


def _host_tag() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:40] or "host"


def temp_stem() -> str:
    """Return a fresh temporary file stem naming this host and process."""
    return f"{TEMP_PREFIX}{_host_tag()}-{os.getpid()}-{secrets.token_hex(6)}"


def temp_path(folder: Path, suffix: str) -> Path:
    """Return a fresh temporary file name in `folder`, never one of spotdesk's final names."""
    return folder / f"{temp_stem()}{suffix}"


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files in `folder` left by processes that no longer run.

    A file written on this host is stale when its process is gone. A file from another
    host is stale only after `STALE_AFTER_S`, because that host's processes cannot be
    checked from here. Returns the removed paths.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        log.debug("cannot list %s for stale temporary files: %s", folder, error)
        return removed
    host = _host_tag()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        if match["host"] == host and os.name == "posix":
            stale = not _process_running(int(match["pid"]))
        else:
            stale = _age(entry) > STALE_AFTER_S
        if stale:
            log.info(
                "removing %s, a temporary file left by a process that no longer runs", entry.path
            )
            remove_quietly(Path(entry.path))
            removed.append(Path(entry.path))
    return removed


def _process_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0 checks that the process exists and sends nothing (POSIX)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists but belongs to another user
    return True


def _age(entry: os.DirEntry[str]) -> float:
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return 0.0


def remove_quietly(path: Path) -> None:
    """Remove `path` if it exists, logging an `OSError` instead of raising it, because this
    runs in clean-up paths that are often handling another error already."""
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not remove temporary file %s: %s", path, error)


def ensure_folder(folder: Path) -> None:
    """Create `folder` and its parents, raising a `FilesystemError` when that fails."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise filesystem_error(error, folder) from error
    if not folder.is_dir():
        raise FolderNotWritable(
            f"{folder} is not a folder; choose another output folder.", detail="not a directory"
        )
