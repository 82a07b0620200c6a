"""Cell texts, sort values and tooltips of the task view, for tracks and collections."""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject

from spotdesk.gui.error_text import describe_error, stage_name, state_name
from spotdesk.gui.formatting import (
    format_clock,
    format_confidence,
    format_duration,
    format_size,
    format_speed,
)
from spotdesk.gui.task_nodes import Node, track_progress, track_size
from spotdesk.model import Task, TaskState

if TYPE_CHECKING:
    from spotdesk.gui.task_model import Column


def _kind_name(task: Task) -> str:
    kind = task.link.split("|")[-1]
    if "/album/" in kind or ":album:" in kind:
        return QCoreApplication.translate("TaskDisplay", "Album")
    if "/playlist/" in kind or ":playlist:" in kind:
        return QCoreApplication.translate("TaskDisplay", "Playlist")
    if "/artist/" in kind or ":artist:" in kind:
        return QCoreApplication.translate("TaskDisplay", "Artist")
    return QCoreApplication.translate("TaskDisplay", "Link")


class TaskCounts(QObject):
    """Counted texts with English plural forms; lupdate marks `self.tr` calls with a count
    as plural entries, which it does not do for `QCoreApplication.translate`."""

    def tracks(self, count: int) -> str:
        return self.tr("%n track(s)", "", count)


@cache
def _counts() -> TaskCounts:
    return TaskCounts()


def task_title(task: Task) -> str:
    if task.title:
        return task.title
    if task.track is not None:
        return task.track.title
    return task.link


def status_text(task: Task) -> str:
    """Return the status of one task: its stage while running, its error when failed."""
    state = task.state
    if state is TaskState.RUNNING and task.cancel_requested:
        return QCoreApplication.translate("TaskDisplay", "Cancelling…")
    if state is TaskState.RUNNING and task.pause_requested:
        return QCoreApplication.translate("TaskDisplay", "Pausing…")
    if state is TaskState.RUNNING and task.stage is not None:
        return stage_name(task.stage)
    if state is TaskState.QUEUED and task.not_before and task.not_before > time.time():
        return QCoreApplication.translate("TaskDisplay", "Waiting until {time}").format(
            time=format_clock(task.not_before)
        )
    if state is TaskState.FAILED:
        return describe_error(task.error_code, task.error_message)
    if state is TaskState.DONE and task.skipped_reason:
        return QCoreApplication.translate("TaskDisplay", "Already in the library")
    return state_name(state)


def collection_status(node: Node) -> str:
    """Summarise a collection row: the resolve step's state, then its tracks' counts."""
    task = node.shown
    if not node.children:
        return status_text(task)
    summary = node.aggregate()
    done = summary.states[TaskState.DONE]
    failed = summary.states[TaskState.FAILED] - summary.needs_review
    text = QCoreApplication.translate("TaskDisplay", "%n of {total} done", "", done).format(
        total=summary.total
    )
    parts = [text]
    review = summary.needs_review
    if review:
        parts.append(QCoreApplication.translate("TaskDisplay", "%n to review", "", review))
    if failed:
        parts.append(QCoreApplication.translate("TaskDisplay", "%n failed", "", failed))
    paused = summary.states[TaskState.PAUSED]
    if paused:
        parts.append(QCoreApplication.translate("TaskDisplay", "%n paused", "", paused))
    return QCoreApplication.translate("TaskDisplay", ", ").join(parts)


def display_value(node: Node, column: Column) -> str:
    from spotdesk.gui.task_model import Column

    task = node.shown
    track = task.track
    collection = node.is_collection
    if column is Column.TITLE:
        return task_title(task)
    if column is Column.ARTISTS:
        if track is not None:
            return ", ".join(track.artists)
        if collection and node.children:
            count = len(node.children)
            return _counts().tracks(count)
        return ""
    if column is Column.ALBUM:
        if track is not None:
            return track.album or ""
        return _kind_name(task) if collection else ""
    if column is Column.STATUS:
        return collection_status(node) if collection else status_text(task)
    if column is Column.PROGRESS:
        return ""  # painted by the progress delegate
    if collection and node.children:
        summary = node.aggregate()
        if column is Column.SPEED:
            return format_speed(summary.speed)
        if column is Column.ETA:
            return format_duration(summary.eta)
        if column is Column.SIZE:
            return format_size(summary.size or None)
        return ""
    running = task.state is TaskState.RUNNING
    if column is Column.SPEED:
        return format_speed(task.speed) if running else ""
    if column is Column.ETA:
        return format_duration(task.eta) if running else ""
    if column is Column.SIZE:
        return format_size(track_size(task))
    if column is Column.MATCH:
        return format_confidence(task.match.confidence) if task.match else ""
    return ""


def sort_value(node: Node, column: Column) -> Any:
    """Return a value that sorts a column correctly: numbers as numbers, unknowns last."""
    from spotdesk.gui.task_model import Column

    task = node.shown
    summary = node.aggregate() if node.children else None
    if column is Column.PROGRESS:
        return summary.progress if summary else track_progress(task)
    if column is Column.SPEED:
        return summary.speed if summary else (task.speed or 0.0)
    if column is Column.ETA:
        eta = summary.eta if summary else task.eta
        return eta if eta is not None else float("inf")
    if column is Column.SIZE:
        return summary.size if summary else (track_size(task) or 0)
    if column is Column.MATCH:
        return task.match.confidence if task.match else -1.0
    return display_value(node, column).casefold()


def tooltip_text(node: Node, column: Column) -> str | None:
    from spotdesk.gui.task_model import Column

    task = node.shown
    if column is Column.STATUS and task.state is TaskState.FAILED:
        sentence = describe_error(task.error_code, task.error_message)
        if task.error_message and task.error_message != sentence:
            return f"{sentence}\n\n{task.error_message}"
        return sentence
    if column is Column.MATCH and task.match is not None:
        match = task.match
        return QCoreApplication.translate("TaskDisplay", "{title} by {channel}").format(
            title=match.title, channel=match.channel or "?"
        )
    if column is Column.TITLE and task.output_path:
        return task.output_path
    if column is Column.TITLE and node.is_collection:
        return task.link
    return None
