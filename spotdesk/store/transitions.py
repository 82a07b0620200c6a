"""What each user action does to a task in each state, shared by both stores.

Each function returns the fields to set on a task in `state`, or None when the action
does not apply to that state. A running task only gets a request flag, because its
worker owns it and acts on the flag at its next heartbeat or progress write.
"""

from __future__ import annotations

from typing import Any

from spotdesk.model import TaskState

from .contract import InvalidTransition, TaskNotFound

Fields = dict[str, Any]


def cancel_fields(state: TaskState, cancel_requested: bool, now: float) -> Fields | None:
    if state in (TaskState.QUEUED, TaskState.PAUSED):
        return {
            "state": TaskState.CANCELLED.value,
            "finished_at": now,
            "cancel_requested": False,
            "pause_requested": False,
        }
    if state is TaskState.RUNNING and not cancel_requested:
        return {"cancel_requested": True}
    return None


def pause_fields(state: TaskState, pause_requested: bool) -> Fields | None:
    if state is TaskState.QUEUED:
        return {"state": TaskState.PAUSED.value}
    if state is TaskState.RUNNING and not pause_requested:
        return {"pause_requested": True}
    return None


def resume_fields(state: TaskState, pause_requested: bool) -> Fields | None:
    if state is TaskState.PAUSED:
        return {"state": TaskState.QUEUED.value, "pause_requested": False, "not_before": 0.0}
    if state is TaskState.RUNNING and pause_requested:
        # The worker has not acted on the pause request yet, so withdrawing it is enough.
        return {"pause_requested": False}
    return None


def retry_fields(state: TaskState, chosen_url: str | None) -> Fields | None:
    if state not in (TaskState.FAILED, TaskState.CANCELLED):
        return None
    fields: Fields = {
        "state": TaskState.QUEUED.value,
        "attempts": 0,
        "error_code": None,
        "error_message": None,
        "not_before": 0.0,
        "finished_at": None,
        "cancel_requested": False,
        "pause_requested": False,
        "stage": None,
        "progress": 0.0,
        "owner": None,
        "lease_token": None,
        "lease_until": None,
    }
    if chosen_url is not None:
        fields["chosen_url"] = chosen_url
    return fields


def check_single(requested: list[str], found: set[str], affected: list[str], action: str) -> None:
    """Raise when a request naming one task changed nothing, so the caller learns why.

    Requests naming several tasks skip the ones an action does not apply to, because a
    selection in the window often mixes states.
    """
    if len(requested) != 1 or affected:
        return
    task_id = requested[0]
    if task_id not in found:
        raise TaskNotFound(f"Task {task_id} was not found; it may have been removed.")
    raise InvalidTransition(f"Cannot {action} task {task_id} in its current state.")
