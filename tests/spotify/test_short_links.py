"""Expanding spotify.link short links over HTTP, against the loopback fake."""

from __future__ import annotations

import pytest

from spotdesk.links import ShortLinkFailed, parse_links
from spotdesk.model import LinkKind, SpotifyLink
from spotdesk.short_links import HttpShortLinkExpander
from tests.fakes.spotify_api import FakeSpotify

TRACK_ID = "1t2qKa8K72IBC8yQlhD9bU"
TARGET = f"https://open.spotify.com/track/{TRACK_ID}?si=abc"


def expander(fake: FakeSpotify, timeout: float = 5.0) -> HttpShortLinkExpander:
    return HttpShortLinkExpander(fake.env["SPOTDESK_SPOTIFY_SHORT_URL"], timeout)


def test_redirect_expanded(fake_spotify: FakeSpotify) -> None:
    fake_spotify.short_links["Abc123"] = TARGET
    assert expander(fake_spotify).expand("https://spotify.link/Abc123") == TARGET
    assert fake_spotify.calls["/short/Abc123"] == 1


def test_target_not_requested(fake_spotify: FakeSpotify) -> None:
    fake_spotify.short_links["Abc123"] = TARGET
    expander(fake_spotify).expand("https://spotify.link/Abc123")
    assert not any(path.startswith("/track/") for path in fake_spotify.calls)


def test_redirect_chain_followed(fake_spotify: FakeSpotify) -> None:
    fake_spotify.short_links["First"] = "https://spotify.link/Second"
    fake_spotify.short_links["Second"] = TARGET
    assert expander(fake_spotify).expand("https://spotify.link/First") == TARGET


def test_redirect_loop_stopped(fake_spotify: FakeSpotify) -> None:
    fake_spotify.short_links["Loop"] = "https://spotify.link/Loop"
    with pytest.raises(ShortLinkFailed) as caught:
        expander(fake_spotify).expand("https://spotify.link/Loop")
    assert "redirected more than" in caught.value.message


def test_html_page_link_found(fake_spotify: FakeSpotify) -> None:
    fake_spotify.short_links["Page"] = "html:" + TARGET
    assert expander(fake_spotify).expand("https://spotify.link/Page") == TARGET


def test_unknown_short_link_fails(fake_spotify: FakeSpotify) -> None:
    with pytest.raises(ShortLinkFailed) as caught:
        expander(fake_spotify).expand("https://spotify.link/Nothing")
    assert "HTTP 404" in caught.value.message
    assert not caught.value.retryable


def test_slow_service_times_out(fake_spotify: FakeSpotify) -> None:
    fake_spotify.fail("/short/Slow", 307, delay=1.0)
    with pytest.raises(ShortLinkFailed) as caught:
        expander(fake_spotify, timeout=0.3).expand("https://spotify.link/Slow")
    assert "timed out" in caught.value.message
    assert caught.value.retryable


def test_unreachable_service_fails() -> None:
    with pytest.raises(ShortLinkFailed):
        HttpShortLinkExpander("http://127.0.0.1:9", 2).expand("https://spotify.link/Any")


def test_parse_links_uses_configured_service(
    fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTDESK_SPOTIFY_SHORT_URL", fake_spotify.env["SPOTDESK_SPOTIFY_SHORT_URL"])
    fake_spotify.short_links["Env"] = TARGET
    result = parse_links("listen: https://spotify.link/Env")
    assert result.links == [SpotifyLink(LinkKind.TRACK, TRACK_ID)]


def test_timeout_covers_whole_chain(fake_spotify: FakeSpotify) -> None:
    fake_spotify.short_links["One"] = "https://spotify.link/Two"
    fake_spotify.short_links["Two"] = TARGET
    fake_spotify.slow_down("/short/(One|Two)", 0.3)
    with pytest.raises(ShortLinkFailed) as caught:
        expander(fake_spotify, timeout=0.5).expand("https://spotify.link/One")
    assert "timed out" in caught.value.message
