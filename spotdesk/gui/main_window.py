"""The main window: link box, task tree, details, toolbar, status bar and tray."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from spotdesk.config import Settings, save_settings
from spotdesk.gui.actions import TaskActions
from spotdesk.gui.backend import BackendClient, StoreFactory
from spotdesk.gui.clipboard import ClipboardWatcher
from spotdesk.gui.clipboard_offer import ClipboardOffer
from spotdesk.gui.details import DetailsPanel
from spotdesk.gui.diagnostics import DiagnosticsActions
from spotdesk.gui.dropping import text_from_mime
from spotdesk.gui.error_text import describe_error
from spotdesk.gui.link_box import LinkBox
from spotdesk.gui.notifications import Notifier
from spotdesk.gui.progress_delegate import ProgressDelegate
from spotdesk.gui.status_bar import StatusBar
from spotdesk.gui.task_model import TASK_ROLE, Column, TaskModel
from spotdesk.gui.task_proxy import StateFilter, TaskFilterProxy
from spotdesk.gui.tray import TrayController
from spotdesk.gui.window_menus import WindowMenus
from spotdesk.gui.window_state import restore_window_state, save_window_state

log = logging.getLogger(__name__)

SUMMARY_INTERVAL_MS = 250
_DEFAULT_WIDTHS = {
    Column.TITLE: 250,
    Column.ARTISTS: 170,
    Column.ALBUM: 150,
    Column.STATUS: 240,
    Column.PROGRESS: 110,
    Column.SPEED: 80,
    Column.ETA: 70,
    Column.SIZE: 75,
    Column.MATCH: 60,
}


class MainWindow(QMainWindow):
    """The window; `manager` (a `WorkerManager`) may be None, as in tests."""

    def __init__(
        self,
        settings: Settings,
        store_uri: str,
        store_factory: StoreFactory,
        icon: QIcon,
        manager: Any = None,
        open_settings: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self._store_uri = store_uri
        self.manager = manager
        self._open_settings = open_settings
        self._quitting = False
        self._shut_down = False
        self.setWindowIcon(icon)
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.resize(1180, 720)

        self.backend = BackendClient(store_factory, settings, self)
        self.model = TaskModel(self)
        self.proxy = TaskFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = self._build_view()
        self.actions_ = TaskActions(self.view, self.backend.call, self)
        self.link_box = LinkBox(self)
        self.details = DetailsPanel(self)
        self.clipboard_offer = ClipboardOffer(self)
        self.splitter = self._build_splitter()
        self.status = StatusBar(store_uri, self)
        self.setStatusBar(self.status)
        self.menus = WindowMenus(self, self.actions_, self._show_settings, self.quit, self._about)
        self.diagnostics = DiagnosticsActions(self, lambda: self.settings, lambda: self._store_uri)
        self.menus.help_menu.insertActions(self.menus.about_action, self.diagnostics.actions())
        self.menus.help_menu.insertSeparator(self.menus.about_action)
        self.filter_combo = self.menus.filter_combo
        self.search = self.menus.search
        self.tray = TrayController(icon, self.actions_.pause_all, self.actions_.resume_all, self)
        self.clipboard = ClipboardWatcher(parent=self)
        self.notifier = Notifier(self.model, self.tray, self.status, self)
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(SUMMARY_INTERVAL_MS)
        self._summary_timer.timeout.connect(self._refresh_summary)
        self._counts: dict[str, int] = {}

        self._connect()
        self.retranslate()
        if not restore_window_state(self, self.view.header(), self.splitter):
            for column, width in _DEFAULT_WIDTHS.items():
                self.view.setColumnWidth(column, width)
        self.clipboard.set_enabled(settings.watch_clipboard)

    # ---- construction ------------------------------------------------------------------

    def _build_view(self) -> QTreeView:
        view = QTreeView(self)
        view.setObjectName("taskView")
        view.setModel(self.proxy)
        view.setUniformRowHeights(True)  # needed for smooth scrolling with 10,000 rows
        view.setAlternatingRowColors(True)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(view))
        view.header().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.header().setSectionsMovable(True)
        view.header().setStretchLastSection(False)
        return view

    def _build_splitter(self) -> QSplitter:
        top = QWidget(self)
        layout = QVBoxLayout(top)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.link_box)
        layout.addWidget(self.clipboard_offer)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(top)
        splitter.addWidget(self.view)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        splitter.setSizes([110, 480, 130])
        self.setCentralWidget(splitter)
        return splitter

    def _connect(self) -> None:
        backend = self.backend.backend
        backend.loaded.connect(self.model.apply_changes)
        backend.load_finished.connect(self.model.mark_loaded)
        backend.changed.connect(self._on_changed)
        backend.counts_changed.connect(self._on_counts)
        # Bound methods, not lambdas: a lambda would run on the backend thread.
        backend.store_problem.connect(self._on_store_problem)
        backend.store_recovered.connect(self._on_store_recovered)

        self.model.summary_changed.connect(self._schedule_summary)

        self.link_box.submitted.connect(self.submit_text)
        self.link_box.edit.links_dropped.connect(
            lambda text: self.submit_text(text, from_box=False)
        )
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.doubleClicked.connect(self._on_double_click)
        self.actions_.choose_match_requested.connect(self.choose_match)
        self.actions_.message.connect(lambda text: self.status.showMessage(text, 6000))
        self.diagnostics.message.connect(lambda text: self.status.showMessage(text, 6000))
        self.filter_combo.currentIndexChanged.connect(
            lambda: self.proxy.set_state_filter(StateFilter(self.filter_combo.currentData()))
        )
        self.search.textChanged.connect(self.proxy.set_text)

        self.tray.toggle_window_requested.connect(self.toggle_visible)
        self.tray.quit_requested.connect(self.quit)
        self.tray.show_rows_requested.connect(self.show_rows)
        self.clipboard.links_found.connect(self.clipboard_offer.offer)
        self.clipboard_offer.accepted.connect(self._add_offered)

        if self.manager is not None:
            for signal in (
                self.manager.worker_started,
                self.manager.worker_stopped,
                self.manager.worker_crashed,
            ):
                signal.connect(self._on_workers_changed)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("spotdesk"))
        self.clipboard_offer.retranslate()
        self.actions_.retranslate()
        self.link_box.retranslate()
        self.model.retranslate()
        self.status.refresh()
        self.details.retranslate()
        self.diagnostics.retranslate()
        self.tray.retranslate(window_visible=self.isVisible())
        self.menus.retranslate()  # last: the toolbar texts come from the translated actions

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ---- running -----------------------------------------------------------------------

    def start(self) -> None:
        """Start reading the store, and the workers when a manager was given."""
        self.backend.start()
        if self.manager is not None:
            self.manager.start()
            self.status.set_workers(self.manager.running_count())

    def submit_text(self, text: str, from_box: bool = True) -> None:
        options = self.settings.output_options()
        if not from_box:
            self.link_box.show_busy()
        self.backend.call(
            "submit",
            text,
            options,
            on_done=lambda report: self.link_box.show_report(report, from_box=from_box),
            on_error=lambda code, message: self.link_box.show_problem(
                describe_error(code, message)
            ),
        )

    def apply_settings(self, settings: Settings) -> None:
        old = self.settings
        self.settings = settings
        self.backend.update_settings(settings)
        self.clipboard.set_enabled(settings.watch_clipboard)
        if self.manager is not None and settings.workers != old.workers:
            self.manager.set_count(settings.workers)
        if settings.store_uri != old.store_uri:
            self.status.showMessage(
                self.tr("The new queue is used after spotdesk restarts."), 10000
            )

    def _on_changed(self, tasks: list[Any], removed: list[str]) -> None:
        self.model.apply_changes(tasks, removed)
        self.actions_.update_enabled()
        current = self.view.currentIndex()
        self.details.refresh(current.data(TASK_ROLE) if current.isValid() else None)

    def _on_workers_changed(self, *_: object) -> None:
        if self.manager is not None:
            self.status.set_workers(self.manager.running_count())

    def _on_store_problem(self, code: str, message: str) -> None:
        self.status.set_store_problem(describe_error(code, message))

    def _on_store_recovered(self) -> None:
        self.status.set_store_problem(None)

    def _on_counts(self, counts: dict[str, int]) -> None:
        self._counts = counts
        self.status.set_counts(counts)
        self._schedule_summary()

    def _schedule_summary(self) -> None:
        if not self._summary_timer.isActive():
            self._summary_timer.start()

    def _refresh_summary(self) -> None:
        speed = self.model.total_speed()
        self.status.set_speed(speed)
        self.status.set_rate_limit(self.model.rate_limit_until())
        self.tray.update_summary(self._counts, speed, self.model.overall_progress())

    # ---- selection and rows ------------------------------------------------------------

    def _on_selection(self) -> None:
        self.actions_.update_enabled()
        tasks = self.actions_.selected_tasks()
        self.details.show_task(tasks[0] if len(tasks) == 1 else None)

    def _context_menu(self, position: QPoint) -> None:
        self.actions_.update_enabled()
        self.actions_.context_menu().exec(self.view.viewport().mapToGlobal(position))

    def _on_double_click(self, index: QModelIndex) -> None:
        task = index.data(TASK_ROLE)
        if task is not None and task.needs_review:
            self.choose_match(task)
        elif self.actions_.open_file.isEnabled():
            self.actions_.open_file.trigger()

    def show_rows(self, task_ids: list[str]) -> None:
        """Bring the window up with these tasks selected and the first one in view."""
        self.showNormal()
        self.raise_()
        self.activateWindow()
        indexes = [
            self.proxy.mapFromSource(self.model.index_for_id(task_id)) for task_id in task_ids
        ]
        if not all(index.isValid() for index in indexes):
            self.filter_combo.setCurrentIndex(0)
            self.search.clear()
            indexes = [
                self.proxy.mapFromSource(self.model.index_for_id(task_id)) for task_id in task_ids
            ]
        indexes = [index for index in indexes if index.isValid()]
        if not indexes:
            return
        selection = self.view.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for index in indexes:
            if index.parent().isValid():
                self.view.expand(index.parent())
            selection.select(index, flags)
        self.view.setCurrentIndex(indexes[0])
        self.view.scrollTo(indexes[0], QAbstractItemView.ScrollHint.PositionAtCenter)

    def choose_match(self, task: Any) -> None:
        from spotdesk.gui.match_dialog import MatchDialog

        dialog = MatchDialog(task, self)
        if dialog.exec() != MatchDialog.DialogCode.Accepted:
            return
        url = dialog.chosen_url()
        if url:
            self.backend.call(
                "choose_match",
                task.id,
                url,
                on_done=lambda _: self.status.showMessage(
                    self.tr("The track is queued again with the chosen match."), 6000
                ),
                on_error=lambda code, message: self.status.showMessage(
                    describe_error(code, message), 10000
                ),
            )

    def _add_offered(self, text: str) -> None:
        self.submit_text(text, from_box=False)

    # ---- drag and drop -----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if text_from_mime(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        text = text_from_mime(event.mimeData())
        if text is None:
            return
        event.acceptProposedAction()
        self.submit_text(text, from_box=False)

    # ---- window, tray and quitting -------------------------------------------------------

    def toggle_visible(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            self.showNormal()
            self.raise_()
            self.activateWindow()
        self.tray.retranslate(window_visible=self.isVisible())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and self.settings.minimise_to_tray and self.tray.available:
            event.ignore()
            self.hide()
            self.tray.retranslate(window_visible=False)
            if not self.settings.tray_hint_shown:
                self.settings = dataclasses.replace(self.settings, tray_hint_shown=True)
                save_settings(self.settings)
                self.tray.notify(
                    self.tr("spotdesk keeps running"),
                    self.tr(
                        "Downloads continue in the background. Use the tray icon to open "
                        "the window or quit. You can change this in Settings."
                    ),
                    [],
                )
            return
        self.shutdown()
        event.accept()

    def quit(self) -> None:
        self._quitting = True
        self.close()
        QApplication.quit()

    def shutdown(self) -> None:
        """Save the layout, stop the workers (their tasks go back to the queue), close the store."""
        if self._shut_down:
            return
        self._shut_down = True
        save_window_state(self, self.view.header(), self.splitter)
        if self.manager is not None:
            self.status.showMessage(self.tr("Stopping workers…"))
            QApplication.processEvents()
            self.manager.stop(10000)
            self.manager = None
        self.backend.stop()
        self.clipboard.set_enabled(False)
        self.tray.hide()

    def _show_settings(self) -> None:
        if self._open_settings is not None:
            self._open_settings()

    def _about(self) -> None:
        from spotdesk import __version__

        QMessageBox.about(
            self,
            self.tr("About spotdesk"),
            self.tr(
                "spotdesk {version}\n\nTurns Spotify links into tagged audio files.\n"
                "Free software under the GNU GPL, version 3 or later."
            ).format(version=__version__),
        )
