"""Resolve links without credentials, from Spotify's public embed pages.

Spotify does not document these pages; what follows is their structure as third-party
scrapers reported it in 2026, and `PageNotUnderstood` is raised when a page differs.
An embed page (`/embed/{kind}/{id}`) carries its object as JSON in
`<script id="__NEXT_DATA__">`, under `props.pageProps.state.data.entity`. Collections list
their tracks in `trackList` (`uri`, `title`, `subtitle` = the artists joined by a comma and
a no-break space, `duration` in ms, `isExplicit`), at most 100 of them and with no total.
The page of an unknown id still returns HTTP 200, but with no `state` in `pageProps`.

For a collection that fills the embed page, the regular page (`/{kind}/{id}`) is read as
well: its `music:song_count` meta tag gives the real total and its `music:song` tags list
track links, of which those past the embed page's 100 are read one embed page each.
Whatever stays out of reach is reported as one `not_listed` skipped entry with its count.
"""

from __future__ import annotations

import html
import json
import logging
import re
from typing import Any

import requests

from spotdesk import __version__
from spotdesk.model import LinkKind, MetadataSource, Resolution, SkippedEntry, SpotifyLink, Track
from spotdesk.spotify.errors import (
    NotFound,
    PageNotUnderstood,
    RateLimited,
    SpotifyError,
    SpotifyUnavailable,
)
from spotdesk.spotify.mapping import EPISODE, NOT_LISTED, largest_image
from spotdesk.spotify.ratelimit import RateLimitPolicy, parse_retry_after

log = logging.getLogger(__name__)

JsonObject = dict[str, Any]

EMBED_TRACK_LIMIT = 100  # maximum number of tracks an embed page lists
ARTIST_SEPARATOR = ",\u00a0"  # how `subtitle` joins artist names; plain commas stay in names

