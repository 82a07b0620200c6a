"""`spotdesk workers`: run download workers without a window."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "workers", help="run download workers without a window", description="Run download workers without a window."
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # TODO: not built yet.
    print("spotdesk workers is not available yet.", file=sys.stderr)
    return 1
