"""Build output paths from a name template, safe on Windows, macOS and Linux.

A template such as ``{album_artist}/{album}/{track_number:02d} {title}.{ext}`` is rendered
field by field: each field's value is sanitised on its own, so a `/` inside a title never
makes a folder, while a `/` in the template's literal text does. Every path part then gets
the rules all three systems need: no reserved characters or names, no control or Unicode
format characters, no trailing dots or spaces, no `.`/`..` parts, never empty, and at most
255 bytes of UTF-8. When a part is too long, each field in it is cut to a share of the 255
bytes, so a very long artist name cannot push the title out of the file name.
"""

from __future__ import annotations

import os
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spotdesk.audio.filesystem import filesystem_error
from spotdesk.errors import SpotdeskError, UsageError
from spotdesk.model import CollectionContext, Track

MAX_PART_BYTES = 255

FIELDS = (
    "title",
    "artist",
    "artists",
    "album",
    "album_artist",
    "track_number",
    "track_count",
    "disc_number",
    "disc_count",
    "year",
    "playlist",
    "playlist_position",
    "playlist_size",
    "isrc",
    "spotify_id",
    "ext",
)
ARTIST_SEPARATOR = ", "

# Shown in place of a field that has no value, so no folder or name ends up empty. Other
# fields render empty, and a folder left empty is dropped: `{playlist}/` outside a playlist.
_PLACEHOLDERS = {
    "title": "Unknown Title",
    "artist": "Unknown Artist",
    "artists": "Unknown Artist",
    "album": "Unknown Album",
    "album_artist": "Unknown Artist",
}
# Reserved by Windows in any part, and `:` also by macOS Finder; `/` by every system.
_RESERVED_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# Windows refuses these as a name, with or without an extension, in any letter case.
_RESERVED_NAMES = re.compile(
    r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)(\..*)?$", re.IGNORECASE
)


class NamingError(SpotdeskError):
    code = "naming.invalid_path"


class InvalidTemplate(UsageError):
    code = "naming.invalid_template"


@dataclass(frozen=True)
class _Piece:
    literal: str
    field: str | None
    spec: str


def parse_template(template: str) -> list[_Piece]:
    """Split `template` into literal text and fields, raising `InvalidTemplate` on errors."""
    if not template.strip():
        raise InvalidTemplate(
            "The name template is empty; use for example {artists} - {title}.{ext}."
        )
    if template.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", template):
        raise InvalidTemplate(
            f"The name template {template!r} is an absolute path; templates are relative to "
            "the output folder."
        )
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise InvalidTemplate(f"The name template {template!r} is invalid: {error}.") from error
    pieces = []
    for literal, name, spec, conversion in parsed:
        if name is not None and name not in FIELDS:
            raise InvalidTemplate(
                f"The name template uses the unknown field {{{name}}}; known fields are "
                + ", ".join("{" + item + "}" for item in FIELDS)
                + "."
            )
        if conversion:
            raise InvalidTemplate(
                f"The name template field {{{name}!{conversion}}} cannot use a conversion."
            )
        pieces.append(_Piece(literal, name or None, spec or ""))
    for literal_part in re.split(r"[/\\]", "".join(piece.literal for piece in pieces)):
        if literal_part.strip() == "..":
            raise InvalidTemplate(f"The name template {template!r} must not contain '..' parts.")
    return pieces


def template_fields(track: Track, context: CollectionContext | None, ext: str) -> dict[str, Any]:
    """Return every template field's value for `track`; None where the value is unknown."""
    artists = [artist for artist in track.artists if artist.strip()]
    album_artists = [artist for artist in track.album_artists if artist.strip()]
    return {
        "title": track.title,
        "artist": artists[0] if artists else None,
        "artists": ARTIST_SEPARATOR.join(artists) or None,
        "album": track.album,
        "album_artist": next(iter(album_artists or artists), None),
        "track_number": track.track_number,
        "track_count": track.track_count,
        "disc_number": track.disc_number,
        "disc_count": track.disc_count,
        "year": track.year,
        "playlist": context.name if context else None,
        "playlist_position": context.position if context else None,
        "playlist_size": context.size if context else None,
        "isrc": track.isrc,
        "spotify_id": track.id,
        "ext": ext,
    }


