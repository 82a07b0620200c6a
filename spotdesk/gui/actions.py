"""Row actions on the selected tasks and queue-wide actions, shared by the toolbar, the
context menu and the keyboard."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QProcess, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QTreeView

from spotdesk.gui.task_model import ROW_ID_ROLE, TASK_ROLE
from spotdesk.model import Task, TaskKind, TaskState

log = logging.getLogger(__name__)

Call = Callable[..., int]


def _icon(pixmap: QStyle.StandardPixmap) -> QIcon:
    return QApplication.style().standardIcon(pixmap)


class TaskActions(QObject):
    """Creates the actions and keeps their enabled state in step with the selection.

    `call(name, *args, on_done=..., on_error=...)` runs a `Service` method off the UI
    thread (see `BackendClient.call`).
    """

    choose_match_requested = Signal(object)  # the Task
    message = Signal(str)  # a sentence for the status bar

    def __init__(self, view: QTreeView, call: Call, parent: Any = None) -> None:
        super().__init__(parent)
        self._view = view
        self._call = call

        style = QStyle.StandardPixmap
        self.cancel = self._action(_icon(style.SP_DialogCancelButton), "Ctrl+.", self._cancel)
        self.pause = self._action(_icon(style.SP_MediaPause), None, self._pause)
        self.resume = self._action(_icon(style.SP_MediaPlay), None, self._resume)
        self.pause_resume = self._action(None, "Space", self._pause_or_resume)
        self.retry = self._action(_icon(style.SP_BrowserReload), "Ctrl+R", self._retry)
        self.remove = self._action(
            _icon(style.SP_TrashIcon), QKeySequence.StandardKey.Delete, self._remove
        )
        self.open_file = self._action(None, "Ctrl+O", self._open_file)
        self.show_in_folder = self._action(
            _icon(style.SP_DirOpenIcon), "Ctrl+Shift+O", self._show_in_folder
        )
        self.copy_link = self._action(None, QKeySequence.StandardKey.Copy, self._copy_link)
        self.choose_match = self._action(None, "Ctrl+M", self._choose_match)

        self.pause_all = self._action(
            _icon(style.SP_MediaPause), None, lambda: self._queue_wide("pause_all")
        )
        self.resume_all = self._action(
            _icon(style.SP_MediaPlay), None, lambda: self._queue_wide("resume_all")
        )
        self.clear_finished = self._action(
            _icon(style.SP_DialogResetButton), None, lambda: self._queue_wide("clear_finished")
        )

        for action in self.row_actions() + [self.pause_resume]:
            view.addAction(action)
        self.retranslate()
        self.update_enabled()

    def _action(self, icon: QIcon | None, shortcut: Any, slot: Callable[[], None]) -> QAction:
        action = QAction(self)
        if icon is not None:
            action.setIcon(icon)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(self._view_shortcut_context())
        action.triggered.connect(slot)
        return action

    @staticmethod
    def _view_shortcut_context() -> Any:
        from PySide6.QtCore import Qt

        return Qt.ShortcutContext.WidgetWithChildrenShortcut

    def retranslate(self) -> None:
        texts = {
            self.cancel: self.tr("&Cancel"),
            self.pause: self.tr("&Pause"),
            self.resume: self.tr("Res&ume"),
            self.pause_resume: self.tr("Pause or resume"),
            self.retry: self.tr("&Retry"),
            self.remove: self.tr("Re&move"),
            self.open_file: self.tr("&Open file"),
            self.show_in_folder: self.tr("Show in &folder"),
            self.copy_link: self.tr("Copy Spotify &link"),
            self.choose_match: self.tr("C&hoose match…"),
            self.pause_all: self.tr("Pause all"),
            self.resume_all: self.tr("Resume all"),
            self.clear_finished: self.tr("Clear finished"),
        }
        for action, text in texts.items():
            action.setText(text)
            action.setToolTip(text.replace("&", "").rstrip("…"))

    def row_actions(self) -> list[QAction]:
        return [
            self.cancel,
            self.pause,
            self.resume,
            self.retry,
            self.remove,
            self.open_file,
            self.show_in_folder,
            self.copy_link,
            self.choose_match,
        ]

    # ---- selection --------------------------------------------------------------------

    def selected_tasks(self) -> list[Task]:
        selection = self._view.selectionModel()
        if selection is None:
            return []
        tasks = [index.data(TASK_ROLE) for index in selection.selectedRows(0)]
        return [task for task in tasks if task is not None]

    def selected_row_ids(self) -> list[str]:
        """Return the ids of the selected rows' own tasks (a single track's link, not the track)."""
        selection = self._view.selectionModel()
        if selection is None:
            return []
        return [index.data(ROW_ID_ROLE) for index in selection.selectedRows(0)]

    def _single(self) -> Task | None:
        tasks = self.selected_tasks()
        return tasks[0] if len(tasks) == 1 else None

    def update_enabled(self) -> None:
        tasks = self.selected_tasks()
        states = {task.state for task in tasks}
        single = tasks[0] if len(tasks) == 1 else None
        has_file = bool(single and single.output_path and Path(single.output_path).exists())
        self.cancel.setEnabled(any(not state.is_final for state in states))
        self.pause.setEnabled(bool(states & {TaskState.QUEUED, TaskState.RUNNING}))
        self.resume.setEnabled(TaskState.PAUSED in states)
        self.pause_resume.setEnabled(self.pause.isEnabled() or self.resume.isEnabled())
        self.retry.setEnabled(bool(states & {TaskState.FAILED, TaskState.CANCELLED}))
        self.remove.setEnabled(bool(tasks))
        self.open_file.setEnabled(has_file)
        self.show_in_folder.setEnabled(has_file)
        self.copy_link.setEnabled(bool(tasks))
        self.choose_match.setEnabled(
            bool(single)
            and single.kind is TaskKind.TRACK  # type: ignore[union-attr]
            and single.state in (TaskState.FAILED, TaskState.CANCELLED)  # type: ignore[union-attr]
        )

    def context_menu(self) -> QMenu:
        menu = QMenu(self._view)
        menu.addAction(self.choose_match)
        menu.addSeparator()
        for action in (self.pause, self.resume, self.cancel, self.retry):
            if action.isEnabled():
                menu.addAction(action)
        menu.addSeparator()
        menu.addActions([self.open_file, self.show_in_folder, self.copy_link])
        menu.addSeparator()
        menu.addAction(self.remove)
        return menu

    # ---- the actions ------------------------------------------------------------------

    def _ids(self) -> list[str]:
        return [task.id for task in self.selected_tasks()]

    def _run(self, name: str, ids: list[str]) -> None:
        if ids:
            self._call(name, ids, on_error=self._report_error)

    def _report_error(self, code: str, message: str) -> None:
        from spotdesk.gui.error_text import describe_error

        self.message.emit(describe_error(code, message))

    def _cancel(self) -> None:
        self._run("cancel", [task.id for task in self.selected_tasks() if not task.state.is_final])

    def _pause(self) -> None:
        active = {TaskState.QUEUED, TaskState.RUNNING}
        self._run("pause", [task.id for task in self.selected_tasks() if task.state in active])

    def _resume(self) -> None:
        self._run(
            "resume", [task.id for task in self.selected_tasks() if task.state is TaskState.PAUSED]
        )

    def _pause_or_resume(self) -> None:
        if self.pause.isEnabled():
            self._pause()
        elif self.resume.isEnabled():
            self._resume()

    def _retry(self) -> None:
        final = {TaskState.FAILED, TaskState.CANCELLED}
        self._run("retry", [task.id for task in self.selected_tasks() if task.state in final])

    def _remove(self) -> None:
        self._run("remove", self.selected_row_ids())

    def _queue_wide(self, name: str) -> None:
        self._call(name, on_error=self._report_error)

    def _open_file(self) -> None:
        task = self._single()
        if task and task.output_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(task.output_path))

    def _show_in_folder(self) -> None:
        task = self._single()
        if task and task.output_path:
            show_in_folder(Path(task.output_path))

    def _copy_link(self) -> None:
        links = [spotify_link(task) for task in self.selected_tasks()]
        QGuiApplication.clipboard().setText("\n".join(links))
        self.message.emit(self.tr("Copied %n link(s).", "", len(links)))

    def _choose_match(self) -> None:
        task = self._single()
        if task is not None:
            self.choose_match_requested.emit(task)


def spotify_link(task: Task) -> str:
    """Return the Spotify link of a task: its track's link, else the link it was added as."""
    if task.track is not None:
        return task.track.url
    return task.link.split("|")[-1]


def show_in_folder(path: Path) -> None:
    """Open the file manager at `path`, selecting the file on Windows and macOS."""
    if sys.platform == "win32":
        QProcess.startDetached("explorer", [f"/select,{os.path.normpath(path)}"])
    elif sys.platform == "darwin":
        QProcess.startDetached("open", ["-R", str(path)])
    else:
        # NOTE: freedesktop file managers can select a file over D-Bus (FileManager1), but
        # not every desktop has one, so Linux opens the folder without a selection.
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
