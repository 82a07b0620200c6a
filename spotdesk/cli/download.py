"""`spotdesk download`: download Spotify links as tagged audio files.

The command submits the links to the task queue and runs worker processes until their
tasks are final, so an interrupted run continues where it stopped. With `--in-process` it
resolves and downloads in this process instead, one track after another. Either way one
track's failure never stops the others, and the summary lists every track that was
skipped, needs review or failed, with the reason.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from spotdesk.cli.terminal import printable

if TYPE_CHECKING:
    from spotdesk.cli.download_display import DownloadSummary, ProgressDisplay
    from spotdesk.config import Settings
    from spotdesk.model import OutputOptions, Resolution, Track
    from spotdesk.pipeline import Pipeline
    from spotdesk.spotify.resolver import Resolver

log = logging.getLogger(__name__)

# The exit statuses of `spotdesk.cli.main`, repeated to avoid a circular import.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FORMATS = ("mp3", "m4a", "opus", "ogg", "flac", "wav")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    from spotdesk.audio.naming import FIELDS

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "download",
        help="download Spotify links as tagged audio files",
        description=(
            "Download Spotify links as tagged audio files: each track is matched on YouTube "
            "Music or YouTube, downloaded, converted, tagged and named by the template. "
            "Exits with 0 when every track was downloaded or skipped, 1 when a track "
            "failed or needs review, 2 when an argument is invalid."
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
    parser.add_argument(
        "-o", "--output", metavar="DIR", help="output folder (default: the one in the settings)"
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="audio format (default: the one in the settings)"
    )
    parser.add_argument(
        "--bitrate",
        type=int,
        metavar="KBPS",
        help="bitrate in kbit/s for lossy formats; ignored for flac and wav",
    )
    parser.add_argument(
        "--template",
        metavar="T",
        help="file name template, such as '{album}/{track_number:02d} {title}.{ext}', where "
        "'/' makes folders; fields: " + " ".join("{" + name + "}" for name in FIELDS),
    )
    parser.add_argument("--lyrics", action="store_true", help="add lyrics from LRCLIB to the tags")
    parser.add_argument(
        "--lrc", action="store_true", help="also write lyrics to a .lrc file beside each track"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="download again even when the recording is already in the output folder",
    )
    parser.add_argument(
        "-n",
        "--workers",
        type=int,
        metavar="N",
        help="number of worker processes (default: the one in the settings)",
    )
    parser.add_argument(
        "--store",
        metavar="URI",
        help="task store, sqlite:///PATH or mongodb://… (default: the one in the settings)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="download in this process, one track at a time, without the task queue",
    )
    parser.add_argument(
        "--public",
        action="store_true",
        help="ignore configured Spotify credentials and read Spotify's public pages only",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from spotdesk.audio.convert import validate_bitrate
    from spotdesk.audio.naming import InvalidTemplate, parse_template
    from spotdesk.config import load_settings
    from spotdesk.errors import UsageError

    if args.output is not None and not args.output.strip():
        print("spotdesk download: -o/--output is empty; give a folder name.", file=sys.stderr)
        return EXIT_USAGE
    settings = load_settings()
    options = build_options(args, settings.output_options())
    if options.bitrate is not None and options.bitrate <= 0:
        print("spotdesk download: --bitrate must be a positive number of kbit/s.", file=sys.stderr)
        return EXIT_USAGE
    try:
        validate_bitrate(options.format, options.bitrate)
    except UsageError as error:
        print(f"spotdesk download: {error.message}", file=sys.stderr)
        return EXIT_USAGE
    if args.workers is not None and args.workers < 1:
        print("spotdesk download: --workers must be at least 1.", file=sys.stderr)
        return EXIT_USAGE
    try:
        parse_template(options.template)
    except InvalidTemplate as error:
        print(f"spotdesk download: {error.message}", file=sys.stderr)
        return EXIT_USAGE

    text = "\n".join(args.links)
    if args.in_process:
        return _run_in_process(text, options, settings, args.public)
    return _run_on_queue(text, options, settings, args)


def _run_in_process(text: str, options: OutputOptions, settings: Settings, public: bool) -> int:
    from spotdesk.config import ServiceUrls
    from spotdesk.pipeline import Pipeline
    from spotdesk.spotify.resolver import build_resolver

    urls = ServiceUrls.from_env()
    resolver = build_resolver(urls, settings, public=public)
    pipeline = Pipeline(
        urls,
        cookies_from_browser=settings.cookies_from_browser or None,
        search_providers=settings.search_providers,
    )
    try:
        return download_links(text, options, resolver, pipeline, sys.stdout, sys.stderr)
    finally:
        pipeline.fetcher.close()


def _run_on_queue(
    text: str, options: OutputOptions, settings: Settings, args: argparse.Namespace
) -> int:
    """Submit the links to the store and run workers until their tasks are final.

    Tasks already queued for the same links and options are reused, so an interrupted run
    continues where it stopped. The workers skip tracks already in the library.
    """
    from spotdesk.cli.download_display import (
        DownloadSummary,
        Outcome,
        QueueDisplay,
        exit_status,
        format_summary,
    )
    from spotdesk.cli.input_checks import NO_LINK_MESSAGE
    from spotdesk.service import Service
    from spotdesk.spotify.resolver import PUBLIC_ONLY_ENV
    from spotdesk.store import open_store
    from spotdesk.store.contract import StoreError
    from spotdesk.workers.foreground import run_until_done

    store_uri = args.store or settings.effective_store_uri
    try:
        store = open_store(store_uri)
    except StoreError as error:
        print(f"spotdesk download: cannot open the task store: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    try:
        report = Service(store, settings).submit(text, options)
    except StoreError as error:
        print(f"spotdesk download: submitting failed: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()

    summary = DownloadSummary()
    for rejected in report.rejected:
        print(f"spotdesk download: {printable(rejected.message)}", file=sys.stderr)
        summary.add(Outcome(rejected.text, "failed", rejected.message, code=rejected.code))
    if not report.accepted:
        if not report.rejected:
            print(f"spotdesk download: {NO_LINK_MESSAGE}", file=sys.stderr)
        return EXIT_USAGE
    reused = sum(1 for submitted in report.accepted if not submitted.created)
    if reused:
        print(f"Continuing {reused} link(s) already in the queue.")

    if args.public:
        os.environ[PUBLIC_ONLY_ENV] = "1"  # inherited by the worker processes
    display = QueueDisplay(sys.stdout, summary)
    workers = args.workers or settings.workers
    result = run_until_done(
        store_uri,
        [submitted.task_id for submitted in report.accepted],
        workers,
        display.on_change,
        worker_args=_verbosity_args(args),
    )
    display.close()
    summary.interrupted = bool(result["interrupted"] or result["aborted"])
    print(format_summary(summary))
    if result["aborted"]:
        print(f"spotdesk download: stopped: {result['aborted']}", file=sys.stderr)
    if summary.interrupted:
        print("Unfinished tasks stay queued: run the same command again to continue.")
    return exit_status(summary)


def _verbosity_args(args: argparse.Namespace) -> list[str]:
    verbose = getattr(args, "verbose", 0)
    return ["-" + "v" * min(verbose, 2)] if verbose else []


def build_options(args: argparse.Namespace, defaults: OutputOptions) -> OutputOptions:
    """Return the settings' output options with the command-line choices applied."""
    from spotdesk.model import AudioFormat

    options = defaults
    if args.output:
        options.folder = args.output
    if args.format:
        options.format = AudioFormat(args.format)
    if args.bitrate is not None:
        options.bitrate = args.bitrate
    if args.template:
        options.template = args.template
    options.lyrics = options.lyrics or args.lyrics or args.lrc
    options.lrc_file = options.lrc_file or args.lrc
    options.force = args.force
    return options


