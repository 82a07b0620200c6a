"""The tray icon: progress drawn on the icon, counts in the tooltip, a small menu, and the
notifications for finished collections and failed tracks."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from spotdesk.gui.formatting import format_speed

log = logging.getLogger(__name__)

_ICON_SIZE = 64


def progress_icon(base: QIcon, fraction: float | None, size: int = _ICON_SIZE) -> QIcon:
    """Return `base` with a ring around it filled clockwise to `fraction` (None: no ring)."""
    if fraction is None:
        return base
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ring = max(size // 9, 3)
    inner = int(size * 0.16)
    base.paint(painter, inner, inner, size - 2 * inner, size - 2 * inner)

    bounds = QRectF(ring / 2, ring / 2, size - ring, size - ring)
    painter.setPen(QPen(QColor(0, 0, 0, 70), ring))
    painter.drawEllipse(bounds)
    pen = QPen(QColor("#1db954"), ring)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    span = int(-360 * 16 * min(max(fraction, 0.0), 1.0))  # negative: clockwise
    painter.drawArc(bounds, 90 * 16, span)
    painter.end()
    return QIcon(pixmap)


class TrayController(QObject):
    """Runs the tray icon when the desktop has a tray; `available` is False otherwise."""

    show_rows_requested = Signal(list)  # task ids the clicked notification was about
    toggle_window_requested = Signal()
    quit_requested = Signal()

    def __init__(self, icon: QIcon, pause_all: QAction, resume_all: QAction, parent: Any = None):
        super().__init__(parent)
        self._base_icon = icon
        self._shown_percent: int | None = -1
        self._last_ids: list[str] = []
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        self.menu = QMenu()
        self.toggle_action = QAction(self)
        self.toggle_action.triggered.connect(self.toggle_window_requested)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.toggle_action)
        self.menu.addSeparator()
        self.menu.addActions([pause_all, resume_all])
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.retranslate(window_visible=True)
        if not self.available:
            log.info("the desktop has no system tray; running without a tray icon")
            return
        self.tray = QSystemTrayIcon(icon, self)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._on_activated)
        self.tray.messageClicked.connect(self._on_message_clicked)
        self.tray.show()

    def retranslate(self, window_visible: bool) -> None:
        self.toggle_action.setText(
            self.tr("Hide window") if window_visible else self.tr("Show window")
        )
        self.quit_action.setText(self.tr("Quit spotdesk"))

    def update_summary(self, counts: dict[str, int], speed: float, fraction: float | None) -> None:
        """Redraw the ring (only when the whole percentage changes) and the tooltip."""
        percent = None if fraction is None else int(fraction * 100)
        if percent != self._shown_percent and self.tray is not None:
            self._shown_percent = percent
            self.tray.setIcon(progress_icon(self._base_icon, fraction))
        tooltip = self.tr(
            "spotdesk: {active} active, {queued} queued, {done} done, {failed} failed"
        ).format(
            active=counts.get("running", 0),
            queued=counts.get("queued", 0) + counts.get("paused", 0),
            done=counts.get("done", 0),
            failed=counts.get("failed", 0),
        )
        if speed > 0:
            tooltip += "\n" + format_speed(speed)
        if self.tray is not None:
            self.tray.setToolTip(tooltip)

    def notify(self, title: str, message: str, ids: list[str], warning: bool = False) -> bool:
        """Show a desktop notification; return False when there is no tray to show it."""
        if self.tray is None or not self.tray.supportsMessages():
            return False
        self._last_ids = list(ids)
        kind = (
            QSystemTrayIcon.MessageIcon.Warning
            if warning
            else QSystemTrayIcon.MessageIcon.Information
        )
        self.tray.showMessage(title, message, kind, 8000)
        return True

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.toggle_window_requested.emit()

    def _on_message_clicked(self) -> None:
        self.show_rows_requested.emit(self._last_ids)

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
