"""Fixtures for worker tests: a SQLite queue, track tasks and real worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from spotdesk.model import OutputOptions, TaskKind, TaskState, Track
from spotdesk.store import open_store
from spotdesk.store.contract import NewTask, Store
from spotdesk.workers.protocol import parse_event
from tests.workers import slow_pipeline

REPOSITORY = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """A `python -m spotdesk.worker` subprocess whose status events are collected."""

    def __init__(self, store_uri: str, worker_id: str, *arguments: str) -> None:
        self.worker_id = worker_id
        self.events: list[dict[str, Any]] = []
        self.stray_lines: list[str] = []
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "spotdesk.worker",
                "--store",
                store_uri,
                "--id",
                worker_id,
                *arguments,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPOSITORY,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr_lines: list[str] = []
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            event = parse_event(line)
            with self._lock:
                if event is None:
                    self.stray_lines.append(line.decode("utf-8", "replace"))
                else:
                    self.events.append(event)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace").rstrip())

    @property
    def pid(self) -> int:
        return self.process.pid

    def of_kind(self, name: str) -> list[dict[str, Any]]:
        with self._lock:
            return [event for event in self.events if event["event"] == name]

    def wait_for_event(self, name: str, timeout: float = 20.0, **fields: Any) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.of_kind(name):
                if all(event.get(key) == value for key, value in fields.items()):
                    return event
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.02)
        raise AssertionError(
            f"worker {self.worker_id} sent no {name} event {fields or ''} within {timeout} s; "
            f"events: {[event['event'] for event in self.events]}; "
            f"stderr: {self.stderr_lines[-10:]}"
        )

    def signal(self, number: int) -> None:
        os.kill(self.process.pid, number)

    def wait(self, timeout: float = 20.0) -> int:
        code = self.process.wait(timeout)
        self._reader.join(5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def worker_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make worker subprocesses run the slow stand-in pipeline from this package."""
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")]))
    )
    monkeypatch.setenv("SPOTDESK_WORKER_PIPELINE", "tests.workers.slow_pipeline:build")
    monkeypatch.setenv(slow_pipeline.SECONDS_VARIABLE, "1.0")


@pytest.fixture
def store_uri(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'queue.db'}"


@pytest.fixture
def store(store_uri: str) -> Iterator[Store]:
    opened = open_store(store_uri)
    yield opened
    opened.close()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


def track_task(library: Path, number: int, title: str | None = None, **extra: Any) -> NewTask:
    track_id = f"track{number:04d}"
    track = Track(
        id=track_id, title=title or f"Song {number}", artists=["Artist"], duration_ms=3000
    )
    return NewTask(
        kind=TaskKind.TRACK,
        link=track.url,
        options=OutputOptions(folder=str(library)),
        dedupe_key=f"test:{track_id}",
        title=track.title,
        track=track,
        **extra,
    )


@pytest.fixture
def submit_tracks(store: Store, library: Path) -> Callable[..., list[str]]:
    def submit(count: int, titles: list[str] | None = None, **extra: Any) -> list[str]:
        tasks = [
            track_task(library, number, titles[number] if titles else None, **extra)
            for number in range(count)
        ]
        return [submitted.task_id for submitted in store.submit(tasks)]

    return submit


@pytest.fixture
def spawn(store_uri: str, worker_env: None) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(worker_id: str, *arguments: str, store: str | None = None) -> WorkerProcess:
        worker = WorkerProcess(store or store_uri, worker_id, *arguments)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            try:
                worker.signal(signal.SIGCONT)
            except ProcessLookupError:
                pass
            worker.kill()


def wait_until(
    condition: Callable[[], bool], timeout: float = 20.0, message: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{message} not reached within {timeout} s")


def states(store: Store, task_ids: list[str]) -> list[TaskState]:
    return [store.get(task_id).state for task_id in task_ids]
