"""Desktop notifications for finished collections and for tracks that failed or need a
match; the status bar shows them where the desktop has no tray."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QStatusBar

from spotdesk.gui.error_text import describe_error
from spotdesk.gui.task_model import TaskModel
from spotdesk.gui.tray import TrayController

STATUS_MESSAGE_MS = 10_000


class Notifier(QObject):
    def __init__(
        self, model: TaskModel, tray: TrayController, status: QStatusBar, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._tray = tray
        self._status = status
        model.collection_finished.connect(self.collection_finished)
        model.tasks_failed.connect(self.tasks_failed)
        model.tasks_need_review.connect(self.tasks_need_review)

    def _notify(self, title: str, message: str, ids: list[str], warning: bool = False) -> None:
        if not self._tray.notify(title, message, ids, warning):
            self._status.showMessage(f"{title}: {message}", STATUS_MESSAGE_MS)

    def collection_finished(self, task_id: str, title: str, counts: dict[str, int]) -> None:
        done = counts.get("done", 0)
        failed = counts.get("failed", 0)
        message = self.tr("%n track(s) downloaded", "", done)
        if failed:
            message += self.tr(", %n failed or need review", "", failed)
        self._notify(self.tr("Finished: {title}").format(title=title), message, [task_id])

    def tasks_failed(self, ids: list[str]) -> None:
        first = self._model.task(ids[0])
        reason = describe_error(first.error_code, first.error_message) if first else ""
        self._notify(self.tr("%n track(s) failed", "", len(ids)), reason, ids, warning=True)

    def tasks_need_review(self, ids: list[str]) -> None:
        self._notify(
            self.tr("%n track(s) need a match", "", len(ids)),
            self.tr("Click to choose the right recording."),
            ids,
            warning=True,
        )
