"""`spotdesk match`: show which audio each track would be downloaded from.

Nothing is downloaded. For every track the command prints the chosen audio URL, its
confidence and reasons, and the ranked candidates, so a user can check a doubtful playlist
before downloading it. `--json` prints the same data as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spotdesk.cli.terminal import printable

if TYPE_CHECKING:
    from spotdesk.audio.match import Matcher
    from spotdesk.audio.search import SearchProvider
    from spotdesk.config import ServiceUrls, Settings
    from spotdesk.links import LinkParse
    from spotdesk.model import MatchCandidate, Track
    from spotdesk.spotify.resolver import Resolver

# The exit statuses of `spotdesk.cli.main`, repeated to avoid a circular import.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROVIDER_NAMES = ("ytmusic", "youtube")
MANUAL_REASON = "chosen by user"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "match",
        help="show which audio each track would be downloaded from",
        description=(
            "Show which audio each track would be downloaded from, with its confidence, "
            "the reasons and the other candidates. Nothing is downloaded."
        ),
    )
    parser.add_argument(
        "links",
        nargs="+",
        metavar="LINK",
        help=(
            "Spotify track, album, playlist or artist link or URI; "
            "AUDIO_URL|SPOTIFY_LINK uses that audio for that track"
        ),
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--provider",
        action="append",
        choices=PROVIDER_NAMES,
        dest="providers",
        help="search only this service; repeat for several (default: ytmusic, then youtube)",
    )
    parser.add_argument(
        "--candidates",
        type=int,
        default=5,
        metavar="N",
        help="number of ranked candidates printed per track in text output (default: 5)",
    )
    return parser


@dataclass
class TrackReport:
    """The match of one track, or the error that stopped it."""

    track: Track
    position: int
    chosen_url: str | None = None
    confidence: float = 0.0
    needs_review: bool = False
    reasons: list[str] = field(default_factory=list)
    candidates: list[MatchCandidate] = field(default_factory=list)
    error: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "track": self.track.to_dict(),
            "chosen_url": self.chosen_url,
            "confidence": self.confidence,
            "needs_review": self.needs_review,
            "reasons": self.reasons,
            "candidates": [candidate.to_dict() for candidate in self.candidates],
            "error": self.error,
        }


@dataclass
class LinkReport:
    """The tracks one link or manual pair resolved to, each with its match."""

    link: str
    name: str | None = None
    kind: str | None = None
    tracks: list[TrackReport] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "link": self.link,
            "name": self.name,
            "kind": self.kind,
            "tracks": [track.to_dict() for track in self.tracks],
            "skipped": self.skipped,
            "error": self.error,
        }


def run(args: argparse.Namespace) -> int:
    from spotdesk.audio.match import Matcher
    from spotdesk.cli.input_checks import NO_LINK_MESSAGE
    from spotdesk.config import ServiceUrls, load_settings
    from spotdesk.errors import SpotdeskError, UsageError
    from spotdesk.links import parse_links
    from spotdesk.spotify.resolver import build_resolver

    try:
        parsed = parse_links("\n".join(args.links))
    except SpotdeskError as error:
        print(f"spotdesk match: {printable(error.message)}", file=sys.stderr)
        return EXIT_FAILED
    for rejected in parsed.errors:
        print(f"spotdesk match: {printable(rejected.message)}", file=sys.stderr)
    if not parsed.links and not parsed.pairs:
        if not parsed.errors:
            print(f"spotdesk match: {NO_LINK_MESSAGE}", file=sys.stderr)
        return EXIT_USAGE

    settings = load_settings()
    urls = ServiceUrls.from_env()
    resolver = build_resolver(urls, settings)
    try:
        providers = _providers(args.providers, urls, settings)
    except UsageError as error:
        print(f"spotdesk match: {error.message}", file=sys.stderr)
        return EXIT_USAGE
    matcher = Matcher(providers)
    reports = collect(parsed, resolver, matcher, progress=None if args.json else _progress)

    if args.json:
        print(json.dumps(_json_document(reports, parsed), ensure_ascii=False, indent=2))
    else:
        print_text(reports, max(0, args.candidates))
    failed = parsed.errors or any(_failures(report) for report in reports)
    return EXIT_FAILED if failed else EXIT_OK


def _providers(
    names: list[str] | None, urls: ServiceUrls, settings: Settings
) -> list[SearchProvider]:
    """Build the providers `--provider` names, else those of the settings and environment."""
    from spotdesk.audio.search import default_providers

    cookies = settings.cookies_from_browser or None
    if names:
        return default_providers(urls, cookies, names, use_environment=False)
    return default_providers(urls, cookies, settings.search_providers)


ProgressCallback = Callable[["Track", int, int], None]


def collect(
    parsed: LinkParse,
    resolver: Resolver,
    matcher: Matcher,
    progress: ProgressCallback | None = None,
) -> list[LinkReport]:
    """Resolve every link and pair and match its tracks; errors are kept per link and track."""
    from spotdesk.errors import SpotdeskError

    reports: list[LinkReport] = []
    for link in parsed.links:
        report = LinkReport(link=link.url, kind=link.kind.value)
        reports.append(report)
        try:
            resolution = resolver.resolve(link)
        except SpotdeskError as error:
            report.error = error.to_dict()
            continue
        report.name = resolution.name
        report.skipped = [entry.to_dict() for entry in resolution.skipped]
        for index, track in enumerate(resolution.tracks):
            if progress:
                progress(track, index + 1, len(resolution.tracks))
            report.tracks.append(match_track(matcher, track, index + 1))

    for pair in parsed.pairs:
        report = LinkReport(link=str(pair), kind=pair.link.kind.value)
        reports.append(report)
        try:
            track = resolver.track(pair.link.id)
        except SpotdeskError as error:
            report.error = error.to_dict()
            continue
        report.name = track.title
        report.tracks.append(
            TrackReport(
                track=track,
                position=1,
                chosen_url=pair.audio_url,
                confidence=1.0,
                reasons=[MANUAL_REASON],
            )
        )
    return reports


def match_track(matcher: Matcher, track: Track, position: int) -> TrackReport:
    """Match one track; a search failure becomes the report's error, not an exception."""
    from spotdesk.errors import SpotdeskError

    report = TrackReport(track=track, position=position)
    try:
        result = matcher.find(track)
    except SpotdeskError as error:
        report.error = error.to_dict()
        return report
    report.candidates = result.ranked
    report.confidence = result.confidence
    report.needs_review = result.needs_review
    if result.best is not None:
        report.reasons = list(result.best.reasons)
        if not result.needs_review:
            report.chosen_url = result.best.url
    return report


