"""The workers package stays off QtWidgets, so it runs headless under QCoreApplication."""

from __future__ import annotations

import subprocess
import sys

from tests.workers.conftest import REPOSITORY

MODULES = (
    "spotdesk.worker",
    "spotdesk.workers.manager",
    "spotdesk.workers.foreground",
    "spotdesk.workers.worker",
    "spotdesk.workers.runner",
    "spotdesk.cli.workers",
)


def test_workers_import_no_qtwidgets() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "gui = ('PySide6.QtWidgets', 'PySide6.QtGui')\n"
        "print(sorted(name for name in sys.modules if name.startswith(gui)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPOSITORY, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_worker_process_loads_no_qt() -> None:
    code = (
        "import importlib, sys\n"
        "for name in ('spotdesk.worker', 'spotdesk.workers.worker', 'spotdesk.workers.runner'):\n"
        "    importlib.import_module(name)\n"
        "print(sorted(name for name in sys.modules if name.startswith('PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPOSITORY, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
