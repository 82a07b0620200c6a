"""`spotdesk download`: download Spotify links as tagged audio files."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "download", help="download Spotify links as tagged audio files", description="Download Spotify links as tagged audio files."
    )
    return parser


def run(args: argparse.Namespace) -> int:
    # TODO: not built yet.
    print("spotdesk download is not available yet.", file=sys.stderr)
    return 1
