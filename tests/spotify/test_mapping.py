"""Turning Web API JSON into tracks and skipped entries."""

from __future__ import annotations

from spotdesk.spotify.mapping import (
    clean_release_date,
    largest_image,
    skip_reason,
    track_from_api,
)
from tests.fakes.spotify_data import (
    make_album,
    make_artist,
    make_episode,
    make_local_file,
    make_track,
    simplified,
)

ARTIST = make_artist("0000000000000000000art", "Someone")
ALBUM = make_album("0000000000000000000alb", "Record", [ARTIST], total_tracks=9)
TRACK = make_track("0000000000000000000trk", "Song", [ARTIST], ALBUM, track_number=4)


def test_largest_image_by_area() -> None:
    images = [
        {"url": "small", "width": 64, "height": 64},
        {"url": "tall", "width": 100, "height": 900},
        {"url": "square", "width": 300, "height": 300},
    ]
    assert largest_image(images) == "tall"


def test_largest_image_unsized_and_empty() -> None:
    assert largest_image([{"url": "only", "width": None, "height": None}]) == "only"
    assert largest_image([]) is None
    assert largest_image(None) is None
    assert largest_image([{"url": "", "width": 10, "height": 10}]) is None


def test_embed_image_sizes_understood() -> None:
    images = [
        {"url": "a", "maxWidth": 64, "maxHeight": 64},
        {"url": "b", "maxWidth": 640, "maxHeight": 640},
    ]
    assert largest_image(images) == "b"


def test_placeholder_release_date_dropped() -> None:
    assert clean_release_date("0000") is None
    assert clean_release_date("") is None
    assert clean_release_date("1999") == "1999"
    assert clean_release_date("2001-04") == "2001-04"


def test_simplified_track_takes_album_argument() -> None:
    track = track_from_api(simplified(TRACK), album=ALBUM, disc_count=2)
    assert track.album == "Record"
    assert track.track_number == 4
    assert track.track_count == 9
    assert track.disc_count == 2
    assert track.isrc is None


def test_full_track_fields() -> None:
    track = track_from_api(TRACK)
    assert track.id == TRACK["id"]
    assert track.linked_id is None
    assert track.isrc == "QZFAK0000001"
    assert track.album_artists == ["Someone"]
    assert track.release_date == "2020-05-01"


def test_skip_reasons() -> None:
    assert skip_reason({"item": TRACK}, 1) is None
    assert skip_reason({"track": TRACK}, 1) is None
    assert skip_reason(None, 2).reason == "unavailable"  # type: ignore[union-attr]
    assert skip_reason({"item": None}, 3).reason == "unavailable"  # type: ignore[union-attr]
    assert skip_reason({"is_local": True, "item": make_local_file("x")}, 4).reason == "local_file"  # type: ignore[union-attr]
    assert skip_reason({"item": make_episode("0000000000000000000eps", "e")}, 5).reason == "episode"  # type: ignore[union-attr]


def test_track_key_used_when_item_null() -> None:
    assert skip_reason({"item": None, "track": TRACK}, 1) is None
    assert skip_reason({"item": None, "track": None}, 1).reason == "unavailable"  # type: ignore[union-attr]
