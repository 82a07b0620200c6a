"""Per-container tag writers and readers: ID3 (MP3, WAV), Vorbis comments (FLAC, Ogg
Vorbis, Opus) and MP4 atoms (M4A).

Field choices follow what common players and taggers read. Explicit content is stored as
iTunes' advisory rating (1 explicit, 2 clean): the `rtng` atom in MP4 and an
ITUNESADVISORY text field elsewhere. Lyrics: the synced LRC text goes to ID3 SYLT, and
to the Vorbis LYRICS / MP4 `\\xa9lyr` field (players that understand LRC show it synced).
The plain text goes to ID3 USLT, and to UNSYNCEDLYRICS in Vorbis and MP4 when LYRICS
already carries the synced text.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from mutagen import FileType
from mutagen.flac import FLAC, Picture
from mutagen.id3 import (
    APIC,
    ID3,
    SYLT,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    TPE2,
    TPOS,
    TRCK,
    TSRC,
    TXXX,
    USLT,
    WOAF,
    WOAS,
    Encoding,
    PictureType,
)
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

from spotdesk.audio.tags import (
    Cover,
    TagData,
    UnsupportedFile,
    format_lrc,
    image_mime,
    is_synced,
    parse_lrc,
    strip_timestamps,
)
from spotdesk.model import AudioFormat

ADVISORY_EXPLICIT = 1
ADVISORY_CLEAN = 2


class TagFormat(Protocol):
    def write(self, path: Path, data: TagData) -> None: ...

    def read(self, audio: FileType) -> TagData: ...


def _number_pair(number: int | None, count: int | None) -> str | None:
    if number is None:
        return None
    return f"{number}/{count}" if count else str(number)


def _parse_pair(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    number, _, count = str(text).partition("/")
    return (
        int(number) if number.strip().isdigit() else None,
        int(count) if count.strip().isdigit() else None,
    )


def _advisory(explicit: bool | None) -> int | None:
    if explicit is None:
        return None
    return ADVISORY_EXPLICIT if explicit else ADVISORY_CLEAN


def _explicit(advisory: Any) -> bool | None:
    try:
        value = int(str(advisory))
    except ValueError:
        return None
    return {ADVISORY_EXPLICIT: True, 4: True, ADVISORY_CLEAN: False}.get(value)


def _lyrics_fields(data: TagData) -> tuple[str | None, str | None]:
    """Return the (LYRICS, UNSYNCEDLYRICS) values for Vorbis comments and MP4."""
    if data.lyrics_synced:
        return data.lyrics_synced, data.lyrics_plain
    return data.lyrics_plain, None


def _lyrics_from_fields(lyrics: str | None, unsynced: str | None) -> tuple[str | None, str | None]:
    """Return (synced, plain) from the LYRICS and UNSYNCEDLYRICS values."""
    if lyrics and is_synced(lyrics):
        return lyrics, unsynced or strip_timestamps(lyrics)
    return None, lyrics or unsynced


class Id3Format:
    """ID3v2.4 in MP3 files and in a WAV file's `id3 ` RIFF chunk."""

    def __init__(self, file_type: type[FileType]) -> None:
        self.file_type = file_type

    def write(self, path: Path, data: TagData) -> None:
        audio = self.file_type(path)
        if audio.tags is None:
            audio.add_tags()
        tags: Any = audio.tags
        tags.clear()

        text_frames: list[tuple[type[Any], Sequence[str | None]]] = [
            (TIT2, [data.title] if data.title else []),
            (TPE1, data.artists),
            (TALB, [data.album] if data.album else []),
            (TPE2, data.album_artists),
            (TRCK, [_number_pair(data.track_number, data.track_count)]),
            (TPOS, [_number_pair(data.disc_number, data.disc_count)]),
            (TDRC, [data.date]),
            (TSRC, [data.isrc]),
            (TCON, data.genres),
        ]
        for frame, values in text_frames:
            present = [value for value in values if value]
            if present:
                tags.add(frame(encoding=Encoding.UTF8, text=present))

        for description, value in (
            ("ITUNESADVISORY", _advisory(data.explicit)),
            ("SPOTIFY_ID", data.spotify_id),
        ):
            if value is not None:
                tags.add(TXXX(encoding=Encoding.UTF8, desc=description, text=[str(value)]))

        if data.spotify_url:
            tags.add(WOAF(url=data.spotify_url))
        if data.source_url:
            tags.add(WOAS(url=data.source_url))

        if data.cover:
            tags.add(
                APIC(
                    encoding=Encoding.UTF8,
                    mime=data.cover.mime,
                    type=PictureType.COVER_FRONT,
                    desc="Cover",
                    data=data.cover.data,
                )
            )

        if data.lyrics_plain:
            tags.add(USLT(encoding=Encoding.UTF8, lang="XXX", desc="", text=data.lyrics_plain))
        if data.lyrics_synced:
            entries = [
                (lyric, milliseconds) for milliseconds, lyric in parse_lrc(data.lyrics_synced)
            ]
            # format 2: time stamps in milliseconds; type 1: lyrics.
            tags.add(
                SYLT(encoding=Encoding.UTF8, lang="XXX", format=2, type=1, desc="", text=entries)
            )

        audio.save(v2_version=4)

    def read(self, audio: FileType) -> TagData:
        tags: Any = audio.tags or ID3()

        def texts(frame_id: str) -> list[str]:
            frame = tags.get(frame_id)
            return [str(value) for value in frame.text] if frame else []

        def first(frame_id: str) -> str | None:
            values = texts(frame_id)
            return values[0] if values else None

        track = _parse_pair(first("TRCK"))
        disc = _parse_pair(first("TPOS"))
        pictures = tags.getall("APIC")
        synced_frames = tags.getall("SYLT")
        plain_frames = tags.getall("USLT")
        synced = None
        if synced_frames:
            synced = format_lrc(
                [(milliseconds, lyric) for lyric, milliseconds in synced_frames[0].text]
            )
        woaf, woas = tags.get("WOAF"), tags.get("WOAS")
        return TagData(
            title=first("TIT2"),
            artists=texts("TPE1"),
            album=first("TALB"),
            album_artists=texts("TPE2"),
            track_number=track[0],
            track_count=track[1],
            disc_number=disc[0],
            disc_count=disc[1],
            date=first("TDRC"),
            isrc=first("TSRC"),
            genres=texts("TCON"),
            explicit=_explicit(first("TXXX:ITUNESADVISORY")),
            spotify_id=first("TXXX:SPOTIFY_ID"),
            spotify_url=woaf.url if woaf else None,
            source_url=woas.url if woas else None,
            cover=Cover(pictures[0].data, pictures[0].mime) if pictures else None,
            lyrics_synced=synced,
            lyrics_plain=plain_frames[0].text if plain_frames else None,
        )


