"""Resolve links into tracks through the Web API (the user's own app credentials)."""

from __future__ import annotations

import logging
from typing import Any

from spotdesk.model import LinkKind, MetadataSource, Resolution, SkippedEntry, SpotifyLink, Track
from spotdesk.spotify.errors import Forbidden, LoginRequired, NotFound
from spotdesk.spotify.mapping import (
    NOT_FOUND,
    NOT_LISTED,
    largest_image,
    playlist_entry_object,
    skip_reason,
    track_from_api,
)
from spotdesk.spotify.user_auth import LIBRARY_SCOPE, LOGIN_AGAIN
from spotdesk.spotify.webapi import WebApiClient

log = logging.getLogger(__name__)

JsonObject = dict[str, Any]

LIKED_SONGS_NAME = "Liked Songs"
LIKED_SONGS_NEED_LOGIN = (
    "Liked Songs need Log in with Spotify: log in on the Spotify page of Settings, "
    "then add the link again."
)


class WebApiSource:
    def __init__(self, client: WebApiClient) -> None:
        self.client = client

    def resolve(self, link: SpotifyLink) -> Resolution:
        if link.kind is LinkKind.TRACK:
            track = self.track(link.id)
            return Resolution(link, track.title, [track], cover_url=track.cover_url, total=1)
        if link.kind is LinkKind.ALBUM:
            return self._album(link)
        if link.kind is LinkKind.PLAYLIST:
            return self._playlist(link)
        if link.kind is LinkKind.ARTIST:
            return self._artist(link)
        if link.kind is LinkKind.LIKED:
            return self._liked(link)
        raise ValueError(f"cannot resolve a {link.kind.value} link through the Web API")

    def track(self, track_id: str) -> Track:
        return track_from_api(self.client.track(track_id))

    def _playlist(self, link: SpotifyLink) -> Resolution:
        playlist = self.client.playlist(link.id)
        entries, total = self.client.playlist_items(link.id)
        tracks, skipped = _entry_tracks(entries)
        _report_unlisted(skipped, total, len(entries), f"playlist {link.id}")
        owner = playlist.get("owner") or {}
        return Resolution(
            link=link,
            name=playlist.get("name") or link.id,
            tracks=tracks,
            skipped=skipped,
            owner=owner.get("display_name") or owner.get("id"),
            cover_url=largest_image(playlist.get("images")),
            total=total if total is not None else len(entries),
            source=MetadataSource.WEB_API,
        )

    def _liked(self, link: SpotifyLink) -> Resolution:
        session = self.client.user_session
        if session is None:
            raise LoginRequired(LIKED_SONGS_NEED_LOGIN)
        # Tokens saved without a scope list are tried; Spotify returns 403 if it lacks one.
        if session.token.scope and LIBRARY_SCOPE not in session.token.scopes:
            raise LoginRequired(
                "Your Spotify login does not allow spotdesk to read Liked Songs. "
                + LOGIN_AGAIN
            )
        try:
            user = self.client.current_user()
            entries, total = self.client.saved_tracks()
        except Forbidden as error:
            raise LoginRequired(
                "Spotify denied access to your Liked Songs (HTTP 403). " + LOGIN_AGAIN,
                detail=error.detail,
            ) from error

        tracks, skipped = _entry_tracks(entries)
        _report_unlisted(skipped, total, len(entries), "Liked Songs")
        return Resolution(
            link=link,
            name=LIKED_SONGS_NAME,
            tracks=tracks,
            skipped=skipped,
            owner=user.get("display_name") or user.get("id"),
            total=total if total is not None else len(entries),
            source=MetadataSource.WEB_API,
        )

    def _album(self, link: SpotifyLink) -> Resolution:
        album = self.client.album(link.id)
        tracks, skipped, total = self._album_tracks(album, first_position=1)
        return Resolution(
            link=link,
            name=album.get("name") or link.id,
            tracks=tracks,
            skipped=skipped,
            owner=", ".join(artist.get("name", "") for artist in album.get("artists") or [])
            or None,
            cover_url=largest_image(album.get("images")),
            total=total,
        )

    def _album_tracks(
        self, album: JsonObject, first_position: int
    ) -> tuple[list[Track], list[SkippedEntry], int]:
        """Return an album's tracks with ISRCs, what was skipped, and the reported total."""
        listed, total = self.client.album_tracks(album)
        skipped: list[SkippedEntry] = []
        _report_unlisted(skipped, total, len(listed), f"album {album.get('id')}")
        disc_count = max((item.get("disc_number") or 1 for item in listed), default=None)

        # Album pages list simplified tracks, which lack the ISRC; full objects have it.
        full = self.client.tracks([item["id"] for item in listed if item.get("id")])
        tracks: list[Track] = []
        for offset, item in enumerate(listed):
            if not item.get("id"):
                skipped.append(
                    SkippedEntry(first_position + offset, "unavailable", "Spotify listed no id")
                )
                continue
            data = full.get(item["id"]) or item
            if data is item:
                log.warning(
                    "Spotify has no full object for track %s of album %s; keeping the track "
                    "without its ISRC",
                    item["id"],
                    album.get("id"),
                )
            tracks.append(track_from_api(data, album=album, disc_count=disc_count))
        return tracks, skipped, total if total is not None else len(listed)

    def _artist(self, link: SpotifyLink) -> Resolution:
        artist = self.client.artist(link.id)
        summaries, total_albums = self.client.artist_albums(link.id)
        if total_albums is not None and total_albums != len(summaries):
            log.warning(
                "Spotify reported %d albums for artist %s but listed %d",
                total_albums,
                link.id,
                len(summaries),
            )
        albums = self.client.albums([summary["id"] for summary in summaries if summary.get("id")])

        tracks: list[Track] = []
        skipped: list[SkippedEntry] = []
        seen: set[str] = set()
        for summary in summaries:
            album = albums.get(summary.get("id", ""))
            if album is None:
                skipped.append(
                    SkippedEntry(
                        None,
                        NOT_FOUND,
                        f"album {summary.get('id')} was not found on Spotify",
                        summary.get("name"),
                        count=summary.get("total_tracks") or 1,
                    )
                )
                continue
            try:
                album_tracks, album_skipped, _ = self._album_tracks(album, len(tracks) + 1)
            except NotFound as error:
                skipped.append(SkippedEntry(None, NOT_FOUND, error.message, album.get("name")))
                continue
            skipped.extend(album_skipped)
            for track in album_tracks:
                if track.id not in seen:
                    seen.add(track.id)
                    tracks.append(track)

        return Resolution(
            link=link,
            name=artist.get("name") or link.id,
            tracks=tracks,
            skipped=skipped,
            owner=artist.get("name"),
            cover_url=largest_image(artist.get("images")),
            total=len(tracks) + sum(entry.count for entry in skipped),
        )


def _entry_tracks(entries: list[JsonObject]) -> tuple[list[Track], list[SkippedEntry]]:
    """Split playlist or Liked Songs entries into tracks and skipped entries."""
    tracks: list[Track] = []
    skipped: list[SkippedEntry] = []
    for position, entry in enumerate(entries, start=1):
        reason = skip_reason(entry, position)
        if reason:
            skipped.append(reason)
            continue
        data = playlist_entry_object(entry)
        assert data is not None  # skip_reason returned None, so there is an object
        tracks.append(track_from_api(data))
    return tracks, skipped


def _report_unlisted(
    skipped: list[SkippedEntry], total: int | None, listed: int, what: str
) -> None:
    if total is None or total <= listed:
        return
    missing = total - listed
    log.warning("Spotify reported %d entries for %s but its pages listed %d", total, what, listed)
    skipped.append(
        SkippedEntry(
            None,
            NOT_LISTED,
            f"Spotify reported {total} entries but its pages listed only {listed}",
            count=missing,
        )
    )
