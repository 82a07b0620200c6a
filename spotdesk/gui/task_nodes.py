"""The tree behind the task view: one node per task, collections with their tracks beneath.

Plain Python objects with no Qt, so the model's bookkeeping can be reasoned about (and
tested) apart from the view.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

from spotdesk.model import Task, TaskKind, TaskState


@dataclass
class Aggregate:
    """The summary a collection row shows for its tracks."""

    total: int = 0
    states: Counter[TaskState] = field(default_factory=Counter)
    needs_review: int = 0
    progress: float = 0.0  # mean over the tracks, done tracks counting as 1
    speed: float = 0.0  # bytes per second, running tracks summed
    eta: float | None = None  # the longest ETA of a running track
    size: int = 0  # bytes, the known total sizes summed

    @property
    def finished(self) -> bool:
        return self.total > 0 and all(state.is_final for state in self.states.elements())

    @property
    def active(self) -> int:
        return sum(count for state, count in self.states.items() if state.is_active)


def is_track_link(link: str) -> bool:
    target = link.split("|")[-1]
    return "/track/" in target or target.startswith("spotify:track:")


def track_size(task: Task) -> int | None:
    return task.bytes_total if task.bytes_total else task.bytes_done


def track_progress(task: Task) -> float:
    if task.state is TaskState.DONE:
        return 1.0
    return min(max(task.progress or 0.0, 0.0), 1.0)


class Node:
    """One row: a task, its parent row and its child rows in display order."""

    __slots__ = ("task", "parent", "children", "single", "row", "_aggregate")

    def __init__(self, task: Task | None, parent: Node | None = None) -> None:
        self.task = task  # None only for the invisible root
        self.parent = parent
        self.children: list[Node] = []
        # A link to one track resolves to one track task. Its row shows that track, so the
        # view has no collection of one.
        self.single: Node | None = None
        self.row = 0
        self._aggregate: Aggregate | None = None

    @property
    def own_task(self) -> Task:
        """The task of this row itself, never the merged track that `shown` may return."""
        if self.task is None:
            raise ValueError("the invisible root node has no task")
        return self.task

    @property
    def shown(self) -> Task:
        """The task whose values the row shows: the merged track of a single-track link."""
        task = self.single.task if self.single is not None else self.task
        assert task is not None
        return task

    @property
    def is_collection(self) -> bool:
        return self.task is not None and self.task.kind is TaskKind.RESOLVE and self.single is None

    @property
    def holds_single_track(self) -> bool:
        """True for the resolve task of a link to one track."""
        task = self.task
        return task is not None and task.kind is TaskKind.RESOLVE and is_track_link(task.link)

    def order_key(self) -> tuple[int, int]:
        task = self.task
        assert task is not None
        return (task.position if task.position is not None else 1 << 30, task.seq)

    def insert_position(self, child: Node) -> int:
        """Return where `child` belongs among the children, kept in collection order."""
        keys = [node.order_key() for node in self.children]
        return bisect.bisect_right(keys, child.order_key())

    def renumber(self, start: int = 0) -> None:
        for row in range(start, len(self.children)):
            self.children[row].row = row

    def invalidate(self) -> None:
        self._aggregate = None

    def aggregate(self) -> Aggregate:
        """Summarise the child tracks, cached until a child changes."""
        if self._aggregate is None:
            self._aggregate = self._compute_aggregate()
        return self._aggregate

    def _compute_aggregate(self) -> Aggregate:
        summary = Aggregate(total=len(self.children))
        progress_sum = 0.0
        for child in self.children:
            task = child.task
            assert task is not None
            summary.states[task.state] += 1
            if task.needs_review:
                summary.needs_review += 1
            progress_sum += track_progress(task)
            if task.state is TaskState.RUNNING:
                summary.speed += task.speed or 0.0
                if task.eta is not None:
                    summary.eta = max(summary.eta or 0.0, task.eta)
            summary.size += track_size(task) or 0
        if summary.total:
            summary.progress = progress_sum / summary.total
        return summary
