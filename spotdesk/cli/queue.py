"""`spotdesk queue`: list and control tasks in the queue."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "queue", help="list and control tasks in the queue", description="List and control tasks in the queue."
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # TODO: not built yet.
    print("spotdesk queue is not available yet.", file=sys.stderr)
    return 1
