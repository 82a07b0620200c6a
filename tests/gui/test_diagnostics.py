from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QWidget

from spotdesk.config import Settings, log_dir
from spotdesk.gui.diagnostics import DiagnosticsActions


@pytest.fixture
def actions(qtbot, settings: Settings, store_uri: str) -> Iterator[DiagnosticsActions]:
    parent = QWidget()
    qtbot.addWidget(parent)
    created = DiagnosticsActions(parent, lambda: settings, lambda: store_uri)
    created.retranslate()
    yield created


def test_copy_diagnostics_fills_clipboard(qtbot, actions: DiagnosticsActions, monkeypatch) -> None:
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", "abcdef123456")
    monkeypatch.setenv("SPOTIPY_CLIENT_SECRET", "do-not-copy-me")

    with qtbot.waitSignal(
        actions.message, timeout=30_000, check_params_cb=lambda text: "copied" in text
    ):
        actions.copy_diagnostics.trigger()

    report = QGuiApplication.clipboard().text()
    assert report.startswith("spotdesk doctor on ")
    assert "task store" in report
    assert "do-not-copy-me" not in report


def test_open_log_folder_creates_it(qtbot, actions: DiagnosticsActions, monkeypatch) -> None:
    opened: list[str] = []

    def record(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(record))

    actions.open_log_folder.trigger()

    assert Path(opened[0]) == log_dir()
    assert log_dir().is_dir()


def test_help_menu_has_diagnostics(make_window) -> None:
    window = make_window()
    texts = [action.text() for action in window.menus.help_menu.actions()]

    assert "Open &log folder" in texts
    assert "Copy &diagnostics" in texts
