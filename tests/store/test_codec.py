"""Shared store rules: retry backoff, task records and change cursors."""

from __future__ import annotations

import random

import pytest

from spotdesk.model import MatchCandidate, OutputOptions, Stage, TaskKind, TaskState, Track
from spotdesk.store import codec
from spotdesk.store.contract import InvalidCursor, NewTask, ProgressUpdate


def test_backoff_doubles_per_attempt() -> None:
    rng = random.Random(1)

    for attempts, low, high in ((1, 2.5, 5.0), (2, 5.0, 10.0), (3, 10.0, 20.0), (4, 20.0, 40.0)):
        delay = codec.backoff_seconds(attempts, rng)
        assert low <= delay < high


def test_backoff_is_capped() -> None:
    delays = [codec.backoff_seconds(attempts) for attempts in range(1, 40)]

    assert max(delays) < codec.BACKOFF_MAX_SECONDS


def test_backoff_has_jitter() -> None:
    rng = random.Random(2)

    delays = {round(codec.backoff_seconds(3, rng), 6) for _ in range(20)}

    assert len(delays) > 10


def test_record_round_trip(tmp_path: object) -> None:
    track = Track(id="t", title="Song", artists=["A", "B"], isrc="USX")
    new = NewTask(
        kind=TaskKind.TRACK,
        link="https://open.spotify.com/track/t",
        options=OutputOptions(folder="/m"),
        dedupe_key="k",
        track=track,
        title="A - Song",
    )

    record = codec.new_task_record(new, "id1", seq=7, now=100.0)
    task = codec.task_from_record(codec.encode_json_fields(record), json_as_text=True)

    assert task.id == "id1"
    assert task.seq == 7
    assert task.state is TaskState.QUEUED
    assert task.track == track
    assert task.not_before is None
    assert task.cancel_requested is False


def test_progress_fields_skip_none() -> None:
    candidate = MatchCandidate(url="u", title="t", channel=None, duration_s=None, provider="yt")

    fields = codec.progress_fields(ProgressUpdate(stage=Stage.TAGGING, candidates=[candidate]))

    assert fields == {"stage": "tagging", "candidates": [candidate.to_dict()]}


def test_cursor_range_checks() -> None:
    codec.check_cursor_range(5, newest=10, pruned=3)

    with pytest.raises(InvalidCursor):
        codec.check_cursor_range(11, newest=10, pruned=0)
    with pytest.raises(InvalidCursor):
        codec.check_cursor_range(2, newest=10, pruned=3)
