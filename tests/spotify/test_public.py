"""Resolving from the public embed pages, and falling back to them from the Web API."""

from __future__ import annotations

import json

import pytest

from spotdesk.model import LinkKind, MetadataSource, SpotifyLink
from spotdesk.spotify.credentials import Credentials
from spotdesk.spotify.errors import NotFound, PageNotUnderstood
from spotdesk.spotify.public import split_artists
from spotdesk.spotify.resolver import Resolver
from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.spotify_data import (
    SPOTIFY_OWNER,
    make_album,
    make_artist,
    make_episode,
    make_track,
    synthetic_id,
)

RECORDED_TRACK = "1t2qKa8K72IBC8yQlhD9bU"
RECORDED_ALBUM = "4MQnUDGXmHOvnsWCpzeqWT"
RECORDED_PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs"


def playlist_link(playlist_id: str) -> SpotifyLink:
    return SpotifyLink(LinkKind.PLAYLIST, playlist_id)


def test_track_from_embed_page(public_resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    resolution = public_resolver.resolve(SpotifyLink(LinkKind.TRACK, RECORDED_TRACK))
    track = resolution.tracks[0]
    assert resolution.source is MetadataSource.PUBLIC_PAGE
    assert track.source is MetadataSource.PUBLIC_PAGE
    assert track.title == "Ropes"
    assert track.artists == ["Dirty Palm", "Chandler Jewels"]
    assert track.duration_ms == 188000
    assert track.isrc is None
    assert track.cover_url == "https://i.scdn.co/image/ab67616d0000b273fe2cb38e4d2412dbb0e54332"
    assert fake_spotify.api_calls() == 0


def test_album_from_embed_page(public_resolver: Resolver) -> None:
    resolution = public_resolver.resolve(SpotifyLink(LinkKind.ALBUM, RECORDED_ALBUM))
    assert resolution.name == "NCS: The Best of 2017"
    assert len(resolution.tracks) == 16
    third = resolution.tracks[2]
    assert third.album == "NCS: The Best of 2017"
    assert third.track_number == 3
    assert third.track_count == 16
    assert third.album_artists == ["Various Artists"]
    assert third.release_date == "2017-12-15"
    assert third.disc_number is None


def test_playlist_from_embed_page(public_resolver: Resolver) -> None:
    resolution = public_resolver.resolve(playlist_link(RECORDED_PLAYLIST))
    assert resolution.name == "Top 10 NCS Songs Episode 2"
    assert resolution.owner == "Example User"
    assert [track.title for track in resolution.tracks][:1] == ["Cradles"]
    assert resolution.tracks[1].artists == ["Lost Sky", "Chris Linton"]
    assert resolution.total == 10


def test_artist_page_gives_top_tracks(public_resolver: Resolver) -> None:
    resolution = public_resolver.resolve(SpotifyLink(LinkKind.ARTIST, "1FPC2zwfMHhrP3frOfaai6"))
    assert resolution.name == "Kontinuum (top tracks)"
    assert resolution.tracks


def test_split_artists_keeps_plain_commas() -> None:
    assert split_artists("Tyler, The Creator,\u00a0Kali Uchis") == [
        "Tyler, The Creator",
        "Kali Uchis",
    ]
    assert split_artists("Solo") == ["Solo"]
    assert split_artists("") == []


def test_comma_artist_from_embed_page(public_resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    first = make_artist(synthetic_id("art", 1), "Crosby, Stills & Nash")
    second = make_artist(synthetic_id("art", 2), "Young")
    album = make_album(synthetic_id("alb", 1), "Four Way", [first])
    track = make_track(synthetic_id("trk", 1), "Carry On", [first, second], album)
    fake_spotify.add_playlist(synthetic_id("pl", 1), "Commas", [track])
    resolution = public_resolver.resolve(playlist_link(synthetic_id("pl", 1)))
    assert resolution.tracks[0].artists == ["Crosby, Stills & Nash", "Young"]


def test_episode_in_embed_list_skipped(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    artist = make_artist(synthetic_id("art", 3), "Host")
    album = make_album(synthetic_id("alb", 3), "Songs", [artist])
    track = make_track(synthetic_id("trk", 3), "Song", [artist], album)
    episode = make_episode(synthetic_id("ep", 3), "Talk")
    fake_spotify.add_playlist(synthetic_id("pl", 3), "Mixed", [episode, track])
    resolution = public_resolver.resolve(playlist_link(synthetic_id("pl", 3)))
    assert [track.title for track in resolution.tracks] == ["Song"]
    assert [(entry.position, entry.reason) for entry in resolution.skipped] == [(1, "episode")]


def test_long_playlist_rest_read_from_regular_page(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("lng", 1), 130)
    resolution = public_resolver.resolve(playlist_link(playlist_id))
    assert len(resolution.tracks) == 130
    assert resolution.tracks[100].title == "Song 101"
    assert resolution.tracks[-1].title == "Song 130"
    assert resolution.total == 130
    assert resolution.skipped == []


def test_long_playlist_unreachable_rest_counted(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    fake_spotify.regular_page_song_limit = 110
    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("lng", 2), 250)
    resolution = public_resolver.resolve(playlist_link(playlist_id))
    assert len(resolution.tracks) == 110
    assert resolution.total == 250
    assert [(entry.reason, entry.count) for entry in resolution.skipped] == [("not_listed", 140)]
    assert "140 of 250 tracks" in resolution.skipped[0].message


def test_long_playlist_without_regular_page(
    public_resolver: Resolver, fake_spotify: FakeSpotify, caplog: pytest.LogCaptureFixture
) -> None:
    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("lng", 3), 120)
    fake_spotify.fail(f"/playlist/{playlist_id}", 500)
    resolution = public_resolver.resolve(playlist_link(playlist_id))
    assert len(resolution.tracks) == 100
    assert resolution.total is None
    assert "more tracks may exist" in caplog.text


def test_exactly_hundred_tracks_not_truncated(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("lng", 4), 100)
    resolution = public_resolver.resolve(playlist_link(playlist_id))
    assert len(resolution.tracks) == 100
    assert resolution.total == 100
    assert resolution.skipped == []


def test_unknown_id_page_not_found(public_resolver: Resolver) -> None:
    with pytest.raises(NotFound):
        public_resolver.resolve(playlist_link(synthetic_id("none", 1)))


def test_http_404_page_not_found(public_resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail("/embed/track/.*", 404)
    with pytest.raises(NotFound):
        public_resolver.resolve(SpotifyLink(LinkKind.TRACK, RECORDED_TRACK))


@pytest.mark.parametrize(
    "page",
    [
        "<html><body>maintenance</body></html>",
        '<script id="__NEXT_DATA__" type="application/json">{not json</script>',
        '<script id="__NEXT_DATA__" type="application/json">{"props": {}}</script>',
        '<script id="__NEXT_DATA__" type="application/json">'
        '{"props": {"pageProps": {"state": {"data": {}}}}}</script>',
        '<script id="__NEXT_DATA__" type="application/json">'
        '{"props": {"pageProps": {"state": {"data": {"entity": {"type": "album"}}}}}}</script>',
        '<script id="__NEXT_DATA__" type="application/json">'
        '{"props": {"pageProps": {"state": {"data": {"entity": {"type": "playlist"}}}}}}</script>',
    ],
)
def test_unknown_page_structure_rejected(
    public_resolver: Resolver, fake_spotify: FakeSpotify, page: str
) -> None:
    fake_spotify.page_overrides[f"/embed/playlist/{RECORDED_PLAYLIST}"] = page
    with pytest.raises(PageNotUnderstood) as caught:
        public_resolver.resolve(playlist_link(RECORDED_PLAYLIST))
    assert "not understood" in caught.value.message or "structure" in caught.value.message


def test_track_page_without_title_rejected(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    entity = {"type": "track", "artists": []}
    data = json.dumps({"props": {"pageProps": {"state": {"data": {"entity": entity}}}}})
    fake_spotify.page_overrides[f"/embed/track/{RECORDED_TRACK}"] = (
        f'<script id="__NEXT_DATA__" type="application/json">{data}</script>'
    )
    with pytest.raises(PageNotUnderstood):
        public_resolver.resolve(SpotifyLink(LinkKind.TRACK, RECORDED_TRACK))


# -- falling back from the Web API -----------------------------------------------------------


def test_other_users_playlist_read_from_public_page(
    resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    playlist_id = fake_spotify.add_generated_playlist(
        synthetic_id("oth", 1), 12, owner="someoneelse"
    )
    resolution = resolver.resolve(playlist_link(playlist_id))
    assert resolution.source is MetadataSource.PUBLIC_PAGE
    assert len(resolution.tracks) == 12
    assert fake_spotify.calls[f"/v1/playlists/{playlist_id}/items"] == 1
    assert fake_spotify.calls[f"/embed/playlist/{playlist_id}"] == 1


def test_spotify_owned_playlist_read_from_public_page(
    resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    playlist_id = fake_spotify.add_generated_playlist(
        synthetic_id("edi", 1), 20, owner=SPOTIFY_OWNER
    )
    resolution = resolver.resolve(playlist_link(playlist_id))
    assert resolution.source is MetadataSource.PUBLIC_PAGE
    assert resolution.owner == "Spotify"
    assert len(resolution.tracks) == 20


def test_private_playlist_not_found(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    playlist_id = synthetic_id("prv", 1)
    fake_spotify.add_generated_playlist(playlist_id, 5, owner="someoneelse")
    fake_spotify.catalog.playlists[playlist_id].public = False
    with pytest.raises(NotFound) as caught:
        resolver.resolve(playlist_link(playlist_id))
    assert "private or does not exist" in caught.value.message


def test_missing_album_not_retried_publicly(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    with pytest.raises(NotFound):
        resolver.resolve(SpotifyLink(LinkKind.ALBUM, synthetic_id("none", 2)))
    assert not any(path.startswith("/embed/") for path in fake_spotify.calls)


def test_bad_credentials_fall_back(fake_spotify: FakeSpotify) -> None:
    resolver = Resolver(fake_spotify.service_urls(), Credentials("wrong", "secret"))
    first = resolver.resolve(SpotifyLink(LinkKind.TRACK, RECORDED_TRACK))
    second = resolver.resolve(SpotifyLink(LinkKind.ALBUM, RECORDED_ALBUM))
    assert first.source is MetadataSource.PUBLIC_PAGE
    assert second.source is MetadataSource.PUBLIC_PAGE
    assert fake_spotify.calls["/api/token"] == 1


def test_forbidden_track_falls_back(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail(f"/v1/tracks/{RECORDED_TRACK}", 403)
    track = resolver.track(RECORDED_TRACK)
    assert track.source is MetadataSource.PUBLIC_PAGE
    assert track.title == "Ropes"


def test_no_credentials_never_calls_api(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    public_resolver.resolve(playlist_link(RECORDED_PLAYLIST))
    public_resolver.track(RECORDED_TRACK)
    assert fake_spotify.api_calls() == 0


def test_token_endpoint_failure_not_fallback(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    from spotdesk.spotify.errors import SpotifyUnavailable

    fake_spotify.fail("/api/token", 503, body="<html>busy</html>")
    with pytest.raises(SpotifyUnavailable) as caught:
        resolver.resolve(SpotifyLink(LinkKind.TRACK, RECORDED_TRACK))
    assert caught.value.retryable
    assert "<html>" not in caught.value.message
    assert not any(path.startswith("/embed/") for path in fake_spotify.calls)


def test_api_rate_limit_leaves_public_pages_open(
    resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    from spotdesk.spotify.errors import RateLimited

    fake_spotify.fail(f"/v1/tracks/{RECORDED_TRACK}", 429, retry_after=3600)
    with pytest.raises(RateLimited):
        resolver.resolve(SpotifyLink(LinkKind.TRACK, RECORDED_TRACK))
    assert resolver.public.track(RECORDED_TRACK).title == "Ropes"


def test_long_album_rest_keeps_album_fields(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    album_id = fake_spotify.add_generated_album(synthetic_id("big", 1), 105, name="Box Set")
    resolution = public_resolver.resolve(SpotifyLink(LinkKind.ALBUM, album_id))
    assert len(resolution.tracks) == 105
    last = resolution.tracks[-1]
    assert last.title == "Box Set Track 105"
    assert last.album == "Box Set"
    assert last.track_number == 105
    assert last.track_count == 105


def test_episode_past_embed_limit_skipped(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("lng", 5), 100)
    record = fake_spotify.catalog.playlists[playlist_id]
    record.entries.append(make_episode(synthetic_id("ep", 5), "Late Talk"))
    resolution = public_resolver.resolve(playlist_link(playlist_id))
    assert len(resolution.tracks) == 100
    assert [(entry.position, entry.reason) for entry in resolution.skipped] == [(101, "episode")]
    assert resolution.total == 101


def test_missing_track_page_past_limit_skipped(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("lng", 6), 102)
    missing_id = fake_spotify.catalog.playlists[playlist_id].entries[-1]["id"]
    fake_spotify.fail(f"/embed/track/{missing_id}", 404)
    resolution = public_resolver.resolve(playlist_link(playlist_id))
    assert len(resolution.tracks) == 101
    assert [(entry.position, entry.reason) for entry in resolution.skipped] == [(102, "not_found")]


def test_regular_page_rate_limit_not_cached(
    public_resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    from spotdesk.spotify.errors import RateLimited

    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("lng", 7), 110)
    fake_spotify.fail(f"/playlist/{playlist_id}", 429, times=1, retry_after=3600)
    with pytest.raises(RateLimited):
        public_resolver.resolve(playlist_link(playlist_id))
    assert public_resolver.cache.cache_get(f"spotify:v1:public:playlist:{playlist_id}") is None
