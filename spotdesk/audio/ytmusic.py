"""YouTube Music search through `ytmusicapi`, with a configurable API base URL.

For each track the provider sends three queries in turn: the ISRC (YouTube Music files
official audio under it), then "artist title" among songs, then among videos. The matcher
may stop after any of them.

ytmusicapi 1.12 builds every request URL from the module constants `YTM_BASE_API`
(``https://music.youtube.com/youtubei/v1/``) and `YTM_DOMAIN` (the page it reads a visitor
id from). Rather than patching those globals, the provider hands ytmusicapi a requests
session that rewrites both prefixes to the configured base, so proxies and loopback test
servers receive every request.
"""

from __future__ import annotations

import locale
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import requests

from spotdesk.audio.errors import (
    SearchFailed,
    SearchRateLimited,
    SearchTimedOut,
    redact_credentials,
)
from spotdesk.audio.search import search_query
from spotdesk.model import MatchCandidate, Track

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://music.youtube.com/youtubei/v1/"
# The prefix a video id is appended to; `ServiceUrls.youtube_music_watch` overrides it.
DEFAULT_WATCH_URL = "https://music.youtube.com/watch?v="

# ytmusicapi's own prefixes, rewritten by `_RebasedSession`.
_LIBRARY_API_BASE = "https://music.youtube.com/youtubei/v1/"
_LIBRARY_DOMAIN = "https://music.youtube.com"

# `musicVideoType` names the kind of upload in every interface language, unlike the
# localised "Song"/"Video" labels that ytmusicapi's `resultType` is read from.
_VIDEO_TYPES = {
    "MUSIC_VIDEO_TYPE_ATV": "song",  # audio track of a release ("Art Track")
    "MUSIC_VIDEO_TYPE_OMV": "official_video",
    "MUSIC_VIDEO_TYPE_OFFICIAL_SOURCE_MUSIC": "official_video",
    "MUSIC_VIDEO_TYPE_UGC": "video",  # uploaded by a user
    "MUSIC_VIDEO_TYPE_PODCAST_EPISODE": "episode",
}
_PLAYABLE_RESULT_TYPES = {"song": "song", "video": "video", "episode": "episode"}

_STATUS = re.compile(r"HTTP (\d{3})")


class _RebasedSession(requests.Session):
    """A session that sends ytmusicapi's fixed YouTube Music URLs to another base."""

    def __init__(self, api_base: str, page_base: str, timeout: float) -> None:
        super().__init__()
        self.api_base = api_base
        self.page_base = page_base
        self.timeout = timeout

    def rebase(self, url: str) -> str:
        if url.startswith(_LIBRARY_API_BASE):
            return self.api_base + url[len(_LIBRARY_API_BASE) :]
        if url.startswith(_LIBRARY_DOMAIN):
            return self.page_base + url[len(_LIBRARY_DOMAIN) :]
        return url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, self.rebase(url), *args, **kwargs)


def page_base_of(api_base: str) -> str:
    """Return the site root that belongs to an API base such as ``…/youtubei/v1/``."""
    marker = "/youtubei/v1/"
    if marker in api_base:
        return api_base[: api_base.index(marker)]
    parts = urlsplit(api_base)
    return f"{parts.scheme}://{parts.netloc}"


