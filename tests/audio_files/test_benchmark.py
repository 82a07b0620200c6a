"""The pipeline benchmark runs and ends with its JSON summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_benchmark_prints_summary() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(REPOSITORY / "benchmarks" / "pipeline.py"),
            "--files",
            "2",
            "--seconds",
            "1",
            "--rounds",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPOSITORY,
    )

    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert summary["files"] == 2
    assert summary["overhead_ratio"] > 0
    assert summary["remux_speedup"] > 0
    assert set(summary["per_track_ms"]) == {
        f"{side}_{mode}"
        for side in ("bare", "bare_per_file", "spotdesk")
        for mode in ("remux", "transcode")
    }
