"""`spotdesk resolve`: list the tracks behind Spotify links."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from spotdesk.cli.terminal import printable

if TYPE_CHECKING:
    from spotdesk.model import Resolution, SkippedEntry, Track

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

# Skip reasons that mean spotdesk could not list something it should have. Local files,
# episodes and entries that Spotify marks unavailable are expected, so they do not fail.
FAILED_REASONS = frozenset({"not_found", "not_listed"})


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "resolve",
        help="list the tracks behind Spotify links",
        description=(
            "List the tracks behind Spotify links: title, artists, album, disc and track "
            "numbers, duration, ISRC, metadata source and cover URL, plus every skipped "
            "entry with its reason. Uses the Web API when Spotify app credentials are set "
            "(SPOTIPY_CLIENT_ID/SPOTIPY_CLIENT_SECRET or the settings), public pages "
            "otherwise. Exits with 0 when everything resolved, 1 when a link or entry "
            "failed, 2 when an argument is not a link spotdesk accepts."
        ),
    )
    parser.add_argument(
        "links",
        nargs="+",
        metavar="LINK",
        help="a Spotify link, URI or spotify.link short link (pasted text works too)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--public",
        action="store_true",
        help="ignore configured credentials and read Spotify's public pages only",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from spotdesk.cli.input_checks import NO_LINK_MESSAGE
    from spotdesk.config import ServiceUrls, load_settings
    from spotdesk.errors import SpotdeskError
    from spotdesk.links import parse_links
    from spotdesk.spotify.resolver import build_resolver

    parsed = parse_links("\n".join(args.links))
    for error in parsed.errors:
        print(f"spotdesk resolve: {printable(error.message)}", file=sys.stderr)
    if not (parsed.links or parsed.pairs or parsed.errors):
        # Blank arguments or only `#` comments: nothing was rejected, but nothing was given.
        print(f"spotdesk resolve: {NO_LINK_MESSAGE}", file=sys.stderr)
        return EXIT_USAGE

    resolver = build_resolver(ServiceUrls.from_env(), load_settings(), public=args.public)
    links = list(parsed.links) + [pair.link for pair in parsed.pairs]
    manual_audio = {pair.link: pair.audio_url for pair in parsed.pairs}

    resolutions: list[Resolution] = []
    failures: list[dict[str, Any]] = []
    for link in links:
        try:
            resolutions.append(resolver.resolve(link))
        except SpotdeskError as error:
            failures.append({"link": link.url, **error.to_dict()})
            print(f"spotdesk resolve: {link.url}: {printable(error.message)}", file=sys.stderr)

    if args.json:
        document = {
            "resolutions": [resolution.to_dict() for resolution in resolutions],
            "pairs": [
                {"audio_url": pair.audio_url, "link": pair.link.url} for pair in parsed.pairs
            ],
            "failed": failures,
            "invalid": [error.to_dict() for error in parsed.errors],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for resolution in resolutions:
            print(format_resolution(resolution, manual_audio.get(resolution.link)))

    if parsed.errors:
        return EXIT_USAGE
    failed_entries = any(
        entry.reason in FAILED_REASONS for resolution in resolutions for entry in resolution.skipped
    )
    return EXIT_FAILED if failures or failed_entries else EXIT_OK


def format_resolution(resolution: Resolution, manual_audio: str | None = None) -> str:
    """Format a resolution as the human-readable text `spotdesk resolve` prints.

    Control and format characters in names are escaped, because names come from Spotify
    users and could otherwise send escape sequences to the terminal.
    """
    kind = resolution.link.kind.value
    skipped = sum(entry.count for entry in resolution.skipped)
    header = f"{kind.capitalize()}: {resolution.name}"
    if resolution.owner:
        header += f" by {resolution.owner}"
    header += f" ({len(resolution.tracks)} tracks"
    if skipped:
        header += f", {skipped} skipped"
    header += f"; source {resolution.source.value})"
    lines = [header, f"  link: {resolution.link.url}"]
    if resolution.cover_url:
        lines.append(f"  cover: {resolution.cover_url}")
    if manual_audio:
        lines.append(f"  manual audio: {manual_audio}")
    for number, track in enumerate(resolution.tracks, start=1):
        lines.extend(_track_lines(number, track))
    for entry in resolution.skipped:
        lines.append("  " + _skipped_line(entry))
    return "\n".join(printable(line) for line in lines)


def _track_lines(number: int, track: Track) -> list[str]:
    title = f"  {number:>3}. {'; '.join(track.artists) or '(unknown artist)'} - {track.title}"
    if track.duration_ms:
        minutes, seconds = divmod(round(track.duration_ms / 1000), 60)
        title += f" [{minutes}:{seconds:02d}]"
    details = []
    if track.album:
        details.append(f"album {track.album}")
    if track.disc_number:
        details.append(
            f"disc {track.disc_number}" + (f"/{track.disc_count}" if track.disc_count else "")
        )
    if track.track_number:
        details.append(
            f"track {track.track_number}" + (f"/{track.track_count}" if track.track_count else "")
        )
    if track.release_date:
        details.append(f"released {track.release_date}")
    details.append(f"ISRC {track.isrc}" if track.isrc else "no ISRC")
    details.append(f"source {track.source.value}")
    lines = [title, "       " + " · ".join(details), f"       id {track.id}"]
    if track.linked_id:
        lines[-1] += f" (Spotify plays {track.linked_id})"
    if track.cover_url:
        lines.append(f"       cover {track.cover_url}")
    return lines


def _skipped_line(entry: SkippedEntry) -> str:
    where = f"entry {entry.position}" if entry.position else "entries"
    count = f"{entry.count} " if entry.count != 1 else ""
    title = f" ({entry.title})" if entry.title else ""
    return f"skipped {count}{where}{title}: {entry.reason}: {entry.message}"