class YouTubeMusicProvider:
    """Search YouTube Music by ISRC, then among songs, then among videos.

    `language` is the interface language YouTube Music responds in. Keep "en": with a
    filter, ytmusicapi 1.12 drops shelves whose title lacks the English filter name, so
    a German "Titel" shelf would yield no songs.
    """

    name = "ytmusic"

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 15.0,
        language: str = "en",
        watch_url: str = DEFAULT_WATCH_URL,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.watch_url = watch_url
        self.timeout = timeout
        self.language = language
        self._client: Any = None

    def search(self, track: Track, limit: int = 10) -> list[MatchCandidate]:
        seen: set[str] = set()
        results: list[MatchCandidate] = []
        for batch in self.search_stages(track, limit):
            for candidate in batch:
                if candidate.url not in seen:
                    seen.add(candidate.url)
                    results.append(candidate)
        return results

    def search_stages(self, track: Track, limit: int = 10) -> Iterator[list[MatchCandidate]]:
        """Yield the candidates of the ISRC, songs and videos queries, one query at a time."""
        if track.isrc:
            yield self.query(track.isrc, None, limit, found_by_isrc=True)
        text = search_query(track)
        yield self.query(text, "songs", limit)
        yield self.query(text, "videos", limit)

    def query(
        self, text: str, filter: str | None, limit: int, *, found_by_isrc: bool = False
    ) -> list[MatchCandidate]:
        """Run one search and return its playable results as unscored candidates."""
        log.debug("searching YouTube Music for %r (filter %s)", text, filter or "none")
        items = self._search(text, filter, limit)
        candidates = [
            parse_result(item, found_by_isrc=found_by_isrc, watch_url=self.watch_url)
            for item in items
        ]
        return [candidate for candidate in candidates if candidate is not None][:limit]

    def _search(self, text: str, filter: str | None, limit: int) -> list[dict[str, Any]]:
        from ytmusicapi.exceptions import YTMusicError, YTMusicServerError

        try:
            # With a filter, ytmusicapi requests further pages until it has `limit` results.
            return list(self._ytmusic().search(text, filter=filter, limit=limit))
        except requests.Timeout as error:
            raise SearchTimedOut(
                f"YouTube Music at {redact_credentials(self.base_url)} did not respond within "
                f"{self.timeout:.0f} s (timed out); check the network connection and try again.",
                detail=redact_credentials(repr(error)),
            ) from error
        except requests.RequestException as error:
            raise SearchFailed(
                f"YouTube Music could not be reached at {redact_credentials(self.base_url)}; "
                "check the network connection and try again.",
                detail=redact_credentials(repr(error)),
            ) from error
        except YTMusicServerError as error:
            raise _server_error(str(error)) from error
        except (YTMusicError, ValueError, KeyError, IndexError, TypeError) as error:
            raise SearchFailed(
                "YouTube Music sent a search response that could not be read; "
                "try again later or update spotdesk.",
                detail=repr(error),
            ) from error

    def _ytmusic(self) -> Any:
        if self._client is None:
            from ytmusicapi import YTMusic

            session = _RebasedSession(self.base_url, page_base_of(self.base_url), self.timeout)
            # YTMusic() calls locale.setlocale for the whole process; keep the caller's locale.
            saved_locale = locale.setlocale(locale.LC_ALL)
            try:
                self._client = YTMusic(requests_session=session, language=self.language)
            finally:
                locale.setlocale(locale.LC_ALL, saved_locale)
        return self._client


def _server_error(text: str) -> SearchFailed:
    match = _STATUS.search(text)
    status = int(match.group(1)) if match else None
    if status == 429:
        return SearchRateLimited(
            "YouTube Music is rejecting searches for being too many; wait a few minutes and retry.",
            detail=text,
        )
    return SearchFailed(
        f"YouTube Music rejected the search with HTTP {status or 'error'}; try again later.",
        detail=text,
        retryable=status is None or status >= 500,
    )


def parse_result(
    item: dict[str, Any], *, found_by_isrc: bool = False, watch_url: str = DEFAULT_WATCH_URL
) -> MatchCandidate | None:
    """Turn one ytmusicapi search result into a candidate; None for non-playable results.

    The candidate's URL is `watch_url` followed by the video id.
    """
    video_id = item.get("videoId")
    result_type = _VIDEO_TYPES.get(item.get("videoType") or "") or _PLAYABLE_RESULT_TYPES.get(
        item.get("resultType") or ""
    )
    if not video_id or result_type is None or item.get("isAvailable") is False:
        return None

    artists = [artist["name"] for artist in item.get("artists") or [] if artist.get("name")]
    album = item.get("album") or {}
    explicit = item.get("isExplicit")
    return MatchCandidate(
        url=watch_url + video_id,
        title=item.get("title") or "",
        channel=artists[0] if artists else None,
        duration_s=_duration_seconds(item),
        provider="ytmusic",
        result_type=result_type,
        video_id=video_id,
        album=album.get("name") if isinstance(album, dict) else None,
        explicit=explicit if isinstance(explicit, bool) else None,
        artists=artists,
        found_by_isrc=found_by_isrc,
    )


def _duration_seconds(item: dict[str, Any]) -> float | None:
    seconds = item.get("duration_seconds")
    if isinstance(seconds, int | float):
        return float(seconds)
    text = item.get("duration")
    if isinstance(text, str) and re.fullmatch(r"(\d+:)*\d+", text):
        total = 0
        for part in text.split(":"):
            total = total * 60 + int(part)
        return float(total)
    return None
