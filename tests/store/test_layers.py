"""The store and the service stay free of Qt, audio and Spotify code."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = (
    "PySide6",
    "spotdesk.audio",
    "spotdesk.spotify",
    "spotdesk.gui",
    "spotdesk.workers",
    "spotdesk.pipeline",
    "yt_dlp",
    "spotipy",
    "mutagen",
)


def imported_after(module: str) -> list[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def test_store_imports_no_upper_layer() -> None:
    for module in ("spotdesk.store.sqlite", "spotdesk.store.mongo", "spotdesk.store"):
        loaded = imported_after(module)
        for name in FORBIDDEN:
            assert not any(item == name or item.startswith(f"{name}.") for item in loaded), (
                module,
                name,
            )


def test_service_imports_no_upper_layer() -> None:
    loaded = imported_after("spotdesk.service")

    for name in FORBIDDEN:
        assert not any(item == name or item.startswith(f"{name}.") for item in loaded), name
