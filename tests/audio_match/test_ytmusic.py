"""The YouTube Music provider over real HTTP to the loopback fake."""

from __future__ import annotations

import locale

import pytest

from spotdesk.audio.errors import SearchFailed, SearchRateLimited
from spotdesk.audio.match import CONFIDENT, Matcher
from spotdesk.audio.search import StagedSearchProvider, default_providers, search_query
from spotdesk.audio.ytmusic import YouTubeMusicProvider, page_base_of, parse_result
from spotdesk.config import ServiceUrls
from tests.audio_match.conftest import make_track
from tests.fakes.ytmusic import FakeYouTubeMusic, list_item, shelf_response

# The recorded exchange: an ISRC search whose response has one "top result" card (German UI).
RECORDED_ISRC = "GB2LD2210007"
RECORDED_VIDEO_ID = "nfyk-V5CoIE"


def nobody_else(**values: object):  # type: ignore[no-untyped-def]
    defaults: dict[str, object] = {
        "id": "1t2qKa8K72IBC8yQlhD9bU",
        "title": "Nobody Else",
        "artists": ["Abstrakt"],
        "album": "Nobody Else",
        "duration_ms": 163_000,
        "isrc": RECORDED_ISRC,
        "explicit": False,
    }
    defaults.update(values)
    return make_track(**defaults)


def test_recorded_response_parsed(fake_ytmusic: FakeYouTubeMusic) -> None:
    provider = YouTubeMusicProvider(fake_ytmusic.base_url)
    candidates = provider.query(RECORDED_ISRC, None, 10, found_by_isrc=True)
    assert len(candidates) == 1
    candidate = candidates[0]
    assert candidate.url == f"https://music.youtube.com/watch?v={RECORDED_VIDEO_ID}"
    assert candidate.video_id == RECORDED_VIDEO_ID
    assert candidate.title == "Nobody Else"
    assert candidate.artists == ["Abstrakt"]
    assert candidate.channel == "Abstrakt"
    assert candidate.album == "Nobody Else"
    assert candidate.duration_s == 163.0
    assert candidate.result_type == "song"
    assert candidate.provider == "ytmusic"
    assert candidate.found_by_isrc is True
    assert candidate.confidence == 0.0


def test_recorded_request_reaches_fake(fake_ytmusic: FakeYouTubeMusic) -> None:
    YouTubeMusicProvider(fake_ytmusic.base_url).query(RECORDED_ISRC, None, 10)
    assert len(fake_ytmusic.requests) == 1
    request = fake_ytmusic.requests[0]
    assert request.path.startswith("/youtubei/v1/search")
    assert request.query == RECORDED_ISRC
    assert request.filter is None
    assert request.body["context"]["client"]["clientName"] == "WEB_REMIX"


def test_visitor_page_read_from_base(fake_ytmusic: FakeYouTubeMusic) -> None:
    YouTubeMusicProvider(fake_ytmusic.base_url).query(RECORDED_ISRC, None, 10)
    assert fake_ytmusic.page_paths == ["/"]


def test_isrc_hit_stops_search_early(fake_ytmusic: FakeYouTubeMusic) -> None:
    result = Matcher([YouTubeMusicProvider(fake_ytmusic.base_url)]).find(nobody_else())
    assert result.best is not None
    assert result.best.video_id == RECORDED_VIDEO_ID
    assert result.confidence >= CONFIDENT
    assert "found by ISRC" in result.best.reasons
    assert not result.needs_review
    assert [request.query for request in fake_ytmusic.requests] == [RECORDED_ISRC]


def test_songs_then_videos_without_isrc(fake_ytmusic: FakeYouTubeMusic) -> None:
    track = nobody_else(isrc=None)
    query = search_query(track)
    provider = YouTubeMusicProvider(fake_ytmusic.base_url)
    assert provider.search(track) == []
    assert [(request.query, request.filter) for request in fake_ytmusic.requests] == [
        (query, "songs"),
        (query, "videos"),
    ]