def _progress(track: Track, position: int, total: int) -> None:
    print(f"matching {position}/{total}: {printable(track.title)}", file=sys.stderr, flush=True)


def _failures(report: LinkReport) -> bool:
    return report.error is not None or any(track.error for track in report.tracks)


def _json_document(reports: list[LinkReport], parsed: LinkParse) -> dict[str, Any]:
    return {
        "links": [report.to_dict() for report in reports],
        "rejected": [rejected.to_dict() for rejected in parsed.errors],
        "summary": summarise(reports),
    }


def summarise(reports: list[LinkReport]) -> dict[str, int]:
    """Count the tracks that matched, need review or failed, and the links that failed."""
    tracks = [track for report in reports for track in report.tracks]
    return {
        "tracks": len(tracks),
        "matched": sum(1 for track in tracks if track.chosen_url),
        "needs_review": sum(1 for track in tracks if track.needs_review),
        "failed": sum(1 for track in tracks if track.error),
        "links_failed": sum(1 for report in reports if report.error),
    }


def print_text(reports: list[LinkReport], candidate_count: int) -> None:
    """Print each link's tracks with their chosen audio and ranked candidates.

    Names and messages are passed through `printable`, because they come from Spotify and
    search results and could otherwise send escape sequences to the terminal.
    """
    for report in reports:
        _print(f"{report.name or report.link} ({report.kind}) {report.link}")
        if report.error:
            _print(f"  failed: {report.error['message']} [{report.error['code']}]")
            continue
        for entry in report.skipped:
            _print(f"  skipped: {entry.get('message') or entry.get('reason')}")
        for track_report in report.tracks:
            _print_track(track_report, candidate_count)
        print()

    summary = summarise(reports)
    noun = "track" if summary["tracks"] == 1 else "tracks"
    line = (
        f"{summary['tracks']} {noun}: {summary['matched']} matched, "
        f"{summary['needs_review']} need review, {summary['failed']} failed"
    )
    if summary["links_failed"]:
        line += f"; {summary['links_failed']} links could not be resolved"
    print(line)


def _print_track(report: TrackReport, candidate_count: int) -> None:
    track = report.track
    _print(
        f"  {report.position}. {', '.join(track.artists)} - {track.title} "
        f"[{_duration(track.duration_ms / 1000 if track.duration_ms else None)}]"
    )
    if report.error:
        _print(f"     failed: {report.error['message']} [{report.error['code']}]")
        return
    reasons = ", ".join(report.reasons)
    if report.chosen_url:
        _print(f"     -> {report.chosen_url} (confidence {report.confidence:.2f}: {reasons})")
    elif report.candidates:
        _print(f"     needs review: best confidence {report.confidence:.2f} ({reasons})")
    else:
        print("     needs review: no candidates found")
    for candidate in report.candidates[:candidate_count]:
        credit = ", ".join(candidate.artists) or candidate.channel or "?"
        _print(
            f"       {candidate.confidence:.2f}  {candidate.provider:<7}  "
            f"{candidate.result_type or '?':<14}  {_duration(candidate.duration_s):>7}  "
            f"{candidate.title} - {credit}  {candidate.url}"
        )


def _print(line: str) -> None:
    print(printable(line))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?:??"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