class VorbisFormat:
    """Vorbis comments in FLAC, Ogg Vorbis and Ogg Opus files."""

    def __init__(self, file_type: type[FileType]) -> None:
        self.file_type = file_type

    def write(self, path: Path, data: TagData) -> None:
        audio: Any = self.file_type(path)
        if audio.tags is None:
            audio.add_tags()
        audio.tags.clear()
        lyrics, unsynced = _lyrics_fields(data)
        values: dict[str, list[str]] = {
            "TITLE": [data.title] if data.title else [],
            "ARTIST": list(data.artists),
            "ALBUM": [data.album] if data.album else [],
            "ALBUMARTIST": list(data.album_artists),
            "TRACKNUMBER": [str(data.track_number)] if data.track_number else [],
            "TRACKTOTAL": [str(data.track_count)] if data.track_count else [],
            "DISCNUMBER": [str(data.disc_number)] if data.disc_number else [],
            "DISCTOTAL": [str(data.disc_count)] if data.disc_count else [],
            "DATE": [data.date] if data.date else [],
            "ISRC": [data.isrc] if data.isrc else [],
            "GENRE": list(data.genres),
            "ITUNESADVISORY": [str(_advisory(data.explicit))] if data.explicit is not None else [],
            "SPOTIFY_ID": [data.spotify_id] if data.spotify_id else [],
            "SPOTIFY_URL": [data.spotify_url] if data.spotify_url else [],
            "SOURCE_URL": [data.source_url] if data.source_url else [],
            "LYRICS": [lyrics] if lyrics else [],
            "UNSYNCEDLYRICS": [unsynced] if unsynced else [],
        }
        for key, items in values.items():
            if items:
                audio.tags[key] = items
        if isinstance(audio, FLAC):
            audio.clear_pictures()
        if data.cover:
            self._write_cover(audio, data.cover)
        audio.save()

    def _write_cover(self, audio: Any, cover: Cover) -> None:
        picture = Picture()
        picture.type = PictureType.COVER_FRONT
        picture.mime = cover.mime
        picture.desc = "Cover"
        picture.data = cover.data
        if isinstance(audio, FLAC):
            audio.add_picture(picture)
        else:
            encoded = base64.b64encode(picture.write()).decode("ascii")
            audio.tags["METADATA_BLOCK_PICTURE"] = [encoded]

    def read(self, audio: FileType) -> TagData:
        tags: Any = audio.tags or {}

        def values(key: str) -> list[str]:
            return list(tags.get(key, [])) if key in tags else []

        def first(key: str) -> str | None:
            items = values(key)
            return items[0] if items else None

        def number(key: str) -> int | None:
            value = _parse_pair(first(key))[0]
            return value

        synced, plain = _lyrics_from_fields(first("LYRICS"), first("UNSYNCEDLYRICS"))
        return TagData(
            title=first("TITLE"),
            artists=values("ARTIST"),
            album=first("ALBUM"),
            album_artists=values("ALBUMARTIST"),
            track_number=number("TRACKNUMBER"),
            track_count=number("TRACKTOTAL"),
            disc_number=number("DISCNUMBER"),
            disc_count=number("DISCTOTAL"),
            date=first("DATE"),
            isrc=first("ISRC"),
            genres=values("GENRE"),
            explicit=_explicit(first("ITUNESADVISORY")),
            spotify_id=first("SPOTIFY_ID"),
            spotify_url=first("SPOTIFY_URL"),
            source_url=first("SOURCE_URL"),
            cover=self._read_cover(audio),
            lyrics_synced=synced,
            lyrics_plain=plain,
        )

    def _read_cover(self, audio: Any) -> Cover | None:
        if isinstance(audio, FLAC):
            pictures = audio.pictures
        else:
            encoded = (audio.tags or {}).get("METADATA_BLOCK_PICTURE", [])
            pictures = [Picture(base64.b64decode(item)) for item in encoded]
        return Cover(pictures[0].data, pictures[0].mime) if pictures else None


