"""Count the Spotify requests spotdesk makes per resolved track.

Resolves a 1,000-track playlist and a 30-track album through the loopback fake Web API
(tests/fakes/spotify_api.py) with credentials, then resolves both again with the same
resolver. Every HTTP request counts, the token request included. The album is measured
twice: under the rules Spotify applies to development-mode apps since March 2026 (batch
lookups rejected, so one request per track for its ISRC) and with batch lookups allowed.

Run from the repository root:

    python3 -m benchmarks.spotify_calls

The last line of output is one JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spotdesk.model import LinkKind, SpotifyLink  # noqa: E402
from spotdesk.spotify.resolver import Resolver  # noqa: E402
from tests.fakes.spotify_api import FakeSpotify  # noqa: E402
from tests.fakes.spotify_data import synthetic_id  # noqa: E402

PLAYLIST_TRACKS = 1000
ALBUM_TRACKS = 30


def measure_album(batch_lookups: bool) -> tuple[float, float]:
    """Return the requests per track and the seconds for one 30-track album."""
    with FakeSpotify(batch_lookups=batch_lookups, load_recordings=False) as fake:
        album_id = fake.add_generated_album(synthetic_id("bench", 1), ALBUM_TRACKS)
        resolver = Resolver(fake.service_urls(), fake.credentials)
        started = time.perf_counter()
        resolution = resolver.resolve(SpotifyLink(LinkKind.ALBUM, album_id))
        elapsed = time.perf_counter() - started
        assert len(resolution.tracks) == ALBUM_TRACKS
        return fake.total_calls / ALBUM_TRACKS, elapsed


def main() -> None:
    with FakeSpotify(load_recordings=False) as fake:
        playlist_id = fake.add_generated_playlist(synthetic_id("bench", 2), PLAYLIST_TRACKS)
        album_id = fake.add_generated_album(synthetic_id("bench", 3), ALBUM_TRACKS)
        resolver = Resolver(fake.service_urls(), fake.credentials)
        playlist = SpotifyLink(LinkKind.PLAYLIST, playlist_id)
        album = SpotifyLink(LinkKind.ALBUM, album_id)

        started = time.perf_counter()
        resolution = resolver.resolve(playlist)
        playlist_seconds = time.perf_counter() - started
        assert len(resolution.tracks) == PLAYLIST_TRACKS
        playlist_calls = fake.total_calls
        print(
            f"playlist: {PLAYLIST_TRACKS} tracks, {playlist_calls} requests "
            f"in {playlist_seconds:.2f} s"
        )
        print(f"  by path: {dict(sorted(fake.calls.items()))}")

        fake.reset_calls()
        resolver.resolve(album)
        album_calls = fake.total_calls
        print(f"album: {ALBUM_TRACKS} tracks, {album_calls} requests (token already held)")

        fake.reset_calls()
        resolver.resolve(playlist)
        resolver.resolve(album)
        second_calls = fake.total_calls
        print(f"second resolve of both: {second_calls} requests")

    album_per_track, album_seconds = measure_album(batch_lookups=False)
    batch_per_track, _ = measure_album(batch_lookups=True)
    print(
        f"album with a fresh token: {album_per_track:.3f} requests per track, {album_seconds:.2f} s"
    )
    print(f"album with batch lookups allowed: {batch_per_track:.3f} requests per track")

    result = {
        "calls_per_track_playlist": round(playlist_calls / PLAYLIST_TRACKS, 4),
        "calls_per_track_album": round(album_per_track, 4),
        "calls_per_track_album_batch_allowed": round(batch_per_track, 4),
        "calls_on_second_resolve": second_calls,
        "playlist_tracks": PLAYLIST_TRACKS,
        "album_tracks": ALBUM_TRACKS,
        "playlist_seconds": round(playlist_seconds, 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
