"""Turn Spotify Web API objects (plain JSON) into domain values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from spotdesk.model import MetadataSource, SkippedEntry, Track

# Skip reasons stored in `SkippedEntry.reason`.
LOCAL_FILE = "local_file"
UNAVAILABLE = "unavailable"
EPISODE = "episode"
NOT_FOUND = "not_found"
NOT_LISTED = "not_listed"

JsonObject = Mapping[str, Any]


def largest_image(images: Iterable[JsonObject] | None) -> str | None:
    """Return the URL of the image with the most pixels; unsized images count as zero.

    Spotify usually lists images largest first, but nothing promises that order.
    """
    best_url: str | None = None
    best_area = -1
    for image in images or ():
        url = image.get("url")
        if not url:
            continue
        width = image.get("width") or image.get("maxWidth") or 0
        height = image.get("height") or image.get("maxHeight") or 0
        area = int(width) * int(height)
        if area > best_area:
            best_url, best_area = url, area
    return best_url


def clean_release_date(value: str | None) -> str | None:
    """Return Spotify's release date, or None for its "0000" placeholder."""
    if not value or value.startswith("0000"):
        return None
    return value


def artist_names(artists: Iterable[JsonObject] | None) -> list[str]:
    return [artist["name"] for artist in artists or () if artist.get("name")]


def track_from_api(
    data: JsonObject,
    album: JsonObject | None = None,
    disc_count: int | None = None,
) -> Track:
    """Build a Track from a full or simplified Web API track object.

    `album` is used when `data` carries none (album track pages list simplified tracks).
    A relinked track keeps the id the user linked (`linked_from.id`) as its id, and the id
    Spotify substituted becomes `linked_id`.
    """
    album = data.get("album") or album or {}
    linked_from = data.get("linked_from") or {}
    track_id = linked_from.get("id") or data["id"]
    linked_id = data["id"] if linked_from.get("id") and linked_from["id"] != data["id"] else None
    external_ids = data.get("external_ids") or {}
    return Track(
        id=track_id,
        title=data.get("name") or "",
        artists=artist_names(data.get("artists")),
        duration_ms=data.get("duration_ms") or None,
        album=album.get("name") or None,
        album_id=album.get("id"),
        album_artists=artist_names(album.get("artists")),
        track_number=data.get("track_number"),
        # Spotify's total_tracks counts the whole album, every disc included.
        track_count=album.get("total_tracks"),
        disc_number=data.get("disc_number"),
        disc_count=disc_count,
        release_date=clean_release_date(album.get("release_date")),
        isrc=external_ids.get("isrc") or None,
        explicit=data.get("explicit"),
        genres=list(album.get("genres") or []),
        cover_url=largest_image(album.get("images")),
        linked_id=linked_id,
        source=MetadataSource.WEB_API,
    )


def playlist_entry_object(entry: JsonObject) -> JsonObject | None:
    """Return the object of a playlist entry: under `item` since 2026, `track` before."""
    return entry.get("item") or entry.get("track")


def skip_reason(entry: JsonObject | None, position: int) -> SkippedEntry | None:
    """Return why a playlist entry yields no track, or None when it is a usable track."""
    if not entry:
        return SkippedEntry(position, UNAVAILABLE, "unavailable: Spotify returned an empty entry")
    data = playlist_entry_object(entry)
    title = (data or {}).get("name") or None
    if entry.get("is_local") or (data or {}).get("is_local"):
        return SkippedEntry(
            position,
            LOCAL_FILE,
            "local file: it exists only on the computer of the user who added it",
            title,
        )
    if data is None:
        return SkippedEntry(position, UNAVAILABLE, "unavailable: Spotify returned no object")
    if data.get("type") == "episode" or data.get("episode") is True:
        return SkippedEntry(
            position, EPISODE, "podcast episode: podcasts are not supported yet", title
        )
    if not data.get("id") or not (data.get("name") or artist_names(data.get("artists"))):
        # Removed tracks come back with an id but an empty name, no artist names and 0 ms.
        return SkippedEntry(position, UNAVAILABLE, "unavailable: Spotify returned an empty track")
    return None
