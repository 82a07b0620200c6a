"""The audio side and the pipeline import neither the store nor Qt."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "spotdesk.pipeline",
    "spotdesk.audio.convert",
    "spotdesk.audio.cover",
    "spotdesk.audio.fetch",
    "spotdesk.audio.ffmpeg",
    "spotdesk.audio.library",
    "spotdesk.audio.naming",
    "spotdesk.audio.place",
    "spotdesk.audio.tags",
    "spotdesk.audio.tagformats",
]
FORBIDDEN = (
    "spotdesk.store",
    "spotdesk.service",
    "spotdesk.gui",
    "spotdesk.workers",
    "PySide6",
    "pymongo",
)


def test_pipeline_imports_no_store_or_qt() -> None:
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        f"print('\\n'.join(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))))\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert completed.stdout.split() == []
