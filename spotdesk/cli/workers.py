"""`spotdesk workers`: run download workers without a window."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from spotdesk.cli.main import EXIT_OK, EXIT_USAGE

# Events not worth a line on the terminal: heartbeats, and idle notices after each task.
QUIET_EVENTS = frozenset({"heartbeat", "waiting"})


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "workers",
        help="run download workers without a window",
        description=(
            "Run download workers without a window until Ctrl+C or SIGTERM. Stopping hands "
            "running tasks back to the queue."
        ),
    )
    parser.add_argument(
        "-n",
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="number of worker processes (default: the settings' value, 2 unless changed)",
    )
    parser.add_argument(
        "--store",
        default=None,
        metavar="URI",
        help="queue to work on: sqlite:///PATH or mongodb://... (default: the settings' store)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from spotdesk.config import load_settings
    from spotdesk.errors import UsageError
    from spotdesk.store import open_store, resolve_store_uri
    from spotdesk.store.contract import StoreUnavailable, redact_uri
    from spotdesk.workers.lease import StopFlag
    from spotdesk.workers.manager import WorkerManager
    from spotdesk.workers.protocol import describe_event

    count = args.workers if args.workers is not None else load_settings().workers
    if count < 1:
        print(f"spotdesk workers: error: -n must be at least 1, not {count}", file=sys.stderr)
        return EXIT_USAGE
    uri = resolve_store_uri(args.store)
    try:
        open_store(uri).close()
    except UsageError as error:
        print(f"spotdesk workers: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except StoreUnavailable as error:
        print(
            f"spotdesk workers: the store is unavailable now; workers will keep retrying: {error}",
            file=sys.stderr,
        )

    app = QCoreApplication.instance() or QCoreApplication([])
    manager = WorkerManager(uri, count)
    stages: dict[str, str] = {}

    def on_status(_worker: str, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind in QUIET_EVENTS:
            return
        if kind == "progress":
            # One line per stage of a task. The percentage is for the GUI.
            task = str(event.get("task"))
            if stages.get(task) == event.get("stage"):
                return
            stages[task] = str(event.get("stage"))
        print(describe_event(event), flush=True)

    manager.status.connect(on_status)
    manager.worker_crashed.connect(
        lambda worker, reason: print(
            f"{worker}: crashed: {reason}; restarting", file=sys.stderr, flush=True
        )
    )

    stop = StopFlag()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda received, _frame: stop.set(signal.Signals(received).name))
    watcher = QTimer()
    watcher.setInterval(200)
    watcher.timeout.connect(lambda: app.quit() if stop.is_set() else None)
    watcher.start()

    print(f"running {count} workers on {redact_uri(uri)}; press Ctrl+C to stop", flush=True)
    manager.start()
    app.exec()
    print(f"stopping ({stop.reason}); running tasks go back to the queue", flush=True)
    manager.stop()
    return EXIT_OK
