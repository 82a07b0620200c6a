"""The Help menu's "Open log folder" and "Copy diagnostics" actions.

Diagnostics are the `spotdesk doctor` report: versions, tools, the task store, the Spotify
access mode and the output folder, with no secrets, so users can paste them into a bug
report. The checks run on a thread, because reaching a MongoDB store can take seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QWidget

from spotdesk.config import Settings, log_dir

log = logging.getLogger(__name__)


def diagnostics_report(settings: Settings, store_uri: str) -> str:
    """Run the doctor's checks and return their report as plain text."""
    from spotdesk.doctor import format_report, run_checks

    return format_report(run_checks(settings, store_uri))


class DiagnosticsActions(QObject):
    """Two Help menu actions; `message` carries a status bar sentence after each one."""

    message = Signal(str)
    _report_ready = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        settings: Callable[[], Settings],
        store_uri: Callable[[], str],
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._store_uri = store_uri
        self._running = False
        self.open_log_folder = QAction(parent)
        self.open_log_folder.triggered.connect(self.show_log_folder)
        self.copy_diagnostics = QAction(parent)
        self.copy_diagnostics.triggered.connect(self.start_copy)
        self._report_ready.connect(self._copy)

    def actions(self) -> list[QAction]:
        return [self.open_log_folder, self.copy_diagnostics]

    def retranslate(self) -> None:
        self.open_log_folder.setText(self.tr("Open &log folder"))
        self.copy_diagnostics.setText(self.tr("Copy &diagnostics"))

    def show_log_folder(self) -> None:
        folder = log_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            log.warning("cannot create the log folder %s: %s", folder, error)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            text = self.tr("Could not open the log folder: %1")
            self.message.emit(text.replace("%1", str(folder)))

    def start_copy(self) -> None:
        if self._running:
            return
        self._running = True
        self.message.emit(self.tr("Collecting diagnostics…"))
        settings, store_uri = self._settings(), self._store_uri()

        def collect() -> None:
            try:
                report = diagnostics_report(settings, store_uri)
            except Exception as error:  # the report must arrive even when a check breaks
                log.exception("collecting diagnostics failed")
                report = f"collecting diagnostics failed: {type(error).__name__}: {error}"
            self._report_ready.emit(report)

        threading.Thread(target=collect, name="diagnostics", daemon=True).start()

    def _copy(self, report: str) -> None:
        self._running = False
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(report)
        self.message.emit(self.tr("Diagnostics copied to the clipboard."))
