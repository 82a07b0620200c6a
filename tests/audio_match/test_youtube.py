"""The yt-dlp YouTube search fallback, fed with info dicts shaped like yt-dlp's output."""

from __future__ import annotations

from typing import Any

import pytest

from spotdesk.audio.errors import SearchFailed
from spotdesk.audio.match import REVIEW_THRESHOLD, Matcher
from spotdesk.audio.search import default_providers, search_query
from spotdesk.audio.youtube import YouTubeProvider, parse_entry, parse_search_info
from spotdesk.audio.ytmusic import YouTubeMusicProvider
from spotdesk.config import ServiceUrls
from tests.audio_match.conftest import make_track
from tests.fakes.ytmusic import FakeYouTubeMusic, list_item, shelf_response


def flat_entry(
    video_id: str, title: str, channel: str, duration: float | None, **extra: Any
) -> dict[str, Any]:
    """Build an entry as yt-dlp 2026.11's YouTube search lists it with `extract_flat`."""
    entry: dict[str, Any] = {
        "_type": "url",
        "ie_key": "Youtube",
        "id": video_id,
        "url": f"https://www.youtube.com/watch?v={video_id}",
        "title": title,
        "description": None,
        "duration": duration,
        "channel_id": "UC" + "0" * 22,
        "channel": channel,
        "channel_url": "https://www.youtube.com/channel/UC" + "0" * 22,
        "uploader": channel,
        "uploader_id": None,
        "uploader_url": None,
        "thumbnails": [],
        "timestamp": None,
        "release_timestamp": None,
        "availability": None,
        "view_count": 1000,
        "live_status": None,
        "channel_is_verified": None,
    }
    entry.update(extra)
    return entry


def search_info(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Wrap entries in the playlist info dict that `ytsearchN:` produces."""
    return {
        "_type": "playlist",
        "id": "The Weeknd Blinding Lights",
        "title": "The Weeknd Blinding Lights",
        "entries": entries,
        "extractor": "youtube:search",
        "extractor_key": "YoutubeSearch",
        "webpage_url": "ytsearch5:The Weeknd Blinding Lights",
    }


ENTRIES = [
    flat_entry(
        "4NRXx6U8ABQ", "The Weeknd - Blinding Lights (Official Video)", "TheWeekndVEVO", 262.0
    ),
    flat_entry("fHI8X4OXluQ", "Blinding Lights", "The Weeknd - Topic", 200.0),
    flat_entry("live0000001", "The Weeknd live now", "Fan Streams", None, live_status="is_live"),
    flat_entry("loop0000001", "Blinding Lights 1 hour", "Loops", 3600.0),
    {"_type": "url", "ie_key": "YoutubeTab", "id": "UC123", "title": "The Weeknd channel"},
]


def test_entries_parsed() -> None:
    candidates = parse_search_info(search_info(ENTRIES))
    assert [candidate.video_id for candidate in candidates] == [
        "4NRXx6U8ABQ",
        "fHI8X4OXluQ",
        "loop0000001",
    ]
    video = candidates[0]
    assert video.url == "https://www.youtube.com/watch?v=4NRXx6U8ABQ"
    assert video.title == "The Weeknd - Blinding Lights (Official Video)"
    assert video.channel == "TheWeekndVEVO"
    assert video.duration_s == 262.0
    assert video.provider == "youtube"
    assert video.confidence == 0.0


def test_result_type_from_channel() -> None:
    candidates = parse_search_info(search_info(ENTRIES))
    assert [candidate.result_type for candidate in candidates] == [
        "official_video",
        "song",
        "video",
    ]


def test_shorts_url_normalised() -> None:
    entry = flat_entry("short000001", "Blinding Lights", "Someone", 30.0)
    entry["url"] = "https://www.youtube.com/shorts/short000001"
    candidate = parse_entry(entry)
    assert candidate is not None
    assert candidate.url == "https://www.youtube.com/watch?v=short000001"


def test_missing_fields_tolerated() -> None:
    candidate = parse_entry({"id": "abc"})
    assert candidate is not None
    assert candidate.title == ""
    assert candidate.channel is None
    assert candidate.duration_s is None


def test_empty_search_info() -> None:
    assert parse_search_info({}) == []
    assert parse_search_info({"entries": None}) == []


def test_search_builds_ytsearch_url() -> None:
    urls: list[str] = []

    def extract(url: str) -> dict[str, Any]:
        urls.append(url)
        return search_info(ENTRIES)

    candidates = YouTubeProvider(extract=extract).search(make_track(), limit=2)
    assert urls == ["ytsearch2:The Weeknd Blinding Lights"]
    assert len(candidates) == 2


def test_topic_upload_matched() -> None:
    provider = YouTubeProvider(extract=lambda url: search_info(ENTRIES))
    result = Matcher([provider]).find(make_track())
    assert result.best is not None
    assert result.best.video_id == "fHI8X4OXluQ"
    assert result.confidence >= REVIEW_THRESHOLD
    assert result.ranked[-1].video_id == "loop0000001"


def test_cookies_passed_to_yt_dlp() -> None:
    options = YouTubeProvider(cookies_from_browser="firefox").ydl_options()
    assert options["cookiesfrombrowser"] == ("firefox",)
    assert options["extract_flat"] == "in_playlist"


def test_no_cookies_by_default() -> None:
    assert "cookiesfrombrowser" not in YouTubeProvider().ydl_options()


def test_search_failure_propagates() -> None:
    def extract(url: str) -> dict[str, Any]:
        raise SearchFailed("YouTube search failed; check the network connection and try again.")

    with pytest.raises(SearchFailed):
        YouTubeProvider(extract=extract).search(make_track())


def test_yt_dlp_error_becomes_search_failed() -> None:
    # A closed loopback port makes real yt-dlp fail the way an offline search does.
    provider = YouTubeProvider()
    with pytest.raises(SearchFailed) as caught:
        provider._extract_with_yt_dlp("http://127.0.0.1:9/search")
    assert caught.value.code == "search.failed"
    assert caught.value.retryable
    assert caught.value.detail


def test_youtube_fallback_after_doubtful_ytmusic(fake_ytmusic: FakeYouTubeMusic) -> None:
    track = make_track(isrc=None)
    karaoke = list_item("karaoke0001", "Blinding Lights (Karaoke Version)", ["Sing King"], "3:20")
    fake_ytmusic.add_response(search_query(track), shelf_response("Songs", [karaoke]), "songs")
    youtube = YouTubeProvider(extract=lambda url: search_info(ENTRIES))

    result = Matcher([YouTubeMusicProvider(fake_ytmusic.base_url), youtube]).find(track)
    assert result.best is not None
    assert result.best.provider == "youtube"
    assert result.best.video_id == "fHI8X4OXluQ"
    assert "karaoke0001" in [candidate.video_id for candidate in result.ranked]


def test_default_providers_pass_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPOTDESK_SEARCH_PROVIDERS", raising=False)
    providers = default_providers(ServiceUrls(), cookies_from_browser="chrome")
    youtube = providers[1]
    assert isinstance(youtube, YouTubeProvider)
    assert youtube.ydl_options()["cookiesfrombrowser"] == ("chrome",)


def test_empty_cookie_setting_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPOTDESK_SEARCH_PROVIDERS", raising=False)
    youtube = default_providers(ServiceUrls(), cookies_from_browser="")[1]
    assert isinstance(youtube, YouTubeProvider)
    assert "cookiesfrombrowser" not in youtube.ydl_options()
