"""Keep every output path a request can choose inside the configured library folder.

A request may name a folder (relative to the library, or absolute inside it) and a file
name template. Both are checked here before a task is created, because the worker that
runs the task later writes wherever its options point. Rejected: absolute folders outside
the library, any `..` component, symlinks that lead out of the library, absolute or
drive-qualified templates, templates whose literal text climbs out (`{album}../x`), and
placeholders with attribute or index access (`{track.__class__}`), which `str.format`
would evaluate. Control characters and invisible Unicode format characters (category Cf,
such as U+202E) are rejected in both folders and templates.
"""

from __future__ import annotations

import os
import re
import string
import unicodedata
from pathlib import Path, PureWindowsPath

from spotdesk.errors import UsageError

MAX_TEMPLATE_LENGTH = 512
MAX_FOLDER_LENGTH = 1024
# Format specs a template may use on a placeholder, such as "{track_number:02d}".
_FORMAT_SPEC = re.compile(r"^[<>^]?0?\d{0,3}d?$")
_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePath(UsageError):
    code = "api.unsafe_path"


def _check_text(value: str, what: str, max_length: int) -> None:
    if len(value) > max_length:
        raise UnsafePath(f"The {what} is longer than {max_length} characters.")
    if any(ord(character) < 32 or character == "\x7f" for character in value):
        raise UnsafePath(f"The {what} {value!r} contains control characters.")
    # Format characters are invisible: U+202E can make "gnp.exe" display as "exe.png".
    invisible = sorted({c for c in value if unicodedata.category(c) == "Cf"})
    if invisible:
        codes = ", ".join(f"U+{ord(character):04X}" for character in invisible)
        raise UnsafePath(
            f"The {what} {value!r} contains invisible Unicode format characters ({codes}); "
            "remove them."
        )


def _parts(value: str) -> list[str]:
    return [part for part in re.split(r"[\\/]", value) if part]


def resolve_folder(folder: str | None, library: Path) -> Path:
    """Return the absolute folder for `folder`, which must stay inside `library`.

    None or "" means the library itself. The check resolves symlinks of the folders that
    already exist, so a link inside the library that points elsewhere is rejected too.
    """
    library_real = Path(os.path.realpath(library))
    if not folder:
        return library_real
    _check_text(folder, "folder", MAX_FOLDER_LENGTH)
    if folder.startswith("~"):
        raise UnsafePath(f"The folder {folder!r} starts with '~'; give a path inside the library.")
    if ".." in _parts(folder):
        raise UnsafePath(f"The folder {folder!r} contains '..'; give a path inside the library.")

    candidate = Path(folder)
    if not candidate.is_absolute():
        if _DRIVE.match(folder) or PureWindowsPath(folder).is_absolute():
            raise UnsafePath(
                f"The folder {folder!r} names a drive; give a path inside the library."
            )
        candidate = library_real / candidate
    resolved = Path(os.path.realpath(candidate))
    if resolved != library_real and library_real not in resolved.parents:
        raise UnsafePath(
            f"The folder {folder!r} is outside the library folder {library_real}; "
            "give a path inside it, or a path relative to it."
        )
    return resolved


def check_template(template: str) -> None:
    """Raise `UnsafePath` unless `template` can only name a file below its folder."""
    _check_text(template, "template", MAX_TEMPLATE_LENGTH)
    if not template.strip():
        raise UnsafePath("The template is empty; use for example '{artists} - {title}.{ext}'.")
    if template.startswith(("/", "\\", "~")) or _DRIVE.match(template):
        raise UnsafePath(f"The template {template!r} is absolute; give a relative one.")

    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as error:
        raise UnsafePath(f"The template {template!r} is invalid: {error}.") from error
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if not name.isidentifier():
            raise UnsafePath(
                f"The template placeholder {{{name}}} is invalid; use plain names such as "
                "{title} without dots, brackets or numbers."
            )
        if conversion is not None or (spec and not _FORMAT_SPEC.match(spec)):
            raise UnsafePath(
                f"The template placeholder {{{name}}} has an unsupported format; "
                "only widths such as {track_number:02d} are allowed."
            )

    # With every placeholder empty (metadata can be missing), no path part may be "." or
    # "..". `ext` is never empty, so it renders as a short name.
    rendered = "".join(
        literal + ("mp3" if name == "ext" else "") for literal, name, _spec, _conv in fields
    )
    for part in _parts(rendered):
        if set(part) == {"."}:
            raise UnsafePath(
                f"The template {template!r} can produce the path part {part!r}, which "
                "leaves its folder when placeholders are empty."
            )
    # NOTE: placeholder values come from Spotify metadata (a playlist name is anyone's
    # text); the file naming code must strip separators and leading dots from them. This
    # check covers only what the template's own text can do.