_FREEFORM = "----:com.apple.iTunes:"


class Mp4Format:
    """iTunes-style atoms in M4A files."""

    def write(self, path: Path, data: TagData) -> None:
        audio = MP4(path)
        if audio.tags is None:
            audio.add_tags()
        tags: Any = audio.tags
        tags.clear()

        lyrics, unsynced = _lyrics_fields(data)
        atoms: dict[str, Any] = {
            "\xa9nam": [data.title] if data.title else None,
            "\xa9ART": list(data.artists) or None,
            "\xa9alb": [data.album] if data.album else None,
            "aART": list(data.album_artists) or None,
            "\xa9day": [data.date] if data.date else None,
            "\xa9gen": list(data.genres) or None,
            "\xa9lyr": [lyrics] if lyrics else None,
        }

        if data.track_number:
            atoms["trkn"] = [(data.track_number, data.track_count or 0)]
        if data.disc_number:
            atoms["disk"] = [(data.disc_number, data.disc_count or 0)]
        if data.explicit is not None:
            atoms["rtng"] = [_advisory(data.explicit)]

        if data.cover:
            image_format = (
                MP4Cover.FORMAT_PNG if data.cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
            )
            atoms["covr"] = [MP4Cover(data.cover.data, imageformat=image_format)]

        for name, value in (
            ("ISRC", data.isrc),
            ("SPOTIFY_ID", data.spotify_id),
            ("SPOTIFY_URL", data.spotify_url),
            ("SOURCE_URL", data.source_url),
            ("UNSYNCEDLYRICS", unsynced),
        ):
            if value:
                atoms[_FREEFORM + name] = [MP4FreeForm(value.encode("utf-8"))]

        for key, value in atoms.items():
            if value:
                tags[key] = value

        audio.save()

    def read(self, audio: FileType) -> TagData:
        tags: Any = audio.tags or {}

        def texts(key: str) -> list[str]:
            return [str(value) for value in tags.get(key, [])]

        def first(key: str) -> str | None:
            items = texts(key)
            return items[0] if items else None

        def freeform(name: str) -> str | None:
            items = tags.get(_FREEFORM + name)
            return bytes(items[0]).decode("utf-8") if items else None

        track = (tags.get("trkn") or [(None, None)])[0]
        disc = (tags.get("disk") or [(None, None)])[0]
        covers = tags.get("covr") or []
        cover = None
        if covers:
            cover_bytes = bytes(covers[0])
            cover = Cover(cover_bytes, image_mime(cover_bytes) or "image/jpeg")
        synced, plain = _lyrics_from_fields(first("\xa9lyr"), freeform("UNSYNCEDLYRICS"))
        rating = tags.get("rtng")
        return TagData(
            title=first("\xa9nam"),
            artists=texts("\xa9ART"),
            album=first("\xa9alb"),
            album_artists=texts("aART"),
            track_number=track[0] or None,
            track_count=track[1] or None,
            disc_number=disc[0] or None,
            disc_count=disc[1] or None,
            date=first("\xa9day"),
            isrc=freeform("ISRC"),
            genres=texts("\xa9gen"),
            explicit=_explicit(rating[0]) if rating else None,
            spotify_id=freeform("SPOTIFY_ID"),
            spotify_url=freeform("SPOTIFY_URL"),
            source_url=freeform("SOURCE_URL"),
            cover=cover,
            lyrics_synced=synced,
            lyrics_plain=plain,
        )


