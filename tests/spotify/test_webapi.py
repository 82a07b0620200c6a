"""Resolving through the Web API: spotipy over real HTTP to the loopback fake."""

from __future__ import annotations

import logging

import pytest

from spotdesk.model import LinkKind, MetadataSource, SpotifyLink
from spotdesk.spotify.errors import NotFound
from spotdesk.spotify.resolver import Resolver
from tests.fakes.spotify_api import FakeSpotify
from tests.fakes.spotify_data import (
    make_album,
    make_artist,
    make_episode,
    make_image,
    make_local_file,
    make_track,
    relinked,
    synthetic_id,
)

RECORDED_TRACK = "1t2qKa8K72IBC8yQlhD9bU"
RECORDED_ALBUM = "4MQnUDGXmHOvnsWCpzeqWT"
RECORDED_PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs"
RECORDED_ARTIST = "1FPC2zwfMHhrP3frOfaai6"
UNRECORDED_ALBUM_TRACK = "2Ikdgh3J5vCRmnCL3Xcrtv"


def track_link(track_id: str) -> SpotifyLink:
    return SpotifyLink(LinkKind.TRACK, track_id)


def album_link(album_id: str) -> SpotifyLink:
    return SpotifyLink(LinkKind.ALBUM, album_id)


def playlist_link(playlist_id: str) -> SpotifyLink:
    return SpotifyLink(LinkKind.PLAYLIST, playlist_id)


def small_album(number: int, **album_fields: object) -> tuple[dict, list[dict]]:
    artist = make_artist(synthetic_id("art", number), "Test Artist")
    album = make_album(synthetic_id("alb", number), f"Album {number}", [artist], **album_fields)  # type: ignore[arg-type]
    tracks = [
        make_track(
            synthetic_id(f"t{number}x", index), f"Song {index}", [artist], album, track_number=index
        )
        for index in range(1, 4)
    ]
    return album, tracks


def test_recorded_track_resolves(resolver: Resolver) -> None:
    resolution = resolver.resolve(track_link(RECORDED_TRACK))
    track = resolution.tracks[0]
    assert resolution.source is MetadataSource.WEB_API
    assert track.title == "Ropes"
    assert track.artists == ["Dirty Palm", "Chandler Jewels"]
    assert track.album == "Ropes"
    assert track.isrc == "GB2LD2110301"
    assert track.duration_ms == 188000
    assert track.release_date == "2021-10-28"
    assert track.cover_url == "https://i.scdn.co/image/ab67616d0000b273fe2cb38e4d2412dbb0e54332"
    assert track.source is MetadataSource.WEB_API


