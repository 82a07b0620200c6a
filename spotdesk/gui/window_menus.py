"""The main window's menu bar, toolbar and filter controls."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLineEdit, QMainWindow, QSizePolicy, QToolBar, QWidget

from spotdesk.gui.actions import TaskActions
from spotdesk.gui.task_proxy import StateFilter

# "暂停(&P)": Chinese menus append the accelerator in brackets, which a toolbar button
# should not show.
_BRACKETED_ACCELERATOR = re.compile(r"\(&\w\)")


def toolbar_text(text: str) -> str:
    return _BRACKETED_ACCELERATOR.sub("", text).replace("&", "").rstrip("…")


class WindowMenus(QObject):
    def __init__(
        self,
        window: QMainWindow,
        actions: TaskActions,
        open_settings: Callable[[], None],
        quit_app: Callable[[], None],
        show_about: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._actions = actions
        self.filter_combo = QComboBox(window)
        self.filter_combo.setObjectName("stateFilter")
        for state_filter in StateFilter:
            self.filter_combo.addItem("", state_filter.value)
        self.search = QLineEdit(window)
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(240)

        self.settings_action = QAction(window)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(open_settings)
        self.quit_action = QAction(window)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(quit_app)
        self.about_action = QAction(window)
        self.about_action.triggered.connect(show_about)

        self.toolbar = self._build_toolbar(window)
        self._build_menus(window)

    def _build_toolbar(self, window: QMainWindow) -> QToolBar:
        actions = self._actions
        toolbar = QToolBar(window)
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addActions([actions.pause_all, actions.resume_all, actions.clear_finished])
        toolbar.addSeparator()
        toolbar.addActions(
            [actions.pause, actions.resume, actions.cancel, actions.retry, actions.remove]
        )
        spacer = QWidget(window)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.filter_combo)
        toolbar.addWidget(self.search)
        window.addToolBar(toolbar)
        return toolbar

    def _build_menus(self, window: QMainWindow) -> None:
        actions = self._actions
        menu_bar = window.menuBar()
        self.file_menu = menu_bar.addMenu("")
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.tasks_menu = menu_bar.addMenu("")
        self.tasks_menu.addActions(actions.row_actions())
        self.tasks_menu.addSeparator()
        self.tasks_menu.addActions([actions.pause_all, actions.resume_all, actions.clear_finished])
        self.help_menu = menu_bar.addMenu("")
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        self.settings_action.setText(self.tr("&Settings…"))
        self.quit_action.setText(self.tr("&Quit"))
        self.about_action.setText(self.tr("&About spotdesk"))
        self.file_menu.setTitle(self.tr("&File"))
        self.tasks_menu.setTitle(self.tr("&Tasks"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.toolbar.setWindowTitle(self.tr("Toolbar"))
        labels = {
            StateFilter.ALL: self.tr("All tasks"),
            StateFilter.ACTIVE: self.tr("Active"),
            StateFilter.DONE: self.tr("Done"),
            StateFilter.NEEDS_REVIEW: self.tr("Needs review"),
            StateFilter.FAILED: self.tr("Failed"),
        }
        for row in range(self.filter_combo.count()):
            state_filter = StateFilter(self.filter_combo.itemData(row))
            self.filter_combo.setItemText(row, labels[state_filter])
        self.search.setPlaceholderText(self.tr("Search title, artist, album"))
        for action in self.toolbar.actions():
            action.setIconText(toolbar_text(action.text()))
