"""Write and read tags with mutagen for every output format.

`write_tags` and `read_tags` are the only entry points; every mutagen call goes through
`_mutagen_errors`, which turns mutagen and filesystem failures into project errors. The
per-container details live in `spotdesk.audio.tagformats`.

Artists are written as a multi-value field (several ID3 TPE1 values, repeated Vorbis
ARTIST comments, several MP4 `\\xa9ART` values) and are never split on commas, because
artist names such as "Tyler, The Creator" contain them.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import mutagen

from spotdesk.audio.filesystem import filesystem_error
from spotdesk.errors import SpotdeskError
from spotdesk.model import AudioFormat, Track

log = logging.getLogger(__name__)


class TagError(SpotdeskError):
    """mutagen could not read or write a file's tags."""

    code = "tags.failed"


class UnsupportedFile(TagError):
    code = "tags.unsupported"


@dataclass
class Cover:
    data: bytes
    mime: str  # "image/jpeg" or "image/png"


@dataclass
class TagData:
    """Every tag spotdesk writes; empty values are left out of the file."""

    title: str | None = None
    artists: list[str] = field(default_factory=list)
    album: str | None = None
    album_artists: list[str] = field(default_factory=list)
    track_number: int | None = None
    track_count: int | None = None
    disc_number: int | None = None
    disc_count: int | None = None
    date: str | None = None
    isrc: str | None = None
    genres: list[str] = field(default_factory=list)
    explicit: bool | None = None
    spotify_id: str | None = None
    spotify_url: str | None = None
    source_url: str | None = None
    cover: Cover | None = None
    lyrics_synced: str | None = None  # LRC text with [mm:ss.xx] time stamps
    lyrics_plain: str | None = None

    @classmethod
    def from_track(
        cls,
        track: Track,
        *,
        source_url: str | None = None,
        cover: Cover | None = None,
        lyrics_synced: str | None = None,
        lyrics_plain: str | None = None,
    ) -> TagData:
        return cls(
            title=track.title,
            artists=list(track.artists),
            album=track.album,
            album_artists=list(track.album_artists),
            track_number=track.track_number,
            track_count=track.track_count,
            disc_number=track.disc_number,
            disc_count=track.disc_count,
            date=track.release_date,
            isrc=track.isrc,
            genres=list(track.genres),
            explicit=track.explicit,
            spotify_id=track.id,
            spotify_url=track.url,
            source_url=source_url,
            cover=cover,
            lyrics_synced=lyrics_synced,
            lyrics_plain=lyrics_plain
            or (strip_timestamps(lyrics_synced) if lyrics_synced else None),
        )


def write_tags(path: Path, audio_format: AudioFormat, data: TagData) -> None:
    """Replace all tags of `path` (a file in `audio_format`) with `data`."""
    from spotdesk.audio import tagformats

    writer = tagformats.WRITERS[audio_format]
    with _mutagen_errors(path):
        writer.write(path, data)


def read_tags(path: Path) -> dict[str, Any]:
    """Return the tags of `path` as a plain dict with `TagData`'s field names.

    The cover is returned as `cover` (bytes) and `cover_mime`; missing values are None or
    empty lists. Used by tests and by the library index.
    """
    from spotdesk.audio import tagformats

    with _mutagen_errors(path):
        audio = mutagen.File(path)
        if audio is None:
            raise UnsupportedFile(
                f"{path.name} is not an audio file spotdesk can tag.", detail=str(path)
            )
        data = tagformats.reader_for(audio).read(audio)
    result = {item.name: getattr(data, item.name) for item in fields(TagData)}
    result["cover"] = data.cover.data if data.cover else None
    result["cover_mime"] = data.cover.mime if data.cover else None
    return result


@contextlib.contextmanager
def _mutagen_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except SpotdeskError:
        raise
    except OSError as error:
        raise filesystem_error(error, path) from error
    except mutagen.MutagenError as error:
        # mutagen wraps OSError from its own file access in MutagenError.
        cause = error.__cause__ or error.__context__
        if isinstance(cause, OSError):
            raise filesystem_error(cause, path) from error
        raise TagError(
            f"Cannot write tags to {path.name}: the file is damaged or not in the expected "
            "format; retry the download.",
            detail=f"{type(error).__name__}: {error}",
        ) from error


def image_mime(data: bytes) -> str | None:
    """Return the MIME type of a JPEG or PNG image from its first bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


# One LRC line may carry several time stamps: "[00:12.30][01:40.00]chorus".
_LRC_STAMP = re.compile(r"\[(\d+):(\d{1,2}(?:[.:]\d{1,3})?)\]")


def parse_lrc(text: str) -> list[tuple[int, str]]:
    """Return the (milliseconds, line) pairs of LRC text in time order.

    Metadata lines such as `[ar:Artist]` and lines without a time stamp are dropped.
    """
    entries: list[tuple[int, str]] = []
    for line in text.splitlines():
        stamps = []
        position = 0
        while match := _LRC_STAMP.match(line, position):
            minutes, seconds = match.group(1), match.group(2).replace(":", ".")
            stamps.append(round((int(minutes) * 60 + float(seconds)) * 1000))
            position = match.end()
        lyric = line[position:].strip()
        entries.extend((stamp, lyric) for stamp in stamps)
    return sorted(entries, key=lambda entry: entry[0])


def format_lrc(entries: list[tuple[int, str]]) -> str:
    """Return LRC text with one `[mm:ss.xx]` line per entry."""
    lines = []
    for milliseconds, lyric in entries:
        minutes, centiseconds = divmod(round(milliseconds / 10), 6000)
        seconds, hundredths = divmod(centiseconds, 100)
        lines.append(f"[{minutes:02d}:{seconds:02d}.{hundredths:02d}]{lyric}")
    return "\n".join(lines)


def strip_timestamps(text: str) -> str:
    return "\n".join(lyric for _, lyric in parse_lrc(text))


def is_synced(text: str) -> bool:
    return bool(parse_lrc(text))