def test_recorded_playlist_resolves(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    resolution = resolver.resolve(playlist_link(RECORDED_PLAYLIST))
    assert resolution.name == "Top 10 NCS Songs Episode 2"
    assert resolution.owner == "Example User"
    assert resolution.total == 10
    assert [track.title for track in resolution.tracks][:2] == ["Cradles", "Fearless Pt. II"]
    assert len(resolution.tracks) == 9
    assert fake_spotify.calls[f"/v1/playlists/{RECORDED_PLAYLIST}/items"] == 1


def test_removed_track_skipped_as_unavailable(resolver: Resolver) -> None:
    # The recorded playlist's first entry is a removed track: an id, an empty name, 0 ms.
    resolution = resolver.resolve(playlist_link(RECORDED_PLAYLIST))
    assert [(entry.position, entry.reason) for entry in resolution.skipped] == [(1, "unavailable")]


def test_recorded_album_keeps_every_track(resolver: Resolver) -> None:
    resolution = resolver.resolve(album_link(RECORDED_ALBUM))
    assert resolution.name == "NCS: The Best of 2017"
    assert len(resolution.tracks) == 16
    assert [track.track_number for track in resolution.tracks] == list(range(1, 17))
    assert all(track.album_artists == ["Various Artists"] for track in resolution.tracks)


def test_album_track_missing_full_object_kept(resolver: Resolver) -> None:
    # /tracks/{id} returns 404 for one album track; the album listing still names it.
    resolution = resolver.resolve(album_link(RECORDED_ALBUM))
    first = resolution.tracks[0]
    assert first.id == UNRECORDED_ALBUM_TRACK
    assert first.title == "Linked"
    assert first.isrc is None
    assert resolution.tracks[1].isrc is not None


def test_recorded_artist_lists_albums(resolver: Resolver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    resolution = resolver.resolve(SpotifyLink(LinkKind.ARTIST, RECORDED_ARTIST))
    assert resolution.name == "Kontinuum"
    assert len(resolution.tracks) == 7
    assert "reported 16 albums" in caplog.text


def test_playlist_items_under_item_key(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    album, tracks = small_album(1)
    fake_spotify.add_playlist(synthetic_id("pl", 1), "New shape", tracks, entry_key="item")
    resolution = resolver.resolve(playlist_link(synthetic_id("pl", 1)))
    assert [track.title for track in resolution.tracks] == ["Song 1", "Song 2", "Song 3"]


def test_playlist_items_under_legacy_track_key(
    resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    album, tracks = small_album(2)
    fake_spotify.add_playlist(synthetic_id("pl", 2), "Old shape", tracks, entry_key="track")
    resolution = resolver.resolve(playlist_link(synthetic_id("pl", 2)))
    assert len(resolution.tracks) == 3


def test_playlist_items_under_both_keys(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    album, tracks = small_album(3)
    fake_spotify.add_playlist(synthetic_id("pl", 3), "Both", tracks, entry_key="both")
    assert len(resolver.resolve(playlist_link(synthetic_id("pl", 3))).tracks) == 3


def test_unusable_entries_skipped_with_reasons(
    resolver: Resolver, fake_spotify: FakeSpotify
) -> None:
    album, tracks = small_album(4)
    entries = [
        tracks[0],
        make_local_file("Home Recording"),
        None,
        make_episode(synthetic_id("ep", 1), "A Podcast Episode"),
        tracks[1],
    ]
    fake_spotify.add_playlist(synthetic_id("pl", 4), "Mixed", entries)
    resolution = resolver.resolve(playlist_link(synthetic_id("pl", 4)))

    assert [track.title for track in resolution.tracks] == ["Song 1", "Song 2"]
    assert [(entry.position, entry.reason) for entry in resolution.skipped] == [
        (2, "local_file"),
        (3, "unavailable"),
        (4, "episode"),
    ]
    assert resolution.skipped[0].title == "Home Recording"
    assert resolution.skipped[2].title == "A Podcast Episode"
    assert resolution.total == 5


def test_missing_isrc_is_none(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    artist = make_artist(synthetic_id("art", 5), "No Code")
    album = make_album(synthetic_id("alb", 5), "Untagged", [artist])
    track = make_track(synthetic_id("trk", 5), "Bare", [artist], album, isrc=None)
    fake_spotify.add_track(track)
    assert resolver.resolve(track_link(track["id"])).tracks[0].isrc is None


def test_artist_names_with_commas_stay_whole(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    first = make_artist(synthetic_id("art", 61), "Tyler, The Creator")
    second = make_artist(synthetic_id("art", 62), "Earth, Wind & Fire")
    album = make_album(synthetic_id("alb", 6), "Collab", [first])
    track = make_track(synthetic_id("trk", 6), "Together", [first, second], album)
    fake_spotify.add_track(track)
    resolved = resolver.resolve(track_link(track["id"])).tracks[0]
    assert resolved.artists == ["Tyler, The Creator", "Earth, Wind & Fire"]


def test_cover_is_largest_image_by_area(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    images = [
        make_image(300, "medium"),
        {"url": "https://i.scdn.test/wide.jpg", "width": 1000, "height": 200},
        make_image(640, "large"),
        {"url": "https://i.scdn.test/unsized.jpg", "width": None, "height": None},
    ]
    artist = make_artist(synthetic_id("art", 7), "Pictures")
    album = make_album(synthetic_id("alb", 7), "Unordered", [artist], images=images)
    track = make_track(synthetic_id("trk", 7), "Frame", [artist], album)
    fake_spotify.add_track(track)
    resolved = resolver.resolve(track_link(track["id"])).tracks[0]
    assert resolved.cover_url == "https://i.scdn.test/large-640.jpg"


def test_multi_disc_album_keeps_numbers(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    album_id = fake_spotify.add_generated_album(synthetic_id("dbl", 1), 12, discs=2)
    resolution = resolver.resolve(album_link(album_id))
    numbers = [(track.disc_number, track.track_number) for track in resolution.tracks]
    assert numbers[:2] == [(1, 1), (1, 2)]
    assert numbers[6:8] == [(2, 1), (2, 2)]
    assert {track.disc_count for track in resolution.tracks} == {2}
    assert {track.track_count for track in resolution.tracks} == {12}
    assert resolution.tracks[-1].isrc == "QZFAK0000012"


def test_relinked_track_keeps_linked_id(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    artist = make_artist(synthetic_id("art", 8), "Region")
    album = make_album(synthetic_id("alb", 8), "Market Copy", [artist])
    playable = make_track(synthetic_id("trk", 81), "Moved", [artist], album)
    requested = synthetic_id("trk", 80)
    fake_spotify.add_track(playable)
    fake_spotify.add_relink(requested, relinked(playable, requested))

    resolved = resolver.resolve(track_link(requested)).tracks[0]
    assert resolved.id == requested
    assert resolved.linked_id == playable["id"]


def test_relinked_track_in_playlist(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    album, tracks = small_album(9)
    entry = relinked(tracks[0], synthetic_id("old", 9))
    fake_spotify.add_playlist(synthetic_id("pl", 9), "Relinked", [entry])
    resolved = resolver.resolve(playlist_link(synthetic_id("pl", 9))).tracks[0]
    assert resolved.id == synthetic_id("old", 9)
    assert resolved.linked_id == tracks[0]["id"]


def test_pagination_follows_next(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("big", 1), 250)
    resolution = resolver.resolve(playlist_link(playlist_id))
    assert len(resolution.tracks) == 250
    assert resolution.tracks[-1].title == "Song 250"
    assert fake_spotify.calls[f"/v1/playlists/{playlist_id}/items"] == 3


def test_next_link_on_other_host_rewritten(fake_spotify: FakeSpotify) -> None:
    # A proxy base URL still receives every page, even though Spotify names its own host.
    fake_spotify.page_link_base = "https://api.spotify.com"
    playlist_id = fake_spotify.add_generated_playlist(synthetic_id("big", 2), 150)
    resolver = Resolver(fake_spotify.service_urls(), fake_spotify.credentials)
    resolution = resolver.resolve(playlist_link(playlist_id))
    assert len(resolution.tracks) == 150
    assert fake_spotify.calls[f"/v1/playlists/{playlist_id}/items"] == 2


def test_album_pages_followed(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    album_id = fake_spotify.add_generated_album(synthetic_id("lng", 1), 120)
    resolution = resolver.resolve(album_link(album_id))
    assert len(resolution.tracks) == 120
    assert fake_spotify.calls[f"/v1/albums/{album_id}/tracks"] == 2


def test_short_total_reported_as_not_listed(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    album, tracks = small_album(10)
    fake_spotify.add_album(album, tracks, total=5)
    resolution = resolver.resolve(album_link(album["id"]))
    assert len(resolution.tracks) == 3
    assert [(entry.reason, entry.count) for entry in resolution.skipped] == [("not_listed", 2)]
    assert resolution.total == 5


def test_batch_lookup_used_when_allowed(fake_spotify: FakeSpotify) -> None:
    fake_spotify.batch_lookups = True
    album_id = fake_spotify.add_generated_album(synthetic_id("bat", 1), 30)
    resolver = Resolver(fake_spotify.service_urls(), fake_spotify.credentials)
    resolution = resolver.resolve(album_link(album_id))
    assert len(resolution.tracks) == 30
    assert fake_spotify.calls["/v1/tracks"] == 1
    assert all(track.isrc for track in resolution.tracks)
    assert fake_spotify.api_calls() == 3  # token, album, one batch


def test_batch_refusal_falls_back_to_single(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    album_id = fake_spotify.add_generated_album(synthetic_id("bat", 2), 4)
    resolution = resolver.resolve(album_link(album_id))
    assert all(track.isrc for track in resolution.tracks)
    assert fake_spotify.calls["/v1/tracks"] == 1
    single = [
        path for path in fake_spotify.calls if path.startswith("/v1/tracks/") and len(path) > 11
    ]
    assert len(single) == 4


def test_batch_refusal_remembered(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    first = fake_spotify.add_generated_album(synthetic_id("bat", 3), 2)
    second = fake_spotify.add_generated_album(synthetic_id("bat", 4), 2)
    resolver.resolve(album_link(first))
    resolver.resolve(album_link(second))
    assert fake_spotify.calls["/v1/tracks"] == 1


def test_batch_404_falls_back_too(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    fake_spotify.batch_lookups = True
    fake_spotify.fail("/v1/tracks", 404)
    album_id = fake_spotify.add_generated_album(synthetic_id("bat", 5), 3)
    resolution = resolver.resolve(album_link(album_id))
    assert all(track.isrc for track in resolution.tracks)


def test_unknown_track_fails_alone(resolver: Resolver) -> None:
    with pytest.raises(NotFound) as caught:
        resolver.resolve(track_link(synthetic_id("nope", 1)))
    assert caught.value.code == "spotify.not_found"
    assert resolver.resolve(track_link(RECORDED_TRACK)).tracks[0].title == "Ropes"


def test_unknown_album_not_found(resolver: Resolver) -> None:
    with pytest.raises(NotFound):
        resolver.resolve(album_link(synthetic_id("nope", 2)))


def test_artist_album_404_skips_that_album(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    album, tracks = small_album(11)
    fake_spotify.add_album(album, tracks)
    artist = make_artist(synthetic_id("art", 11), "Partly Gone")
    fake_spotify.add_artist(artist, [album["id"], synthetic_id("gone", 1)])
    resolution = resolver.resolve(SpotifyLink(LinkKind.ARTIST, artist["id"]))
    assert len(resolution.tracks) == 3
    assert [entry.reason for entry in resolution.skipped] == ["not_found"]


def test_resolver_track_lookup(resolver: Resolver) -> None:
    track = resolver.track(RECORDED_TRACK)
    assert track.title == "Ropes"
    assert track.isrc == "GB2LD2110301"


def test_token_requested_once(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    resolver.resolve(track_link(RECORDED_TRACK))
    resolver.resolve(album_link(RECORDED_ALBUM))
    assert fake_spotify.calls["/api/token"] == 1


def test_revoked_token_renewed(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    resolver.resolve(track_link(RECORDED_TRACK))
    fake_spotify.revoke_tokens()
    resolution = resolver.resolve(album_link(RECORDED_ALBUM))
    assert len(resolution.tracks) == 16
    assert fake_spotify.calls["/api/token"] == 2


def test_no_secret_in_debug_log(resolver: Resolver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    resolver.resolve(track_link(RECORDED_TRACK))
    assert "fake-token-" not in caplog.text
    assert "Bearer ***" in caplog.text


def test_repeating_next_link_stops(fake_spotify: FakeSpotify) -> None:
    # A page whose `next` link points back at itself must not loop forever.
    from spotdesk.spotify.webapi import WebApiClient

    urls = fake_spotify.service_urls()
    client = WebApiClient(urls.spotify_api, urls.spotify_accounts, fake_spotify.credentials)
    next_url = fake_spotify.page_url("playlists/LoopingPlaylist0000000/items", offset=1)
    fake_spotify.fail(
        "/v1/playlists/LoopingPlaylist0000000/items", 200, body={"items": [], "next": next_url}
    )
    items = list(client.pages({"items": [{"n": 1}], "next": next_url}, "looping pages"))
    assert items == [{"n": 1}]
    assert fake_spotify.calls["/v1/playlists/LoopingPlaylist0000000/items"] == 1


def test_client_needs_some_authorization(fake_spotify: FakeSpotify) -> None:
    from spotdesk.spotify.webapi import WebApiClient

    urls = fake_spotify.service_urls()

    with pytest.raises(ValueError, match="client credentials or a user session"):
        WebApiClient(urls.spotify_api, urls.spotify_accounts, None)
