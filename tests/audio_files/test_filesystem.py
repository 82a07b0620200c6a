"""Temporary file names and the removal of files left by killed processes."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

from spotdesk.audio import filesystem
from spotdesk.audio.filesystem import (
    DiskFull,
    FolderNotWritable,
    PathTooLong,
    filesystem_error,
    remove_stale_temporaries,
    temp_path,
)
from spotdesk.audio.library import INDEX_NAME


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def touch(path: Path, age_s: float = 0.0) -> Path:
    path.write_bytes(b"partial")
    if age_s:
        old = path.stat().st_mtime - age_s
        os.utime(path, (old, old))
    return path


def test_temp_path_names_host_and_process(tmp_path: Path) -> None:
    path = temp_path(tmp_path, ".mp3")

    assert path.parent == tmp_path
    assert path.name.startswith(".spotdesk-")
    assert f"-{os.getpid()}-" in path.name
    assert path.suffix == ".mp3"
    assert temp_path(tmp_path, ".mp3") != path


def test_stale_temporaries_of_dead_process_removed(tmp_path: Path) -> None:
    host = filesystem._host_tag()
    dead = touch(tmp_path / f".spotdesk-{host}-{dead_pid()}-0123456789ab.download.m4a.part")
    mine = touch(temp_path(tmp_path, ".mp3"))
    index = touch(tmp_path / INDEX_NAME)
    music = touch(tmp_path / "Artist - Song.mp3")

    removed = remove_stale_temporaries(tmp_path)

    assert removed == [dead]
    assert not dead.exists()
    assert mine.exists()
    assert index.exists()
    assert music.exists()


def test_other_host_temporaries_removed_when_old(tmp_path: Path) -> None:
    recent = touch(tmp_path / ".spotdesk-otherhost-123-0123456789ab.tmp.mp3")
    old = touch(
        tmp_path / ".spotdesk-otherhost-124-ba9876543210.tmp.mp3",
        age_s=filesystem.STALE_AFTER_S + 60,
    )

    removed = remove_stale_temporaries(tmp_path)

    assert removed == [old]
    assert recent.exists()


def test_stale_sweep_of_missing_folder(tmp_path: Path) -> None:
    assert remove_stale_temporaries(tmp_path / "missing") == []


def test_filesystem_error_codes(tmp_path: Path) -> None:
    assert isinstance(filesystem_error(OSError(errno.ENOSPC, "full"), tmp_path), DiskFull)
    assert isinstance(filesystem_error(OSError(errno.EDQUOT, "quota"), tmp_path), DiskFull)
    assert isinstance(
        filesystem_error(OSError(errno.EACCES, "denied"), tmp_path), FolderNotWritable
    )
    assert isinstance(
        filesystem_error(OSError(errno.EROFS, "read-only"), tmp_path), FolderNotWritable
    )
    assert isinstance(filesystem_error(OSError(errno.ENAMETOOLONG, "long"), tmp_path), PathTooLong)
    other = filesystem_error(OSError(errno.EIO, "Input/output error"), tmp_path)
    assert other.code == "fs.error"
    assert "Input/output error" in other.message
