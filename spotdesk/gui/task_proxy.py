"""Sorting and filtering of the task tree: by state (all, active, done, needs review,
failed) and by text in the title, artists and album."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from spotdesk.gui.task_model import NODE_ROLE, SORT_ROLE, Column
from spotdesk.gui.task_nodes import Node
from spotdesk.model import Task, TaskState


class StateFilter(StrEnum):
    ALL = "all"
    ACTIVE = "active"
    DONE = "done"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"


def matches_state(task: Task, state_filter: StateFilter) -> bool:
    if state_filter is StateFilter.ALL:
        return True
    if state_filter is StateFilter.ACTIVE:
        return task.state.is_active
    if state_filter is StateFilter.DONE:
        return task.state is TaskState.DONE
    if state_filter is StateFilter.NEEDS_REVIEW:
        return task.needs_review
    return task.state is TaskState.FAILED and not task.needs_review


class TaskFilterProxy(QSortFilterProxyModel):
    """Shows the rows that match; a collection shows when it or one of its tracks does.

    A collection with tracks is judged by its tracks only, so "failed" shows a playlist
    with just its failed tracks beneath it.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._state_filter = StateFilter.ALL
        self._text = ""
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(True)
        self.setSortRole(SORT_ROLE)

    @property
    def state_filter(self) -> StateFilter:
        return self._state_filter

    def set_state_filter(self, state_filter: StateFilter) -> None:
        if state_filter is not self._state_filter:
            self.beginFilterChange()
            self._state_filter = state_filter
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        text = text.strip().casefold()
        if text != self._text:
            self.beginFilterChange()
            self._text = text
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._state_filter is StateFilter.ALL and not self._text:
            return True  # the common case, and the one a 10,000-row load goes through
        index = self.sourceModel().index(source_row, 0, source_parent)
        node: Node = index.data(NODE_ROLE)
        if node is None or node.task is None:
            return False
        if node.children and (self._state_filter is not StateFilter.ALL or self._text):
            return False  # shown only through a matching track (recursive filtering)
        if not matches_state(node.shown, self._state_filter):
            return False
        return not self._text or self._matches_text(source_row, source_parent, node)

    def _matches_text(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex, node: Node
    ) -> bool:
        model = self.sourceModel()
        for column in (Column.TITLE, Column.ARTISTS, Column.ALBUM):
            value = model.index(source_row, column, source_parent).data()
            if value and self._text in str(value).casefold():
                return True
        parent = node.parent
        if parent is not None and parent.task is not None and parent.task.title:
            return self._text in parent.task.title.casefold()
        return False
