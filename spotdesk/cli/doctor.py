"""`spotdesk doctor`: check that everything spotdesk needs is present."""

from __future__ import annotations

import argparse
import json
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "doctor",
        help="check that everything spotdesk needs is present",
        description=(
            "Report the versions, tools, task store, Spotify access mode and output folder "
            "spotdesk would use, each with a fix when something is wrong. Exits with 1 "
            "when something blocks downloads."
        ),
    )
    parser.add_argument("--store", metavar="URI", help="check this store instead of the settings'")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    from spotdesk.config import load_settings
    from spotdesk.doctor import Status, format_report, run_checks

    checks = run_checks(load_settings(), args.store)
    if args.json:
        print(json.dumps([check.to_dict() for check in checks], indent=2, ensure_ascii=False))
    else:
        print(format_report(checks))
    return 1 if any(check.status is Status.FAILED for check in checks) else 0