def download_links(
    text: str,
    options: OutputOptions,
    resolver: Resolver,
    pipeline: Pipeline,
    out: TextIO,
    err: TextIO,
) -> int:
    """Resolve the links in `text` and download every track; return the exit status."""
    from spotdesk.cli.download_display import (
        DownloadSummary,
        Outcome,
        ProgressDisplay,
        exit_status,
        format_summary,
    )
    from spotdesk.cli.input_checks import NO_LINK_MESSAGE
    from spotdesk.errors import SpotdeskError
    from spotdesk.links import parse_links

    parsed = parse_links(text)
    for error in parsed.errors:
        print(f"spotdesk download: {printable(error.message)}", file=err)
    if not (parsed.links or parsed.pairs):
        if not parsed.errors:
            print(f"spotdesk download: {NO_LINK_MESSAGE}", file=err)
        return EXIT_USAGE

    summary = DownloadSummary()
    for error in parsed.errors:
        summary.add(Outcome(error.text, "failed", error.message, code=error.code))
    jobs: list[tuple[Resolution, str | None]] = []
    manual_links = [(pair.link, pair.audio_url) for pair in parsed.pairs]
    for link, audio_url in [(link, None) for link in parsed.links] + manual_links:
        try:
            resolution = resolver.resolve(link)
        except SpotdeskError as error:
            print(f"spotdesk download: {link.url}: {printable(error.message)}", file=err)
            summary.add(Outcome(link.url, "failed", error.message, code=error.code))
            continue
        if audio_url and len(resolution.tracks) != 1:
            message = (
                f"{link.url}: a manual audio link pairs with one track, not a {link.kind.value}."
            )
            print(f"spotdesk download: {printable(message)}", file=err)
            summary.add(Outcome(link.url, "failed", message, code="usage"))
            continue
        jobs.append((resolution, audio_url))
        _report_unlisted(resolution, summary)

    total = sum(len(resolution.tracks) for resolution, _ in jobs)
    display = ProgressDisplay(out, total, summary)
    try:
        position = 0
        for resolution, audio_url in jobs:
            paths: dict[str, str | None] = {}
            for index, track in enumerate(resolution.tracks):
                position += 1
                outcome = download_track(
                    pipeline, resolution, index, track, options, audio_url, display, position
                )
                paths[track.id] = (
                    outcome.path if outcome.status in ("downloaded", "skipped") else None
                )
            _write_playlist(resolution, paths, options, err)
    except KeyboardInterrupt:
        summary.interrupted = True
    display.close()

    print(format_summary(summary), file=out)
    return exit_status(summary)


