"""`spotdesk desktop-entry`: add spotdesk to the Linux application menu, or remove it."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "desktop-entry",
        help="add spotdesk to the Linux application menu, or remove it",
        description=(
            "Write a .desktop file and the app icon into your data folder "
            "($XDG_DATA_HOME, by default ~/.local/share), so spotdesk shows up in the "
            "application menu; or remove them. Nothing else on the system changes."
        ),
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--install", action="store_true", help="write the menu entry (replaces an older one)"
    )
    action.add_argument(
        "--remove", action="store_true", help="delete the menu entry and icons written by --install"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from spotdesk.desktop_entry import (
        DesktopEntryError,
        install_desktop_entry,
        remove_desktop_entry,
    )

    try:
        if args.install:
            files = install_desktop_entry()
            print(f"Added spotdesk to the application menu: {files.desktop_file}")
            if not files.icons:
                print("No app icon was found, so the menu shows a generic icon.")
        else:
            files = remove_desktop_entry()
            if files.all():
                print(f"Removed {len(files.all())} file(s):")
                for path in files.all():
                    print(f"  {path}")
            else:
                print("No spotdesk menu entry was installed; nothing to remove.")
    except DesktopEntryError as error:
        print(f"spotdesk: error: {error.message}", file=sys.stderr)
        return 2 if error.code == "desktop_entry.unsupported" else 1
    return 0
