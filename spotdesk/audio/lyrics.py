"""Lyrics from LRCLIB: synced LRC text and plain text.

`/get` looks a recording up by track, artist and album name and duration. When that finds
nothing, `/search` by track and artist name is tried and the closest result by duration is
taken. Lyrics are optional, so every failure returns None and logs one line, and none of
them fails the track.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests

from spotdesk import __version__
from spotdesk.audio.errors import redact_credentials
from spotdesk.model import Track

log = logging.getLogger(__name__)

# LRCLIB recommends a User-Agent that names the client (lrclibapi.readthedocs.io).
USER_AGENT = f"spotdesk/{__version__} (https://github.com/spotdesk/spotdesk)"

# A search result whose duration differs more than this from the track is another recording.
SEARCH_DURATION_TOLERANCE_S = 3.0


@dataclass(frozen=True)
class Lyrics:
    """A track's lyrics: LRC text with timestamps, plain text, or both."""

    synced: str | None
    plain: str | None

    @property
    def text(self) -> str | None:
        """Return the plain text, or the synced text when no plain text exists."""
        return self.plain or self.synced


class LyricsClient:
    """Fetch lyrics from an LRCLIB server at `base_url` (for example ``…/api``)."""

    def __init__(self, base_url: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT

    def fetch(self, track: Track) -> Lyrics | None:
        """Return the track's lyrics, or None when none exist or LRCLIB failed."""
        if not track.artists:
            log.info("no lyrics looked up for track %s: it has no artist", track.id)
            return None
        try:
            record = self._get(track)
            if record is None:
                record = self._search(track)
        except (requests.RequestException, ValueError) as error:
            log.warning(
                "lyrics lookup failed for track %s at %s: %s",
                track.id,
                redact_credentials(self.base_url),
                redact_credentials(str(error)),
            )
            return None

        if record is None:
            log.info("no lyrics found for track %s", track.id)
            return None
        return _lyrics_of(record, track)

    def _get(self, track: Track) -> dict[str, Any] | None:
        params: dict[str, str | int] = {
            "track_name": track.title,
            "artist_name": track.artists[0],
        }
        if track.album:
            params["album_name"] = track.album
        if track.duration_ms is not None:
            params["duration"] = round(track.duration_ms / 1000)

        response = self._session.get(f"{self.base_url}/get", params=params, timeout=self.timeout)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        record = response.json()
        return record if isinstance(record, dict) else None

    def _search(self, track: Track) -> dict[str, Any] | None:
        params = {"track_name": track.title, "artist_name": track.artists[0]}
        response = self._session.get(f"{self.base_url}/search", params=params, timeout=self.timeout)
        response.raise_for_status()
        results = response.json()
        if not isinstance(results, list):
            raise ValueError(f"LRCLIB search returned {type(results).__name__}, not a list")
        return _closest(track, [item for item in results if isinstance(item, dict)])


def _closest(track: Track, results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Pick the result nearest in duration that has lyrics, preferring synced ones."""
    usable = [item for item in results if _has_lyrics(item) or item.get("instrumental")]
    if track.duration_ms is not None:
        seconds = track.duration_ms / 1000
        usable = [
            item
            for item in usable
            if isinstance(item.get("duration"), int | float)
            and abs(item["duration"] - seconds) <= SEARCH_DURATION_TOLERANCE_S
        ]
        usable.sort(key=lambda item: abs(item["duration"] - seconds))
    synced = [item for item in usable if item.get("syncedLyrics")]
    best = synced or usable
    return best[0] if best else None


def _has_lyrics(record: dict[str, Any]) -> bool:
    return bool(record.get("syncedLyrics") or record.get("plainLyrics"))


def _lyrics_of(record: dict[str, Any], track: Track) -> Lyrics | None:
    if record.get("instrumental") and not _has_lyrics(record):
        log.info("track %s is instrumental according to LRCLIB", track.id)
        return None
    synced, plain = record.get("syncedLyrics"), record.get("plainLyrics")
    lyrics = Lyrics(
        synced=synced if isinstance(synced, str) and synced.strip() else None,
        plain=plain if isinstance(plain, str) and plain.strip() else None,
    )
    if lyrics.synced is None and lyrics.plain is None:
        log.info("no lyrics found for track %s", track.id)
        return None
    return lyrics
