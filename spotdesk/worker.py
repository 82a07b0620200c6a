"""`python -m spotdesk.worker`: one download worker process.

The process claims tasks from the store named by ``--store``, runs them and writes JSON
status lines on its stdout (see `spotdesk.workers.protocol`). Everything else that would
reach stdout (stray prints, tool output) is sent to stderr, so the status stream stays
parseable. SIGTERM and SIGINT hand the running task back to the queue and exit with 0.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO, Any

# The manager passes the store URI here instead of on the command line, where other
# users of the machine could read a password in it.
STORE_ENV = "SPOTDESK_WORKER_STORE"
# Tests point this at a `module:callable` that returns a stand-in for the pipeline. The
# callable receives the ServiceUrls and the Settings. Unset, the real pipeline runs.
PIPELINE_FACTORY_ENV = "SPOTDESK_WORKER_PIPELINE"


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"seconds must be more than 0, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m spotdesk.worker",
        description="Run one spotdesk download worker. Status goes to stdout as JSON lines.",
    )
    parser.add_argument(
        "--store",
        default=os.environ.get(STORE_ENV) or None,
        help=f"store URI: sqlite:///PATH or mongodb://... (default: ${STORE_ENV})",
    )
    parser.add_argument(
        "--id", required=True, dest="worker_id", help="worker id, unique among running workers"
    )

    parser.add_argument(
        "--lease", type=positive_seconds, default=60.0, help="lease length in seconds (default: 60)"
    )
    parser.add_argument(
        "--once", action="store_true", help="exit when no task can be claimed instead of waiting"
    )
    parser.add_argument(
        "--stall",
        type=positive_seconds,
        default=600.0,
        help=(
            "seconds without a progress check after which a running task counts as hung "
            "(default: 600)"
        ),
    )
    parser.add_argument(
        "--idle-poll",
        type=positive_seconds,
        default=2.0,
        help="maximum seconds between claim attempts while the queue is empty (default: 2)",
    )
    parser.add_argument(
        "--heartbeat",
        type=positive_seconds,
        default=5.0,
        help="seconds between heartbeat events while idle (default: 5)",
    )
    parser.add_argument(
        "--store-retry",
        type=positive_seconds,
        default=30.0,
        help="maximum seconds between attempts while the store is unavailable (default: 30)",
    )

    parser.add_argument(
        "--managed",
        action="store_true",
        help=(
            "run under a worker manager: leave the terminal's process group, so Ctrl+C "
            "reaches only the manager, and stop when the manager exits"
        ),
    )
    parser.add_argument(
        "--pipeline",
        default=os.environ.get(PIPELINE_FACTORY_ENV) or None,
        metavar="MODULE:CALLABLE",
        help=argparse.SUPPRESS,
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more detail to stderr"
    )
    return parser


def take_stdout() -> IO[str]:
    """Return a private stream on the real stdout and point fd 1 at stderr."""
    sys.stdout.flush()
    events_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(events_fd, "w", buffering=1, encoding="utf-8")


class _WorkerFields(logging.Filter):
    """Give every log record `worker` and `task` fields, so lines name both."""

    def __init__(self, worker_id: str) -> None:
        super().__init__()
        self._worker_id = worker_id

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "worker", None) is None:
            record.worker = self._worker_id
        if getattr(record, "task", None) is None:
            record.task = "-"
        return True


def setup_worker_logging(verbosity: int, worker_id: str) -> None:
    from spotdesk.logs import LOG_FORMAT, setup_logging

    setup_logging(verbosity=verbosity, command=f"worker-{worker_id}")
    fields = _WorkerFields(worker_id)
    for handler in logging.getLogger().handlers:
        handler.addFilter(fields)
        if isinstance(handler, logging.FileHandler):
            handler.setFormatter(
                logging.Formatter(
                    f"%(process)d worker worker=%(worker)s task=%(task)s {LOG_FORMAT}"
                )
            )
        else:
            handler.setFormatter(
                logging.Formatter("%(levelname)s: worker=%(worker)s task=%(task)s %(message)s")
            )


def load_factory(spec: str) -> Callable[..., Any]:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise SystemExit(f"invalid pipeline factory {spec!r}: expected MODULE:CALLABLE")
    return getattr(importlib.import_module(module_name), attribute)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.store:
        parser.error(f"--store is required unless {STORE_ENV} is set")
    if args.managed:
        # Done first, because a Ctrl+C arriving during the imports below would otherwise
        # end this process with KeyboardInterrupt.
        detach_from_terminal()
    events_stream = take_stdout()
    setup_worker_logging(args.verbose, args.worker_id)

    from spotdesk.config import ServiceUrls, load_settings
    from spotdesk.store import open_store
    from spotdesk.workers.factories import default_pipeline_factory, resolver_factory
    from spotdesk.workers.protocol import EventWriter
    from spotdesk.workers.worker import Worker, WorkerConfig

    urls = ServiceUrls.from_env()
    settings = load_settings()
    build_pipeline = load_factory(args.pipeline) if args.pipeline else default_pipeline_factory
    config = WorkerConfig(
        store_uri=args.store,
        worker_id=args.worker_id,
        lease_seconds=args.lease,
        once=args.once,
        idle_poll_max=args.idle_poll,
        idle_heartbeat_interval=args.heartbeat,
        stall_seconds=args.stall,
        store_retry_max=args.store_retry,
    )
    worker = Worker(
        config,
        EventWriter(events_stream, args.worker_id),
        open_store=lambda: open_store(args.store),
        pipeline_factory=lambda: build_pipeline(urls, settings),
        resolver_factory=resolver_factory(urls, settings),
    )

    def on_signal(number: int, _frame: object) -> None:
        worker.stop(signal.Signals(number).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.managed:
        threading.Thread(
            target=stop_with_parent, args=(worker,), name="parent-watch", daemon=True
        ).start()
    return worker.run()


def detach_from_terminal() -> None:
    """Leave the terminal's process group, so Ctrl+C there reaches only the manager.

    The manager then stops this worker with SIGTERM, after which it is not restarted.
    """
    if hasattr(os, "setpgrp"):
        os.setpgrp()


def stop_with_parent(worker: Any, poll_seconds: float = 1.0) -> None:
    """Stop `worker` once its parent (the manager) exits, even by SIGKILL.

    A process whose parent dies is re-parented, so a changed parent id means the manager
    is gone and no process is left to stop this worker.
    """
    parent = os.getppid()
    while not worker.stopping.is_set():
        if os.getppid() != parent:
            worker.stop("the manager exited")
            return
        time.sleep(poll_seconds)


if __name__ == "__main__":
    sys.exit(main())
