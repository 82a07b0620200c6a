"""Which search providers run, the watch-URL prefixes of candidates, and search timeouts."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from spotdesk.audio.errors import SearchTimedOut
from spotdesk.audio.search import default_providers
from spotdesk.audio.youtube import YouTubeProvider
from spotdesk.audio.ytmusic import YouTubeMusicProvider
from spotdesk.config import (
    SEARCH_PROVIDERS_ENV,
    InvalidSearchProviders,
    ServiceUrls,
    Settings,
    effective_search_providers,
    load_settings,
)
from spotdesk.model import OutputOptions, Progress, Stage
from spotdesk.pipeline import NoMatch, Pipeline
from tests.audio_match.test_ytmusic import RECORDED_ISRC, RECORDED_VIDEO_ID, nobody_else
from tests.fakes.ytmusic import FakeYouTubeMusic

LOOPBACK_WATCH = "http://127.0.0.1:9/watch?v="


@pytest.fixture
def no_provider_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SEARCH_PROVIDERS_ENV, raising=False)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never responds; yields its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/youtubei/v1/"
    stop.set()
    thread.join(2)
    for connection in accepted:
        connection.close()
    listener.close()


def test_default_runs_both_providers(no_provider_variable: None) -> None:
    providers = default_providers(ServiceUrls())
    assert [provider.name for provider in providers] == ["ytmusic", "youtube"]


def test_variable_turns_youtube_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SEARCH_PROVIDERS_ENV, "ytmusic")
    providers = default_providers(ServiceUrls(), names=["ytmusic", "youtube"])
    assert [provider.name for provider in providers] == ["ytmusic"]


def test_names_choose_order(no_provider_variable: None) -> None:
    providers = default_providers(ServiceUrls(), names=["youtube", "ytmusic"])
    assert [provider.name for provider in providers] == ["youtube", "ytmusic"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ytmusic", ["ytmusic"]),
        (" YTMusic , youtube ", ["ytmusic", "youtube"]),
        ("youtube,youtube", ["youtube"]),
        ("", ["ytmusic", "youtube"]),
    ],
)
def test_variable_parsing(value: str, expected: list[str]) -> None:
    assert effective_search_providers(None, {SEARCH_PROVIDERS_ENV: value}) == expected


def test_unknown_provider_rejected() -> None:
    with pytest.raises(InvalidSearchProviders) as caught:
        effective_search_providers(None, {SEARCH_PROVIDERS_ENV: "ytmusic,bing"})
    assert "'bing'" in caught.value.message
    assert "ytmusic, youtube" in caught.value.message
    assert caught.value.code == "config.search_providers"


def test_empty_setting_rejected() -> None:
    with pytest.raises(InvalidSearchProviders, match="names no search provider"):
        effective_search_providers([], {})


def test_settings_default_and_round_trip() -> None:
    assert Settings().search_providers == ["ytmusic", "youtube"]
    restored = Settings.from_dict(Settings(search_providers=["ytmusic"]).to_dict())
    assert restored.search_providers == ["ytmusic"]


def test_settings_file_with_unknown_provider(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"search_providers": ["altavista"], "bitrate": 128}', encoding="utf-8")
    settings = load_settings(path)
    assert settings.search_providers == ["ytmusic", "youtube"]
    assert settings.bitrate == 256


def test_pipeline_uses_given_providers(no_provider_variable: None) -> None:
    pipeline = Pipeline(ServiceUrls(), search_providers=["ytmusic"])
    names = [provider.name for provider in pipeline.matcher.providers]
    assert names == ["ytmusic"]


def test_pipeline_variable_overrides_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SEARCH_PROVIDERS_ENV, "ytmusic")
    pipeline = Pipeline(ServiceUrls(), search_providers=["ytmusic", "youtube"])
    assert pipeline.search_providers == ["ytmusic"]


def test_pipeline_rejects_unknown_provider(no_provider_variable: None) -> None:
    with pytest.raises(InvalidSearchProviders):
        Pipeline(ServiceUrls(), search_providers=["napster"])


def test_watch_urls_from_environment() -> None:
    environ = {
        "SPOTDESK_YTMUSIC_WATCH_URL": "http://127.0.0.1:9/m/watch?v=",
        "SPOTDESK_YOUTUBE_WATCH_URL": "http://127.0.0.1:9/watch/",
    }
    urls = ServiceUrls.from_env(environ)
    assert urls.youtube_music_watch == "http://127.0.0.1:9/m/watch?v="
    assert urls.youtube_watch == "http://127.0.0.1:9/watch/"
    defaults = ServiceUrls.from_env({})
    assert defaults.youtube_music_watch == "https://music.youtube.com/watch?v="
    assert defaults.youtube_watch == "https://www.youtube.com/watch?v="


def test_ytmusic_candidates_use_watch_url(
    fake_ytmusic: FakeYouTubeMusic, no_provider_variable: None
) -> None:
    urls = ServiceUrls(ytmusic=fake_ytmusic.base_url, youtube_music_watch=LOOPBACK_WATCH)
    provider = default_providers(urls, names=["ytmusic"])[0]
    assert isinstance(provider, YouTubeMusicProvider)
    candidates = provider.query(RECORDED_ISRC, None, 10, found_by_isrc=True)
    assert candidates[0].url == LOOPBACK_WATCH + RECORDED_VIDEO_ID


def test_youtube_candidates_use_watch_url(no_provider_variable: None) -> None:
    provider = default_providers(ServiceUrls(youtube_watch=LOOPBACK_WATCH), names=["youtube"])[0]
    assert isinstance(provider, YouTubeProvider)
    provider._extract = lambda url: {"entries": [{"id": "abc123", "title": "Song"}]}
    candidates = provider.search(nobody_else())
    assert candidates[0].url == LOOPBACK_WATCH + "abc123"


def test_ytmusic_timeout_says_timed_out(silent_server: str) -> None:
    provider = YouTubeMusicProvider(silent_server, timeout=0.5)
    with pytest.raises(SearchTimedOut) as caught:
        provider.query("anything", "songs", 5)
    assert "timed out" in caught.value.message
    assert "could not be reached" not in caught.value.message
    assert caught.value.code == "search.timed_out"
    assert caught.value.retryable


def test_pipeline_searches_only_ytmusic(
    fake_ytmusic: FakeYouTubeMusic, no_provider_variable: None, tmp_path: Path
) -> None:
    pipeline = Pipeline(ServiceUrls(ytmusic=fake_ytmusic.base_url), search_providers=["ytmusic"])
    reports: list[Progress] = []

    with pytest.raises(NoMatch):
        pipeline.run(
            nobody_else(isrc=None, title="Nothing Matches This"),
            OutputOptions(folder=str(tmp_path)),
            report=reports.append,
        )

    searching = [report.message for report in reports if report.stage is Stage.SEARCHING]
    assert searching == ["searching ytmusic"]
    assert fake_ytmusic.requests


def test_explicit_names_can_ignore_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SEARCH_PROVIDERS_ENV, "ytmusic")
    providers = default_providers(ServiceUrls(), names=["youtube"], use_environment=False)
    assert [provider.name for provider in providers] == ["youtube"]
