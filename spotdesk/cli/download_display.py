"""Live progress and the final summary of `spotdesk download`.

`ProgressDisplay` follows the in-process run one track at a time; `QueueDisplay` follows
tasks on the queue, where workers run several tracks at once. Both fill a
`DownloadSummary`, printed by `format_summary`. Every line they write goes through
`printable`, because track and playlist names come from Spotify users and could otherwise
send escape sequences to the terminal.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from typing import TextIO

from spotdesk.cli.terminal import printable
from spotdesk.model import Progress, Stage, Task, TaskKind, TaskState

# The minimum seconds between two redraws of the live line on a terminal.
REDRAW_INTERVAL_S = 0.1


@dataclass
class Outcome:
    """The end state of one track: `status` is downloaded, skipped, needs_review or failed."""

    label: str
    status: str
    message: str
    path: str | None = None
    code: str | None = None


@dataclass
class DownloadSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    bytes_downloaded: int = 0
    started: float = field(default_factory=time.monotonic)
    interrupted: bool = False

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def with_status(self, status: str) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def average_speed(self) -> float | None:
        return self.bytes_downloaded / self.elapsed if self.elapsed > 0 else None


def exit_status(summary: DownloadSummary) -> int:
    """Return 0 when every track was downloaded or skipped, 1 otherwise."""
    if summary.interrupted:
        return 1
    ok = {"downloaded", "skipped"}
    return 0 if all(outcome.status in ok for outcome in summary.outcomes) else 1


def format_summary(summary: DownloadSummary) -> str:
    """Return the summary text: counts, then every track that needs attention."""
    counts = {
        status: len(summary.with_status(status))
        for status in ("downloaded", "skipped", "needs_review", "failed")
    }
    lines = [
        f"Downloaded {counts['downloaded']}, skipped {counts['skipped']}, "
        f"needs review {counts['needs_review']}, failed {counts['failed']} "
        f"in {format_duration(summary.elapsed)}"
        + (
            f" ({format_speed(summary.average_speed)} on average)."
            if summary.bytes_downloaded
            else "."
        )
    ]
    if summary.interrupted:
        lines.append("Interrupted: the remaining tracks were not processed.")
    for outcome in summary.with_status("skipped"):
        lines.append(f"  skipped       {outcome.label}: {outcome.message}")
    for outcome in summary.with_status("needs_review"):
        lines.append(f"  needs review  {outcome.label}: {outcome.message}")
    for outcome in summary.with_status("failed"):
        lines.append(f"  failed        {outcome.label}: {outcome.message} [{outcome.code}]")
    return "\n".join(printable(line) for line in lines)


def format_speed(bytes_per_second: float | None) -> str:
    if not bytes_per_second:
        return "-"
    for unit in ("B/s", "KiB/s", "MiB/s"):
        if bytes_per_second < 1024 or unit == "MiB/s":
            return f"{bytes_per_second:.1f} {unit}"
        bytes_per_second /= 1024
    return "-"


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


class LiveLine:
    """One status line redrawn in place on a terminal, with finished lines printed above."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty()
        self._width = 0

    def draw(self, line: str) -> None:
        line = printable(line)
        # A line wider than the terminal wraps, and "\r" then redraws only its last row.
        width = shutil.get_terminal_size().columns - 1
        if len(line) > width:
            line = line[: max(width - 1, 0)] + "…"
        padding = max(self._width - len(line), 0)
        self.stream.write("\r" + line + " " * padding)
        self.stream.flush()
        self._width = len(line)

    def print(self, text: str) -> None:
        self.clear()
        self.stream.write(printable(text) + "\n")
        self.stream.flush()

    def clear(self) -> None:
        """Erase the status line, so that the next output starts at the line's beginning."""
        if self.interactive and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


class ProgressDisplay:
    """Show one live line for the running track and one line per finished track.

    On a terminal the live line is redrawn in place (at most every `REDRAW_INTERVAL_S`);
    elsewhere only stage changes are printed, so logs stay readable.
    """

    def __init__(self, stream: TextIO, total: int, summary: DownloadSummary) -> None:
        self.stream = stream
        self.total = total
        self.summary = summary
        self.interactive = stream.isatty()
        self._label = ""
        self._stage: Stage | None = None
        self._last_draw = 0.0
        self._line = LiveLine(stream)
        self._track_bytes = 0
        self._position = 0

    def start_track(self, label: str, position: int) -> None:
        """Begin showing the track at 1-based `position` of all tracks."""
        self._label = label
        self._position = position
        self._stage = None
        self._track_bytes = 0

    def update(self, progress: Progress) -> None:
        if progress.stage is Stage.DOWNLOADING and progress.bytes_done:
            self._track_bytes = progress.bytes_done
        stage_changed = progress.stage is not self._stage
        self._stage = progress.stage
        if not self.interactive:
            if stage_changed:
                self._print(f"{self._prefix()} {progress.stage.value} {self._label}")
            return
        now = time.monotonic()
        if not stage_changed and now - self._last_draw < REDRAW_INTERVAL_S:
            return
        self._last_draw = now
        self._draw(self._live_line(progress))

    def finish_track(self, outcome: Outcome) -> None:
        if outcome.status == "downloaded":
            self.summary.bytes_downloaded += self._track_bytes
        self.summary.add(outcome)
        text = f"{self._prefix()} {outcome.status}: {outcome.label}"
        if outcome.status == "downloaded" and outcome.path:
            text += f" -> {outcome.path}"
        elif outcome.status != "downloaded":
            text += f" ({outcome.message})"
        self._print(text)

    def close(self) -> None:
        """Erase the live line; call this before printing the summary."""
        self._line.clear()

    def _prefix(self) -> str:
        return f"[{self._position}/{self.total}]"

    def _live_line(self, progress: Progress) -> str:
        parts = [self._prefix(), f"{progress.stage.value:<11}", f"{progress.fraction * 100:3.0f}%"]
        if progress.stage is Stage.DOWNLOADING and progress.speed:
            parts.append(format_speed(progress.speed))
            if progress.eta is not None:
                parts.append(f"ETA {format_duration(progress.eta)}")
        parts.append(self._label)
        done = len(self.summary.outcomes)
        overall = f"| done {done}/{self.total}"
        if self.summary.bytes_downloaded:
            overall += f", {format_speed(self.summary.average_speed)} overall"
        parts.append(overall)
        return " ".join(parts)

    def _draw(self, line: str) -> None:
        self._line.draw(line)

    def _print(self, text: str) -> None:
        self._line.print(text)


