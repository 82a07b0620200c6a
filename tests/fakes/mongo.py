"""A real MongoDB wire-protocol server for tests.

`start_mongo_server` uses the server named by `SPOTDESK_TEST_MONGODB_URI` when that is set
(such a server cannot be stopped by the tests). Otherwise it starts SecantusDB
(`secantusd-py` from the `secantusdb` package, checked with 0.7.0b3), a MongoDB-compatible
server over WiredTiger, as a subprocess on a free loopback port. SecantusDB scans
collections linearly, so use it for correctness with small queues, not for timing.

Other test areas import the session fixture into their `conftest.py`:

    from tests.fakes.mongo import mongo_server  # noqa: F401
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

log = logging.getLogger(__name__)

URI_VARIABLE = "SPOTDESK_TEST_MONGODB_URI"
START_TIMEOUT = 30.0  # seconds to wait for the server to accept connections
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_GRACE = 5.0  # seconds between SIGTERM and SIGKILL; SecantusDB can take seconds to exit


class MongoServer:
    """One server: a SecantusDB subprocess on a data folder, or an external server."""

    def __init__(self, data_dir: Path, external_uri: str | None = None) -> None:
        self.data_dir = data_dir
        self.external_uri = external_uri
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log_path = data_dir.parent / f"{data_dir.name}.log"

    @property
    def uri(self) -> str:
        if self.external_uri:
            return self.external_uri
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def database_uri(self, database: str) -> str:
        """Return `uri` with `database` as its path, as `open_store` reads it."""
        base, _, query = self.uri.partition("?")
        scheme, _, rest = base.partition("://")
        hosts = rest.split("/", 1)[0]
        return f"{scheme}://{hosts}/{database}" + (f"?{query}" if query else "")

    def start(self) -> None:
        """Start the server (again, on the same data folder after `stop`)."""
        if self.external_uri or self.process is not None:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.port:
            self.port = _free_port()
        command = [
            _server_command(),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--storage-path",
            str(self.data_dir),
            "--log-level",
            "WARNING",
        ]
        with open(self._log_path, "ab") as output:
            self.process = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
            )
        atexit.register(self.stop)
        self._wait_until_ready()

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL after `STOP_GRACE` seconds."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            log.warning(
                "mongo server pid %d ignored SIGTERM for %.0f s; killing it",
                process.pid,
                STOP_GRACE,
            )
            process.kill()
            process.wait(STOP_GRACE)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the mongo server exited with status {self.process.returncode}; "
                    f"see {self._log_path}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"the mongo server did not listen on port {self.port} within {START_TIMEOUT:.0f} s"
        )


def start_mongo_server(data_dir: Path) -> MongoServer:
    """Start a server storing its data in `data_dir` (unused for an external server)."""
    server = MongoServer(data_dir, os.environ.get(URI_VARIABLE) or None)
    server.start()
    return server


# Each module that imports `mongo_server` gets its own session fixture from pytest, so the
# fixtures share one server here and the last one to finish stops it.
_shared_server: MongoServer | None = None
_shared_users = 0


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MongoServer]:
    global _shared_server, _shared_users
    if _shared_server is None:
        _shared_server = start_mongo_server(tmp_path_factory.mktemp("mongo") / "data")
    _shared_users += 1
    try:
        yield _shared_server
    finally:
        _shared_users -= 1
        if _shared_users == 0:
            _shared_server.stop()
            _shared_server = None


def _server_command() -> str:
    found = shutil.which("secantusd-py")
    if found:
        return found
    beside_python = Path(sys.executable).with_name("secantusd-py")
    if beside_python.exists():
        return str(beside_python)
    raise RuntimeError(
        "secantusd-py was not found; install the test extra (pip install -e '.[test]') "
        f"or set {URI_VARIABLE} to a running MongoDB server"
    )


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM the server when the test process dies, so none is left running."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
