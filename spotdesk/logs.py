"""Logging set-up: rotating files in the platform's log folder, and stderr for the CLI."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re

from spotdesk.config import log_dir

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class TerminalFormatter(logging.Formatter):
    """Format records for a terminal, escaping control characters line by line.

    Messages carry names from Spotify users, which may contain escape sequences.
    """

    def format(self, record: logging.LogRecord) -> str:
        from spotdesk.cli.terminal import printable

        return "\n".join(printable(line) for line in super().format(record).split("\n"))


def log_file_name(command: str) -> str:
    """Return the log file of one kind of process: `spotdesk.log` for the desktop app,
    `spotdesk-COMMAND.log` for other commands.

    Each process rotates only its own file, because rotation by several processes writing
    one file loses lines. Worker processes pass `worker-ID` as `command`.
    """
    if command == "gui":
        return "spotdesk.log"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", command).strip("._") or "spotdesk"
    return f"spotdesk-{safe}.log"


def setup_logging(verbosity: int = 0, command: str = "gui") -> None:
    """Log to a file in the log folder at debug level and to stderr by `verbosity`.

    Warnings go to stderr by default, info with -v and debug with -vv. A log folder that
    cannot be created leaves only stderr logging, with one warning.
    """
    root = logging.getLogger()
    if getattr(root, "_spotdesk_configured", False):
        return
    root.setLevel(logging.DEBUG)

    console = logging.StreamHandler()
    console.setLevel([logging.WARNING, logging.INFO, logging.DEBUG][min(verbosity, 2)])
    console.setFormatter(TerminalFormatter("%(levelname)s: %(message)s"))
    root.addHandler(console)

    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / log_file_name(command), maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError as error:
        logging.getLogger(__name__).warning("cannot write the log file: %s", error)
    else:
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter(f"%(process)d {command} {LOG_FORMAT}"))
        root.addHandler(handler)

    # Libraries that log every HTTP request at debug level would drown the file.
    for noisy in ("urllib3", "httpx", "httpcore", "pymongo", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.INFO)
    root._spotdesk_configured = True  # type: ignore[attr-defined]
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
