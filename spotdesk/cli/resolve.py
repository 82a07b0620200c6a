"""`spotdesk resolve`: list the tracks behind Spotify links."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "resolve", help="list the tracks behind Spotify links", description="List the tracks behind Spotify links."
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # TODO: not built yet.
    print("spotdesk resolve is not available yet.", file=sys.stderr)
    return 1
