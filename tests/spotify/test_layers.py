"""The Spotify side keeps to its layer: no store, no Qt, no database drivers."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("PySide6", "spotdesk.store", "spotdesk.gui", "sqlite3", "pymongo", "yt_dlp")


def test_spotify_side_imports_no_upper_layers() -> None:
    code = (
        "import sys, spotdesk.spotify.resolver, spotdesk.links, spotdesk.cli.resolve\n"
        f"print([name for name in sys.modules if name.startswith({FORBIDDEN!r})])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_links_import_no_network_code() -> None:
    code = (
        "import sys, spotdesk.links\n"
        "print([name for name in ('requests', 'spotipy', 'urllib3') if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
