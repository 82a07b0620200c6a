"""Task state transitions, shared by both stores: user actions and a worker's claim ending.

Each user-action function returns the fields to set on a task in `state`, or None when
the action does not apply to that state. A running task only gets a request flag,
because its worker owns it and acts on the flag at its next heartbeat or progress write.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from spotdesk.errors import SpotdeskError
from spotdesk.model import TaskState

from . import codec
from .contract import InvalidTransition, Outcome, TaskNotFound

Fields = dict[str, Any]


class Row(Protocol):
    """A task as a store reads it: a SQLite row or a MongoDB document."""

    def __getitem__(self, key: str, /) -> Any: ...


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


def retry_fields(
    state: TaskState, chosen_url: str | None, not_before: float = 0.0, now: float = 0.0
) -> Fields | None:
    """Re-queue a failed or cancelled task, or make a queued task waiting for its retry
    delay (`not_before` after `now`) claimable at once."""
    if state is TaskState.QUEUED and not_before > now:
        waiting: Fields = {"not_before": 0.0, "attempts": 0}
        if chosen_url is not None:
            waiting["chosen_url"] = chosen_url
        return waiting
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


# The states each user action applies to, for the message when it does not.
APPLIES_TO = {
    "cancel": "queued, paused and running tasks",
    "pause": "queued and running tasks",
    "resume": "paused tasks and running tasks with a pending pause request",
    "retry": "failed and cancelled tasks and queued tasks waiting for a retry delay",
}


def check_single(
    requested: list[str],
    found: Mapping[str, Row],
    affected: list[str],
    action: str,
    now: float,
    collided: bool = False,
) -> None:
    """Raise when a request naming one task changed nothing, so the caller learns why.

    `found` maps the id of each task read to its row, and `collided` is True when a
    re-queue was skipped because an equal task is active. Requests naming several tasks
    skip the ones an action does not apply to, because a selection in the window often
    mixes states.
    """
    if len(requested) != 1 or affected:
        return
    task_id = requested[0]
    row = found.get(task_id)
    if row is None:
        raise TaskNotFound(f"Task {task_id} was not found; it may have been removed.")
    if collided:
        raise InvalidTransition(
            f"Cannot {action} task {task_id}: an equal task for the same link and options "
            "is already queued, running or paused."
        )
    raise InvalidTransition(
        f"Cannot {action} task {task_id}: it is {describe_state(row, now)}. "
        f"{action.capitalize()} applies to {APPLIES_TO[action]}."
    )


def describe_state(row: Row, now: float) -> str:
    """Describe a task's state with its pending request or retry delay, for messages."""
    state = str(row["state"])
    if state == TaskState.RUNNING.value and _field(row, "cancel_requested"):
        return "running with a cancel request pending"
    if state == TaskState.RUNNING.value and _field(row, "pause_requested"):
        return "running with a pause request pending"
    not_before = float(_field(row, "not_before") or 0.0)
    if state == TaskState.QUEUED.value and not_before > now:
        until = datetime.fromtimestamp(not_before, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"queued and waits for a retry delay until {until}"
    return state


def _field(row: Row, name: str) -> Any:
    """Read an optional field from a SQLite row or a MongoDB document (None when absent)."""
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


# ---- a worker's hold on a task ending -----------------------------------------------------


def state_after_stop(row: Mapping[str, Any], target: TaskState) -> TaskState:
    """Let a pending user request win over where a stopping worker would put the task."""
    if row["cancel_requested"] and target is not TaskState.DONE:
        return TaskState.CANCELLED
    if row["pause_requested"] and target is TaskState.QUEUED:
        return TaskState.PAUSED
    return target


def stop_fields(state: TaskState, now: float) -> dict[str, Any]:
    """Return the fields that end a worker's hold on a task, leaving it in `state`."""
    return {
        "state": state.value,
        "owner": None,
        "lease_token": None,
        "lease_until": None,
        "cancel_requested": False,
        "pause_requested": False,
        "finished_at": now if state.is_final else None,
    }


def reap_fields(row: Mapping[str, Any], now: float) -> dict[str, Any]:
    """Return the fields for a running task whose lease expired."""
    exhausted = row["attempts"] >= row["max_attempts"]
    state = state_after_stop(row, TaskState.FAILED if exhausted else TaskState.QUEUED)
    fields = stop_fields(state, now)
    fields["error_code"] = codec.LEASE_EXPIRED_CODE
    fields["error_message"] = f"The worker {row['owner']} stopped renewing its lease" + (
        "; no attempts are left." if exhausted else "; the task will be retried."
    )
    if state is TaskState.QUEUED:
        fields["not_before"] = now + codec.backoff_seconds(int(row["attempts"]))
    return fields


def fail_fields(
    row: Mapping[str, Any], error: SpotdeskError, retry_after: float | None, now: float
) -> tuple[TaskState, Fields]:
    """Return where a failed attempt leaves a running task, and the fields to set.

    A retryable error with attempts left re-queues the task after `retry_after` seconds,
    or after the exponential backoff when that is None. Any other error ends it failed.
    """
    retry = error.retryable and row["attempts"] < row["max_attempts"]
    state = state_after_stop(row, TaskState.QUEUED if retry else TaskState.FAILED)
    fields = stop_fields(state, now)
    fields["error_code"] = error.code
    fields["error_message"] = error.message
    if state is TaskState.QUEUED:
        delay = (
            retry_after if retry_after is not None else codec.backoff_seconds(int(row["attempts"]))
        )
        fields["not_before"] = now + delay
    return state, fields


def release_fields(row: Mapping[str, Any], state: TaskState, now: float) -> Fields:
    """Return the fields for a worker handing a running task back in `state`."""
    if state not in (TaskState.QUEUED, TaskState.PAUSED, TaskState.CANCELLED):
        raise ValueError(f"release cannot end a task {state.value}")
    final = state_after_stop(row, state)
    fields = stop_fields(final, now)
    if final is not TaskState.CANCELLED:
        fields["attempts"] = max(int(row["attempts"]) - 1, 0)  # the interrupted attempt
    return fields


def complete_fields(outcome: Outcome, now: float) -> Fields:
    """Return the fields for a task a worker finished."""
    fields = stop_fields(TaskState.DONE, now)
    fields.update(
        {
            "progress": 1.0,
            "output_path": outcome.output_path,
            "error_code": None,
            "error_message": None,
            "skipped_reason": outcome.skipped_reason,
            "skipped": [entry.to_dict() for entry in outcome.skipped],
        }
    )
    if outcome.match is not None:
        fields["match"] = outcome.match.to_dict()
    return fields


def completion_metrics(kind: str, outcome: Outcome) -> dict[str, int]:
    """Return the daily statistics a completed task adds: only real track downloads count."""
    if kind != "track" or not outcome.output_path or outcome.skipped_reason:
        return {}
    return {"downloads": 1, "bytes": outcome.bytes_written}
