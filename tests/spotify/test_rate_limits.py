"""HTTP 429 handling: short waits are slept through, long ones raise RateLimited at once."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from spotdesk.model import LinkKind, SpotifyLink
from spotdesk.spotify.errors import RateLimited, SpotifyUnavailable, format_wait
from spotdesk.spotify.ratelimit import RateLimitPolicy, parse_retry_after
from spotdesk.spotify.resolver import Resolver
from tests.fakes.spotify_api import FakeSpotify
from tests.spotify.conftest import SleepRecorder

TRACK = SpotifyLink(LinkKind.TRACK, "1t2qKa8K72IBC8yQlhD9bU")
ALBUM = SpotifyLink(LinkKind.ALBUM, "4MQnUDGXmHOvnsWCpzeqWT")
TRACK_PATH = "/v1/tracks/1t2qKa8K72IBC8yQlhD9bU"
HOURS = 6 * 3600


def test_short_retry_after_waited_through(
    resolver: Resolver, fake_spotify: FakeSpotify, sleeps: SleepRecorder
) -> None:
    fake_spotify.fail(TRACK_PATH, 429, times=2, retry_after=3)
    resolution = resolver.resolve(TRACK)
    assert resolution.tracks[0].title == "Ropes"
    assert sleeps.waits == [3.0, 3.0]
    assert fake_spotify.calls[TRACK_PATH] == 3


def test_long_retry_after_raises_without_sleeping(
    resolver: Resolver, fake_spotify: FakeSpotify, sleeps: SleepRecorder
) -> None:
    fake_spotify.fail(TRACK_PATH, 429, retry_after=HOURS)
    before = time.time()
    with pytest.raises(RateLimited) as caught:
        resolver.resolve(TRACK)
    assert sleeps.waits == []
    assert caught.value.retry_after == HOURS
    assert before + HOURS - 5 <= caught.value.retry_at <= time.time() + HOURS + 5
    assert caught.value.retryable
    assert caught.value.code == "spotify.rate_limited"


def test_rate_limit_message_names_lift_time(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail(TRACK_PATH, 429, retry_after=HOURS)
    with pytest.raises(RateLimited) as caught:
        resolver.resolve(TRACK)
    assert "UTC" in caught.value.message
    assert "in 6 h 0 min" in caught.value.message


def test_waits_capped_in_total(fake_spotify: FakeSpotify, sleeps: SleepRecorder) -> None:
    # Each 429 requests 20 s: the first is slept through, the second would pass the 30 s cap.
    resolver = Resolver(fake_spotify.service_urls(), fake_spotify.credentials, sleep=sleeps)
    fake_spotify.fail(TRACK_PATH, 429, retry_after=20)
    with pytest.raises(RateLimited):
        resolver.resolve(TRACK)
    assert sleeps.waits == [20.0]
    assert sum(sleeps.waits) <= 30


def test_blocked_calls_skip_spotify(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail(TRACK_PATH, 429, times=1, retry_after=HOURS)
    with pytest.raises(RateLimited):
        resolver.resolve(TRACK)
    calls_before = fake_spotify.total_calls
    with pytest.raises(RateLimited) as caught:
        resolver.resolve(ALBUM)
    assert fake_spotify.total_calls == calls_before
    assert caught.value.retry_after > HOURS - 60


def test_missing_retry_after_uses_default(
    resolver: Resolver, fake_spotify: FakeSpotify, sleeps: SleepRecorder
) -> None:
    fake_spotify.fail(TRACK_PATH, 429, times=1)
    resolver.resolve(TRACK)
    assert sleeps.waits == [2.0]


def test_repeated_short_limits_give_up(
    resolver: Resolver, fake_spotify: FakeSpotify, sleeps: SleepRecorder
) -> None:
    fake_spotify.fail(TRACK_PATH, 429, retry_after=0)
    with pytest.raises(RateLimited):
        resolver.resolve(TRACK)
    assert len(sleeps.waits) == 4


def test_page_429_during_pagination(
    resolver: Resolver, fake_spotify: FakeSpotify, sleeps: SleepRecorder
) -> None:
    playlist_id = fake_spotify.add_generated_playlist("RateLimitedPlaylist000", 150)
    fake_spotify.fail(f"/v1/playlists/{playlist_id}/items", 429, times=1, retry_after=1)
    resolution = resolver.resolve(SpotifyLink(LinkKind.PLAYLIST, playlist_id))
    assert len(resolution.tracks) == 150
    assert sleeps.waits == [1.0]


def test_public_page_429_long(
    public_resolver: Resolver, fake_spotify: FakeSpotify, sleeps: SleepRecorder
) -> None:
    fake_spotify.fail("/embed/track/.*", 429, retry_after=HOURS)
    with pytest.raises(RateLimited):
        public_resolver.resolve(TRACK)
    assert sleeps.waits == []


def test_public_page_429_short(
    public_resolver: Resolver, fake_spotify: FakeSpotify, sleeps: SleepRecorder
) -> None:
    fake_spotify.fail("/embed/track/.*", 429, times=1, retry_after=5)
    assert public_resolver.resolve(TRACK).tracks[0].title == "Ropes"
    assert sleeps.waits == [5.0]


def test_server_error_retried(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail(TRACK_PATH, 503, times=1)
    assert resolver.resolve(TRACK).tracks[0].title == "Ropes"
    assert fake_spotify.calls[TRACK_PATH] == 2


def test_persistent_server_error_unavailable(resolver: Resolver, fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail(TRACK_PATH, 500)
    with pytest.raises(SpotifyUnavailable) as caught:
        resolver.resolve(TRACK)
    assert caught.value.retryable
    assert "HTTP 500" in caught.value.message


def test_slow_api_times_out(fake_spotify: FakeSpotify) -> None:
    resolver = Resolver(fake_spotify.service_urls(), fake_spotify.credentials, timeout=0.3)
    fake_spotify.slow_down(TRACK_PATH, 1.0)
    with pytest.raises(SpotifyUnavailable) as caught:
        resolver.resolve(TRACK)
    assert "timed out" in caught.value.message


def test_unreachable_spotify_unavailable() -> None:
    from spotdesk.config import ServiceUrls

    urls = ServiceUrls.from_env({"SPOTDESK_SPOTIFY_OPEN_URL": "http://127.0.0.1:9"})
    resolver = Resolver(urls, None, timeout=2)
    with pytest.raises(SpotifyUnavailable):
        resolver.resolve(TRACK)


def test_parse_retry_after_forms() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after(formatdate(now + 90, usegmt=True), now=now) == pytest.approx(90, abs=1)
    assert parse_retry_after(formatdate(now - 90, usegmt=True), now=now) == 0.0


def test_policy_counts_from_clock() -> None:
    policy = RateLimitPolicy(max_wait=30, sleep=lambda seconds: None, clock=lambda: 1000.0)
    with pytest.raises(RateLimited) as caught:
        policy.wait_or_raise(3600, waited=0, attempt=1, what="test")
    assert caught.value.retry_at == 4600.0


def test_rate_limited_to_dict() -> None:
    error = RateLimited(60, now=1000.0)
    assert error.to_dict()["retry_at"] == 1060.0
    assert error.to_dict()["code"] == "spotify.rate_limited"


def test_format_wait() -> None:
    assert format_wait(5) == "5 s"
    assert format_wait(125) == "2 min 5 s"
    assert format_wait(3 * 3600 + 300) == "3 h 5 min"


@pytest.mark.parametrize(
    ("retry_after", "waited", "attempt", "reason"),
    [
        (60.0, 0.0, 1, "the wait of 1 min 0 s is longer than the 30 s one call may wait"),
        (
            10.0,
            25.0,
            2,
            "the wait of 10 s after 25 s already waited would exceed the 30 s one call may wait",
        ),
        (1.0, 4.0, 5, "5 rate-limit replies in a row"),
    ],
)
def test_give_up_message_names_reason(
    retry_after: float, waited: float, attempt: int, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    policy = RateLimitPolicy(max_wait=30, sleep=lambda seconds: None, clock=lambda: 1000.0)

    with (
        caplog.at_level("WARNING", logger="spotdesk.spotify.ratelimit"),
        pytest.raises(RateLimited),
    ):
        policy.wait_or_raise(retry_after, waited, attempt, "GET /v1/tracks/x")

    assert f"Spotify rate limit on GET /v1/tracks/x: {reason}; giving up until" in caplog.text