def test_synthetic_songs_shelf(fake_ytmusic: FakeYouTubeMusic) -> None:
    track = make_track(isrc=None)
    fake_ytmusic.add_response(
        search_query(track),
        shelf_response(
            "Songs",
            [
                list_item(
                    "song0000001", "Blinding Lights", ["The Weeknd"], "3:20", album="After Hours"
                ),
                list_item("song0000002", "Blinding Lights", ["The Weeknd"], "3:22", explicit=True),
            ],
        ),
        filter="songs",
    )
    candidates = YouTubeMusicProvider(fake_ytmusic.base_url).query(search_query(track), "songs", 10)
    assert [candidate.video_id for candidate in candidates] == ["song0000001", "song0000002"]
    assert candidates[0].album == "After Hours"
    assert candidates[0].duration_s == 200.0
    assert candidates[0].explicit is False
    assert candidates[1].explicit is True
    assert candidates[0].result_type == "song"
    assert candidates[0].found_by_isrc is False


def test_synthetic_videos_shelf(fake_ytmusic: FakeYouTubeMusic) -> None:
    fake_ytmusic.add_response(
        "q",
        shelf_response(
            "Videos",
            [
                list_item(
                    "video000001",
                    "The Weeknd - Blinding Lights (Official Video)",
                    ["The Weeknd"],
                    "4:22",
                    views="900M views",
                    video_type="MUSIC_VIDEO_TYPE_OMV",
                ),
                list_item(
                    "video000002",
                    "Blinding Lights cover",
                    ["Jane Doe"],
                    "3:18",
                    views="1.2K views",
                    video_type="MUSIC_VIDEO_TYPE_UGC",
                ),
            ],
        ),
        filter="videos",
    )
    candidates = YouTubeMusicProvider(fake_ytmusic.base_url).query("q", "videos", 10)
    assert [candidate.result_type for candidate in candidates] == ["official_video", "video"]
    assert candidates[0].channel == "The Weeknd"
    assert candidates[0].duration_s == 262.0
    assert candidates[0].explicit is None


def test_limit_cuts_results(fake_ytmusic: FakeYouTubeMusic) -> None:
    items = [list_item(f"song{index:07d}", "Song", ["A"], "3:00") for index in range(5)]
    fake_ytmusic.add_response("q", shelf_response("Songs", items), filter="songs")
    assert len(YouTubeMusicProvider(fake_ytmusic.base_url).query("q", "songs", 3)) == 3


def test_full_search_prefers_song(fake_ytmusic: FakeYouTubeMusic) -> None:
    track = make_track(isrc=None)
    query = search_query(track)
    fake_ytmusic.add_response(
        query,
        shelf_response(
            "Songs",
            [list_item("karaoke0001", "Blinding Lights (Karaoke Version)", ["Sing King"], "3:20")],
        ),
        filter="songs",
    )
    fake_ytmusic.add_response(
        query,
        shelf_response(
            "Videos",
            [
                list_item(
                    "video000001",
                    "The Weeknd - Blinding Lights (Official Audio)",
                    ["The Weeknd"],
                    "3:21",
                    views="5M views",
                    video_type="MUSIC_VIDEO_TYPE_OMV",
                )
            ],
        ),
        filter="videos",
    )
    result = Matcher([YouTubeMusicProvider(fake_ytmusic.base_url)]).find(track)
    assert result.best is not None
    assert result.best.video_id == "video000001"
    assert [candidate.video_id for candidate in result.ranked] == ["video000001", "karaoke0001"]


def test_server_error_raises_search_failed(fake_ytmusic: FakeYouTubeMusic) -> None:
    fake_ytmusic.fail("q", 500)
    with pytest.raises(SearchFailed) as caught:
        YouTubeMusicProvider(fake_ytmusic.base_url).query("q", None, 10)
    assert caught.value.code == "search.failed"
    assert caught.value.retryable
    assert "HTTP 500" in caught.value.message


def test_rate_limit_raises_rate_limited(fake_ytmusic: FakeYouTubeMusic) -> None:
    fake_ytmusic.fail("q", 429)
    with pytest.raises(SearchRateLimited) as caught:
        YouTubeMusicProvider(fake_ytmusic.base_url).query("q", None, 10)
    assert caught.value.code == "search.rate_limited"
    assert caught.value.retryable


def test_client_error_not_retryable(fake_ytmusic: FakeYouTubeMusic) -> None:
    fake_ytmusic.fail("q", 400)
    with pytest.raises(SearchFailed) as caught:
        YouTubeMusicProvider(fake_ytmusic.base_url).query("q", None, 10)
    assert not caught.value.retryable


