"""Claim throughput and latency of the SQLite store, with several claiming processes.

For each queue size (default 1,000, 10,000 and 100,000 queued track tasks) the script
fills one SQLite file. For each process count (default 1, 2 and 4) it then copies the file
and lets that many processes claim tasks as fast as they can, all starting together. Each
run takes `--claims` claims in total (at most half the queue), split evenly between the
processes. A claim here is the store's whole `claim` call: one `BEGIN IMMEDIATE`
transaction that updates the change counter and the claimed row, then commits.

The last line printed is one JSON object:
  claims_per_s_1, claims_per_s_4   claims per second with 1 and 4 processes on the
                                   largest queue measured
  claim_latency_ratio_100k_vs_1k   median single-process claim latency on the largest
                                   queue divided by that on the smallest (the median,
                                   because other programs on the machine add outliers)
  double_claims                    task ids claimed more than once, over all runs (must be 0)
plus the full table under "runs".

Run: python3 benchmarks/queue.py            (about a minute on 2 cores, mostly filling)
     python3 benchmarks/queue.py --quick    (small sizes, a few seconds, for a smoke test)
"""

# ruff: noqa: E402 - the imports below must follow the sys.path fix
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and this file's name would
# then hide the standard library's `queue` module that multiprocessing imports.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import json
import multiprocessing
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from spotdesk.model import OutputOptions, TaskKind
from spotdesk.store.contract import NewTask
from spotdesk.store.sqlite import SqliteStore

BATCH = 5000  # tasks per submit call while filling
LEASE_SECONDS = 600.0


def fill(path: Path, size: int) -> None:
    """Create a store file with `size` queued track tasks."""
    options = OutputOptions(folder="/music")
    with SqliteStore(path) as store:
        for start in range(0, size, BATCH):
            store.submit(
                [
                    NewTask(
                        kind=TaskKind.TRACK,
                        link=f"https://open.spotify.com/track/{index:022d}",
                        options=options,
                        dedupe_key=f"track:{index}",
                        title=f"Track {index}",
                    )
                    for index in range(start, min(start + size, start + BATCH, size))
                ]
            )
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def claimer(path: str, owner: str, claims: int, barrier: Barrier, results: Queue[Any]) -> None:
    """Claim `claims` tasks; put (owner, ids, seconds each claim call took)."""
    ids: list[str] = []
    latencies: list[float] = []
    with SqliteStore(path) as store:
        store.claim(f"{owner}-warmup", LEASE_SECONDS, kinds=[TaskKind.RESOLVE])  # opens pages
        barrier.wait(120)
        for _ in range(claims):
            started = time.perf_counter()
            task = store.claim(owner, LEASE_SECONDS)
            latencies.append(time.perf_counter() - started)
            if task is None:
                break
            ids.append(task.id)
    results.put((owner, ids, latencies))


def run(path: Path, processes: int, total_claims: int) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    results = context.Queue()
    per_process = total_claims // processes
    workers = [
        context.Process(
            target=claimer, args=(str(path), f"p{index}", per_process, barrier, results)
        )
        for index in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait(120)
    started = time.perf_counter()
    collected = [results.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join(60)

    ids = [task_id for _, owner_ids, _ in collected for task_id in owner_ids]
    claims = len(ids)
    latencies = sorted(
        seconds for _, _, owner_latencies in collected for seconds in owner_latencies
    )
    return {
        "processes": processes,
        "claims": claims,
        "seconds": round(elapsed, 3),
        "claims_per_s": round(claims / elapsed, 1),
        "mean_latency_ms": round(1000 * statistics.fmean(latencies), 4),
        "median_latency_ms": round(1000 * statistics.median(latencies), 4),
        "p95_latency_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 4),
        "max_latency_ms": round(1000 * latencies[-1], 3),
        "double_claims": sum(count - 1 for count in Counter(ids).values() if count > 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000, 10_000, 100_000],
        help="queue sizes in tasks (default: 1000 10000 100000)",
    )
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1, 2, 4],
        help="claiming process counts (default: 1 2 4)",
    )
    parser.add_argument(
        "--claims",
        type=int,
        default=4000,
        help="claims per run, at most half the queue (default: 4000)",
    )
    parser.add_argument("--quick", action="store_true", help="sizes 200 and 2000, 200 claims")
    parser.add_argument(
        "--dir", type=Path, help="folder for the database files (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.claims = [200, 2_000], 200

    folder = args.dir or Path(tempfile.mkdtemp(prefix="spotdesk-queue-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    try:
        for size in sorted(args.sizes):
            template = folder / f"filled-{size}.db"
            started = time.perf_counter()
            fill(template, size)
            print(f"filled {size} tasks in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            for processes in args.processes:
                copy = folder / f"run-{size}-{processes}.db"
                shutil.copyfile(template, copy)
                result = {"queue": size, **run(copy, processes, min(args.claims, size // 2))}
                print(json.dumps(result), file=sys.stderr)
                runs.append(result)
                copy.unlink()
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)

    print(json.dumps(summarise(runs, min(args.sizes), max(args.sizes), args.processes)))
    return 0


def summarise(
    runs: list[dict[str, Any]], smallest: int, largest: int, processes: list[int]
) -> dict[str, Any]:
    def pick(size: int, count: int) -> dict[str, Any]:
        return next(run for run in runs if run["queue"] == size and run["processes"] == count)

    few, many = min(processes), max(processes)
    return {
        "claims_per_s_1": pick(largest, few)["claims_per_s"],
        "claims_per_s_4": pick(largest, many)["claims_per_s"],
        "claim_latency_ratio_100k_vs_1k": round(
            pick(largest, few)["median_latency_ms"] / pick(smallest, few)["median_latency_ms"], 3
        ),
        "double_claims": sum(run["double_claims"] for run in runs),
        "runs": runs,
    }


if __name__ == "__main__":
    raise SystemExit(main())
