"""The index of recordings already in the output folder, and `.m3u8` playlists of it.

`LibraryIndex` finds a recording already in the library in a given format, by Spotify id
or ISRC read from the files' own tags. The tags are the truth. The small JSON index in the
folder only saves reading every file's tags on each run, and entries are read again from
the files when the index is missing or damaged, or a file's size or modification time
changed.
Several workers may save the index at once. Each merges the saved entries before adding
its own, and an entry lost in a race between two saves is read again from the file's tags
when the folder is next walked.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spotdesk.audio.filesystem import TEMP_PREFIX, filesystem_error, temp_path
from spotdesk.audio.tags import TagError, read_tags
from spotdesk.errors import SpotdeskError
from spotdesk.model import AudioFormat, Track

log = logging.getLogger(__name__)

INDEX_NAME = ".spotdesk-library.json"
INDEX_VERSION = 1
_EXTENSIONS = {f".{audio_format.value}": audio_format for audio_format in AudioFormat}


@dataclass
class _Entry:
    spotify_id: str | None
    isrc: str | None
    format: str
    size: int
    mtime_ns: int


class LibraryIndex:
    """An index of the audio files under `folder`, keyed by their relative paths.

    The folder is walked once per instance. Later calls only re-read the index file when
    another process saved it, so a long-lived instance finds what other spotdesk workers
    placed, but not files copied in by hand until the next instance walks the folder.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder).expanduser().absolute()
        self.index_path = self.folder / INDEX_NAME
        self._entries: dict[str, _Entry] | None = None
        self._index_mtime_ns: int | None = None

    def find(self, track: Track, audio_format: AudioFormat) -> Path | None:
        """Return a file holding `track`'s recording in `audio_format`, if there is one."""
        entries = self._current_entries()
        wanted_ids = {track.id, track.linked_id} - {None}
        for relative, entry in list(entries.items()):
            if entry.format != audio_format.value:
                continue
            same_id = entry.spotify_id is not None and entry.spotify_id in wanted_ids
            same_isrc = bool(track.isrc) and entry.isrc == track.isrc
            if not (same_id or same_isrc):
                continue
            path = self.folder / relative
            if path.is_file():
                return path
            del entries[relative]  # removed since the folder was walked
        return None

    def add(self, path: Path, track: Track, audio_format: AudioFormat) -> None:
        """Record a file just placed in the library, and save the index."""
        entries = self._current_entries()
        try:
            stat = path.stat()
            relative = path.absolute().relative_to(self.folder).as_posix()
        except (OSError, ValueError) as error:
            log.warning("cannot add %s to the library index of %s: %s", path, self.folder, error)
            return
        entries[relative] = _Entry(
            track.id, track.isrc, audio_format.value, stat.st_size, stat.st_mtime_ns
        )
        self._save(entries)

    def _current_entries(self) -> dict[str, _Entry]:
        if self._entries is None:
            self._entries = self._scan()
        elif self._index_mtime() != self._index_mtime_ns:
            # Another process saved the index: take its entries, keep ours for the rest.
            self._entries.update(self._load())
        return self._entries

    def _index_mtime(self) -> int | None:
        try:
            return self.index_path.stat().st_mtime_ns
        except OSError:
            return None

    def _scan(self) -> dict[str, _Entry]:
        known = self._load()
        entries: dict[str, _Entry] = {}
        changed = False
        for path in self._audio_files():
            relative = path.relative_to(self.folder).as_posix()
            try:
                stat = path.stat()
            except OSError:
                continue
            entry = known.get(relative)
            if entry and entry.size == stat.st_size and entry.mtime_ns == stat.st_mtime_ns:
                entries[relative] = entry
                continue
            entry = self._read_entry(path, stat)
            changed = True
            if entry is not None:
                entries[relative] = entry
        if changed or set(known) != set(entries):
            self._save(entries)
        return entries

    def _audio_files(self) -> Iterable[Path]:
        if not self.folder.is_dir():
            return
        for root, folders, files in os.walk(self.folder):
            folders[:] = [name for name in folders if not name.startswith(".")]
            for name in files:
                if name.startswith(TEMP_PREFIX):
                    continue
                if os.path.splitext(name)[1].lower() in _EXTENSIONS:
                    yield Path(root) / name

    def _read_entry(self, path: Path, stat: os.stat_result) -> _Entry | None:
        try:
            tags = read_tags(path)
        except (TagError, SpotdeskError) as error:
            log.debug("skipping %s in the library index: %s", path, error)
            return None
        audio_format = _EXTENSIONS[path.suffix.lower()]
        return _Entry(
            tags.get("spotify_id"),
            tags.get("isrc"),
            audio_format.value,
            stat.st_size,
            stat.st_mtime_ns,
        )

    def _load(self) -> dict[str, _Entry]:
        self._index_mtime_ns = self._index_mtime()
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
            if data.get("version") != INDEX_VERSION:
                return {}
            return {key: _Entry(**value) for key, value in data["entries"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning(
                "library index %s is unreadable, rebuilding it from tags: %s",
                self.index_path,
                error,
            )
            return {}

    def _save(self, entries: dict[str, _Entry]) -> None:
        data: dict[str, Any] = {
            "version": INDEX_VERSION,
            "entries": {key: vars(entry) for key, entry in sorted(entries.items())},
        }
        temporary = temp_path(self.folder, ".json")
        try:
            temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(temporary, self.index_path)
            self._index_mtime_ns = self._index_mtime()
        except OSError as error:
            temporary.unlink(missing_ok=True)
            # The index is only a cache of the tags, so a failed save costs a rescan later.
            log.warning("cannot save the library index %s: %s", self.index_path, error)


def write_m3u8(playlist_path: Path, items: Sequence[tuple[Track, Path | None]]) -> Path:
    """Write an extended M3U playlist (UTF-8) listing `items` in order, with paths relative
    to the playlist's folder; items without a file are left out."""
    lines = ["#EXTM3U"]
    base = playlist_path.parent
    for track, path in items:
        if path is None:
            continue
        seconds = round(track.duration_ms / 1000) if track.duration_ms else -1
        title = f"{', '.join(track.artists)} - {track.title}" if track.artists else track.title
        lines.append(f"#EXTINF:{seconds},{_single_line(title)}")
        lines.append(Path(os.path.relpath(path, base)).as_posix())
    temporary = temp_path(base, ".m3u8")
    try:
        base.mkdir(parents=True, exist_ok=True)
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(temporary, playlist_path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise filesystem_error(error, playlist_path) from error
    return playlist_path


def _single_line(text: str) -> str:
    return " ".join(text.split())
