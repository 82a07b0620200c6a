"""`spotdesk doctor`: check that everything spotdesk needs is present."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "doctor", help="check that everything spotdesk needs is present", description="Check that everything spotdesk needs is present."
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # TODO: not built yet.
    print("spotdesk doctor is not available yet.", file=sys.stderr)
    return 1
