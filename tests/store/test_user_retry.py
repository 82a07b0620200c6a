"""User retry of a task that waits for a retry delay, and the messages of actions that do
not apply, run against every store (see `conftest.store_uri`)."""

from __future__ import annotations

import time

import pytest

from spotdesk.errors import SpotdeskError
from spotdesk.model import OutputOptions, TaskState
from spotdesk.store.contract import InvalidTransition, Outcome, Store
from tests.store.conftest import resolve_task, track_task

LEASE = 30.0
DAY_S = 86_400.0


def rate_limited() -> SpotdeskError:
    return SpotdeskError("Spotify rate limit.", code="spotify.rate_limited", retryable=True)


def waiting_task(store: Store, options: OutputOptions, name: str = "a") -> str:
    """Return the id of a queued task that a long Retry-After parked for a day."""
    task_id = store.submit([track_task(options, name)])[0].task_id
    task = store.claim("w", LEASE)
    assert task is not None
    assert task.lease_token
    assert task.id == task_id
    state = store.fail(task_id, task.lease_token, rate_limited(), retry_after=DAY_S)
    assert state is TaskState.QUEUED
    assert store.claim("w", LEASE) is None
    return task_id


def test_retry_waiting_task_clears_delay(store: Store, options: OutputOptions) -> None:
    task_id = waiting_task(store, options)

    assert store.retry([task_id]) == [task_id]

    stored = store.get(task_id)
    assert stored.state is TaskState.QUEUED
    assert not stored.not_before
    assert stored.attempts == 0
    again = store.claim("w", LEASE)
    assert again is not None
    assert again.id == task_id


def test_retry_waiting_task_sets_chosen_url(store: Store, options: OutputOptions) -> None:
    task_id = waiting_task(store, options)

    store.retry([task_id], chosen_url="https://www.youtube.com/watch?v=abc")

    assert store.get(task_id).chosen_url == "https://www.youtube.com/watch?v=abc"


def test_retry_collection_clears_waiting_children(store: Store, options: OutputOptions) -> None:
    parent_id = store.submit([resolve_task(options, "p")])[0].task_id
    parent = store.claim("w", LEASE)
    assert parent is not None and parent.lease_token
    child_task = track_task(options, "c1", parent_id=parent_id, position=1)
    store.add_children(parent_id, parent.lease_token, [child_task])
    store.complete(parent_id, parent.lease_token, Outcome())
    child = store.claim("w", LEASE)
    assert child is not None and child.lease_token
    store.fail(child.id, child.lease_token, rate_limited(), retry_after=DAY_S)

    assert store.retry([parent_id]) == [child.id]
    assert not store.get(child.id).not_before


def test_retry_ready_queued_task_raises(store: Store, options: OutputOptions) -> None:
    task_id = store.submit([track_task(options, "a")])[0].task_id

    with pytest.raises(InvalidTransition) as raised:
        store.retry([task_id])

    assert f"Cannot retry task {task_id}: it is queued." in raised.value.message
    assert "queued tasks waiting for a retry delay" in raised.value.message


def test_message_names_waiting_until(store: Store, options: OutputOptions) -> None:
    task_id = waiting_task(store, options)

    with pytest.raises(InvalidTransition) as raised:
        store.resume([task_id])

    until = time.strftime("%Y-%m-%d", time.gmtime(time.time() + DAY_S))
    assert f"it is queued and waits for a retry delay until {until}" in raised.value.message
    assert "Resume applies to paused tasks" in raised.value.message


def test_message_names_pending_cancel(store: Store, options: OutputOptions) -> None:
    task_id = store.submit([track_task(options, "a")])[0].task_id
    assert store.claim("w", LEASE) is not None
    store.request_cancel([task_id])

    with pytest.raises(InvalidTransition) as raised:
        store.request_cancel([task_id])

    assert "it is running with a cancel request pending" in raised.value.message


def test_message_names_equal_active_task(store: Store, options: OutputOptions) -> None:
    first = store.submit([track_task(options, "a")])[0].task_id
    store.request_cancel([first])
    store.submit([track_task(options, "a")])

    with pytest.raises(InvalidTransition) as raised:
        store.retry([first])

    assert "an equal task for the same link and options is already" in raised.value.message
