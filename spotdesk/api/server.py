"""Serve the API with uvicorn, ending event streams promptly on shutdown.

uvicorn waits for open connections before it runs the app's shutdown, and a server-sent
event stream never ends by itself. `ApiServer` therefore sets the app's shutdown event as
soon as uvicorn decides to exit (on SIGINT/SIGTERM or `request_stop`), so each stream
closes within one poll interval and the server stops cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from types import FrameType

import uvicorn
from fastapi import FastAPI

log = logging.getLogger(__name__)

# Seconds uvicorn waits for requests still running at shutdown before closing them.
GRACEFUL_SHUTDOWN_SECONDS = 10


class ApiServer(uvicorn.Server):
    def __init__(self, app: FastAPI, host: str, port: int) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,  # keep spotdesk's logging set-up
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
            server_header=False,
        )
        super().__init__(config)
        self.app = app

    async def on_tick(self, counter: int) -> bool:
        should_exit = await super().on_tick(counter)
        if should_exit:
            shutdown: asyncio.Event = self.app.state.shutdown
            if not shutdown.is_set():
                log.info("API shutting down: closing event streams")
                shutdown.set()
        return should_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        # uvicorn raises the signal again after a graceful stop, so the process would end
        # "killed by SIGTERM". `spotdesk api` returns 0 instead: the stop was clean.
        captured = getattr(self, "_captured_signals", None)  # absent before uvicorn 0.29
        if captured is not None:
            captured.clear()

    def request_stop(self) -> None:
        """Ask the server to stop; safe to call from any thread."""
        self.should_exit = True

    @property
    def bound_port(self) -> int | None:
        """Return the port actually bound (useful when started with port 0)."""
        for server in getattr(self, "servers", []):
            for sock in server.sockets:
                return int(sock.getsockname()[1])
        return None


class ServerThread(threading.Thread):
    """Run an `ApiServer` on its own thread, for callers whose main thread runs Qt."""

    def __init__(self, server: ApiServer) -> None:
        super().__init__(name="spotdesk-api-server", daemon=True)
        self.server = server
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.server.run()
        except SystemExit as error:
            # uvicorn exits this way when it cannot start, after logging why.
            log.error("the API server could not start (exit status %s)", error.code)
            self.error = error
        except BaseException as error:  # noqa: BLE001 - reported to the thread's owner
            log.exception("the API server stopped with an error")
            self.error = error

    def wait_started(self, timeout: float) -> bool:
        """Wait until the server listens (True), exits, or `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.started:
                return True
            if not self.is_alive():
                return False
            time.sleep(0.05)
        return self.server.started

    def stop(self, timeout: float = GRACEFUL_SHUTDOWN_SECONDS + 5) -> None:
        self.server.request_stop()
        self.join(timeout)
        if self.is_alive():
            log.warning("the API server did not stop within %.0f s", timeout)
