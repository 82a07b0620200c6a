"""`Matcher.find`: provider order, early stop, failures and the review threshold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from spotdesk.audio.errors import SearchFailed, SearchRateLimited
from spotdesk.audio.match import CONFIDENT, REVIEW_THRESHOLD, Matcher
from spotdesk.model import MatchCandidate, Track
from tests.audio_match.conftest import make_candidate, make_track

GOOD = make_candidate("good0000001", "Blinding Lights", album="After Hours")
POOR = make_candidate("poor0000001", "Blinding Lights (Karaoke Version)", artists=["Sing King"])
MEDIUM = make_candidate("medium00001", "Blinding Lights", duration_s=212.0, result_type="video")


class ListProvider:
    """A provider that returns fixed candidates and counts its calls."""

    def __init__(self, name: str, candidates: list[MatchCandidate]) -> None:
        self.name = name
        self.candidates = candidates
        self.calls = 0

    def search(self, track: Track, limit: int = 10) -> list[MatchCandidate]:
        self.calls += 1
        return self.candidates[:limit]


class FailingProvider:
    def __init__(self, name: str, error: SearchFailed) -> None:
        self.name = name
        self.error = error
        self.calls = 0

    def search(self, track: Track, limit: int = 10) -> list[MatchCandidate]:
        self.calls += 1
        raise self.error


class StagedProvider:
    """A provider with one query per stage, recording which stages ran."""

    def __init__(self, name: str, stages: list[list[MatchCandidate]]) -> None:
        self.name = name
        self.stages = stages
        self.ran: list[int] = []

    def search(self, track: Track, limit: int = 10) -> list[MatchCandidate]:
        return [candidate for stage in self.search_stages(track, limit) for candidate in stage]

    def search_stages(self, track: Track, limit: int = 10) -> Iterator[list[MatchCandidate]]:
        for index, stage in enumerate(self.stages):
            self.ran.append(index)
            yield stage[:limit]


def test_confident_first_provider_stops() -> None:
    first, second = ListProvider("a", [GOOD]), ListProvider("b", [POOR])
    result = Matcher([first, second]).find(make_track())
    assert result.best is not None
    assert result.best.video_id == "good0000001"
    assert result.confidence >= CONFIDENT
    assert not result.needs_review
    assert second.calls == 0


def test_doubtful_first_provider_continues() -> None:
    first, second = ListProvider("a", [POOR]), ListProvider("b", [GOOD])
    result = Matcher([first, second]).find(make_track())
    assert second.calls == 1
    assert result.best is not None
    assert result.best.video_id == "good0000001"
    assert [candidate.video_id for candidate in result.ranked] == ["good0000001", "poor0000001"]


def test_staged_provider_stops_after_stage() -> None:
    provider = StagedProvider("staged", [[GOOD], [POOR], [MEDIUM]])
    Matcher([provider]).find(make_track())
    assert provider.ran == [0]


def test_staged_provider_runs_all_stages() -> None:
    provider = StagedProvider("staged", [[], [POOR], [MEDIUM]])
    result = Matcher([provider]).find(make_track())
    assert provider.ran == [0, 1, 2]
    assert len(result.ranked) == 2


def test_below_threshold_needs_review() -> None:
    result = Matcher([ListProvider("a", [POOR])]).find(make_track())
    assert result.best is not None
    assert result.confidence < REVIEW_THRESHOLD
    assert result.needs_review
    assert result.ranked == [result.best]


def test_threshold_is_configurable() -> None:
    track = make_track()
    default = Matcher([ListProvider("a", [MEDIUM])]).find(track)
    strict = Matcher([ListProvider("a", [MEDIUM])], threshold=0.99).find(track)
    assert not default.needs_review
    assert strict.needs_review
    assert strict.confidence == default.confidence


def test_no_candidates_needs_review() -> None:
    result = Matcher([ListProvider("a", []), ListProvider("b", [])]).find(make_track())
    assert result.best is None
    assert result.confidence == 0.0
    assert result.ranked == []
    assert result.needs_review


def test_failed_provider_skipped(caplog: pytest.LogCaptureFixture) -> None:
    failing = FailingProvider("a", SearchFailed("YouTube Music could not be reached."))
    working = ListProvider("b", [GOOD])
    result = Matcher([failing, working]).find(make_track())
    assert result.best is not None
    assert result.best.video_id == "good0000001"
    assert "search on a failed" in caplog.text


def test_every_provider_failed_raises() -> None:
    providers = [
        FailingProvider("a", SearchFailed("first failure")),
        FailingProvider("b", SearchRateLimited("second failure")),
    ]
    with pytest.raises(SearchRateLimited):
        Matcher(providers).find(make_track())


def test_failure_after_candidates_keeps_them() -> None:
    providers = [ListProvider("a", [POOR]), FailingProvider("b", SearchFailed("down"))]
    result = Matcher(providers).find(make_track())
    assert result.best is not None
    assert result.best.video_id == "poor0000001"


def test_failure_then_empty_returns_no_match() -> None:
    providers = [FailingProvider("a", SearchFailed("down")), ListProvider("b", [])]
    result = Matcher(providers).find(make_track())
    assert result.best is None
    assert result.needs_review


def test_limit_passed_to_providers() -> None:
    provider = ListProvider("a", [make_candidate(f"id{index}", "x") for index in range(20)])
    result = Matcher([provider], limit=4).find(make_track())
    assert len(result.ranked) == 4


def test_same_url_from_two_providers_once() -> None:
    result = Matcher([ListProvider("a", [POOR]), ListProvider("b", [POOR])]).find(make_track())
    assert len(result.ranked) == 1


def test_confident_level_not_below_threshold() -> None:
    matcher = Matcher([], threshold=0.9, confident=0.5)
    assert matcher.confident == 0.9