_NEXT_DATA = re.compile(r'<script[^>]*\bid="__NEXT_DATA__"[^>]*>(.*?)</script>', re.DOTALL)
_META = re.compile(r"<meta\s+[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([a-zA-Z:_-]+)\s*=\s*"([^"]*)"')
_TRACK_LINK = re.compile(r"/track/([0-9A-Za-z]{22})")
_EPISODE_MESSAGE = "podcast episode: podcasts are not supported yet"


class PublicPages:
    def __init__(
        self,
        open_url: str,
        policy: RateLimitPolicy | None = None,
        timeout: float = 15.0,
        session: requests.Session | None = None,
    ) -> None:
        self.open_url = open_url.rstrip("/")
        self.policy = policy or RateLimitPolicy()
        self.timeout = timeout
        self._session = session or requests.Session()
        self._session.headers["User-Agent"] = f"Mozilla/5.0 (compatible; spotdesk/{__version__})"

    def resolve(self, link: SpotifyLink) -> Resolution:
        if link.kind is LinkKind.TRACK:
            track = self.track(link.id)
            return Resolution(
                link,
                track.title,
                [track],
                cover_url=track.cover_url,
                total=1,
                source=MetadataSource.PUBLIC_PAGE,
            )
        if link.kind in (LinkKind.ALBUM, LinkKind.PLAYLIST, LinkKind.ARTIST):
            return self._collection(link)
        raise ValueError(f"cannot resolve a {link.kind.value} link from public pages")

    def track(self, track_id: str) -> Track:
        entity = self._entity(LinkKind.TRACK, track_id)
        artists = [
            artist.get("name") for artist in entity.get("artists") or [] if artist.get("name")
        ]
        if not artists and entity.get("subtitle"):
            artists = split_artists(entity["subtitle"])
        title = entity.get("name") or entity.get("title")
        if not title:
            raise PageNotUnderstood(
                f"The public page of track {track_id} has no title; its structure is not "
                "understood. Add Spotify API credentials in the settings to use the Web API.",
            )
        return Track(
            id=track_id,
            title=title,
            artists=artists,
            duration_ms=_int(entity.get("duration")),
            release_date=_release_date(entity),
            explicit=entity.get("isExplicit"),
            cover_url=_cover(entity),
            source=MetadataSource.PUBLIC_PAGE,
        )

    def _collection(self, link: SpotifyLink) -> Resolution:
        entity = self._entity(link.kind, link.id)
        track_list = entity.get("trackList")
        if not isinstance(track_list, list):
            raise PageNotUnderstood(
                f"The public page of {link.kind.value} {link.id} has no track list; its "
                "structure is not understood. Add Spotify API credentials in the settings.",
            )
        name = entity.get("name") or entity.get("title") or link.id
        cover = _cover(entity)
        placed: list[tuple[int, Track]] = []
        skipped: list[SkippedEntry] = []
        for position, item in enumerate(track_list, start=1):
            track = self._list_item(item, position, skipped)
            if track is not None:
                placed.append((position, track))

        total: int | None = len(track_list)
        if link.kind is LinkKind.ARTIST:
            log.warning(
                "without Spotify API credentials only the top tracks that the public page of "
                "artist %s shows are listed",
                link.id,
            )
            name = f"{name} (top tracks)"
        elif len(track_list) >= EMBED_TRACK_LIMIT:
            total = self._add_rest(link, len(track_list), placed, skipped)

        if link.kind is LinkKind.ALBUM:
            for position, track in placed:
                track.album = name
                track.album_id = link.id
                track.album_artists = split_artists(entity.get("subtitle") or "")
                track.track_number = position
                track.track_count = total
                track.release_date = _release_date(entity)
                track.cover_url = cover
        tracks = [track for _, track in placed]

        return Resolution(
            link=link,
            name=name,
            tracks=tracks,
            skipped=skipped,
            owner=_owner(entity, link.kind),
            cover_url=cover,
            total=total,
            source=MetadataSource.PUBLIC_PAGE,
        )

    def _list_item(
        self, item: JsonObject, position: int, skipped: list[SkippedEntry]
    ) -> Track | None:
        uri = item.get("uri") or ""
        title = item.get("title")
        if item.get("entityType") == "episode" or uri.startswith("spotify:episode:"):
            skipped.append(SkippedEntry(position, EPISODE, _EPISODE_MESSAGE, title))
            return None
        if uri.startswith("spotify:local:"):
            skipped.append(
                SkippedEntry(
                    position,
                    "local_file",
                    "local file: it exists only on the computer of the user who added it",
                    title,
                )
            )
            return None
        track_id = uri.rsplit(":", 1)[-1] if uri.startswith("spotify:track:") else ""
        if not track_id or not title:
            skipped.append(
                SkippedEntry(
                    position,
                    "unavailable",
                    "unavailable: the public page lists no track id or title",
                    title,
                )
            )
            return None
        return Track(
            id=track_id,
            title=title,
            artists=split_artists(item.get("subtitle") or ""),
            duration_ms=_int(item.get("duration")),
            explicit=item.get("isExplicit"),
            source=MetadataSource.PUBLIC_PAGE,
        )

    def _add_rest(
        self,
        link: SpotifyLink,
        listed: int,
        placed: list[tuple[int, Track]],
        skipped: list[SkippedEntry],
    ) -> int | None:
        """Add the tracks past the embed page's limit that the regular page links to.

        Returns the collection's total, or None when the regular page does not state it.
        """
        try:
            page = self._get(
                f"{self.open_url}/{link.kind.value}/{link.id}", f"{link.kind.value} {link.id}"
            )
        except RateLimited:
            raise  # a partial list would be cached as if it were complete
        except SpotifyError as error:
            log.warning(
                "reading the regular page of %s %s failed: %s", link.kind.value, link.id, error
            )
            page = ""
        meta = _meta_tags(page)
        total = _int(next(iter(meta.get("music:song_count", [])), None))
        song_links = meta.get("music:song", [])

        # NOTE: how many `music:song` tags a regular page carries is not documented. Every
        # tag past the embed page's entries is used, and the rest count as not listed.
        extra = song_links[listed:]
        if extra:
            log.info(
                "reading %d more track pages for %s %s, one request each",
                len(extra),
                link.kind.value,
                link.id,
            )
        accounted = 0  # entries past the embed page that became a track or a skipped entry
        for position, url in enumerate(extra, start=listed + 1):
            if "/episode/" in url:
                skipped.append(SkippedEntry(position, EPISODE, _EPISODE_MESSAGE))
                accounted += 1
                continue
            found = _TRACK_LINK.search(url)
            if not found:
                continue
            try:
                placed.append((position, self.track(found.group(1))))
            except (NotFound, PageNotUnderstood) as error:
                skipped.append(SkippedEntry(position, "not_found", error.message))
            accounted += 1

        if total is None:
            # NOTE: without a stated total, a playlist of exactly 100 tracks looks the same as a
            # longer one; the warning is all spotdesk can offer.
            log.warning(
                "the public page of %s %s shows %d tracks, its limit, and states no total; "
                "more tracks may exist. Add Spotify API credentials to list them all.",
                link.kind.value,
                link.id,
                listed,
            )
            return None
        missing = total - listed - accounted
        if missing > 0:
            skipped.append(
                SkippedEntry(
                    None,
                    NOT_LISTED,
                    f"{missing} of {total} tracks are not listed on Spotify's public pages; add "
                    "Spotify API credentials in the settings to list them all",
                    count=missing,
                )
            )
        return total

    def _entity(self, kind: LinkKind, object_id: str) -> JsonObject:
        what = f"{kind.value} {object_id}"
        page = self._get(f"{self.open_url}/embed/{kind.value}/{object_id}", what)
        found = _NEXT_DATA.search(page)
        if not found:
            raise PageNotUnderstood(
                f"The public page of {what} has no __NEXT_DATA__ script; Spotify changed its "
                "structure. Add Spotify API credentials in the settings to use the Web API.",
            )
        try:
            data = json.loads(found.group(1))
            page_props = data["props"]["pageProps"]
        except (ValueError, KeyError, TypeError) as error:
            raise PageNotUnderstood(
                f"The data in the public page of {what} is not understood ({error}).",
                detail=found.group(1)[:2000],
            ) from error
        if "state" not in page_props:
            # Spotify returns 200 for unknown ids, with pageProps.status 404 (or 500).
            raise NotFound(
                f"Spotify has no public {what}; check the link, or whether it is private."
            )
        try:
            entity = page_props["state"]["data"]["entity"]
        except (KeyError, TypeError) as error:
            raise PageNotUnderstood(
                f"The public page of {what} has no entity under state.data; its structure "
                "is not understood.",
            ) from error
        if not isinstance(entity, dict) or entity.get("type", kind.value) != kind.value:
            described = entity.get("type") if isinstance(entity, dict) else type(entity).__name__
            raise PageNotUnderstood(
                f"The public page of {what} describes a {described!s}, not a {kind.value}; "
                "its structure is not understood.",
            )
        return entity

    def _get(self, url: str, what: str) -> str:
        waited = 0.0
        attempt = 0
        while True:
            self.policy.check_blocked()
            try:
                response = self._session.get(url, timeout=self.timeout)
            except requests.Timeout as error:
                raise SpotifyUnavailable(
                    f"Spotify's public page of {what} timed out after {self.timeout:g} s; "
                    "try again later."
                ) from error
            except requests.RequestException as error:
                raise SpotifyUnavailable(
                    f"Spotify's public page of {what} could not be reached "
                    f"({error.__class__.__name__}); check the network and try again."
                ) from error
            if response.status_code == 429:
                attempt += 1
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                waited += self.policy.wait_or_raise(
                    retry_after, waited, attempt, f"public page of {what}"
                )
                continue
            if response.status_code == 404:
                raise NotFound(f"Spotify has no public {what}; check the link.")
            if response.status_code >= 500:
                raise SpotifyUnavailable(
                    f"Spotify's public page of {what} failed with HTTP {response.status_code}."
                )
            if response.status_code != 200:
                raise SpotifyError(
                    f"Spotify's public page of {what} returned HTTP {response.status_code}."
                )
            return response.text


def split_artists(subtitle: str) -> list[str]:
    """Split a public page's artist line into names, keeping commas inside names."""
    names = [name.strip() for name in subtitle.split(ARTIST_SEPARATOR)]
    return [name for name in names if name]


def _meta_tags(page: str) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for tag in _META.findall(page):
        attributes = dict(_ATTRIBUTE.findall(tag))
        name = attributes.get("name") or attributes.get("property")
        if name and "content" in attributes:
            tags.setdefault(name, []).append(html.unescape(attributes["content"]))
    return tags


def _cover(entity: JsonObject) -> str | None:
    images: list[JsonObject] = []
    images += (entity.get("coverArt") or {}).get("sources") or []
    images += (entity.get("visualIdentity") or {}).get("image") or []
    images += entity.get("images") or []
    return largest_image(images)


def _release_date(entity: JsonObject) -> str | None:
    release = entity.get("releaseDate")
    if isinstance(release, dict):
        release = release.get("isoString")
    return release[:10] if isinstance(release, str) and release else None


def _owner(entity: JsonObject, kind: LinkKind) -> str | None:
    authors = entity.get("authors") or []
    if authors and isinstance(authors[0], dict) and authors[0].get("name"):
        return authors[0]["name"]
    if kind is LinkKind.ARTIST:
        return entity.get("name")
    return entity.get("subtitle") or None


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
