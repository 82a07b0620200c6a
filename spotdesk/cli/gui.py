"""`spotdesk gui`: open the desktop app (the default)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "gui",
        help="open the desktop app (the default)",
        description="Open the desktop app (the default).",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from spotdesk.gui.app import run_app

    return run_app()
