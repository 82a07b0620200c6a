"""Score search results against a Spotify track and pick the one to download.

Each candidate gets a confidence in [0, 1] and short reasons. The confidence is a weighted
sum of title, artist, duration, album and result-type scores. Each difference from the
requested version then multiplies it by a factor below 1. Such differences are versions
the Spotify title does not request (live, cover, karaoke, ...), versions it requests but
the candidate lacks, a far-off duration and another explicit flag. The weights and factors
are hand-tuned on the cases in `tests/audio_match`, not fitted to data.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from spotdesk.audio import titles
from spotdesk.audio.errors import SearchFailed
from spotdesk.audio.search import SearchProvider, StagedSearchProvider
from spotdesk.model import MatchCandidate, Track

log = logging.getLogger(__name__)

# Below this confidence the best candidate is only offered for review, not downloaded.
REVIEW_THRESHOLD = 0.6
# At or above this confidence `Matcher.find` skips the remaining queries and providers.
CONFIDENT = 0.85

_WEIGHTS = {"title": 0.30, "artist": 0.25, "duration": 0.30, "album": 0.05, "type": 0.10}

# Duration differences in seconds: within the first a candidate scores fully, at the second
# it scores zero. Music videos with an intro or outro usually differ by 10-60 s.
_DURATION_EXACT_S = 2.0
_DURATION_ZERO_S = 30.0
# Beyond this difference the upload is a different cut (a video with a long intro, an
# extended mix), so its confidence is also multiplied by the factor.
_DURATION_FAR_S = 16.0
_DURATION_FAR_FACTOR = 0.8

# Result-type scores: an official audio upload beats a music video, which beats a fan upload.
_TYPE_SCORES = {"song": 1.0, "official_video": 0.6, "video": 0.5, "episode": 0.0}
_TYPE_REASONS = {
    "song": "official song",
    "official_video": "music video",
    "video": "video upload",
    "episode": "podcast episode",
}

# A candidate this many times longer than the track, and at least this long, is a loop.
_LOOP_RATIO = 3.0
_LOOP_MIN_S = 20 * 60

_EXPLICIT_MISMATCH_FACTOR = 0.85

# The track's title names a version (live, remix, ...) that the candidate does not.
_MISSING_VERSION_FACTOR = 0.6

# A clearly different title or artist usually means another song or a cover, however well
# the other parts fit, so these reasons also scale the confidence down.
_MISMATCH_FACTORS = {"title differs": 0.6, "artist differs": 0.75}

# "Artist - Title", "Artist – Title", "Artist | Title" in video upload titles.
_TITLE_SEPARATOR = re.compile(r"\s[-–—|:]\s|\s?[「『]")


@dataclass
class MatchResult:
    """The outcome of matching one track: the best candidate and the full ranking."""

    best: MatchCandidate | None
    confidence: float
    ranked: list[MatchCandidate] = field(default_factory=list)
    needs_review: bool = True


@dataclass
class _Part:
    score: float
    reason: str | None


def rank(track: Track, candidates: Iterable[MatchCandidate]) -> list[MatchCandidate]:
    """Score copies of `candidates` against `track` and return them best first.

    Candidates with the same URL are kept once, and ties keep the providers' order.
    """
    seen: set[str] = set()
    scored: list[MatchCandidate] = []
    for candidate in candidates:
        if candidate.url in seen:
            continue
        seen.add(candidate.url)
        scored.append(score(track, candidate))
    return sorted(scored, key=lambda item: item.confidence, reverse=True)


def score(track: Track, candidate: MatchCandidate) -> MatchCandidate:
    """Return a copy of `candidate` with its confidence and reasons filled in."""
    parts = {
        "title": _title_part(track, candidate),
        "artist": _artist_part(track, candidate),
        "duration": _duration_part(track, candidate),
        "album": _album_part(track, candidate),
        "type": _type_part(candidate),
    }
    reasons = [part.reason for part in parts.values() if part.reason]

    confirmed = _isrc_confirms(track, candidate, parts)
    if confirmed:
        # The service filed this recording under the track's ISRC and the lengths agree, so
        # a title or artist written another way (another script, a translation) is no
        # evidence against it.
        reasons.append("found by ISRC")
        parts["title"].score = max(parts["title"].score, 1.0)
        parts["artist"].score = max(parts["artist"].score, 0.9)

    confidence = sum(_WEIGHTS[name] * part.score for name, part in parts.items())
    if not confirmed:
        for part in parts.values():
            confidence *= _MISMATCH_FACTORS.get(part.reason or "", 1.0)
    for reason, factor in _penalties(track, candidate):
        reasons.append(reason)
        confidence *= factor

    confidence = round(min(1.0, max(0.0, confidence)), 3)
    return dataclasses.replace(candidate, confidence=confidence, reasons=reasons)


def _title_part(track: Track, candidate: MatchCandidate) -> _Part:
    expected = titles.core_title(track.title)
    found = titles.core_title(_strip_artist_prefix(candidate.title, track.artists))
    if not expected or not found:
        return _Part(0.5, "title unknown")
    if not titles.same_script(expected, found):
        return _Part(0.5, "title in another script")

    similarity = max(
        fuzz.token_sort_ratio(expected, found),
        fuzz.ratio(expected.replace(" ", ""), found.replace(" ", "")),
    )
    value = similarity / 100
    if value >= 0.9:
        return _Part(value, "title matches")
    if value >= 0.7:
        return _Part(value, "title similar")
    return _Part(value * 0.5, "title differs")


def _strip_artist_prefix(title: str, artists: Sequence[str]) -> str:
    """Drop the "Artist - " part that video uploads put before or after the song title."""
    pieces = _TITLE_SEPARATOR.split(title, maxsplit=1)
    if len(pieces) != 2:
        return title
    head, tail = pieces
    folded_artists = [titles.fold(artist) for artist in artists if titles.fold(artist)]
    if any(_contains_name(artist, titles.fold(head)) for artist in folded_artists):
        return tail
    if any(_contains_name(artist, titles.fold(tail)) for artist in folded_artists):
        return head
    return title


def _contains_name(name: str, text: str) -> bool:
    """Return True when the folded `name` occurs in the folded `text`.

    Latin names must stand as whole words, so "Ye" is not found inside "Yesterday";
    Chinese and Japanese names are written without spaces, so any occurrence counts.
    """
    if titles.is_latin(name):
        return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None
    return name in text


def _candidate_artists(candidate: MatchCandidate) -> list[str]:
    names: list[str] = []
    for credit in candidate.artists:
        names.append(titles.fold(credit))
        names.extend(titles.split_artists(credit))
    if candidate.channel:
        names.append(titles.clean_channel(candidate.channel))
        names.extend(titles.split_artists(titles.clean_channel(candidate.channel)))
    return [name for name in names if name]


def _artist_found(artist: str, names: Sequence[str], credit_text: str) -> bool:
    folded = titles.fold(artist)
    if not folded:
        return False
    if any(fuzz.ratio(folded, name) >= 88 for name in names):
        return True
    # Names inside a longer credit or title, such as "A和B" or "Song (feat. A)".
    return _contains_name(folded, credit_text)


def _artist_part(track: Track, candidate: MatchCandidate) -> _Part:
    if not track.artists:
        return _Part(0.5, None)
    names = _candidate_artists(candidate)
    credit_text = " ".join([*names, titles.fold(candidate.title)])
    if not names and not credit_text.strip():
        return _Part(0.3, "artist unknown")

    found = [_artist_found(artist, names, credit_text) for artist in track.artists]
    main, others = found[0], found[1:]
    share_of_others = sum(others) / len(others) if others else 1.0
    if main:
        return _Part(0.7 + 0.3 * share_of_others, "artist matches")
    if any(others):
        return _Part(0.4 * share_of_others, "main artist missing")

    if names and not any(titles.same_script(track.artists[0], name) for name in names):
        return _Part(0.5, "artist in another script")
    return _Part(0.0, "artist differs")


def _duration_part(track: Track, candidate: MatchCandidate) -> _Part:
    if track.duration_ms is None or candidate.duration_s is None:
        return _Part(0.4, "duration unknown")
    difference = _duration_difference(track, candidate)
    if difference <= _DURATION_EXACT_S:
        return _Part(1.0, "duration matches")
    value = max(0.0, 1 - (difference - _DURATION_EXACT_S) / (_DURATION_ZERO_S - _DURATION_EXACT_S))
    if value >= 0.7:
        return _Part(value, "duration close")
    return _Part(value, "duration differs")


def _album_part(track: Track, candidate: MatchCandidate) -> _Part:
    if not track.album or not candidate.album:
        return _Part(0.5, None)
    expected, found = titles.core_title(track.album), titles.core_title(candidate.album)
    if not titles.same_script(expected, found):
        return _Part(0.5, None)
    if fuzz.token_sort_ratio(expected, found) >= 85:
        return _Part(1.0, "album matches")
    return _Part(0.2, "album differs")


def _type_part(candidate: MatchCandidate) -> _Part:
    kind = candidate.result_type or "video"
    return _Part(_TYPE_SCORES.get(kind, 0.5), _TYPE_REASONS.get(kind))


def _isrc_confirms(track: Track, candidate: MatchCandidate, parts: dict[str, _Part]) -> bool:
    # An ISRC search with no exact hit can still list unrelated songs, so a result whose
    # title and artist both differ in the same script is not taken as confirmed.
    unrelated = (
        parts["title"].reason == "title differs" and parts["artist"].reason == "artist differs"
    )
    return (
        candidate.found_by_isrc
        and candidate.result_type == "song"
        and track.isrc is not None
        and parts["duration"].score >= 0.9
        and not unrelated
    )


def _penalties(track: Track, candidate: MatchCandidate) -> Iterator[tuple[str, float]]:
    """Yield a reason and factor for each way the candidate differs from the requested version."""
    # An album such as "Live at Wembley" requests live takes even when track titles omit it.
    requested = titles.version_markers(f"{track.title} {track.album or ''}")
    requested_by_title = titles.version_markers(track.title)
    offered = titles.version_markers(f"{candidate.title} {candidate.album or ''}")
    if _is_loop(track, candidate):
        offered.add("hour-long loop")
    elif _duration_difference(track, candidate) > _DURATION_FAR_S:
        yield "duration far off", _DURATION_FAR_FACTOR

    for marker in titles.VERSION_MARKERS:
        if marker.reason in offered and marker.reason not in requested:
            yield f"unrequested {marker.reason}", marker.factor
        elif marker.reason in requested_by_title and marker.reason not in offered:
            yield f"missing {marker.reason}", _MISSING_VERSION_FACTOR

    if track.explicit is not None and candidate.explicit is not None:
        if track.explicit and not candidate.explicit:
            yield "clean version", _EXPLICIT_MISMATCH_FACTOR
        elif candidate.explicit and not track.explicit:
            yield "explicit version", _EXPLICIT_MISMATCH_FACTOR


def _duration_difference(track: Track, candidate: MatchCandidate) -> float:
    if track.duration_ms is None or candidate.duration_s is None:
        return 0.0
    return abs(candidate.duration_s - track.duration_ms / 1000)


def _is_loop(track: Track, candidate: MatchCandidate) -> bool:
    if track.duration_ms is None or candidate.duration_s is None:
        return False
    track_s = track.duration_ms / 1000
    return candidate.duration_s >= max(_LOOP_MIN_S, track_s * _LOOP_RATIO)


class Matcher:
    """Search the providers in order and pick the best candidate for a track."""

    def __init__(
        self,
        providers: Sequence[SearchProvider],
        threshold: float = REVIEW_THRESHOLD,
        *,
        confident: float = CONFIDENT,
        limit: int = 10,
    ) -> None:
        self.providers = list(providers)
        self.threshold = threshold
        self.confident = max(confident, threshold)
        self.limit = limit

    def find(self, track: Track) -> MatchResult:
        """Search until a candidate reaches the confident level or the providers run out.

        Raises `SearchFailed` only when every provider failed; a provider that fails while
        another one returns results is logged and skipped.
        """
        pool: list[MatchCandidate] = []
        failures: list[SearchFailed] = []
        for provider in self.providers:
            try:
                for batch in self._batches(provider, track):
                    pool.extend(batch)
                    ranked = rank(track, pool)
                    if ranked and ranked[0].confidence >= self.confident:
                        log.debug("track %s matched by %s, stopping early", track.id, provider.name)
                        return self._result(track, ranked)
            except SearchFailed as error:
                log.warning("search on %s failed for track %s: %s", provider.name, track.id, error)
                failures.append(error)

        if failures and len(failures) == len(self.providers) and not pool:
            raise failures[-1]
        return self._result(track, rank(track, pool))

    def _batches(self, provider: SearchProvider, track: Track) -> Iterator[list[MatchCandidate]]:
        if isinstance(provider, StagedSearchProvider):
            yield from provider.search_stages(track, self.limit)
        else:
            yield provider.search(track, self.limit)

    def _result(self, track: Track, ranked: list[MatchCandidate]) -> MatchResult:
        if not ranked:
            log.info("no audio candidates found for track %s", track.id)
            return MatchResult(best=None, confidence=0.0, ranked=[], needs_review=True)

        best = ranked[0]
        needs_review = best.confidence < self.threshold
        log.info(
            "track %s: best candidate %s with confidence %.2f of %d%s",
            track.id,
            best.url,
            best.confidence,
            len(ranked),
            ", needs review" if needs_review else "",
        )
        return MatchResult(
            best=best, confidence=best.confidence, ranked=ranked, needs_review=needs_review
        )
