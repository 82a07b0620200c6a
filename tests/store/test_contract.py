"""The store contract, run against every implementation (see `conftest.store_uri`)."""

from __future__ import annotations

import threading
import time

import pytest

from spotdesk.errors import SpotdeskError
from spotdesk.model import (
    NEEDS_REVIEW,
    MatchCandidate,
    OutputOptions,
    SkippedEntry,
    Stage,
    TaskKind,
    TaskState,
    Track,
)
from spotdesk.store import codec
from spotdesk.store.contract import (
    Flags,
    InvalidCursor,
    InvalidTransition,
    LeaseLost,
    Outcome,
    ProgressUpdate,
    Store,
    TaskFilter,
    TaskNotFound,
)
from tests.store.conftest import StoreFactory, resolve_task, track_task

LEASE = 30.0


def retryable(code: str = "net.timeout") -> SpotdeskError:
    return SpotdeskError("The download timed out.", code=code, retryable=True)


def permanent(code: str = "youtube.unavailable") -> SpotdeskError:
    return SpotdeskError("The video is unavailable.", code=code, retryable=False)


# ---- submission --------------------------------------------------------------------------


def test_submit_creates_queued_tasks(store: Store, options: OutputOptions) -> None:
    results = store.submit([track_task(options, "a"), track_task(options, "b")])

    assert [result.created for result in results] == [True, True]
    first = store.get(results[0].task_id)
    assert first.state is TaskState.QUEUED
    assert first.kind is TaskKind.TRACK
    assert first.options == options
    assert first.attempts == 0
    assert first.seq < store.get(results[1].task_id).seq


def test_submit_same_key_is_one_task(store: Store, options: OutputOptions) -> None:
    first = store.submit([track_task(options, "a")])[0]
    again = store.submit([track_task(options, "a"), track_task(options, "a")])

    assert [result.task_id for result in again] == [first.task_id, first.task_id]
    assert [result.created for result in again] == [False, False]
    assert len(store.list_tasks().tasks) == 1


def test_submit_same_key_after_final_creates_new(store: Store, options: OutputOptions) -> None:
    first = store.submit([track_task(options, "a")])[0]
    store.request_cancel([first.task_id])

    second = store.submit([track_task(options, "a")])[0]

    assert second.created
    assert second.task_id != first.task_id


def test_submit_keeps_fields(store: Store, options: OutputOptions) -> None:
    track = Track(id="t1", title="Song", artists=["Artist"], duration_ms=1000)
    new = track_task(
        options,
        "a",
        track=track,
        title="Artist - Song",
        priority=5,
        chosen_url="https://example.invalid/v",
        max_attempts=7,
    )

    task = store.get(store.submit([new])[0].task_id)

    assert task.track == track
    assert task.title == "Artist - Song"
    assert task.priority == 5
    assert task.chosen_url == "https://example.invalid/v"
    assert task.max_attempts == 7
    assert task.dedupe_key == "track:a"


def test_get_unknown_raises(store: Store) -> None:
    with pytest.raises(TaskNotFound):
        store.get("missing")


# ---- claims ------------------------------------------------------------------------------


def test_claim_sets_lease(store: Store, options: OutputOptions) -> None:
    task_id = store.submit([track_task(options, "a")])[0].task_id
    before = time.time()

    task = store.claim("worker-1", LEASE)

    assert task is not None
    assert task.id == task_id
    assert task.state is TaskState.RUNNING
    assert task.owner == "worker-1"
    assert task.lease_token
    assert task.attempts == 1
    assert task.lease_until is not None
    assert before + LEASE - 5 < task.lease_until < time.time() + LEASE + 5


def test_claim_empty_returns_none(store: Store) -> None:
    assert store.claim("worker-1", LEASE) is None


def test_claim_order_priority_then_seq(store: Store, options: OutputOptions) -> None:
    ids = [
        result.task_id
        for result in store.submit(
            [
                track_task(options, "low1"),
                track_task(options, "high", priority=10),
                track_task(options, "low2"),
            ]
        )
    ]

    claimed = [store.claim("w", LEASE) for _ in range(3)]

    assert [task.id for task in claimed if task] == [ids[1], ids[0], ids[2]]


def test_claim_filters_kinds(store: Store, options: OutputOptions) -> None:
    store.submit([resolve_task(options, "p")])
    track_id = store.submit([track_task(options, "a")])[0].task_id

    task = store.claim("w", LEASE, kinds=[TaskKind.TRACK])

    assert task is not None
    assert task.id == track_id


