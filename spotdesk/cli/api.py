"""`spotdesk api`: serve the HTTP API over the task queue, with workers beside it.

With `--workers 0` uvicorn runs on the main thread and handles SIGINT/SIGTERM itself.
Otherwise the main thread runs a `QCoreApplication` with the `WorkerManager`, because Qt
wants its application object and the `QProcess` objects on the main thread, and uvicorn
serves from a second thread. On SIGINT/SIGTERM the server is asked to stop, the manager
stops the workers (each hands its running task back to the queue), and the command
waits for the server thread before exiting. The API package itself never imports Qt.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys
from typing import Any

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "spotdesk api needs the optional packages fastapi and uvicorn. Install them with:\n"
    "  python3 -m pip install 'spotdesk[api]'"
)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# Milliseconds the workers get to hand their tasks back before they are killed.
WORKER_STOP_TIMEOUT_MS = 15000
SERVER_START_TIMEOUT = 30.0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "api",
        help="serve the HTTP API over the task queue",
        description=(
            "Serve the HTTP API over the task queue, with download workers beside it. "
            "Every endpoint except /api/v1/health needs the bearer token that "
            "--show-token prints; SPOTDESK_API_TOKEN sets it instead."
        ),
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only); "
        "another address exposes the API to the network",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"TCP port (default: {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--store", metavar="URI", help="task store: sqlite:///PATH or mongodb://... "
        "(default: the settings' store)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="download workers to run beside the API (default: the settings' count; "
        "0 runs none, for workers started elsewhere)",
    )
    parser.add_argument(
        "--show-token", action="store_true", help="print the API token and exit"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from spotdesk.api.token import TokenError, load_or_create_token

    if args.show_token:
        try:
            token = load_or_create_token()
        except TokenError as error:
            print(error.message, file=sys.stderr)
            return 2
        print(token.value)
        print(f"(from {token.source})", file=sys.stderr)
        return 0

    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    return _serve(args)


def _check_args(args: argparse.Namespace, default_workers: int) -> int | None:
    if not 1 <= args.port <= 65535:
        print(f"Invalid --port {args.port}; use a number from 1 to 65535.", file=sys.stderr)
        return None
    workers = default_workers if args.workers is None else args.workers
    if workers < 0:
        print(f"Invalid --workers {workers}; use 0 or more.", file=sys.stderr)
        return None
    return workers


def _warn_if_exposed(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        log.warning(
            "the API listens on %s, reachable from other machines, without TLS: put a "
            "reverse proxy with TLS in front of it, or bind to 127.0.0.1", host,
        )


def _serve(args: argparse.Namespace) -> int:
    from spotdesk.api import create_app
    from spotdesk.api.server import ApiServer
    from spotdesk.api.token import TokenError, load_or_create_token
    from spotdesk.config import load_settings
    from spotdesk.errors import SpotdeskError
    from spotdesk.store import open_store

    settings = load_settings()
    workers = _check_args(args, settings.workers)
    if workers is None:
        return 2
    store_uri = args.store or settings.effective_store_uri
    try:
        token = load_or_create_token()
        # Open once now, so a wrong URI or an unreachable database stops the command here.
        with open_store(store_uri) as store:
            display_uri = store.display_uri
    except TokenError as error:
        print(error.message, file=sys.stderr)
        return 2
    except SpotdeskError as error:
        print(f"Cannot open the task store: {error.message}", file=sys.stderr)
        return 1

    _warn_if_exposed(args.host)
    print(
        f"spotdesk API on http://{args.host}:{args.port}/api/v1 over {display_uri} "
        f"with {workers} workers; token from {token.source}",
        file=sys.stderr,
    )
    if workers == 0:
        app = create_app(store_uri, settings, token)
        server = ApiServer(app, host=args.host, port=args.port)
        try:
            server.run()
        except SystemExit:
            # uvicorn exits this way when it cannot listen, after logging why.
            print("The API server did not start; see the messages above.", file=sys.stderr)
            return 1
        return 0 if server.started else 1
    return _serve_with_workers(args, store_uri, settings, token, workers)


def _serve_with_workers(
    args: argparse.Namespace, store_uri: str, settings: Any, token: Any, workers: int
) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from spotdesk.api import create_app
    from spotdesk.api.server import ApiServer, ServerThread
    from spotdesk.workers.manager import WorkerManager

    qt_app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    manager = WorkerManager(store_uri, workers)
    running = {"count": 0}

    def started(worker_id: str) -> None:
        running["count"] = manager.running_count()

    def stopped(worker_id: str, *details: object) -> None:
        running["count"] = manager.running_count()

    manager.worker_started.connect(started)
    manager.worker_stopped.connect(stopped)
    manager.worker_crashed.connect(stopped)

    # The probe runs on the server's threads, so it reads a number kept up to date by
    # the manager's signals on the Qt thread instead of touching QProcess objects.
    app = create_app(store_uri, settings, token, workers_probe=lambda: running["count"])
    server = ApiServer(app, host=args.host, port=args.port)
    thread = ServerThread(server)
    thread.start()
    if not thread.wait_started(SERVER_START_TIMEOUT):
        thread.stop()
        print("The API server did not start; see the messages above.", file=sys.stderr)
        return 1
    manager.start()

    stopping = {"reason": ""}

    def request_stop(signum: int, frame: object) -> None:
        stopping["reason"] = signal.Signals(signum).name

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    # Python runs signal handlers only between bytecodes, and Qt's event loop runs none
    # while idle, so a timer gives Python a chance to run them every 200 ms.
    def tick() -> None:
        if stopping["reason"] or not thread.is_alive():
            qt_app.quit()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(200)
    try:
        qt_app.exec()
    finally:
        timer.stop()
        reason = stopping["reason"] or "the API server stopped"
        log.info("stopping (%s): workers hand their tasks back to the queue", reason)
        server.request_stop()
        manager.stop(WORKER_STOP_TIMEOUT_MS)
        thread.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if thread.error is not None else 0
