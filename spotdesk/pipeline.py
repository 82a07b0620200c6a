"""Turn one resolved track into a tagged file in the library.

Stages: searching, matching, downloading, converting, tagging, placing; each is reported
through `report(Progress)`. The pipeline never imports the store: the worker, the CLI
and the tests call `Pipeline.run` the same way and decide what to do with the result.

Files: the download and the converted audio are temporary files in the target folder. The
converted file gets its final name only after tagging succeeded and `check()` passed one
last time, so a cancel, a lost lease or a crash never leaves a half-written final file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from spotdesk.audio.convert import ConversionFailed, convert, extension_for, validate_bitrate
from spotdesk.audio.cover import fetch_cover
from spotdesk.audio.fetch import Downloaded, DownloadProgress, Fetcher, FetchError
from spotdesk.audio.ffmpeg import FfmpegFailed, MediaInfo, probe
from spotdesk.audio.filesystem import (
    FilesystemError,
    FolderNotWritable,
    ensure_folder,
    filesystem_error,
    remove_quietly,
    remove_stale_temporaries,
    temp_path,
)
from spotdesk.audio.library import LibraryIndex, write_m3u8
from spotdesk.audio.naming import render_path, sanitise_file_name
from spotdesk.audio.place import choose_target, place_file, write_text_atomically
from spotdesk.audio.tags import TagData, write_tags
from spotdesk.config import ServiceUrls, effective_search_providers
from spotdesk.errors import SpotdeskError
from spotdesk.model import (
    CollectionContext,
    MatchCandidate,
    OutputOptions,
    Progress,
    Resolution,
    Stage,
    Track,
)

if TYPE_CHECKING:
    from spotdesk.audio.match import Matcher

log = logging.getLogger(__name__)

# How far a downloaded file's length may be from Spotify's before the candidate is
# rejected: the larger of an absolute and a relative allowance. Copies of one recording
# usually differ by a second or two of silence, while a music video's intro or a live
# version adds more. NOTE: these values are a judgement, not measured on a corpus.
DURATION_TOLERANCE_S = 7.0
DURATION_TOLERANCE_FRACTION = 0.05
# Candidates tried per track when downloads fail or their lengths do not fit.
MAX_ATTEMPTS = 3

# The overall progress fraction at which each stage starts.
_STAGE_START = {
    Stage.SEARCHING: 0.0,
    Stage.MATCHING: 0.05,
    Stage.DOWNLOADING: 0.1,
    Stage.CONVERTING: 0.8,
    Stage.TAGGING: 0.9,
    Stage.PLACING: 0.95,
}

ResultStatus = Literal["downloaded", "skipped", "needs_review"]


class PipelineError(SpotdeskError):
    code = "pipeline.failed"


class NoMatch(PipelineError):
    code = "match.not_found"


class DurationMismatch(PipelineError):
    code = "match.duration_mismatch"


class _CandidateRejected(Exception):
    """One candidate failed in a way that another candidate may avoid."""

    def __init__(self, error: SpotdeskError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class TrackResult:
    status: ResultStatus
    output_path: str | None
    match: MatchCandidate | None
    candidates: list[MatchCandidate]
    bytes_written: int
    message: str
    warnings: list[str] = field(default_factory=list)


def _ignore_progress(progress: Progress) -> None:
    pass


def _never_stop() -> None:
    pass


class Pipeline:
    """Search, download, convert, tag and place tracks.

    `matcher` defaults to the providers named by `search_providers` at `urls` (see
    `config.effective_search_providers`: the `SPOTDESK_SEARCH_PROVIDERS` variable, then
    this list, then YouTube Music and YouTube), and `fetcher` to a yt-dlp `Fetcher`.
    `lyrics` is an object with `fetch(track)`, by default an LRCLIB client created only
    when a task requests lyrics. Unknown provider names raise `InvalidSearchProviders` here.
    """

    def __init__(
        self,
        urls: ServiceUrls,
        matcher: Matcher | None = None,
        fetcher: Fetcher | None = None,
        lyrics: Any = None,
        cookies_from_browser: str | None = None,
        search_providers: Sequence[str] | None = None,
    ) -> None:
        self.urls = urls
        self.cookies_from_browser = cookies_from_browser or None
        self.search_providers = effective_search_providers(
            list(search_providers) if search_providers is not None else None
        )
        self._matcher = matcher
        self.fetcher = fetcher or Fetcher(cookies_from_browser=self.cookies_from_browser)
        self._lyrics = lyrics
        self._libraries: dict[Path, LibraryIndex] = {}

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            from spotdesk.audio.match import Matcher
            from spotdesk.audio.search import default_providers

            providers = default_providers(
                self.urls, self.cookies_from_browser, self.search_providers
            )
            self._matcher = Matcher(providers)
        return self._matcher

    @property
    def lyrics(self) -> Any:
        if self._lyrics is None:
            from spotdesk.audio.lyrics import LyricsClient

            self._lyrics = LyricsClient(self.urls.lrclib)
        return self._lyrics

    def library(self, folder: str) -> LibraryIndex:
        """Return the library index of `folder`, walked once and then kept."""
        key = Path(folder).expanduser().absolute()
        if key not in self._libraries:
            self._libraries[key] = LibraryIndex(key)
        return self._libraries[key]

    def run(
        self,
        track: Track,
        options: OutputOptions,
        *,
        context: CollectionContext | None = None,
        chosen_url: str | None = None,
        report: Callable[[Progress], None] = _ignore_progress,
        check: Callable[[], None] = _never_stop,
    ) -> TrackResult:
        """Produce the file for `track`, or return why it was skipped or needs review.

        Raises `SpotdeskError` subclasses with stable codes on failure, and whatever
        `check()` raises (cancel, pause, lost lease) after removing temporary files.
        """
        run = _TrackRun(self, track, options, context, report, check)
        try:
            return run.execute(chosen_url)
        except OSError as error:
            # Filesystem calls outside the wrappers (an existence check on a path that is
            # too long, for example) still end as a project error with a code.
            raise filesystem_error(error, error.filename or options.folder) from error


class _TrackRun:
    """The state of one `Pipeline.run` call."""

    def __init__(
        self,
        pipeline: Pipeline,
        track: Track,
        options: OutputOptions,
        context: CollectionContext | None,
        report: Callable[[Progress], None],
        check: Callable[[], None],
    ) -> None:
        self.pipeline = pipeline
        self.track = track
        self.options = options
        self.context = context
        self.report = report
        self.check = check
        self.extension = extension_for(options.format)
        self.temporaries: list[Path] = []
        self.warnings: list[str] = []
        self.source_codec: str | None = None

    def execute(self, chosen_url: str | None) -> TrackResult:
        track, options = self.track, self.options
        self.check()
        validate_bitrate(options.format, options.bitrate)
        final = render_path(options.folder, options.template, track, self.context, self.extension)

        skipped = self._skip_if_present(final)
        if skipped is not None:
            return skipped

        if chosen_url:
            candidates = [_manual_candidate(chosen_url)]
            ranked: list[MatchCandidate] = []
        else:
            outcome = self._match()
            if isinstance(outcome, TrackResult):
                return outcome
            candidates, ranked = outcome

        ensure_folder(final.parent)
        _check_writable(final.parent)
        remove_stale_temporaries(final.parent)
        try:
            return self._produce(final, candidates, ranked or candidates, manual=bool(chosen_url))
        finally:
            for path in self.temporaries:
                remove_quietly(path)

    def _skip_if_present(self, final: Path) -> TrackResult | None:
        if self.options.force:
            return None
        existing = self.pipeline.library(self.options.folder).find(self.track, self.options.format)
        if existing is not None:
            return TrackResult(
                "skipped",
                str(existing),
                None,
                [],
                0,
                f"Already in the library as {existing}.",
            )
        if choose_target(final, self.track, self.options) is None:
            return TrackResult(
                "skipped",
                str(final),
                None,
                [],
                0,
                f"Another file already has the name {final} and its tags do not say which "
                "recording it holds; it was kept because the overwrite setting is skip. "
                "Set overwrite to rename to keep both files.",
            )
        return None

    def _match(self) -> tuple[list[MatchCandidate], list[MatchCandidate]] | TrackResult:
        matcher = self.pipeline.matcher
        names = [provider.name for provider in getattr(matcher, "providers", [])]
        self._stage(Stage.SEARCHING, "searching " + (", ".join(names) or "for audio"))
        result = matcher.find(self.track)
        self.check()
        self._stage(Stage.MATCHING, f"{len(result.ranked)} candidates")
        if result.best is None:
            raise NoMatch(
                f"No audio was found for {self.track.title!r}; pair it with an audio link "
                "by hand (AUDIO_URL|SPOTIFY_LINK).",
            )
        if result.needs_review:
            return TrackResult(
                "needs_review",
                None,
                result.best,
                result.ranked,
                0,
                f"The best match scored {result.confidence:.2f}, below the review threshold; "
                "choose a match for this track.",
            )
        from spotdesk.audio.match import REVIEW_THRESHOLD

        threshold = getattr(self.pipeline.matcher, "threshold", REVIEW_THRESHOLD)
        good = [item for item in result.ranked if item.confidence >= threshold]
        return (good or [result.best])[:MAX_ATTEMPTS], result.ranked

    def _produce(
        self,
        final: Path,
        candidates: Sequence[MatchCandidate],
        ranked: list[MatchCandidate],
        manual: bool,
    ) -> TrackResult:
        downloaded, candidate, duration = self._download(final.parent, candidates, manual)

        self._stage(Stage.CONVERTING, f"to {self.options.format.value}")
        converted = self._temporary(final.parent, "." + self.extension)
        try:
            result = convert(
                downloaded.path,
                converted,
                self.options.format,
                self.options.bitrate,
                source_codec=self.source_codec,
                check=self.check,
            )
        except ConversionFailed as error:
            # ffmpeg's message names the temporary file, which means nothing to the user.
            raise ConversionFailed(
                f"ffmpeg could not convert the audio downloaded from {candidate.url} to "
                f"{self.options.format.value}; choose another match for this track.",
                detail=error.detail,
            ) from error
        remove_quietly(downloaded.path)
        log.info(
            "track %s %s to %s",
            self.track.id,
            "remuxed" if result.remuxed else "transcoded",
            self.options.format.value,
        )

        self._stage(Stage.TAGGING)
        lyrics = self._fetch_lyrics() if self.options.lyrics else None
        cover = fetch_cover(self.track.cover_url)
        if self.track.cover_url and cover is None:
            self.warnings.append("The cover image could not be fetched; the file has no cover.")
        self.check()
        data = TagData.from_track(
            self.track,
            source_url=candidate.url,
            cover=cover,
            lyrics_synced=lyrics[0] if lyrics else None,
            lyrics_plain=lyrics[1] if lyrics else None,
        )
        write_tags(converted, self.options.format, data)

        self._stage(Stage.PLACING)
        self.check()
        target = self._place(converted, final)
        if target is None:
            return TrackResult(
                "skipped",
                str(final),
                candidate,
                ranked,
                0,
                f"Another file took the name {final} meanwhile; it was kept.",
                self.warnings,
            )
        if self.options.lrc_file and data.lyrics_plain:
            self._write_lrc(target, data)
        self.pipeline.library(self.options.folder).add(target, self.track, self.options.format)
        size = target.stat().st_size
        self.report(
            Progress(Stage.PLACING, 1.0, bytes_done=size, bytes_total=size, message=str(target))
        )
        message = f"Saved {target.name} from {candidate.url}"
        if duration is not None:
            message += f" ({duration:.0f} s)"
        return TrackResult(
            "downloaded", str(target), candidate, ranked, size, message + ".", self.warnings
        )

    def _download(
        self, folder: Path, candidates: Sequence[MatchCandidate], manual: bool
    ) -> tuple[Downloaded, MatchCandidate, float | None]:
        last_error: SpotdeskError | None = None
        for number, candidate in enumerate(candidates, start=1):
            self.check()
            self._stage(Stage.DOWNLOADING, candidate.url)
            try:
                downloaded, info = self._fetch_and_probe(candidate, folder, manual)
            except _CandidateRejected as rejected:
                log.warning(
                    "track %s: candidate %d (%s) rejected: %s [%s]",
                    self.track.id,
                    number,
                    candidate.url,
                    rejected.error.message,
                    rejected.error.code,
                )
                last_error = rejected.error
                continue
            self.source_codec = info.codec
            return downloaded, candidate, info.duration_s
        assert last_error is not None
        raise last_error

    def _fetch_and_probe(
        self, candidate: MatchCandidate, folder: Path, manual: bool
    ) -> tuple[Downloaded, MediaInfo]:
        """Download one candidate and check its length.

        Raises `_CandidateRejected` when another candidate may do better, and the fetch
        error itself when none would (a network failure, a bot check).
        """
        # A length chosen by hand may differ from Spotify's, so only the absolute size
        # limit applies to it.
        expected = None if manual or not self.track.duration_ms else self.track.duration_ms / 1000
        try:
            downloaded = self.pipeline.fetcher.fetch(
                candidate.url,
                folder,
                on_progress=self._download_progress,
                check=self.check,
                expected_duration_s=expected,
            )
        except FetchError as error:
            log.debug("yt-dlp output for %s:\n%s", candidate.url, error.detail)
            if not error.try_next:
                raise
            raise _CandidateRejected(error) from error
        self.temporaries.append(downloaded.path)

        try:
            info = probe(downloaded.path)
        except FfmpegFailed as error:
            log.debug("ffmpeg output for %s:\n%s", downloaded.path, error.detail)
            remove_quietly(downloaded.path)
            unreadable = FfmpegFailed(
                f"The file downloaded from {candidate.url} contains no audio stream ffmpeg "
                "can read; choose another match for this track.",
                code=error.code,
                detail=error.detail,
            )
            raise _CandidateRejected(unreadable) from error

        mismatch = self._duration_mismatch(info.duration_s)
        if mismatch and not manual:
            remove_quietly(downloaded.path)
            rejection = DurationMismatch(
                f"The downloaded audio {mismatch}; choose a match for this track."
            )
            raise _CandidateRejected(rejection)
        if mismatch:
            self.warnings.append(f"The chosen audio {mismatch}.")
        return downloaded, info

    def _duration_mismatch(self, actual: float | None) -> str | None:
        if actual is None or not self.track.duration_ms:
            return None
        expected = self.track.duration_ms / 1000
        tolerance = max(DURATION_TOLERANCE_S, DURATION_TOLERANCE_FRACTION * expected)
        if abs(actual - expected) <= tolerance:
            return None
        return f"lasts {actual:.0f} s but Spotify's track lasts {expected:.0f} s"

    def _download_progress(self, progress: DownloadProgress) -> None:
        fraction = None
        if progress.bytes_total:
            fraction = min(progress.bytes_done / progress.bytes_total, 1.0)
        start, end = _STAGE_START[Stage.DOWNLOADING], _STAGE_START[Stage.CONVERTING]
        self.report(
            Progress(
                Stage.DOWNLOADING,
                start + (end - start) * (fraction or 0.0),
                bytes_done=progress.bytes_done,
                bytes_total=progress.bytes_total,
                speed=progress.speed,
                eta=progress.eta,
            )
        )

    def _fetch_lyrics(self) -> tuple[str | None, str | None] | None:
        try:
            lyrics = self.pipeline.lyrics.fetch(self.track)
        except SpotdeskError as error:
            log.warning("lyrics for track %s could not be fetched: %s", self.track.id, error)
            self.warnings.append("The lyrics could not be fetched; the file has none.")
            return None
        if lyrics is None:
            return None
        return lyrics.synced, lyrics.plain

    def _place(self, converted: Path, final: Path) -> Path | None:
        for _ in range(3):
            target = choose_target(final, self.track, self.options)
            if target is None:
                return None
            replace = target.exists()
            try:
                place_file(converted, target, replace=replace)
            except FileExistsError:
                continue  # another worker placed a file there meanwhile; decide again
            self.temporaries.remove(converted)
            return target
        return None

    def _write_lrc(self, target: Path, data: TagData) -> None:
        try:
            text = data.lyrics_synced or data.lyrics_plain or ""
            write_text_atomically(target.with_suffix(".lrc"), text + "\n")
        except SpotdeskError as error:
            log.warning("the .lrc file beside %s could not be written: %s", target, error)
            self.warnings.append(f"The .lrc file could not be written: {error}")

    def _temporary(self, folder: Path, suffix: str) -> Path:
        path = temp_path(folder, suffix)
        self.temporaries.append(path)
        return path

    def _stage(self, stage: Stage, message: str | None = None) -> None:
        self.report(Progress(stage, _STAGE_START[stage], message=message))


def _manual_candidate(url: str) -> MatchCandidate:
    return MatchCandidate(
        url=url,
        title=url,
        channel=None,
        duration_s=None,
        provider="manual",
        confidence=1.0,
        reasons=["chosen by the user"],
    )


def _check_writable(folder: Path) -> None:
    """Fail before downloading when `folder` does not accept new files."""
    probe_path = temp_path(folder, ".probe")
    try:
        with open(probe_path, "xb"):
            pass
    except OSError as error:
        mapped = filesystem_error(error, folder)
        if type(mapped) is FilesystemError:
            # A folder that exists but rejects new files with an unusual error, such as
            # ENOENT under /proc, is a virtual or special folder rather than a missing one.
            raise FolderNotWritable(
                f"Cannot create files in {folder}; it is not a normal folder that accepts "
                "new files. Choose another output folder.",
                detail=mapped.detail,
            ) from error
        raise mapped from error
    remove_quietly(probe_path)


def write_collection_playlist(
    resolution: Resolution, paths: dict[str, str | None], options: OutputOptions
) -> Path | None:
    """Write `<collection name>.m3u8` in the output folder, listing the files in Spotify's
    order with relative paths; return None for single tracks or when no file exists."""
    if not resolution.link.kind.is_collection:
        return None
    items: list[tuple[Track, Path | None]] = []
    for track in resolution.tracks:
        path = paths.get(track.id)
        items.append((track, Path(path) if path else None))
    if not any(path for _, path in items):
        return None
    folder = Path(options.folder).expanduser().absolute()
    playlist = folder / sanitise_file_name(resolution.name or resolution.link.id, "m3u8")
    return write_m3u8(playlist, items)
