"""Live progress and the final summary of `spotdesk download`.

Kept apart from the command so the same display serves the in-process run and, later,
a run on the queue: both feed it `Progress` values and per-track outcomes.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from typing import TextIO

from spotdesk.model import Progress, Stage

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
    return "\n".join(lines)


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
        self._line_width = 0
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
        # A line wider than the terminal wraps, and "\r" then redraws only its last row.
        width = shutil.get_terminal_size().columns - 1
        if len(line) > width:
            line = line[: max(width - 1, 0)] + "…"
        padding = max(self._line_width - len(line), 0)
        self.stream.write("\r" + line + " " * padding)
        self.stream.flush()
        self._line_width = len(line)

    def _print(self, text: str) -> None:
        if self.interactive and self._line_width:
            self.stream.write("\r" + " " * self._line_width + "\r")
            self._line_width = 0
        self.stream.write(text + "\n")
        self.stream.flush()
