"""`spotdesk match`: show which audio each track would be downloaded from."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "match", help="show which audio each track would be downloaded from", description="Show which audio each track would be downloaded from."
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # TODO: not built yet.
    print("spotdesk match is not available yet.", file=sys.stderr)
    return 1
