"""A stand-in for the pipeline that takes a set time, for lease and fault tests.

Worker processes load it through `SPOTDESK_WORKER_PIPELINE`. It writes a temporary file
beside the final one. The name is unique per process, so a worker that lost its lease
cannot remove the file of the worker that took over. It first removes the temporary
files that earlier attempts at the same track left behind, because a killed process
cannot clean up. It
calls `check()` and `report()` about 20 times a second and renames the file into place
after a last `check()`, as the real pipeline does. Every placement is
appended to `placements.log` in the output folder, so tests can count them.

A track title can choose an outcome: ``review:`` returns needs_review, ``fail:`` raises a
non-retryable `SpotdeskError`, ``retry:`` a retryable one, ``crash:`` a `RuntimeError`, and
``import:`` an `ImportError`, as a broken installation would.
``stall:`` sleeps for the set time without calling `check()`, on the first attempt only.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spotdesk.errors import SpotdeskError
from spotdesk.model import MatchCandidate, OutputOptions, Progress, Stage, Track

SECONDS_VARIABLE = "SPOTDESK_TEST_PIPELINE_SECONDS"
STEPS_PER_SECOND = 20


@dataclass
class FakeResult:
    status: str
    output_path: str | None
    match: MatchCandidate | None = None
    candidates: list[MatchCandidate] = field(default_factory=list)
    bytes_written: int = 0
    message: str = ""


def candidate(url: str) -> MatchCandidate:
    return MatchCandidate(
        url=url, title="a candidate", channel="somebody", duration_s=3.0, provider="ytmusic"
    )


class SlowPipeline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def run(
        self,
        track: Track,
        options: OutputOptions,
        *,
        context: Any = None,
        chosen_url: str | None = None,
        report: Any,
        check: Any,
    ) -> FakeResult:
        folder = Path(options.folder)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{track.id}.txt"
        temporary = folder / f".{track.id}.{os.getpid()}.part"
        if final.exists() and not options.force:
            return FakeResult("skipped", str(final), message="already in the library")
        report(Progress(stage=Stage.SEARCHING))
        check()
        if track.title.startswith("review:"):
            return FakeResult(
                "needs_review",
                None,
                candidates=[candidate("http://127.0.0.1:9/a")],
                message="low confidence",
            )
        if track.title.startswith("fail:"):
            raise SpotdeskError("The video is unavailable.", code="audio.unavailable")
        if track.title.startswith("retry:"):
            raise SpotdeskError("The network failed.", code="audio.network", retryable=True)
        stall_marker = folder / f".{track.id}.stalled"
        if track.title.startswith("stall:") and not stall_marker.exists():
            stall_marker.touch()
            time.sleep(self.seconds)
        if track.title.startswith("crash:"):
            raise RuntimeError("a bug in the pipeline")
        if track.title.startswith("import:"):
            raise ImportError("cannot import name 'missing'", name="spotdesk.missing")

        # The claim makes this attempt the only one allowed to place the file, so other
        # temporary files of this track belong to dead or lease-less attempts.
        for leftover in folder.glob(f".{track.id}.*.part"):
            leftover.unlink(missing_ok=True)
        steps = max(1, int(self.seconds * STEPS_PER_SECOND))
        try:
            with temporary.open("w", encoding="utf-8") as out:
                for step in range(steps):
                    check()
                    report(
                        Progress(
                            stage=Stage.DOWNLOADING,
                            fraction=step / steps,
                            bytes_done=step,
                            bytes_total=steps,
                        )
                    )
                    out.write(f"{step}\n")
                    out.flush()
                    time.sleep(self.seconds / steps)
                out.write(f"complete {track.id} {chosen_url}\n")
            check()
            report(Progress(stage=Stage.PLACING, fraction=1.0))
            os.replace(temporary, final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        with (folder / "placements.log").open("a", encoding="utf-8") as log:
            log.write(f"{track.id} {os.getpid()}\n")
        return FakeResult(
            "downloaded", str(final), bytes_written=final.stat().st_size, message="downloaded"
        )


def build(urls: Any, settings: Any) -> SlowPipeline:
    return SlowPipeline(float(os.environ.get(SECONDS_VARIABLE, "1.0")))
