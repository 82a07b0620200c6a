"""Filesystem failures as project errors, and small helpers for writing files safely."""

from __future__ import annotations

import errno
import logging
import os
import secrets
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


def temp_path(folder: Path, suffix: str) -> Path:
    """Return a fresh temporary file name in `folder`, never one of spotdesk's final names."""
    return folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{suffix}"


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
