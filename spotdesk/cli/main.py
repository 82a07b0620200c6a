"""The `spotdesk` command: the desktop app with no arguments, subcommands otherwise.

Each subcommand is a module of this package with `add_parser(subparsers)` and
`run(args) -> int`. Command modules import heavy libraries (Qt, yt-dlp, pymongo) inside
`run`, so `spotdesk --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from spotdesk import __version__

# Exit statuses shared by every subcommand.
EXIT_OK = 0
EXIT_FAILED = 1  # the command ran, but some work failed
EXIT_USAGE = 2  # invalid arguments or input

COMMAND_MODULES = (
    "gui",
    "resolve",
    "match",
    "download",
    "workers",
    "queue",
    "api",
    "doctor",
    "desktop_entry",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="spotdesk",
        description=(
            "Turn Spotify links into well-tagged audio files. "
            "Run without a command to open the desktop app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"spotdesk {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="log more detail (-vv for debug)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"spotdesk.cli.{name}")
        subparser = module.add_parser(subparsers)
        subparser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from spotdesk.logs import setup_logging

    setup_logging(verbosity=args.verbose, command=args.command or "gui")
    if args.command is None:
        from spotdesk.cli import gui

        return gui.run(args)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
