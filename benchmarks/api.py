"""Latency of the HTTP API over a SQLite store, and how fast events reach clients.

The script serves `create_app` with uvicorn on a loopback port, in a thread, over a new
SQLite file. It then measures these with httpx over real HTTP:
  submit      `POST /downloads` with one new link per request, one request at a time,
              each after a random pause of up to 0.5 s
  list        `GET /downloads?limit=100` on the queue filled by the submissions
  detail      `GET /downloads/{id}`
  event       time from a submission's response to its `task` event on an open stream
              (the stream polls the store every 0.5 s, so this is about 0.25 s on average)
  submit_busy `POST /downloads` again while `--streams` other event streams are open

The last line printed is one JSON object with the median and p95 of each, in ms.

Run: python3 benchmarks/api.py            (about two minutes on 2 cores)
     python3 benchmarks/api.py --quick    (a few seconds, for a smoke test)
"""

# ruff: noqa: E402 - the imports below must follow the sys.path fix
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and `benchmarks/queue.py`
# would then hide the standard library's `queue` module.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse
import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from spotdesk.api import create_app
from spotdesk.api.server import ApiServer, ServerThread
from spotdesk.config import Settings

TOKEN = "benchmark-token-0123456789abcdef"


def summarise(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def timed(call: Callable[[], httpx.Response]) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


class StreamWatcher(threading.Thread):
    """Read one event stream and record when each task id first arrives."""

    def __init__(self, client: httpx.Client) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.arrivals: dict[str, float] = {}
        self.ready = threading.Event()
        self.changed = threading.Condition()

    def run(self) -> None:
        with self.client.stream("GET", "/api/v1/events", timeout=None) as response:
            event = ""
            for line in response.iter_lines():
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                    self.ready.set()
                elif line.startswith("data: ") and event == "task":
                    task_id = json.loads(line.removeprefix("data: "))["id"]
                    with self.changed:
                        self.arrivals.setdefault(task_id, time.perf_counter())
                        self.changed.notify_all()

    def wait_for(self, task_id: str, timeout: float = 10.0) -> float:
        with self.changed:
            self.changed.wait_for(lambda: task_id in self.arrivals, timeout)
            return self.arrivals[task_id]


def link(number: int) -> str:
    return f"https://open.spotify.com/track/{number:022d}"


def run(requests: int, streams: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="spotdesk-api-bench-"))
    os.environ["SPOTDESK_CONFIG_DIR"] = str(folder / "config")
    app = create_app(f"sqlite:///{folder / 'queue.db'}", Settings(output_dir=str(folder)), TOKEN)
    server = ApiServer(app, host="127.0.0.1", port=0)
    thread = ServerThread(server)
    thread.start()
    if not thread.wait_started(30):
        raise SystemExit("the API server did not start within 30 s")
    base = f"http://127.0.0.1:{server.bound_port}"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    results: dict[str, Any] = {}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            watcher = StreamWatcher(httpx.Client(base_url=base, headers=headers))
            watcher.start()
            watcher.ready.wait(10)

            submit, event, ids = [], [], []
            jitter = random.Random(1)
            for number in range(requests):
                # Waiting for each event would lock submissions to the stream's poll
                # timing; a random pause spreads them over the poll interval.
                time.sleep(jitter.uniform(0, 0.5))
                started = time.perf_counter()
                response = client.post("/api/v1/downloads", json={"links": [link(number)]})
                answered = time.perf_counter()
                response.raise_for_status()
                task_id = response.json()["tasks"][0]["id"]
                ids.append(task_id)
                submit.append(answered - started)
                event.append(watcher.wait_for(task_id) - answered)
            results["submit"] = summarise(submit)
            results["event"] = summarise(event)

            results["list"] = summarise(
                [timed(lambda: client.get("/api/v1/downloads?limit=100")) for _ in range(100)]
            )
            results["detail"] = summarise(
                [timed(lambda i=i: client.get(f"/api/v1/downloads/{i}")) for i in ids[:100]]
            )

            others = [httpx.Client(base_url=base, headers=headers) for _ in range(streams)]
            busy = [StreamWatcher(other) for other in others]
            for watcher_thread in busy:
                watcher_thread.start()
                watcher_thread.ready.wait(10)
            busy_submit = [
                timed(lambda n=n: client.post("/api/v1/downloads", json={"links": [link(n)]}))
                for n in range(requests, requests + min(requests, 100))
            ]
            results["submit_busy"] = summarise(busy_submit)
            results["streams_open"] = streams
    finally:
        thread.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="submissions (default 300)")
    parser.add_argument(
        "--streams", type=int, default=20, help="event streams open during submit_busy (default 20)"
    )
    parser.add_argument("--quick", action="store_true", help="30 requests and 5 streams")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.streams = 30, 5
    results = run(args.requests, args.streams)
    for name, values in results.items():
        print(f"{name:12} {values}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