class QueueDisplay:
    """Follow tasks on the queue, where several tracks run at once on different workers.

    Each track prints one line when it finishes. On a terminal a live line below shows
    overall progress and the running tracks. Elsewhere stage changes are printed instead.
    """

    def __init__(self, stream: TextIO, summary: DownloadSummary) -> None:
        self.stream = stream
        self.summary = summary
        self.interactive = stream.isatty()
        self._tracks: dict[str, Task] = {}
        self._stages: dict[str, Stage | None] = {}
        self._finished: set[str] = set()
        self._finished_tracks = 0
        self._last_draw = 0.0
        self._line = LiveLine(stream)

    def on_change(self, task: Task) -> None:
        if task.kind is TaskKind.RESOLVE:
            self._on_resolve(task)
            return
        self._tracks[task.id] = task
        if task.state.is_final:
            self._finish(task)
            return
        if task.stage is not self._stages.get(task.id):
            self._stages[task.id] = task.stage
            if not self.interactive and task.stage is not None:
                self._print(f"[{self._done()}/{self._total()}] {task.stage.value} {_label(task)}")
        self._redraw()

    def _on_resolve(self, task: Task) -> None:
        if task.id in self._finished or not task.state.is_final:
            return
        self._finished.add(task.id)
        if task.state is TaskState.FAILED:
            message = task.error_message or ""
            outcome = Outcome(task.title or task.link, "failed", message, code=task.error_code)
            self.summary.add(outcome)
            self._print(f"failed: {task.link} ({outcome.message})")
            return
        for entry in task.skipped:
            label = entry.title or f"{task.title or task.link} entry {entry.position or '?'}"
            if entry.reason in ("not_found", "not_listed"):
                code = f"spotify.{entry.reason}"
                self.summary.add(Outcome(label, "failed", entry.message, code=code))

    def _finish(self, task: Task) -> None:
        if task.id in self._finished:
            return
        self._finished.add(task.id)
        self._finished_tracks += 1
        outcome = outcome_of(task)
        if outcome.status == "downloaded":
            self.summary.bytes_downloaded += task.bytes_total or task.bytes_done or 0
        self.summary.add(outcome)
        text = f"[{self._done()}/{self._total()}] {outcome.status}: {outcome.label}"
        if outcome.status == "downloaded" and outcome.path:
            text += f" -> {outcome.path}"
        elif outcome.status != "downloaded":
            text += f" ({outcome.message})"
        self._print(text)
        self._redraw(force=True)

    def close(self) -> None:
        """Erase the live line; call this before printing the summary."""
        self._line.clear()

    def _done(self) -> int:
        return self._finished_tracks

    def _total(self) -> int:
        return len(self._tracks)

    def _redraw(self, force: bool = False) -> None:
        if not self.interactive:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < REDRAW_INTERVAL_S:
            return
        self._last_draw = now
        running = [task for task in self._tracks.values() if task.state is TaskState.RUNNING]
        speed = sum(task.speed or 0 for task in running)
        parts = [f"done {self._done()}/{self._total()}"]
        if speed:
            parts.append(format_speed(speed))
        for task in running[:3]:
            stage = task.stage.value if task.stage else "starting"
            parts.append(f"| {stage} {task.progress * 100:.0f}% {_label(task)}")
        self._draw(" ".join(parts))

    def _draw(self, line: str) -> None:
        self._line.draw(line)

    def _print(self, text: str) -> None:
        self._line.print(text)


def _label(task: Task) -> str:
    if task.track is not None:
        track = task.track
        return f"{', '.join(track.artists)} - {track.title}" if track.artists else track.title
    return task.title or task.link


def outcome_of(task: Task) -> Outcome:
    """Return the download outcome of a final track task."""
    label = _label(task)
    if task.state is TaskState.DONE and task.skipped_reason:
        return Outcome(label, "skipped", task.skipped_reason, path=task.output_path)
    if task.state is TaskState.DONE:
        return Outcome(label, "downloaded", "", path=task.output_path)
    if task.needs_review:
        message = task.error_message or "No search result matched well enough."
        if task.match is not None:
            message += f" Best candidate: {task.match.title} <{task.match.url}>."
        return Outcome(label, "needs_review", message, code=task.error_code)
    if task.state is TaskState.CANCELLED:
        return Outcome(label, "failed", "cancelled", code="cancelled")
    return Outcome(label, "failed", task.error_message or "", code=task.error_code)
