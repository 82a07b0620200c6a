"""Public pages of the fake Spotify: embed pages with `__NEXT_DATA__` and regular pages.

Spotify does not document these pages; the shapes follow what third-party scrapers
reported in 2026. The entity sits under `props.pageProps.state.data.entity`. Collections
list at most 100 tracks in `trackList`, with the artists joined by a comma and a no-break
space. An unknown id returns 200 with a `pageProps` that has no `state`. Regular pages
carry `music:song_count` and one `music:song` meta tag per entry.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from tests.fakes.spotify_data import SPOTIFY_OWNER, JsonObject, Reply

if TYPE_CHECKING:
    from tests.fakes.spotify_api import FakeSpotify

EMBED_LIMIT = 100
ARTIST_SEPARATOR = ",\u00a0"
TOP_TRACKS = 10


def route_page(fake: FakeSpotify, path: str) -> Reply:
    if path in fake.page_overrides:
        return Reply(200, fake.page_overrides[path])
    parts = [part for part in path.split("/") if part]
    if len(parts) == 3 and parts[0] == "embed":
        entity = _entity(fake, parts[1], parts[2])
        if entity is None:
            return Reply(200, _next_data_page({"status": 404, "title": "Page not found"}))
        return Reply(200, _next_data_page({"state": {"data": {"entity": entity}}}))
    if len(parts) == 2:
        return _regular_page(fake, parts[0], parts[1])
    return Reply(404, "<html><body>Page not found</body></html>")


def _next_data_page(page_props: JsonObject) -> str:
    data = json.dumps({"props": {"pageProps": page_props}, "page": "/embed"})
    return (
        "<!DOCTYPE html><html><head><title>Spotify Embed</title></head><body>"
        '<div id="__next"></div>'
        f'<script id="__NEXT_DATA__" type="application/json">{data}</script>'
        "</body></html>"
    )


def _entity(fake: FakeSpotify, kind: str, object_id: str) -> JsonObject | None:
    catalog = fake.catalog
    if kind == "track":
        track = catalog.tracks.get(object_id)
        return _track_entity(track) if track else None
    if kind == "album":
        album = catalog.albums.get(object_id)
        if album is None:
            return None
        items = [
            catalog.tracks.get(item["id"], item) for item in catalog.album_tracks.get(object_id, [])
        ]
        return {
            "type": "album",
            "id": object_id,
            "uri": f"spotify:album:{object_id}",
            "name": album["name"],
            "title": album["name"],
            "subtitle": ARTIST_SEPARATOR.join(
                artist["name"] for artist in album.get("artists", [])
            ),
            "releaseDate": {"isoString": f"{album.get('release_date', '2020')}T00:00:00Z"},
            "coverArt": {"sources": album.get("images", [])},
            "trackList": [_list_item(item) for item in items[:EMBED_LIMIT]],
        }
    if kind == "playlist":
        record = catalog.playlists.get(object_id)
        if record is None or not record.public:
            return None
        meta = record.meta
        owner = meta.get("owner", {}).get("display_name") or record.owner_id
        listed = [item for item in record.entries if item is not None][:EMBED_LIMIT]
        return {
            "type": "playlist",
            "id": object_id,
            "uri": f"spotify:playlist:{object_id}",
            "name": meta.get("name"),
            "title": meta.get("name"),
            "subtitle": "Spotify" if record.owner_id == SPOTIFY_OWNER else owner,
            "authors": [{"name": "Spotify" if record.owner_id == SPOTIFY_OWNER else owner}],
            "releaseDate": None,
            "coverArt": {"sources": meta.get("images", [])},
            "trackList": [_list_item(item) for item in listed],
        }
    if kind == "artist":
        artist = catalog.artists.get(object_id)
        if artist is None:
            return None
        top = [
            track
            for track in catalog.tracks.values()
            if any(credit.get("id") == object_id for credit in track.get("artists", []))
        ][:TOP_TRACKS]
        return {
            "type": "artist",
            "id": object_id,
            "uri": f"spotify:artist:{object_id}",
            "name": artist["name"],
            "title": artist["name"],
            "visualIdentity": {"image": [_sized(image) for image in artist.get("images", [])]},
            "trackList": [_list_item(track) for track in top],
        }
    return None


def _track_entity(track: JsonObject) -> JsonObject:
    album = track.get("album") or {}
    return {
        "type": "track",
        "id": track["id"],
        "uri": f"spotify:track:{track['id']}",
        "name": track["name"],
        "title": track["name"],
        "artists": [
            {"name": artist["name"], "uri": artist.get("uri")}
            for artist in track.get("artists", [])
        ],
        "subtitle": ARTIST_SEPARATOR.join(artist["name"] for artist in track.get("artists", [])),
        "duration": track.get("duration_ms"),
        "isExplicit": track.get("explicit", False),
        "releaseDate": {"isoString": f"{album.get('release_date', '2020')}T00:00:00Z"},
        "visualIdentity": {"image": [_sized(image) for image in album.get("images", [])]},
    }


def _list_item(item: JsonObject) -> JsonObject:
    uri = item.get("uri") or ""
    return {
        "uri": uri,
        "uid": f"uid-{uri[-8:]}",
        "title": item.get("name"),
        "subtitle": ARTIST_SEPARATOR.join(
            artist["name"] for artist in item.get("artists", []) if artist.get("name")
        ),
        "duration": item.get("duration_ms"),
        "isExplicit": item.get("explicit", False),
        "isPlayable": True,
        "entityType": "episode" if item.get("type") == "episode" else "track",
    }


def _sized(image: JsonObject) -> JsonObject:
    # Embed pages name image sizes maxWidth/maxHeight.
    return {"url": image["url"], "maxWidth": image.get("width"), "maxHeight": image.get("height")}


def _regular_page(fake: FakeSpotify, kind: str, object_id: str) -> Reply:
    entries: list[Any]
    if kind == "playlist" and object_id in fake.catalog.playlists:
        entries = [item for item in fake.catalog.playlists[object_id].entries if item is not None]
    elif kind == "album" and object_id in fake.catalog.albums:
        entries = fake.catalog.album_tracks.get(object_id, [])
    else:
        return Reply(404, "<html><body>Page not found</body></html>")
    limit = fake.regular_page_song_limit
    shown = entries if limit is None else entries[:limit]
    tags = [f'<meta property="og:type" content="music.{kind}"/>']
    for position, item in enumerate(shown, start=1):
        kind_of_item = "episode" if item.get("type") == "episode" else "track"
        url = f"https://open.spotify.com/{kind_of_item}/{item.get('id')}"
        tags.append(f'<meta name="music:song" content="{html.escape(url)}"/>')
        tags.append(f'<meta name="music:song:track" content="{position}"/>')
    tags.append(f'<meta name="music:song_count" content="{len(entries)}"/>')
    return Reply(200, "<!DOCTYPE html><html><head>" + "".join(tags) + "</head><body></body></html>")