WRITERS: dict[AudioFormat, TagFormat] = {
    AudioFormat.MP3: Id3Format(MP3),
    AudioFormat.WAV: Id3Format(WAVE),
    AudioFormat.M4A: Mp4Format(),
    AudioFormat.FLAC: VorbisFormat(FLAC),
    AudioFormat.OGG: VorbisFormat(OggVorbis),
    AudioFormat.OPUS: VorbisFormat(OggOpus),
}

_READERS: dict[type[FileType], TagFormat] = {
    MP3: WRITERS[AudioFormat.MP3],
    WAVE: WRITERS[AudioFormat.WAV],
    MP4: WRITERS[AudioFormat.M4A],
    FLAC: WRITERS[AudioFormat.FLAC],
    OggVorbis: WRITERS[AudioFormat.OGG],
    OggOpus: WRITERS[AudioFormat.OPUS],
}


def reader_for(audio: FileType) -> TagFormat:
    for file_type, reader in _READERS.items():
        if isinstance(audio, file_type):
            return reader
    raise UnsupportedFile(
        f"{type(audio).__name__} files are not supported; use mp3, m4a, opus, ogg, flac or wav.",
        detail=repr(audio),
    )


def format_of(audio: FileType) -> AudioFormat | None:
    """Return the output format a mutagen file object corresponds to."""
    for audio_format, writer in WRITERS.items():
        if writer is reader_for(audio):
            return audio_format
    return None