def test_claim_skips_each_task_once(store: Store, options: OutputOptions) -> None:
    store.submit([track_task(options, str(index)) for index in range(5)])

    claimed = [store.claim("w", LEASE) for _ in range(6)]

    assert claimed[-1] is None
    assert len({task.id for task in claimed if task}) == 5


def test_claim_tokens_differ(store: Store, options: OutputOptions) -> None:
    store.submit([track_task(options, "a"), track_task(options, "b")])

    first = store.claim("w", LEASE)
    second = store.claim("w", LEASE)

    assert first and second
    assert first.lease_token != second.lease_token


# ---- lease-checked writes ----------------------------------------------------------------


def claimed(store: Store, options: OutputOptions, name: str = "a", **fields: object):  # noqa: ANN201
    store.submit([track_task(options, name, **fields)])
    task = store.claim("w", LEASE)
    assert task is not None and task.lease_token
    return task


def test_heartbeat_extends_lease(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    flags = store.heartbeat(task.id, task.lease_token, 600)

    assert flags == Flags()
    assert store.get(task.id).lease_until > time.time() + 500


def test_heartbeat_wrong_token_raises(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    with pytest.raises(LeaseLost):
        store.heartbeat(task.id, "not-the-token", LEASE)


def test_progress_writes_fields(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    candidate = MatchCandidate(
        url="https://x.invalid/v",
        title="Song",
        channel="C",
        duration_s=200.0,
        provider="ytmusic",
        confidence=0.9,
    )
    update = ProgressUpdate(
        stage=Stage.DOWNLOADING,
        progress=0.5,
        bytes_done=10,
        bytes_total=20,
        speed=3.0,
        eta=4.0,
        title="New title",
        match=candidate,
        candidates=[candidate],
    )

    store.report_progress(task.id, task.lease_token, update)

    stored = store.get(task.id)
    assert stored.stage is Stage.DOWNLOADING
    assert stored.progress == 0.5
    assert (stored.bytes_done, stored.bytes_total) == (10, 20)
    assert (stored.speed, stored.eta) == (3.0, 4.0)
    assert stored.title == "New title"
    assert stored.match == candidate
    assert stored.candidates == [candidate]


def test_progress_none_keeps_fields(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.report_progress(
        task.id, task.lease_token, ProgressUpdate(stage=Stage.SEARCHING, progress=0.2)
    )

    store.report_progress(task.id, task.lease_token, ProgressUpdate(bytes_done=5))

    stored = store.get(task.id)
    assert stored.stage is Stage.SEARCHING
    assert stored.progress == 0.2
    assert stored.bytes_done == 5


def test_writes_after_removal_raise(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.remove([task.id])

    with pytest.raises(LeaseLost):
        store.report_progress(task.id, task.lease_token, ProgressUpdate(progress=0.1))
    with pytest.raises(LeaseLost):
        store.complete(task.id, task.lease_token, Outcome(output_path="/x.mp3"))
    with pytest.raises(LeaseLost):
        store.fail(task.id, task.lease_token, permanent())
    with pytest.raises(LeaseLost):
        store.release(task.id, task.lease_token)


def test_complete_marks_done(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    store.complete(task.id, task.lease_token, Outcome(output_path="/m/a.mp3", bytes_written=123))

    stored = store.get(task.id)
    assert stored.state is TaskState.DONE
    assert stored.output_path == "/m/a.mp3"
    assert stored.progress == 1.0
    assert stored.finished_at is not None
    assert stored.lease_token is None
    with pytest.raises(LeaseLost):
        store.heartbeat(task.id, task.lease_token, LEASE)


def test_complete_skipped_keeps_reason(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    store.complete(
        task.id, task.lease_token, Outcome(output_path="/m/a.mp3", skipped_reason="exists")
    )

    assert store.get(task.id).skipped_reason == "exists"
    assert all(day.downloads == 0 for day in store.stats())


def test_complete_resolve_keeps_skipped(store: Store, options: OutputOptions) -> None:
    store.submit([resolve_task(options, "p")])
    task = store.claim("w", LEASE)
    assert task and task.lease_token
    entry = SkippedEntry(
        position=2, reason="local_file", message="Local files cannot be downloaded."
    )

    store.complete(task.id, task.lease_token, Outcome(skipped=[entry]))

    assert store.get(task.id).skipped == [entry]


def test_add_children_in_order(store: Store, options: OutputOptions) -> None:
    store.submit([resolve_task(options, "p")])
    parent = store.claim("w", LEASE)
    assert parent and parent.lease_token
    children = [track_task(options, f"c{index}", position=index) for index in (1, 2, 3)]

    ids = store.add_children(parent.id, parent.lease_token, children)

    listed = store.list_tasks(TaskFilter(parent_id=parent.id)).tasks
    assert [task.id for task in listed] == ids
    assert [task.position for task in listed] == [1, 2, 3]
    assert all(task.parent_id == parent.id for task in listed)
    assert store.get(parent.id).child_count == 3


def test_add_children_twice_is_idempotent(store: Store, options: OutputOptions) -> None:
    store.submit([resolve_task(options, "p")])
    parent = store.claim("w", LEASE)
    assert parent and parent.lease_token
    children = [track_task(options, f"c{index}", position=index) for index in (1, 2)]

    first = store.add_children(parent.id, parent.lease_token, children)
    second = store.add_children(
        parent.id,
        parent.lease_token,
        [track_task(options, f"c{index}", position=index) for index in (1, 2)],
    )

    assert first == second
    assert len(store.list_tasks(TaskFilter(parent_id=parent.id)).tasks) == 2


def test_add_children_active_duplicate_still_created(store: Store, options: OutputOptions) -> None:
    single = store.submit([track_task(options, "same")])[0].task_id
    store.submit([resolve_task(options, "p", priority=5)])
    parent = store.claim("w", LEASE)
    assert parent and parent.lease_token
    assert parent.kind is TaskKind.RESOLVE

    ids = store.add_children(
        parent.id, parent.lease_token, [track_task(options, "same", position=1)]
    )

    assert ids[0] != single
    assert store.get(ids[0]).parent_id == parent.id


def test_add_children_wrong_token_raises(store: Store, options: OutputOptions) -> None:
    store.submit([resolve_task(options, "p")])
    parent = store.claim("w", LEASE)
    assert parent

    with pytest.raises(LeaseLost):
        store.add_children(parent.id, "bad", [track_task(options, "c", position=1)])
    assert store.list_tasks(TaskFilter(parent_id=parent.id)).tasks == []


# ---- failures, retries and backoff -------------------------------------------------------


def test_fail_retryable_requeues_with_backoff(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    before = time.time()

    state = store.fail(task.id, task.lease_token, retryable())

    stored = store.get(task.id)
    assert state is TaskState.QUEUED
    assert stored.state is TaskState.QUEUED
    assert stored.error_code == "net.timeout"
    assert stored.not_before is not None
    assert before + 2.0 <= stored.not_before <= time.time() + 5.0
    assert store.claim("w", LEASE) is None  # not claimable before `not_before`


def test_fail_retry_after_sets_delay(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    store.fail(task.id, task.lease_token, retryable("spotify.rate_limited"), retry_after=0.0)

    again = store.claim("w", LEASE)
    assert again is not None
    assert again.id == task.id
    assert again.attempts == 2


def test_fail_at_attempt_limit_is_final(store: Store, options: OutputOptions) -> None:
    store.submit([track_task(options, "a", max_attempts=2)])
    for _ in range(2):
        task = store.claim("w", LEASE)
        assert task and task.lease_token
        state = store.fail(task.id, task.lease_token, retryable(), retry_after=0.0)

    assert state is TaskState.FAILED
    stored = store.get(task.id)
    assert stored.state is TaskState.FAILED
    assert stored.attempts == 2
    assert stored.finished_at is not None


def test_fail_permanent_is_final(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    state = store.fail(task.id, task.lease_token, permanent())

    assert state is TaskState.FAILED
    stored = store.get(task.id)
    assert stored.error_code == "youtube.unavailable"
    assert stored.error_message == "The video is unavailable."


def test_fail_needs_review_counts(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    store.fail(task.id, task.lease_token, SpotdeskError("Low confidence.", code=NEEDS_REVIEW))

    assert store.get(task.id).needs_review
    assert store.counts()["needs_review"] == 1
    assert store.list_tasks(TaskFilter(needs_review=True)).tasks[0].id == task.id
    assert store.list_tasks(TaskFilter(needs_review=False)).tasks == []


def test_retry_failed_resets_attempts(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options, max_attempts=1)
    store.fail(task.id, task.lease_token, permanent())

    assert store.retry([task.id]) == [task.id]

    stored = store.get(task.id)
    assert stored.state is TaskState.QUEUED
    assert stored.attempts == 0
    assert stored.error_code is None
    again = store.claim("w", LEASE)
    assert again is not None and again.id == task.id


def test_retry_sets_chosen_url(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.fail(task.id, task.lease_token, SpotdeskError("Low confidence.", code=NEEDS_REVIEW))

    store.retry([task.id], chosen_url="https://www.youtube.com/watch?v=abc")

    assert store.get(task.id).chosen_url == "https://www.youtube.com/watch?v=abc"


def test_retry_done_raises(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.complete(task.id, task.lease_token, Outcome(output_path="/a.mp3"))

    with pytest.raises(InvalidTransition):
        store.retry([task.id])


def test_retry_with_equal_active_task_skips(store: Store, options: OutputOptions) -> None:
    first = store.submit([track_task(options, "a")])[0].task_id
    store.request_cancel([first])
    second = store.submit([track_task(options, "a")])[0].task_id

    with pytest.raises(InvalidTransition):
        store.retry([first])
    assert store.get(first).state is TaskState.CANCELLED
    assert store.get(second).state is TaskState.QUEUED


# ---- release and the reaper --------------------------------------------------------------


def test_release_queued_does_not_count_attempt(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    store.release(task.id, task.lease_token)

    stored = store.get(task.id)
    assert stored.state is TaskState.QUEUED
    assert stored.attempts == 0
    assert stored.owner is None
    assert stored.lease_token is None


def test_release_paused_and_cancelled(store: Store, options: OutputOptions) -> None:
    first = claimed(store, options, "a")
    second = claimed(store, options, "b")

    store.release(first.id, first.lease_token, TaskState.PAUSED)
    store.release(second.id, second.lease_token, TaskState.CANCELLED)

    assert store.get(first.id).state is TaskState.PAUSED
    assert store.get(second.id).state is TaskState.CANCELLED


def test_release_rejects_done(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    with pytest.raises(ValueError):
        store.release(task.id, task.lease_token, TaskState.DONE)


def test_reaper_requeues_expired(store: Store, options: OutputOptions) -> None:
    store.submit([track_task(options, "a")])
    task = store.claim("w", 0.2)
    assert task and task.lease_token
    time.sleep(0.5)

    assert store.reap_expired() == 1

    stored = store.get(task.id)
    assert stored.state is TaskState.QUEUED
    assert stored.error_code == "store.lease_expired"
    assert stored.not_before is not None and stored.not_before > time.time()
    with pytest.raises(LeaseLost):
        store.heartbeat(task.id, task.lease_token, LEASE)


def test_reaper_fails_at_limit(store: Store, options: OutputOptions) -> None:
    store.submit([track_task(options, "a", max_attempts=1)])
    task = store.claim("w", 0.2)
    assert task
    time.sleep(0.5)

    store.reap_expired()

    stored = store.get(task.id)
    assert stored.state is TaskState.FAILED
    assert stored.error_code == "store.lease_expired"


def test_reaper_leaves_live_leases(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    assert store.reap_expired() == 0
    assert store.get(task.id).state is TaskState.RUNNING


# ---- cancel and pause in every state -----------------------------------------------------


def task_in_state(store: Store, options: OutputOptions, state: TaskState) -> str:
    """Return the id of a track task brought into `state` through the contract."""
    task_id = store.submit([track_task(options, f"in-{state.value}")])[0].task_id
    if state is TaskState.QUEUED:
        return task_id
    if state is TaskState.PAUSED:
        store.request_pause([task_id])
        return task_id
    task = store.claim("w", LEASE)
    assert task is not None and task.lease_token
    assert task.id == task_id
    if state is TaskState.DONE:
        store.complete(task_id, task.lease_token, Outcome(output_path="/a.mp3"))
    elif state is TaskState.FAILED:
        store.fail(task_id, task.lease_token, permanent())
    elif state is TaskState.CANCELLED:
        store.release(task_id, task.lease_token, TaskState.CANCELLED)
    return task_id


CANCEL_RESULT = {
    TaskState.QUEUED: TaskState.CANCELLED,
    TaskState.PAUSED: TaskState.CANCELLED,
    TaskState.RUNNING: TaskState.RUNNING,  # flagged; the worker acts on it
}
PAUSE_RESULT = {
    TaskState.QUEUED: TaskState.PAUSED,
    TaskState.RUNNING: TaskState.RUNNING,
}


@pytest.mark.parametrize("state", list(TaskState))
def test_cancel_in_every_state(store: Store, options: OutputOptions, state: TaskState) -> None:
    task_id = task_in_state(store, options, state)

    if state in CANCEL_RESULT:
        assert store.request_cancel([task_id]) == [task_id]
        stored = store.get(task_id)
        assert stored.state is CANCEL_RESULT[state]
        assert stored.cancel_requested is (state is TaskState.RUNNING)
    else:
        with pytest.raises(InvalidTransition):
            store.request_cancel([task_id])
        assert store.get(task_id).state is state


@pytest.mark.parametrize("state", list(TaskState))
def test_pause_in_every_state(store: Store, options: OutputOptions, state: TaskState) -> None:
    task_id = task_in_state(store, options, state)

    if state in PAUSE_RESULT:
        assert store.request_pause([task_id]) == [task_id]
        stored = store.get(task_id)
        assert stored.state is PAUSE_RESULT[state]
        assert stored.pause_requested is (state is TaskState.RUNNING)
    else:
        with pytest.raises(InvalidTransition):
            store.request_pause([task_id])
        assert store.get(task_id).state is state


@pytest.mark.parametrize("state", list(TaskState))
def test_resume_in_every_state(store: Store, options: OutputOptions, state: TaskState) -> None:
    task_id = task_in_state(store, options, state)

    if state is TaskState.PAUSED:
        assert store.resume([task_id]) == [task_id]
        assert store.get(task_id).state is TaskState.QUEUED
    else:
        with pytest.raises(InvalidTransition):
            store.resume([task_id])
        assert store.get(task_id).state is state


@pytest.mark.parametrize("state", list(TaskState))
def test_retry_in_every_state(store: Store, options: OutputOptions, state: TaskState) -> None:
    task_id = task_in_state(store, options, state)

    if state in (TaskState.FAILED, TaskState.CANCELLED):
        assert store.retry([task_id]) == [task_id]
        assert store.get(task_id).state is TaskState.QUEUED
    else:
        with pytest.raises(InvalidTransition):
            store.retry([task_id])
        assert store.get(task_id).state is state


def test_cancel_flag_reaches_worker(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)

    store.request_cancel([task.id])

    flags = store.report_progress(task.id, task.lease_token, ProgressUpdate(progress=0.3))
    assert flags.cancel_requested
    assert store.heartbeat(task.id, task.lease_token, LEASE).cancel_requested
    store.release(task.id, task.lease_token, TaskState.CANCELLED)
    assert store.get(task.id).state is TaskState.CANCELLED


def test_pause_flag_then_resume_withdraws(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.request_pause([task.id])
    assert store.heartbeat(task.id, task.lease_token, LEASE).pause_requested

    store.resume([task.id])

    assert not store.heartbeat(task.id, task.lease_token, LEASE).pause_requested


def test_pending_cancel_wins_over_retryable_failure(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.request_cancel([task.id])

    state = store.fail(task.id, task.lease_token, retryable())

    assert state is TaskState.CANCELLED


def test_pending_pause_wins_over_release(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.request_pause([task.id])

    store.release(task.id, task.lease_token)

    assert store.get(task.id).state is TaskState.PAUSED


def test_cancel_collection_cancels_children(store: Store, options: OutputOptions) -> None:
    store.submit([resolve_task(options, "p")])
    parent = store.claim("w", LEASE)
    assert parent and parent.lease_token
    ids = store.add_children(
        parent.id,
        parent.lease_token,
        [track_task(options, f"c{index}", position=index) for index in (1, 2)],
    )
    store.complete(parent.id, parent.lease_token, Outcome())
    running = store.claim("w", LEASE)
    assert running and running.id == ids[0]

    affected = store.request_cancel([parent.id])

    assert set(affected) == set(ids)
    assert store.get(ids[0]).cancel_requested
    assert store.get(ids[1]).state is TaskState.CANCELLED
    assert store.get(parent.id).state is TaskState.DONE


def test_batch_skips_inapplicable(store: Store, options: OutputOptions) -> None:
    done = task_in_state(store, options, TaskState.DONE)
    queued = task_in_state(store, options, TaskState.QUEUED)

    assert store.request_cancel([done, queued]) == [queued]


def test_action_on_missing_task_raises(store: Store) -> None:
    with pytest.raises(TaskNotFound):
        store.request_cancel(["missing"])


# ---- removal -----------------------------------------------------------------------------


def test_remove_deletes_with_children(store: Store, options: OutputOptions) -> None:
    store.submit([resolve_task(options, "p")])
    parent = store.claim("w", LEASE)
    assert parent and parent.lease_token
    ids = store.add_children(parent.id, parent.lease_token, [track_task(options, "c", position=1)])

    removed = store.remove([parent.id])

    assert set(removed) == {parent.id, *ids}
    assert store.list_tasks().tasks == []


def test_clear_finished_keeps_active_collections(store: Store, options: OutputOptions) -> None:
    done = task_in_state(store, options, TaskState.DONE)
    failed = task_in_state(store, options, TaskState.FAILED)
    store.submit([resolve_task(options, "p")])
    parent = store.claim("w", LEASE)
    assert parent and parent.lease_token
    children = store.add_children(
        parent.id, parent.lease_token, [track_task(options, "c", position=1)]
    )
    store.complete(parent.id, parent.lease_token, Outcome())

    store.clear_finished()

    remaining = {task.id for task in store.list_tasks().tasks}
    assert done not in remaining
    assert failed in remaining
    assert {parent.id, *children} <= remaining


def test_clear_finished_removes_done_collection(store: Store, options: OutputOptions) -> None:
    store.submit([resolve_task(options, "p")])
    parent = store.claim("w", LEASE)
    assert parent and parent.lease_token
    [child] = store.add_children(
        parent.id, parent.lease_token, [track_task(options, "c", position=1)]
    )
    store.complete(parent.id, parent.lease_token, Outcome())
    running = store.claim("w", LEASE)
    assert running and running.lease_token
    store.complete(child, running.lease_token, Outcome(output_path="/c.mp3"))

    assert store.clear_finished() == 2
    assert store.list_tasks().tasks == []


# ---- reading -----------------------------------------------------------------------------


def test_list_pages_in_seq_order(store: Store, options: OutputOptions) -> None:
    ids = [
        result.task_id for result in store.submit([track_task(options, str(i)) for i in range(5)])
    ]

    first = store.list_tasks(limit=2)
    second = store.list_tasks(limit=2, cursor=first.next_cursor)
    third = store.list_tasks(limit=2, cursor=second.next_cursor)

    assert [task.id for task in first.tasks + second.tasks + third.tasks] == ids
    assert third.next_cursor is None


def test_list_filters(store: Store, options: OutputOptions) -> None:
    queued = task_in_state(store, options, TaskState.QUEUED)
    paused = task_in_state(store, options, TaskState.PAUSED)
    store.submit([resolve_task(options, "p")])

    by_state = store.list_tasks(TaskFilter(states=[TaskState.PAUSED])).tasks
    tracks = store.list_tasks(TaskFilter(kinds=[TaskKind.TRACK])).tasks
    top = store.list_tasks(TaskFilter(top_level=True)).tasks

    assert [task.id for task in by_state] == [paused]
    assert {task.id for task in tracks} == {queued, paused}
    assert len(top) == 3


def test_list_invalid_cursor_raises(store: Store) -> None:
    with pytest.raises(InvalidCursor):
        store.list_tasks(cursor="not a cursor")


def test_counts_tracks_by_state(store: Store, options: OutputOptions) -> None:
    task_in_state(store, options, TaskState.QUEUED)
    task_in_state(store, options, TaskState.PAUSED)
    store.submit([resolve_task(options, "p")])

    counts = store.counts()

    assert counts["queued"] == 1
    assert counts["paused"] == 1
    assert counts["running"] == 0
    assert counts["needs_review"] == 0


def test_changes_since_follows_writes(store: Store, options: OutputOptions) -> None:
    start = store.changes_since(None)
    assert start.tasks == []

    task_id = store.submit([track_task(options, "a")])[0].task_id
    first = store.changes_since(start.cursor)
    store.request_pause([task_id])
    second = store.changes_since(first.cursor)
    store.remove([task_id])
    third = store.changes_since(second.cursor)
    quiet = store.changes_since(third.cursor)

    assert [task.id for task in first.tasks] == [task_id]
    assert second.tasks[0].state is TaskState.PAUSED
    assert third.removed_ids == [task_id]
    assert quiet.tasks == []
    assert quiet.removed_ids == []


def test_changes_since_limit_pages(store: Store, options: OutputOptions) -> None:
    start = store.changes_since(None)
    ids = [
        result.task_id for result in store.submit([track_task(options, str(i)) for i in range(5)])
    ]

    seen: list[str] = []
    cursor = start.cursor
    for _ in range(10):
        changes = store.changes_since(cursor, limit=2)
        seen.extend(task.id for task in changes.tasks)
        cursor = changes.cursor
        if not changes.tasks:
            break

    assert seen == ids


def test_changes_seen_by_other_store(open_stores: StoreFactory, options: OutputOptions) -> None:
    reader, writer = open_stores(), open_stores()
    cursor = reader.changes_since(None).cursor

    task_id = writer.submit([track_task(options, "a")])[0].task_id

    assert [task.id for task in reader.changes_since(cursor).tasks] == [task_id]


def test_wait_for_changes_returns_on_write(store: Store, options: OutputOptions) -> None:
    cursor = store.changes_since(None).cursor
    store.submit([track_task(options, "a")])

    changes = store.wait_for_changes(cursor, timeout=5.0, poll_interval=0.05)

    assert len(changes.tasks) == 1


def test_wait_for_changes_times_out(store: Store) -> None:
    cursor = store.changes_since(None).cursor
    started = time.monotonic()

    changes = store.wait_for_changes(cursor, timeout=0.3, poll_interval=0.05)

    assert changes.tasks == []
    assert 0.25 <= time.monotonic() - started < 5.0


# ---- catalog -----------------------------------------------------------------------------


def test_cache_round_trip(store: Store) -> None:
    value = {"name": "Album", "tracks": [1, 2], "nested": {"ok": True}, "text": "歌"}

    store.cache_put("album:1", value, ttl_seconds=60)

    assert store.cache_get("album:1") == value
    assert store.cache_get("album:2") is None


def test_cache_expires(store: Store) -> None:
    store.cache_put("k", [1], ttl_seconds=0.2)
    time.sleep(0.4)

    assert store.cache_get("k") is None


def test_cache_put_replaces(store: Store) -> None:
    store.cache_put("k", 1, ttl_seconds=60)
    store.cache_put("k", 2, ttl_seconds=60)

    assert store.cache_get("k") == 2


def test_stats_count_downloads_and_failures(store: Store, options: OutputOptions) -> None:
    first = claimed(store, options, "a")
    store.complete(first.id, first.lease_token, Outcome(output_path="/a.mp3", bytes_written=1000))
    second = claimed(store, options, "b")
    store.complete(second.id, second.lease_token, Outcome(output_path="/b.mp3", bytes_written=500))
    third = claimed(store, options, "c")
    store.fail(third.id, third.lease_token, permanent("youtube.unavailable"))
    fourth = claimed(store, options, "d")
    store.fail(fourth.id, fourth.lease_token, retryable())  # re-queued: no failure counted

    [today] = store.stats()

    assert today.day == time.strftime("%Y-%m-%d", time.gmtime())
    assert today.downloads == 2
    assert today.bytes == 1500
    assert today.failures == {"youtube.unavailable": 1}


def test_stats_empty(store: Store) -> None:
    assert store.stats() == []


def test_changes_cursor_from_elsewhere_raises(store: Store) -> None:
    cursor = int(store.changes_since(None).cursor.split(":")[0])

    with pytest.raises(InvalidCursor):
        store.changes_since(str(cursor + 1000))
    with pytest.raises(InvalidCursor):
        store.changes_since("not a cursor")


def test_changes_wait_wakes_on_later_write(
    open_stores: StoreFactory, options: OutputOptions
) -> None:
    reader, writer = open_stores(), open_stores()
    cursor = reader.changes_since(None).cursor
    timer = threading.Timer(0.3, lambda: writer.submit([track_task(options, "late")]))
    started = time.monotonic()
    timer.start()

    changes = reader.wait_for_changes(cursor, timeout=10.0, poll_interval=0.1)

    timer.join()
    assert [task.link for task in changes.tasks] == ["https://open.spotify.com/track/late"]
    assert time.monotonic() - started < 5.0


def test_changes_cursor_older_than_pruned_raises(
    store: Store, options: OutputOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    cursor = store.changes_since(None).cursor
    task_id = store.submit([track_task(options, "a")])[0].task_id
    monkeypatch.setattr(codec, "TOMBSTONE_SECONDS", -60.0)  # prune every removal at once

    store.remove([task_id])

    with pytest.raises(InvalidCursor):
        store.changes_since(cursor)
    fresh = store.changes_since(None)
    assert store.changes_since(fresh.cursor).removed_ids == []


def collection_with_children(
    store: Store, options: OutputOptions, count: int
) -> tuple[str, list[str]]:
    """Return a done resolve task and the ids of its `count` queued track tasks."""
    store.submit([resolve_task(options, "p")])
    parent = store.claim("w", LEASE, kinds=[TaskKind.RESOLVE])
    assert parent and parent.lease_token
    children = [track_task(options, f"c{index}", position=index) for index in range(1, count + 1)]
    ids = store.add_children(parent.id, parent.lease_token, children)
    store.complete(parent.id, parent.lease_token, Outcome())
    return parent.id, ids


def test_pause_and_resume_collection(store: Store, options: OutputOptions) -> None:
    parent_id, ids = collection_with_children(store, options, 3)
    running = store.claim("w", LEASE)
    assert running and running.id == ids[0]

    paused = store.request_pause([parent_id])
    resumed_early = store.resume([parent_id])

    assert set(paused) == set(ids)
    assert set(resumed_early) == set(ids)
    assert store.get(ids[0]).state is TaskState.RUNNING
    assert not store.get(ids[0]).pause_requested
    assert [store.get(task_id).state for task_id in ids[1:]] == [TaskState.QUEUED] * 2


def test_retry_collection_retries_failed_tracks(store: Store, options: OutputOptions) -> None:
    parent_id, ids = collection_with_children(store, options, 2)
    first = store.claim("w", LEASE)
    assert first and first.lease_token
    store.fail(first.id, first.lease_token, permanent())
    second = store.claim("w", LEASE)
    assert second and second.lease_token
    store.complete(second.id, second.lease_token, Outcome(output_path="/b.mp3"))

    assert store.retry([parent_id]) == [first.id]

    assert store.get(first.id).state is TaskState.QUEUED
    assert store.get(second.id).state is TaskState.DONE
    assert store.get(parent_id).state is TaskState.DONE


def test_finished_collection_cancel_raises(store: Store, options: OutputOptions) -> None:
    parent_id, ids = collection_with_children(store, options, 1)
    store.request_cancel(ids)

    with pytest.raises(InvalidTransition):
        store.request_cancel([parent_id])


def test_idle_claims_change_nothing(store: Store, options: OutputOptions) -> None:
    store.submit([track_task(options, "later", max_attempts=2)])
    task = store.claim("w", LEASE)
    assert task and task.lease_token
    store.fail(task.id, task.lease_token, retryable())  # backed off: not claimable yet
    cursor = store.changes_since(None).cursor

    for _ in range(3):
        assert store.claim("w", LEASE) is None

    # The number before any ":" is the newest change; MongoDB cursors add recent gaps.
    assert store.changes_since(None).cursor.split(":")[0] == cursor.split(":")[0]


@pytest.mark.parametrize("cursor", ["9" * 30, "-1", "1.5", "", "2:x@1", "2:3@y"])
def test_out_of_range_cursors_raise(store: Store, cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        store.list_tasks(cursor=cursor)
    with pytest.raises(InvalidCursor):
        store.changes_since(cursor)


def test_one_store_shared_by_threads(store: Store, options: OutputOptions) -> None:
    submitted = {r.task_id for r in store.submit([track_task(options, str(i)) for i in range(30)])}
    claimed: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while (task := store.claim("thread", LEASE)) is not None:
                assert task.lease_token
                store.report_progress(task.id, task.lease_token, ProgressUpdate(progress=0.5))
                store.complete(task.id, task.lease_token, Outcome())
                claimed.append(task.id)
        except BaseException as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sorted(claimed) == sorted(submitted)


def test_pending_pause_wins_over_retry(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.request_pause([task.id])

    state = store.fail(task.id, task.lease_token, retryable())

    assert state is TaskState.PAUSED
    assert store.get(task.id).state is TaskState.PAUSED
    assert store.resume([task.id]) == [task.id]
    assert store.get(task.id).state is TaskState.QUEUED


def test_pending_pause_does_not_stop_final_failure(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    store.request_pause([task.id])

    assert store.fail(task.id, task.lease_token, permanent()) is TaskState.FAILED


def test_dollar_values_stored_verbatim(store: Store, options: OutputOptions) -> None:
    task = claimed(store, options)
    candidate = MatchCandidate(
        url="https://x.invalid/$v",
        title="$title",
        channel="$$NOW",
        duration_s=1.0,
        provider="ytmusic",
        reasons=["$literal"],
    )

    store.report_progress(task.id, task.lease_token, ProgressUpdate(title="$HOME", match=candidate))

    stored = store.get(task.id)
    assert stored.title == "$HOME"
    assert stored.match == candidate


def test_no_dedupe_key_never_dedupes(store: Store, options: OutputOptions) -> None:
    results = store.submit([track_task(options, "a", dedupe_key=None)] * 2)

    assert [result.created for result in results] == [True, True]
    assert results[0].task_id != results[1].task_id
