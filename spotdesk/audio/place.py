"""Move a finished temporary file to its final name without clobbering other recordings."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from spotdesk.audio.filesystem import filesystem_error, remove_quietly, temp_path
from spotdesk.audio.naming import numbered, with_disc_suffix
from spotdesk.audio.tags import read_tags
from spotdesk.errors import SpotdeskError
from spotdesk.model import OutputOptions, OverwritePolicy, Track

log = logging.getLogger(__name__)

MAX_NUMBERED_NAMES = 1000


def holds_recording(path: Path, track: Track) -> bool:
    """Check whether the file at `path` is tagged with `track`'s Spotify id or ISRC."""
    return _same_recording(_recording_ids(path), track)


def _recording_ids(path: Path) -> dict[str, object]:
    """Return the Spotify id and ISRC tags of `path`; empty when unreadable or untagged."""
    try:
        tags = read_tags(path)
    except SpotdeskError:
        return {}
    return {key: tags[key] for key in ("spotify_id", "isrc") if tags.get(key)}


def _same_recording(ids: dict[str, object], track: Track) -> bool:
    if ids.get("spotify_id") and ids["spotify_id"] in (track.id, track.linked_id):
        return True
    return bool(track.isrc) and ids.get("isrc") == track.isrc


def choose_target(path: Path, track: Track, options: OutputOptions) -> Path | None:
    """Return where the file for `track` goes, or None when the policy keeps the
    existing file.

    A different recording already at `path` on a multi-disc album first moves this one to
    "name (Disc N).ext". Then the overwrite policy decides: overwrite replaces the file,
    rename picks "name (2).ext", and skip keeps it. Under skip, a file whose tags name
    another recording (two long names can become equal once cut to 255 bytes) is kept
    and this recording gets "name (2).ext" too, because it is not yet in the library.
    Only a file whose recording is unknown (no Spotify id or ISRC tag) is skipped. With
    `force`, a file holding this same recording is replaced whatever the policy.
    """
    if not path.exists():
        return path
    ids = _recording_ids(path)
    if _same_recording(ids, track):
        return path if options.force or options.overwrite is OverwritePolicy.OVERWRITE else None
    if (track.disc_count or 1) > 1 and track.disc_number:
        with_disc = with_disc_suffix(path, track.disc_number)
        if not with_disc.exists() or holds_recording(with_disc, track):
            return choose_target(with_disc, track, options)
    if options.overwrite is OverwritePolicy.OVERWRITE:
        return path
    if options.overwrite is OverwritePolicy.RENAME or ids:
        return _numbered_target(path, track, options)
    return None


def _numbered_target(path: Path, track: Track, options: OutputOptions) -> Path | None:
    """Return the first free "name (N).ext", or a numbered file that already contains
    `track` when `force` is set. Return None for such a file without `force`, and when
    no numbered name is free."""
    for number in range(2, MAX_NUMBERED_NAMES):
        candidate = numbered(path, number)
        if not candidate.exists():
            return candidate
        if holds_recording(candidate, track):
            return candidate if options.force else None
    log.warning("no free numbered name beside %s up to %d", path, MAX_NUMBERED_NAMES)
    return None


def place_file(temporary: Path, target: Path, replace: bool) -> None:
    """Give `temporary` the name `target` in one atomic step.

    Without `replace`, a file that appeared at `target` meanwhile (another worker) is kept
    and `FileExistsError` is raised. A hard link makes this atomic, but FAT and some
    network shares do not support hard links. There a plain rename follows a fresh
    existence check, which leaves a short race.
    """
    try:
        if replace:
            os.replace(temporary, target)
            return
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in (
                errno.EPERM,
                errno.ENOTSUP,
                errno.EOPNOTSUPP,
                errno.EXDEV,
                errno.EMLINK,
            ):
                raise
            if target.exists():
                raise FileExistsError(errno.EEXIST, "file exists", str(target)) from error
            os.replace(temporary, target)
            return
        remove_quietly(temporary)
    except FileExistsError:
        raise
    except OSError as error:
        raise filesystem_error(error, target) from error


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` through a temporary file in the same folder."""
    temporary = temp_path(path.parent, path.suffix)
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        remove_quietly(temporary)
        raise filesystem_error(error, path) from error
