"""Web API routes of the fake Spotify (`/v1/...`), served from its catalog."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from tests.fakes.spotify_data import APP_OWNER, SPOTIFY_OWNER, JsonObject, PlaylistRecord, Reply

if TYPE_CHECKING:
    from tests.fakes.spotify_api import FakeSpotify


def route_api(
    fake: FakeSpotify, path: str, query: dict[str, str], user_scopes: frozenset[str] | None = None
) -> Reply:
    """Serve one Web API request; `user_scopes` is None for a client credentials token."""
    parts = [part for part in path.split("/") if part][1:]  # drop "v1"
    if not parts:
        return _not_found()
    kind, rest = parts[0], parts[1:]
    catalog = fake.catalog

    if kind == "me":
        return _me(fake, rest, query, user_scopes)

    if not rest or rest == [""]:
        # Batch lookups: GET /tracks?ids=a,b (spotipy also sends /tracks/?ids=).
        if kind in ("tracks", "albums", "artists") and "ids" in query:
            if not fake.batch_lookups:
                return Reply(403, {"error": {"status": 403, "message": "Forbidden"}})
            return Reply(
                200,
                {kind: [_lookup(fake, kind, object_id) for object_id in query["ids"].split(",")]},
            )
        return _not_found()

    object_id, sub = rest[0], rest[1:]
    if kind == "tracks" and not sub:
        found = _lookup(fake, "tracks", object_id)
        return Reply(200, found) if found else _not_found()
    if kind == "albums" and not sub:
        found = _lookup(fake, "albums", object_id)
        return Reply(200, found) if found else _not_found()
    if kind == "albums" and sub == ["tracks"]:
        if object_id not in catalog.album_tracks:
            return _not_found()
        items = catalog.album_tracks[object_id]
        return Reply(
            200,
            _page(
                fake,
                f"albums/{object_id}/tracks",
                items,
                query,
                50,
                catalog.album_totals.get(object_id),
            ),
        )
    if kind == "artists" and not sub:
        found = catalog.artists.get(object_id)
        return Reply(200, found) if found else _not_found()
    if kind == "artists" and sub == ["albums"]:
        if object_id not in catalog.artists:
            return _not_found()
        items = catalog.artist_albums.get(object_id, [])
        total = catalog.artist_album_totals.get(object_id)
        return Reply(
            200, _page(fake, f"artists/{object_id}/albums", items, query, 20, total, maximum=50)
        )
    if kind == "playlists":
        return _playlist(fake, object_id, sub, query, user_scopes)
    return _not_found()


def _me(
    fake: FakeSpotify, rest: list[str], query: dict[str, str], user_scopes: frozenset[str] | None
) -> Reply:
    if user_scopes is None:
        return _forbidden("This endpoint needs a user access token")
    if not rest:
        return Reply(200, fake.accounts.me())
    if rest == ["tracks"]:
        if "user-library-read" not in user_scopes:
            return _forbidden("Insufficient client scope")
        return Reply(200, _page(fake, "me/tracks", fake.accounts.saved, query, 20, maximum=50))
    return _not_found()


def _lookup(fake: FakeSpotify, kind: str, object_id: str) -> JsonObject | None:
    catalog = fake.catalog
    if kind == "tracks":
        if object_id in catalog.relinks:
            return copy.deepcopy(catalog.relinks[object_id])
        found = catalog.tracks.get(object_id)
        return copy.deepcopy(found) if found else None
    if kind == "albums":
        album = catalog.albums.get(object_id)
        if album is None:
            return None
        full_album = copy.deepcopy(album)
        full_album["tracks"] = _page(
            fake,
            f"albums/{object_id}/tracks",
            catalog.album_tracks.get(object_id, []),
            {},
            50,
            catalog.album_totals.get(object_id),
        )
        return full_album
    if kind == "artists":
        return copy.deepcopy(catalog.artists.get(object_id))
    return None


def _playlist(
    fake: FakeSpotify,
    playlist_id: str,
    sub: list[str],
    query: dict[str, str],
    user_scopes: frozenset[str] | None,
) -> Reply:
    record = fake.catalog.playlists.get(playlist_id)
    # Development-mode apps get 404 for Spotify-owned (editorial, algorithmic) playlists.
    if record is None or record.owner_id == SPOTIFY_OWNER:
        return _not_found()
    # A user token reads the user's own and followed playlists, private ones included.
    # Client credentials have no user, so they read no private playlist at all.
    user_reads = user_scopes is not None and fake.accounts.can_read_playlist(
        record.owner_id, playlist_id
    )
    if not record.public and not user_reads:
        return _forbidden("Forbidden")
    if not sub:
        meta = copy.deepcopy(record.meta)
        meta["tracks"] = {
            "href": fake.page_url(f"playlists/{playlist_id}/items"),
            "total": len(record.entries),
        }
        return Reply(200, meta)
    if sub == ["items"]:
        app_reads = user_scopes is None and record.owner_id == APP_OWNER
        if not (app_reads or user_reads):
            return _forbidden("Forbidden")
        entries = [_entry(record, item) for item in record.entries]
        return Reply(200, _page(fake, f"playlists/{playlist_id}/items", entries, query, 100))
    if sub == ["tracks"]:
        # Replaced by /items in 2026.
        return Reply(403, {"error": {"status": 403, "message": "Forbidden"}})
    return _not_found()


def _entry(record: PlaylistRecord, item: JsonObject | None) -> JsonObject:
    entry: JsonObject = {
        "added_at": "2026-01-01T00:00:00Z",
        "added_by": {"id": record.owner_id, "type": "user"},
        "is_local": bool(item and item.get("is_local")),
    }
    if record.entry_key in ("item", "both"):
        entry["item"] = copy.deepcopy(item)
    if record.entry_key in ("track", "both"):
        entry["track"] = copy.deepcopy(item)
    return entry


def _page(
    fake: FakeSpotify,
    path: str,
    items: list[Any],
    query: dict[str, str],
    default_limit: int,
    reported_total: int | None = None,
    maximum: int = 100,
) -> JsonObject:
    limit = min(int(query.get("limit", default_limit)), maximum)
    offset = int(query.get("offset", 0))
    chunk = items[offset : offset + limit]
    has_more = offset + limit < len(items)
    extra = {key: value for key, value in query.items() if key not in ("limit", "offset")}
    return {
        "href": fake.page_url(path, offset=offset, limit=limit, **extra),
        "items": copy.deepcopy(chunk),
        "limit": limit,
        "offset": offset,
        "total": reported_total if reported_total is not None else len(items),
        "next": fake.page_url(path, offset=offset + limit, limit=limit, **extra)
        if has_more
        else None,
        "previous": None,
    }


def _forbidden(message: str) -> Reply:
    return Reply(403, {"error": {"status": 403, "message": message}})


def _not_found() -> Reply:
    return Reply(404, {"error": {"status": 404, "message": "Resource not found"}})
