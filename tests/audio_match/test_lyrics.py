"""The LRCLIB client over real HTTP to the loopback fake."""

from __future__ import annotations

import logging

import pytest

from spotdesk.audio.lyrics import USER_AGENT, Lyrics, LyricsClient
from spotdesk.config import ServiceUrls
from tests.audio_match.conftest import make_track
from tests.fakes.lrclib import FakeLrclib, LyricsRecord

SYNCED = "[00:01.00] I've been tryna call\n[00:05.50] I've been on my own for long enough\n"
PLAIN = "I've been tryna call\nI've been on my own for long enough\n"


def blinding_lights(**values: object) -> LyricsRecord:
    defaults: dict[str, object] = {
        "track_name": "Blinding Lights",
        "artist_name": "The Weeknd",
        "album_name": "After Hours",
        "duration": 200.0,
        "plain": PLAIN,
        "synced": SYNCED,
    }
    defaults.update(values)
    return LyricsRecord(**defaults)  # type: ignore[arg-type]


def test_synced_and_plain(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights())
    lyrics = LyricsClient(fake_lrclib.base_url).fetch(make_track())
    assert lyrics == Lyrics(synced=SYNCED, plain=PLAIN)


def test_get_request_parameters(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights())
    LyricsClient(fake_lrclib.base_url).fetch(make_track())
    path, query = fake_lrclib.requests[0]
    assert path == "/api/get"
    assert query == {
        "track_name": "Blinding Lights",
        "artist_name": "The Weeknd",
        "album_name": "After Hours",
        "duration": "200",
    }


def test_plain_only(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights(synced=None))
    lyrics = LyricsClient(fake_lrclib.base_url).fetch(make_track())
    assert lyrics == Lyrics(synced=None, plain=PLAIN)
    assert lyrics is not None
    assert lyrics.text == PLAIN


def test_synced_only_text(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights(plain=None))
    lyrics = LyricsClient(fake_lrclib.base_url).fetch(make_track())
    assert lyrics is not None
    assert lyrics.plain is None
    assert lyrics.text == SYNCED


def test_missing_lyrics_is_none(fake_lrclib: FakeLrclib) -> None:
    assert LyricsClient(fake_lrclib.base_url).fetch(make_track()) is None
    assert [path for path, _ in fake_lrclib.requests] == ["/api/get", "/api/search"]


def test_search_fallback_on_album_mismatch(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights(album_name="Blinding Lights - Single", synced=None))
    fake_lrclib.add(blinding_lights(album_name="The Highlights", duration=201.0))
    lyrics = LyricsClient(fake_lrclib.base_url).fetch(make_track())
    assert lyrics == Lyrics(synced=SYNCED, plain=PLAIN)


def test_search_skips_other_durations(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights(album_name="Live", duration=260.0))
    assert LyricsClient(fake_lrclib.base_url).fetch(make_track()) is None


def test_search_prefers_closest_duration(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights(album_name="A", duration=202.5, synced=None, plain="far"))
    fake_lrclib.add(blinding_lights(album_name="B", duration=200.5, synced=None, plain="near"))
    lyrics = LyricsClient(fake_lrclib.base_url).fetch(make_track(album="Other"))
    assert lyrics is not None
    assert lyrics.plain == "near"


def test_instrumental_is_none(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights(plain=None, synced=None, instrumental=True))
    assert LyricsClient(fake_lrclib.base_url).fetch(make_track()) is None


def test_blank_lyrics_are_none(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights(plain="  \n", synced=""))
    assert LyricsClient(fake_lrclib.base_url).fetch(make_track()) is None


def test_server_error_is_none_and_logged(
    fake_lrclib: FakeLrclib, caplog: pytest.LogCaptureFixture
) -> None:
    fake_lrclib.fail_with = 500
    with caplog.at_level(logging.WARNING, logger="spotdesk.audio.lyrics"):
        assert LyricsClient(fake_lrclib.base_url).fetch(make_track()) is None
    assert "lyrics lookup failed" in caplog.text
    assert make_track().id in caplog.text


def test_invalid_json_is_none(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.raw_body = "<html>maintenance</html>"
    assert LyricsClient(fake_lrclib.base_url).fetch(make_track()) is None


def test_record_without_lyrics_fields_is_none(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.raw_body = '{"unexpected": true}'
    assert LyricsClient(fake_lrclib.base_url).fetch(make_track()) is None


def test_search_not_a_list_is_none(fake_lrclib: FakeLrclib) -> None:
    # /get finds nothing, and /search returns an object where LRCLIB returns a list.

    fake_lrclib.search_body = '{"error": "unexpected"}'
    assert LyricsClient(fake_lrclib.base_url).fetch(make_track()) is None
    assert [path for path, _ in fake_lrclib.requests] == ["/api/get", "/api/search"]


def test_timeout_is_none(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.delay = 1.0
    assert LyricsClient(fake_lrclib.base_url, timeout=0.2).fetch(make_track()) is None


def test_closed_port_is_none() -> None:
    assert LyricsClient("http://127.0.0.1:9/api", timeout=5).fetch(make_track()) is None


def test_track_without_artist_is_none(fake_lrclib: FakeLrclib) -> None:
    assert LyricsClient(fake_lrclib.base_url).fetch(make_track(artists=[])) is None
    assert fake_lrclib.requests == []


def test_track_without_album_or_duration(fake_lrclib: FakeLrclib) -> None:
    fake_lrclib.add(blinding_lights())
    lyrics = LyricsClient(fake_lrclib.base_url).fetch(make_track(album=None, duration_ms=None))
    assert lyrics == Lyrics(synced=SYNCED, plain=PLAIN)
    assert "album_name" not in fake_lrclib.requests[0][1]
    assert "duration" not in fake_lrclib.requests[0][1]


def test_user_agent_names_spotdesk(fake_lrclib: FakeLrclib) -> None:
    LyricsClient(fake_lrclib.base_url).fetch(make_track())
    assert fake_lrclib.user_agents[0] == USER_AGENT
    assert USER_AGENT.startswith("spotdesk/")


def test_base_url_from_environment(
    fake_lrclib: FakeLrclib, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_lrclib.add(blinding_lights())
    monkeypatch.setenv("SPOTDESK_LRCLIB_URL", fake_lrclib.base_url + "/")
    client = LyricsClient(ServiceUrls.from_env().lrclib)
    assert client.fetch(make_track()) is not None


def test_log_hides_proxy_password(
    fake_lrclib: FakeLrclib, caplog: pytest.LogCaptureFixture
) -> None:
    fake_lrclib.fail_with = 500
    base = fake_lrclib.base_url.replace("http://", "http://user:secret@")
    with caplog.at_level(logging.WARNING, logger="spotdesk.audio.lyrics"):
        assert LyricsClient(base).fetch(make_track()) is None
    assert "lyrics lookup failed" in caplog.text
    assert "secret" not in caplog.text