def render_relative(
    template: str, track: Track, context: CollectionContext | None, ext: str
) -> Path:
    """Render `template` for `track` into a relative path of sanitised parts."""
    pieces = parse_template(template)
    if not any(piece.field == "ext" for piece in pieces):
        pieces.append(_Piece(".", "ext", ""))
    pieces = _with_disc_number(pieces, track)
    values = template_fields(track, context, ext)

    # Each path part as a list of (text, cuttable) segments: field values may be cut to
    # fit 255 bytes, while literal text and the extension are kept whole.
    segments: list[list[tuple[str, bool]]] = [[]]
    for piece in pieces:
        first, *others = piece.literal.replace("\\", "/").split("/")
        segments[-1].append((first, False))
        for literal in others:
            segments.append([(literal, False)])
        if piece.field is not None:
            segments[-1].append((_render_field(piece, values[piece.field]), piece.field != "ext"))
    parts = [_fit_fields(part, MAX_PART_BYTES) for part in segments]
    parts = [part for part in parts if part.strip()]
    if not parts:
        raise NamingError(f"The name template {template!r} produced an empty name.")
    parts = [sanitise_part(part) for part in parts[:-1]] + [sanitise_file_name(parts[-1], ext)]
    return Path(*parts)


def render_path(
    folder: str | os.PathLike[str],
    template: str,
    track: Track,
    context: CollectionContext | None,
    ext: str,
) -> Path:
    """Return the absolute output path for `track`, guaranteed to lie inside `folder`."""
    base = Path(folder).expanduser().absolute()
    path = base / render_relative(template, track, context, ext)
    try:
        inside = is_inside(path, base)
    except OSError as error:
        raise filesystem_error(error, path) from error
    if not inside:
        raise NamingError(
            f"The name template would place {track.title!r} outside {base}; change the template.",
            detail=str(path),
        )
    return path


def is_inside(path: Path, folder: Path) -> bool:
    """Check that `path` is `folder` or below it, after resolving `..` and symbolic links."""
    resolved_folder = folder.resolve()
    resolved = path.resolve()
    return resolved == resolved_folder or resolved.is_relative_to(resolved_folder)


def _render_field(piece: _Piece, value: Any) -> str:
    if value is None or value == "":
        return _PLACEHOLDERS.get(piece.field or "", "")
    try:
        text = format(value, piece.spec)
    except (ValueError, TypeError) as error:
        raise InvalidTemplate(
            f"The format {piece.spec!r} of field {{{piece.field}}} does not fit the value "
            f"{value!r}: {error}."
        ) from error
    # A value's own slashes and reserved characters must never make folders.
    text = sanitise_value(text)
    if not text.strip():
        return _PLACEHOLDERS.get(piece.field or "", "")
    return text


def _fit_fields(segments: list[tuple[str, bool]], max_bytes: int) -> str:
    """Join one path part's segments, cutting the cuttable ones so the whole fits
    `max_bytes` of UTF-8 and each of them keeps a share (see `share_bytes`)."""
    joined = "".join(text for text, _cuttable in segments)
    if len(joined.encode("utf-8")) <= max_bytes:
        return joined
    fixed = sum(len(text.encode("utf-8")) for text, cuttable in segments if not cuttable)
    sizes = [len(text.encode("utf-8")) for text, cuttable in segments if cuttable]
    shares = iter(share_bytes(sizes, max(max_bytes - fixed, 0)))
    result = ""
    for text, cuttable in segments:
        result += truncate_utf8(text, next(shares)).rstrip() if cuttable else text
    return result


