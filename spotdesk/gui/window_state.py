"""Window size, column layout and splitter positions, kept in `window.ini` beside the
settings file (so tests with their own config folder never share it)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from spotdesk.config import config_dir

_FORMAT_VERSION = 1


def window_settings() -> QSettings:
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


def save_window_state(window: QMainWindow, header: QHeaderView, splitter: QSplitter) -> None:
    store = window_settings()
    store.setValue("version", _FORMAT_VERSION)
    store.setValue("geometry", window.saveGeometry())
    store.setValue("state", window.saveState(_FORMAT_VERSION))
    store.setValue("columns", header.saveState())
    store.setValue("splitter", splitter.saveState())
    store.sync()


def restore_window_state(window: QMainWindow, header: QHeaderView, splitter: QSplitter) -> bool:
    """Restore what `save_window_state` kept; return False when nothing was saved."""
    store = window_settings()
    if store.value("version") is None or int(store.value("version")) != _FORMAT_VERSION:
        return False
    for key, restore in (
        ("geometry", window.restoreGeometry),
        ("columns", header.restoreState),
        ("splitter", splitter.restoreState),
    ):
        value = store.value(key)
        if isinstance(value, QByteArray):
            restore(value)
    state = store.value("state")
    if isinstance(state, QByteArray):
        window.restoreState(state, _FORMAT_VERSION)
    return True
