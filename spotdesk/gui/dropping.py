"""Turn dragged or pasted data into text that may contain Spotify links.

The Spotify desktop app drags `text/uri-list` (open.spotify.com URLs or `spotify:` URIs,
one per line); browsers drag both a URI list and plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData


def text_from_mime(mime: QMimeData) -> str | None:
    """Return the links or text a drop or paste carries, or None when it carries neither."""
    if mime.hasUrls():
        # Local files (Qt also reports them as text) cannot hold Spotify links.
        urls = [url.toString() for url in mime.urls() if not url.isLocalFile()]
        return "\n".join(urls) if urls else None
    if mime.hasFormat("text/uri-list"):
        raw = bytes(mime.data("text/uri-list").data()).decode("utf-8", "replace")
        # RFC 2483: one URI per line, lines starting with "#" are comments.
        lines = [line.strip() for line in raw.splitlines()]
        urls = [
            line
            for line in lines
            if line and not line.startswith("#") and not line.lower().startswith("file:")
        ]
        if urls:
            return "\n".join(urls)
    if mime.hasText() and mime.text().strip():
        return mime.text()
    return None
