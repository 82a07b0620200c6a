"""A live preview of the file name template on a sample track."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from spotdesk.audio.naming import render_relative
from spotdesk.errors import SpotdeskError
from spotdesk.model import CollectionContext, LinkKind, Track

SAMPLE_TRACK = Track(
    id="4uLU6hMCjMI75M1A2tKUQC",
    title="Fearless Pt. II",
    artists=["Lost Sky", "Chris Linton"],
    duration_ms=194181,
    album="Fearless Pt. II",
    album_artists=["Lost Sky"],
    track_number=1,
    track_count=1,
    disc_number=1,
    disc_count=1,
    release_date="2017-12-23",
    isrc="GB2LD0901581",
)
SAMPLE_CONTEXT = CollectionContext(
    kind=LinkKind.PLAYLIST, id="37i9dQZF1DXcBWIGoYBM5M", name="Evening Mix", position=7, size=42
)


def preview_path(template: str, ext: str) -> tuple[str, str | None]:
    """Return (the sample track's relative path, None), or ("", a translated problem)."""
    if not template.strip():
        return "", QCoreApplication.translate("TemplatePreview", "The template is empty.")
    try:
        path = render_relative(template, SAMPLE_TRACK, SAMPLE_CONTEXT, ext)
    except SpotdeskError as error:
        return "", QCoreApplication.translate(
            "TemplatePreview", "Invalid template: {reason}"
        ).format(reason=error.message)
    return path.as_posix(), None
