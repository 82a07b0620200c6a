"""`spotdesk api`: serve the HTTP API over the task queue."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "api", help="serve the HTTP API over the task queue", description="Serve the HTTP API over the task queue."
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # TODO: not built yet.
    print("spotdesk api is not available yet.", file=sys.stderr)
    return 1