def test_unreadable_body_raises_search_failed(fake_ytmusic: FakeYouTubeMusic) -> None:
    fake_ytmusic.fail("q", 502, body="<html>bad gateway</html>")
    with pytest.raises(SearchFailed) as caught:
        YouTubeMusicProvider(fake_ytmusic.base_url).query("q", None, 10)
    assert "could not be read" in caught.value.message


def test_unexpected_shape_raises_search_failed(fake_ytmusic: FakeYouTubeMusic) -> None:
    fake_ytmusic.add_response("q", {"contents": {"tabbedSearchResultsRenderer": {"tabs": []}}})
    with pytest.raises(SearchFailed):
        YouTubeMusicProvider(fake_ytmusic.base_url).query("q", None, 10)


def test_closed_port_raises_search_failed() -> None:
    provider = YouTubeMusicProvider("http://127.0.0.1:9/youtubei/v1/", timeout=5)
    with pytest.raises(SearchFailed) as caught:
        provider.query("q", None, 10)
    assert "could not be reached" in caught.value.message
    assert caught.value.retryable


def test_locale_kept_after_client_setup(fake_ytmusic: FakeYouTubeMusic) -> None:
    before = locale.setlocale(locale.LC_ALL)
    YouTubeMusicProvider(fake_ytmusic.base_url, language="de").query(RECORDED_ISRC, None, 10)
    assert locale.setlocale(locale.LC_ALL) == before


def test_base_url_from_environment(
    fake_ytmusic: FakeYouTubeMusic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTDESK_YTMUSIC_URL", fake_ytmusic.base_url)
    monkeypatch.delenv("SPOTDESK_SEARCH_PROVIDERS", raising=False)
    providers = default_providers(ServiceUrls.from_env(), cookies_from_browser=None)
    assert [provider.name for provider in providers] == ["ytmusic", "youtube"]
    first = providers[0]
    assert isinstance(first, StagedSearchProvider)
    assert first.search(nobody_else())[0].video_id == RECORDED_VIDEO_ID


def test_page_base_of_api_base() -> None:
    assert page_base_of("https://music.youtube.com/youtubei/v1/") == "https://music.youtube.com"
    assert page_base_of("http://proxy:8080/yt/youtubei/v1/") == "http://proxy:8080/yt"
    assert page_base_of("http://proxy:8080/api/") == "http://proxy:8080"


def test_non_playable_results_skipped() -> None:
    assert parse_result({"resultType": "artist", "browseId": "UC1"}) is None
    assert parse_result({"resultType": "album", "browseId": "MPRE1"}) is None
    assert parse_result({"resultType": "song", "videoId": "x", "isAvailable": False}) is None


def test_result_type_from_video_type() -> None:
    item = {"resultType": "album", "videoId": "x", "videoType": "MUSIC_VIDEO_TYPE_ATV"}
    candidate = parse_result(item)
    assert candidate is not None
    assert candidate.result_type == "song"


def test_duration_text_without_seconds() -> None:
    candidate = parse_result({"resultType": "video", "videoId": "x", "duration": "1:02:03"})
    assert candidate is not None
    assert candidate.duration_s == 3723.0


def test_base_url_with_path_prefix(fake_ytmusic: FakeYouTubeMusic) -> None:
    base = f"http://127.0.0.1:{fake_ytmusic.port}/proxy/youtubei/v1/"
    candidates = YouTubeMusicProvider(base).query(RECORDED_ISRC, None, 10)
    assert [candidate.video_id for candidate in candidates] == [RECORDED_VIDEO_ID]
    assert fake_ytmusic.requests[0].path.startswith("/proxy/youtubei/v1/search?")
    assert fake_ytmusic.page_paths == ["/proxy"]


def test_base_url_without_trailing_slash(fake_ytmusic: FakeYouTubeMusic) -> None:
    provider = YouTubeMusicProvider(fake_ytmusic.base_url.rstrip("/"))
    assert provider.query(RECORDED_ISRC, None, 10)[0].video_id == RECORDED_VIDEO_ID


def test_error_message_hides_proxy_password() -> None:
    provider = YouTubeMusicProvider("http://user:secret@127.0.0.1:9/youtubei/v1/", timeout=5)
    with pytest.raises(SearchFailed) as caught:
        provider.query("q", None, 10)
    assert "secret" not in caught.value.message
    assert "http://127.0.0.1:9/youtubei/v1/" in caught.value.message
