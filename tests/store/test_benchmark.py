"""The queue benchmark's smoke run: it finishes and reports no double claims."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "queue.py"


def test_quick_run_reports_summary(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARK),
            "--quick",
            "--processes",
            "1",
            "2",
            "--dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["double_claims"] == 0
    assert summary["claims_per_s_1"] > 0
    assert summary["claims_per_s_4"] > 0
    assert summary["claim_latency_ratio_100k_vs_1k"] > 0
    assert len(summary["runs"]) == 4
