"""The task tree model: collections as parents with their tracks beneath.

`apply_changes` takes one batch of changed and removed tasks (the poller sends about ten per
second) and turns it into the fewest structural signals: appends are one insert per parent,
and value changes are one `dataChanged` range per parent. Collection rows show aggregates
of their tracks, cached per collection until a track changes.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from spotdesk.gui.task_display import display_value, sort_value, tooltip_text
from spotdesk.gui.task_nodes import Node, track_progress
from spotdesk.model import NEEDS_REVIEW, Task, TaskKind, TaskState

log = logging.getLogger(__name__)

RATE_LIMITED = "spotify.rate_limited"

# Above this many removals in one batch, a model reset is cheaper than single removals.
_RESET_ABOVE = 200

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT_INDEX = QModelIndex()  # the invisible root, as Qt's default argument


class Column(IntEnum):
    TITLE = 0
    ARTISTS = 1
    ALBUM = 2
    STATUS = 3
    PROGRESS = 4
    SPEED = 5
    ETA = 6
    SIZE = 7
    MATCH = 8


TASK_ROLE = Qt.ItemDataRole.UserRole + 1  # the Task object
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a raw value that sorts correctly
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 3  # float 0..1, or None when unknown
NODE_ROLE = Qt.ItemDataRole.UserRole + 4  # the Node, for the filter proxy
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 5  # the id of the row's own task (see Node.shown)


class TaskModel(QAbstractItemModel):
    """Every task in the store, kept current from batches of changes.

    Signals fire only for changes seen after `mark_loaded`, so opening the window on an
    old queue does not replay every past failure as a notification.
    """

    collection_finished = Signal(str, str, dict)  # task id, title, counts by state name
    tasks_failed = Signal(list)  # ids of tracks that just failed
    tasks_need_review = Signal(list)  # ids of tracks that just ended needing a match
    summary_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = Node(None)
        self._nodes: dict[str, Node] = {}
        self._orphans: dict[str, list[Task]] = defaultdict(list)
        self._live = False
        self._active: dict[str, float] = {}  # active track id -> progress
        self._speeds: dict[str, float] = {}  # running track id -> bytes per second
        self._waits: dict[str, float] = {}  # rate-limited task id -> not_before
        self._batch_done = 0  # tracks finished since the queue was last idle
        self._headers = self._header_texts()

    # ---- Qt model interface ------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = _ROOT_INDEX) -> QModelIndex:
        node = self._node(parent)
        if 0 <= row < len(node.children) and 0 <= column < len(Column):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: AnyIndex = _ROOT_INDEX) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: Node = index.internalPointer()
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: AnyIndex = _ROOT_INDEX) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = _ROOT_INDEX) -> int:
        return len(Column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: Node = index.internalPointer()
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return display_value(node, column)
        if role == SORT_ROLE:
            return sort_value(node, column)
        if role == PROGRESS_ROLE:
            return node.aggregate().progress if node.children else track_progress(node.shown)
        if role == TASK_ROLE:
            return node.shown
        if role == ROW_ID_ROLE:
            return node.own_task.id
        if role == NODE_ROLE:
            return node
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_text(node, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= Column.SPEED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def _header_texts(self) -> list[str]:
        return [
            self.tr("Title"),
            self.tr("Artists"),
            self.tr("Album"),
            self.tr("Status"),
            self.tr("Progress"),
            self.tr("Speed"),
            self.tr("ETA"),
            self.tr("Size"),
            self.tr("Match"),
        ]

    def retranslate(self) -> None:
        self._headers = self._header_texts()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        self._emit_all_changed()

    # ---- lookups ------------------------------------------------------------------------

    def _node(self, index: AnyIndex) -> Node:
        return index.internalPointer() if index.isValid() else self._root

    def task_for_index(self, index: AnyIndex) -> Task | None:
        return index.internalPointer().shown if index.isValid() else None

    def index_for_id(self, task_id: str, column: int = 0) -> QModelIndex:
        """Return the row showing a task; a merged single track gives its link's row."""
        node = self._nodes.get(task_id)
        if node is None:
            return QModelIndex()
        if node.parent is not None and node.parent.single is node:
            node = node.parent
        return self.createIndex(node.row, column, node)

    def task(self, task_id: str) -> Task | None:
        node = self._nodes.get(task_id)
        return node.task if node else None

    def children_of(self, task_id: str) -> list[Task]:
        node = self._nodes.get(task_id)
        return [child.own_task for child in node.children] if node else []

    def __len__(self) -> int:
        return len(self._nodes)

    # ---- summaries for the status bar and tray -----------------------------------------

    def total_speed(self) -> float:
        return sum(self._speeds.values())

    def overall_progress(self) -> float | None:
        """Return the progress of the current batch of work, or None when nothing is active.

        A batch starts when the queue goes from idle to busy, so the tray ring fills up
        once per batch instead of creeping backwards as new links are added.
        """
        if not self._active:
            return None
        finished = self._batch_done
        return (finished + sum(self._active.values())) / (finished + len(self._active))

    def rate_limit_until(self, now: float | None = None) -> float | None:
        """Return when Spotify's rate limit ends for a waiting task, or None."""
        now = time.time() if now is None else now
        pending = [until for until in self._waits.values() if until > now]
        return max(pending) if pending else None

    @property
    def loaded(self) -> bool:
        """True once the initial load finished and live changes are applied."""
        return self._live

    def mark_loaded(self) -> None:
        self._live = True
        self._batch_done = 0
        self.summary_changed.emit()

    # ---- applying changes ---------------------------------------------------------------

    def apply_changes(self, tasks: Sequence[Task], removed_ids: Sequence[str] = ()) -> None:
        """Apply one batch: insert new tasks, update changed ones, drop removed ones."""
        new_by_parent: dict[str | None, list[Task]] = defaultdict(list)
        changed: list[tuple[Node, Task]] = []
        for task in tasks:
            node = self._nodes.get(task.id)
            if node is None:
                new_by_parent[task.parent_id].append(task)
            else:
                changed.append((node, node.own_task))
                node.task = task

        finished_before = {
            node.parent.task.id: node.parent.aggregate().finished
            for node, _ in changed
            if node.parent is not None and node.parent.task is not None
        }

        self._insert_top_level(new_by_parent.pop(None, []))
        for parent_id, children in new_by_parent.items():
            self._insert_children(parent_id, children)
        self._emit_changed([node for node, _ in changed])
        if removed_ids:
            self._remove(removed_ids)

        for task in tasks:
            self._track_summary(task)
        if self._live:
            self._notify(changed, finished_before)
        self.summary_changed.emit()

    def _insert_top_level(self, tasks: list[Task]) -> None:
        if not tasks:
            return
        self._insert_sorted(self._root, QModelIndex(), tasks)
        for task in tasks:
            orphans = self._orphans.pop(task.id, None)
            if orphans:
                self._insert_children(task.id, orphans)

    def _insert_children(self, parent_id: str | None, tasks: list[Task]) -> None:
        parent = self._nodes.get(parent_id) if parent_id else None
        if parent is None:
            # The parent arrives in a later batch; keep the tracks until it does.
            assert parent_id is not None
            self._orphans[parent_id].extend(tasks)
            return
        if parent.holds_single_track and not parent.children:
            # Merged into the link's row: no child rows, the row shows the track.
            for task in tasks:
                node = Node(task, parent)
                self._nodes[task.id] = node
                parent.single = parent.single or node
            self._emit_row_changed(parent)
            return
        parent_index = self.createIndex(parent.row, 0, parent)
        self._insert_sorted(parent, parent_index, tasks)
        parent.invalidate()
        self._emit_row_changed(parent)

    def _insert_sorted(self, parent: Node, parent_index: QModelIndex, tasks: list[Task]) -> None:
        nodes = [Node(task, parent) for task in tasks]
        nodes.sort(key=Node.order_key)
        siblings = parent.children
        if not siblings or siblings[-1].order_key() <= nodes[0].order_key():
            # The usual case: new tasks come after every existing one, one insert for all.
            first = len(siblings)
            self.beginInsertRows(parent_index, first, first + len(nodes) - 1)
            siblings.extend(nodes)
            parent.renumber(first)
            self._nodes.update((node.task.id, node) for node in nodes)  # type: ignore[union-attr]
            self.endInsertRows()
            return
        for node in nodes:
            row = parent.insert_position(node)
            self.beginInsertRows(parent_index, row, row)
            siblings.insert(row, node)
            parent.renumber(row)
            self._nodes[node.task.id] = node  # type: ignore[union-attr]
            self.endInsertRows()

    def _emit_changed(self, nodes: list[Node]) -> None:
        rows_by_parent: dict[int, tuple[Node, int, int]] = {}
        for node in nodes:
            parent = node.parent
            assert parent is not None
            if parent.single is node:
                self._emit_row_changed(parent)
                continue
            key = id(parent)
            low, high = node.row, node.row
            if key in rows_by_parent:
                _, old_low, old_high = rows_by_parent[key]
                low, high = min(low, old_low), max(high, old_high)
            rows_by_parent[key] = (parent, low, high)
        last = len(Column) - 1
        for parent, low, high in rows_by_parent.values():
            parent_index = QModelIndex()
            if parent is not self._root:
                parent.invalidate()
                parent_index = self.createIndex(parent.row, 0, parent)
                self._emit_row_changed(parent)
            self.dataChanged.emit(
                self.index(low, 0, parent_index), self.index(high, last, parent_index)
            )

    def _emit_row_changed(self, node: Node) -> None:
        self.dataChanged.emit(
            self.createIndex(node.row, 0, node), self.createIndex(node.row, len(Column) - 1, node)
        )

    def _emit_all_changed(self) -> None:
        if self._root.children:
            last = len(self._root.children) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(last, len(Column) - 1))

    def _remove(self, removed_ids: Sequence[str]) -> None:
        nodes = [self._nodes[task_id] for task_id in removed_ids if task_id in self._nodes]
        if len(nodes) > _RESET_ABOVE:
            self.beginResetModel()
            for node in nodes:
                self._detach(node)
            self._root.renumber()
            for collection in self._root.children:
                collection.renumber()
            self.endResetModel()
            return
        for node in nodes:
            if node.task is None or node.task.id not in self._nodes:
                continue  # already gone with its collection
            parent = node.parent
            assert parent is not None
            if parent.single is node:
                self._detach(node)
                self._emit_row_changed(parent)
                continue
            parent_index = QModelIndex()
            if parent is not self._root:
                parent_index = self.createIndex(parent.row, 0, parent)
            self.beginRemoveRows(parent_index, node.row, node.row)
            self._detach(node)
            parent.renumber(node.row)
            self.endRemoveRows()
            if parent is not self._root:
                parent.invalidate()
                self._emit_row_changed(parent)

    def _detach(self, node: Node) -> None:
        """Forget a node and its children; the caller renumbers and signals."""
        parent = node.parent
        if parent is not None and parent.single is node:
            parent.single = None
        elif parent is not None and node in parent.children:
            parent.children.remove(node)
            parent.invalidate()
        for child in list(node.children):
            self._detach(child)
        if node.single is not None:
            self._detach(node.single)
        assert node.task is not None
        self._nodes.pop(node.task.id, None)
        self._orphans.pop(node.task.id, None)
        for summary in (self._active, self._speeds, self._waits):
            summary.pop(node.task.id, None)

    # ---- summaries and notifications ----------------------------------------------------

    def _track_summary(self, task: Task) -> None:
        if task.id not in self._nodes:
            return
        if task.kind is TaskKind.TRACK:
            if task.state.is_active:
                if not self._active:
                    self._batch_done = 0
                self._active[task.id] = track_progress(task)
            elif self._active.pop(task.id, None) is not None and task.state is TaskState.DONE:
                self._batch_done += 1
            if task.state is TaskState.RUNNING and task.speed:
                self._speeds[task.id] = task.speed
            else:
                self._speeds.pop(task.id, None)
        waiting = task.state in (TaskState.QUEUED, TaskState.FAILED)
        if waiting and task.error_code == RATE_LIMITED and task.not_before:
            self._waits[task.id] = task.not_before
        else:
            self._waits.pop(task.id, None)

    def _notify(self, changed: list[tuple[Node, Task]], finished_before: dict[str, bool]) -> None:
        failed: list[str] = []
        review: list[str] = []
        for node, old in changed:
            task = node.task
            assert task is not None
            if task.state is TaskState.FAILED and old.state is not TaskState.FAILED:
                (review if task.error_code == NEEDS_REVIEW else failed).append(task.id)
        if failed:
            self.tasks_failed.emit(failed)
        if review:
            self.tasks_need_review.emit(review)

        for collection_id, was_finished in finished_before.items():
            collection = self._nodes.get(collection_id)
            if collection is None or was_finished or collection.task is None:
                continue
            summary = collection.aggregate()
            expected = collection.task.child_count
            complete = expected is None or summary.total >= expected
            if summary.finished and complete and collection.task.state.is_final:
                counts = {state.value: count for state, count in summary.states.items()}
                counts["needs_review"] = summary.needs_review
                title = collection.task.title or collection.task.link
                self.collection_finished.emit(collection_id, title, counts)
