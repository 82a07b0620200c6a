"""Data for the fake Spotify: builders for synthetic objects and the recorded responses.

Objects are plain dictionaries shaped like Spotify Web API JSON, so tests can change any
field. The catalog keeps full objects; the server derives pages, simplified objects and
public pages from them.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JsonObject = dict[str, Any]

RECORDINGS = Path(__file__).resolve().parent.parent / "fixtures" / "spotify"
APP_OWNER = "exampleuser00"  # the recordings' playlist owner, treated as the app's user
SPOTIFY_OWNER = "spotify"

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def synthetic_id(prefix: str, number: int) -> str:
    """Return a valid 22-character Spotify id made from a prefix and a number."""
    digits = ""
    while True:
        number, remainder = divmod(number, 62)
        digits = _BASE62[remainder] + digits
        if number == 0:
            break
    if len(prefix) + len(digits) > 22:
        raise ValueError(f"prefix {prefix!r} leaves no room for number {number}")
    return prefix + digits.rjust(22 - len(prefix), "0")


def make_artist(artist_id: str, name: str) -> JsonObject:
    return {
        "id": artist_id,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
        "images": [],
        "genres": [],
    }


def make_image(size: int, tag: str = "cover") -> JsonObject:
    return {"url": f"https://i.scdn.test/{tag}-{size}.jpg", "width": size, "height": size}


def make_album(
    album_id: str,
    name: str,
    artists: list[JsonObject],
    *,
    total_tracks: int = 0,
    release_date: str = "2020-05-01",
    images: list[JsonObject] | None = None,
    album_type: str = "album",
) -> JsonObject:
    return {
        "id": album_id,
        "name": name,
        "type": "album",
        "album_type": album_type,
        "uri": f"spotify:album:{album_id}",
        "artists": [_artist_ref(artist) for artist in artists],
        "images": images if images is not None else [make_image(640), make_image(300)],
        "release_date": release_date,
        "release_date_precision": "day",
        "total_tracks": total_tracks,
        "genres": [],
    }


def make_track(
    track_id: str,
    name: str,
    artists: list[JsonObject],
    album: JsonObject,
    *,
    disc_number: int = 1,
    track_number: int = 1,
    duration_ms: int = 200_000,
    isrc: str | None = "QZFAK0000001",
    explicit: bool = False,
) -> JsonObject:
    return {
        "id": track_id,
        "name": name,
        "type": "track",
        "uri": f"spotify:track:{track_id}",
        "artists": [_artist_ref(artist) for artist in artists],
        "album": album_ref(album),
        "disc_number": disc_number,
        "track_number": track_number,
        "duration_ms": duration_ms,
        "explicit": explicit,
        "external_ids": {"isrc": isrc} if isrc else {},
        "is_local": False,
        "popularity": 0,
    }


def make_episode(episode_id: str, name: str) -> JsonObject:
    return {
        "id": episode_id,
        "name": name,
        "type": "episode",
        "uri": f"spotify:episode:{episode_id}",
        "duration_ms": 1_800_000,
        "episode": True,
        "track": False,
    }


def make_local_file(name: str, artist: str = "Local Artist") -> JsonObject:
    return {
        "id": None,
        "name": name,
        "type": "track",
        "uri": f"spotify:local:{artist.replace(' ', '+')}::{name.replace(' ', '+')}:180",
        "artists": [{"id": None, "name": artist, "type": "artist", "uri": None}],
        "album": {"id": None, "name": "", "images": [], "artists": []},
        "duration_ms": 180_000,
        "is_local": True,
        "external_ids": {},
    }


def relinked(track: JsonObject, linked_id: str) -> JsonObject:
    """Return a copy of `track` as Spotify returns it for `linked_id` when it relinks it."""
    relinked_track = copy.deepcopy(track)
    relinked_track["linked_from"] = {
        "id": linked_id,
        "type": "track",
        "uri": f"spotify:track:{linked_id}",
    }
    return relinked_track


def album_ref(album: JsonObject) -> JsonObject:
    return {key: value for key, value in album.items() if key not in ("tracks", "genres")}


def simplified(track: JsonObject) -> JsonObject:
    return {
        key: value
        for key, value in track.items()
        if key not in ("album", "external_ids", "popularity")
    }


def _artist_ref(artist: JsonObject) -> JsonObject:
    return {key: artist.get(key) for key in ("id", "name", "type", "uri")}


@dataclass
class Reply:
    """One HTTP response of the fake: a dict or list is sent as JSON, a string as HTML."""

    status: int
    body: Any = None
    headers: dict[str, str] | None = None


@dataclass
class PlaylistRecord:
    meta: JsonObject
    entries: list[JsonObject | None]  # track, episode or local-file objects; None = unavailable
    owner_id: str = APP_OWNER
    entry_key: str = "item"  # "item" (2026 shape), "track" (legacy) or "both"
    public: bool = True


@dataclass
class Catalog:
    """Everything the fake serves, by id."""

    tracks: dict[str, JsonObject] = field(default_factory=dict)
    # Responses for track ids that Spotify relinks to another market's copy.
    relinks: dict[str, JsonObject] = field(default_factory=dict)
    albums: dict[str, JsonObject] = field(default_factory=dict)
    album_tracks: dict[str, list[JsonObject]] = field(default_factory=dict)
    # Album ids whose /tracks pages report a larger total than they list.
    album_totals: dict[str, int] = field(default_factory=dict)
    artists: dict[str, JsonObject] = field(default_factory=dict)
    artist_albums: dict[str, list[JsonObject]] = field(default_factory=dict)
    artist_album_totals: dict[str, int] = field(default_factory=dict)
    playlists: dict[str, PlaylistRecord] = field(default_factory=dict)

    def add_album(self, album: JsonObject, tracks: list[JsonObject]) -> None:
        album = copy.deepcopy(album)
        album.setdefault("total_tracks", len(tracks))
        if not album["total_tracks"]:
            album["total_tracks"] = len(tracks)
        self.albums[album["id"]] = album
        self.album_tracks[album["id"]] = [simplified(track) for track in tracks]
        for track in tracks:
            track = copy.deepcopy(track)
            track["album"] = album_ref(album)
            self.tracks[track["id"]] = track

    def load_recordings(self, folder: Path = RECORDINGS) -> None:
        for path in sorted(folder.glob("*.json")):
            for exchange in json.loads(path.read_text(encoding="utf-8")):
                if exchange["status"] == 200:
                    self._load_exchange(exchange["path"], exchange["query"], exchange["body"])
        self._complete_recorded_albums()

    def _load_exchange(self, path: str, query: str, body: JsonObject) -> None:
        parts = [part for part in path.split("/") if part][1:]  # drop "v1"
        kind, object_id, rest = parts[0], parts[1], parts[2:]
        if kind == "tracks" and not rest:
            self.tracks[object_id] = body
        elif kind == "artists" and not rest:
            self.artists[object_id] = body
        elif kind == "artists" and rest == ["albums"] and "compilation" not in query:
            self.artist_albums[object_id] = body["items"]
            if body.get("total") != len(body["items"]):
                self.artist_album_totals[object_id] = body["total"]
        elif kind == "albums" and not rest:
            self.albums[object_id] = {k: v for k, v in body.items() if k != "tracks"}
            self.album_tracks[object_id] = body["tracks"]["items"]
        elif kind == "albums" and rest == ["tracks"]:
            self.album_tracks[object_id] = body["items"]
        elif kind == "playlists" and not rest:
            owner = body["owner"]["id"]
            record = self.playlists.setdefault(object_id, PlaylistRecord({}, [], owner, "track"))
            record.meta = {k: v for k, v in body.items() if k != "tracks"}
            record.owner_id = owner
        elif kind == "playlists" and rest == ["tracks"]:
            record = self.playlists.setdefault(
                object_id, PlaylistRecord({}, [], APP_OWNER, "track")
            )
            record.entries = [item["track"] for item in body["items"]]

    def _complete_recorded_albums(self) -> None:
        # album.json has the track page of an album but no album object: rebuild it from
        # the album fields of the recorded tracks.
        for album_id in self.album_tracks:
            if album_id in self.albums:
                continue
            for track in self.tracks.values():
                if track.get("album", {}).get("id") == album_id:
                    self.albums[album_id] = copy.deepcopy(track["album"])
                    break