def share_bytes(sizes: list[int], budget: int) -> list[int]:
    """Split `budget` bytes among fields of the given sizes, in the same order.

    Fields shorter than an equal share keep their full size, and the bytes they leave
    over are shared equally among the longer ones, so no field takes the whole budget.
    """
    shares = [0] * len(sizes)
    remaining = budget
    order = sorted(range(len(sizes)), key=lambda index: sizes[index])
    for position, index in enumerate(order):
        equal_share = remaining // (len(order) - position)
        shares[index] = min(sizes[index], equal_share)
        remaining -= shares[index]
    return shares


def _with_disc_number(pieces: list[_Piece], track: Track) -> list[_Piece]:
    """Prefix `{track_number}` with the disc number on multi-disc albums.

    Track numbers restart on each disc, so a template naming files by track number alone
    would give two files the same number (and order) on a multi-disc album.
    """
    names = {piece.field for piece in pieces}
    if (track.disc_count or 1) <= 1 or "disc_number" in names or "track_number" not in names:
        return pieces
    result = []
    for piece in pieces:
        if piece.field == "track_number":
            result.append(_Piece(piece.literal, "disc_number", ""))
            result.append(_Piece("-", "track_number", piece.spec))
        else:
            result.append(piece)
    return result


def strip_format_characters(text: str) -> str:
    """Remove Unicode format characters (category Cf), which are invisible in a name.

    Bidirectional overrides such as U+202E display "gnp.exe" as "exe.png", so a title
    could fake its extension; zero-width spaces and joiners make two names look equal.
    NOTE: this also removes the zero-width (non-)joiners that some scripts and emoji
    sequences use; tags keep the original text.
    """
    return "".join(character for character in text if unicodedata.category(character) != "Cf")


def sanitise_value(text: str) -> str:
    """Make one field's value safe inside a path part: no separators, reserved, control or
    format characters, and Unicode in NFC form."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\t\n\r\v\f]", " ", text)
    text = _CONTROL_CHARACTERS.sub("", text)
    text = strip_format_characters(text)
    text = _RESERVED_CHARACTERS.sub("_", text)
    return re.sub(r"\s+", " ", text)


def sanitise_part(part: str) -> str:
    """Make one folder name valid on Windows, macOS and Linux.

    A leading dot gets a `_` in front, so no name is hidden on Linux and macOS or mistaken
    for one of spotdesk's temporary files.
    """
    part = _CONTROL_CHARACTERS.sub("", unicodedata.normalize("NFC", part))
    part = strip_format_characters(part)
    part = _RESERVED_CHARACTERS.sub("_", part)
    part = part.strip().rstrip(". ")
    if part.startswith(".") or _RESERVED_NAMES.match(part):
        part = "_" + part
    part = truncate_utf8(part, MAX_PART_BYTES).rstrip(". ")
    return part or "_"


def sanitise_file_name(name: str, ext: str) -> str:
    """Make a file name valid, keeping `.ext` when the name must be cut to 255 bytes."""
    suffix = f".{ext}"
    stem = name[: -len(suffix)] if name.endswith(suffix) else name
    stem = sanitise_part(stem)
    stem = truncate_utf8(stem, MAX_PART_BYTES - len(suffix.encode("utf-8"))).rstrip(". ") or "_"
    return stem + suffix


def truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut `text` to at most `max_bytes` of UTF-8 without splitting a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def with_disc_suffix(path: Path, disc_number: int) -> Path:
    """Return `path` with " (Disc N)" before its extension, cut to fit 255 bytes."""
    suffix = f" (Disc {disc_number}){path.suffix}"
    stem = truncate_utf8(path.stem, MAX_PART_BYTES - len(suffix.encode("utf-8"))).rstrip(". ")
    return path.with_name(stem + suffix)


def numbered(path: Path, number: int) -> Path:
    """Return `path` with " (N)" before its extension, cut to fit 255 bytes."""
    suffix = f" ({number}){path.suffix}"
    stem = truncate_utf8(path.stem, MAX_PART_BYTES - len(suffix.encode("utf-8"))).rstrip(". ")
    return path.with_name(stem + suffix)
