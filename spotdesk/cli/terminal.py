"""Make text from outside spotdesk safe to print on a terminal.

Playlist, album and track names come from the Spotify users who created them. A name can
therefore contain escape sequences that move the cursor, recolour or retitle the terminal.
It can also contain bidi overrides that make a line read differently from what it contains.
"""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """Replace control and format characters in `text` with visible escapes.

    C0 and C1 controls (including newline, tab and DEL) and Unicode format characters
    (category Cf: bidi overrides and isolates, zero-width characters, the byte order mark)
    become `\\xNN` or `\\uNNNN`. Other text, such as CJK, accents or emoji, is kept as is.
    """
    if text.isprintable():
        return text  # the common case: no character below needs escaping
    return "".join(_escape(character) for character in text)


def _escape(character: str) -> str:
    code = ord(character)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    if unicodedata.category(character) == "Cf":
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return character