def download_track(
    pipeline: Pipeline,
    resolution: Resolution,
    index: int,
    track: Track,
    options: OutputOptions,
    audio_url: str | None,
    display: ProgressDisplay,
    position: int,
    check: Callable[[], None] | None = None,
) -> Any:
    """Run the pipeline on one track, turning its result or error into an `Outcome`."""
    from spotdesk.cli.download_display import Outcome
    from spotdesk.errors import SpotdeskError

    label = f"{', '.join(track.artists)} - {track.title}" if track.artists else track.title
    display.start_track(label, position)
    try:
        result = pipeline.run(
            track,
            options,
            context=resolution.context(index),
            chosen_url=audio_url,
            report=display.update,
            check=check or (lambda: None),
        )
    except SpotdeskError as error:
        log.debug(
            "track %s failed: %s [%s]\n%s", track.id, error.message, error.code, error.detail or ""
        )
        outcome = Outcome(label, "failed", error.message, code=error.code)
    else:
        for warning in result.warnings:
            log.warning("%s: %s", printable(label), printable(warning))
        message = result.message
        if result.status == "needs_review" and result.match is not None:
            message += f" Best candidate: {result.match.title} <{result.match.url}>."
        outcome = Outcome(label, result.status, message, path=result.output_path)
    display.finish_track(outcome)
    return outcome


def _report_unlisted(resolution: Resolution, summary: DownloadSummary) -> None:
    """Count entries Spotify could not list as failures; local files and the like are
    expected and only logged."""
    from spotdesk.cli.download_display import Outcome

    for entry in resolution.skipped:
        label = entry.title or f"{resolution.name} entry {entry.position or '?'}"
        if entry.reason in ("not_found", "not_listed"):
            summary.add(Outcome(label, "failed", entry.message, code=f"spotify.{entry.reason}"))
        else:
            log.info("%s: skipped by Spotify: %s", printable(label), printable(entry.message))


def _write_playlist(
    resolution: Resolution, paths: dict[str, str | None], options: OutputOptions, err: TextIO
) -> None:
    from spotdesk.errors import SpotdeskError
    from spotdesk.pipeline import write_collection_playlist

    try:
        playlist = write_collection_playlist(resolution, paths, options)
    except SpotdeskError as error:
        print(
            f"spotdesk download: the playlist file could not be written: {error.message}", file=err
        )
        return
    if playlist is not None:
        log.info("wrote playlist %s", playlist)
