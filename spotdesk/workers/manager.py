"""`WorkerManager`: starts and watches worker processes through `QProcess` (QtCore only).

The manager runs N ``python -m spotdesk.worker`` processes with the interpreter running it,
reads their JSON-lines status, restarts a worker that exits unexpectedly (with a growing
delay), kills and replaces one that sends no event for too long, and stops them all
gracefully: SIGTERM first, so running tasks go back to the queue, SIGKILL after a timeout.
It lives inside the GUI, or headless under `spotdesk workers` and `spotdesk download`.
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

from spotdesk.frozen import worker_command
from spotdesk.store.contract import redact_uri
from spotdesk.worker import STORE_ENV
from spotdesk.workers.protocol import parse_event

log = logging.getLogger(__name__)


@dataclass
class _Slot:
    """One worker position, whose process is replaced when it dies."""

    worker_id: str
    process: QProcess | None = None
    started_at: float = 0.0
    last_event_at: float = 0.0
    restarts: int = 0  # consecutive unexpected exits, for the restart delay
    retiring: bool = False  # stopped on purpose: do not restart
    hung: bool = False  # killed for silence; reported as a crash already
    restart_timer: QTimer | None = None
    stderr_tail: collections.deque[str] = field(
        default_factory=lambda: collections.deque(maxlen=20)
    )


class WorkerManager(QObject):
    """Run and supervise `count` worker processes on one store.

    Signals:

    - `worker_started(id)`: a worker process started.
    - `worker_stopped(id, exit_code)`: a worker exited because the manager stopped it.
    - `worker_crashed(id, reason)`: a worker exited unexpectedly or was killed as hung.
      The manager restarts it after a delay.
    - `status(id, event)`: a JSON status event that a worker wrote.
    """

    worker_started = Signal(str)
    worker_stopped = Signal(str, int)
    worker_crashed = Signal(str, str)
    # The event is a dict. It is declared as `object` so PySide6 passes the Python dict
    # through. Declared as `dict` (a QVariantMap), PySide6 6.12 crashed this process later
    # with "deallocating True or False" after converting events that contain booleans.
    status = Signal(str, object)

    def __init__(
        self,
        store_uri: str,
        count: int,
        parent: QObject | None = None,
        *,
        worker_args: Sequence[str] = (),
        hang_timeout: float = 60.0,
        restart_delay: float = 1.0,
        restart_delay_max: float = 60.0,
        stable_after: float = 30.0,
    ) -> None:
        super().__init__(parent)
        self.store_uri = store_uri
        self._count = max(0, count)
        self._worker_args = list(worker_args)
        self._hang_timeout = hang_timeout
        self._restart_delay = restart_delay
        self._restart_delay_max = restart_delay_max
        self._stable_after = stable_after
        self._slots: dict[str, _Slot] = {}
        self._running = False
        self._id_prefix = f"{socket.gethostname()}-{os.getpid()}"
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(1000)
        self._watchdog.timeout.connect(self._check_hung)

    # ---- public API -------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers. Calling it again while running does nothing."""
        if self._running:
            return
        self._running = True
        log.info("starting %d workers on %s", self._count, redact_uri(self.store_uri))
        for index in range(1, self._count + 1):
            self._add_slot(index)
        self._watchdog.start()

    def stop(self, timeout_ms: int = 10000) -> None:
        """Stop every worker and block until all exited.

        Workers get SIGTERM and hand their running tasks back to the queue. A worker still
        alive after `timeout_ms` is killed, and its task returns to the queue when its
        lease expires.

        NOTE: on Windows `QProcess.terminate()` posts WM_CLOSE, which a console worker
        does not handle, so there every worker is killed after the timeout.
        """
        self._running = False
        self._watchdog.stop()
        processes = []
        for slot in list(self._slots.values()):
            slot.retiring = True
            self._cancel_restart(slot)
            if (
                slot.process is not None
                and slot.process.state() != QProcess.ProcessState.NotRunning
            ):
                slot.process.terminate()
                processes.append((slot, slot.process))

        deadline = time.monotonic() + timeout_ms / 1000.0
        for slot, process in processes:
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            if process.state() != QProcess.ProcessState.NotRunning and not process.waitForFinished(
                remaining
            ):
                log.warning(
                    "worker %s did not stop within %d ms; killing it", slot.worker_id, timeout_ms
                )
                process.kill()
                process.waitForFinished(5000)
        self._slots.clear()

    def set_count(self, count: int) -> None:
        """Change the number of workers. Extra ones stop gracefully and new ones start."""
        count = max(0, count)
        previous, self._count = self._count, count
        if not self._running:
            return
        for index in range(previous + 1, count + 1):
            self._add_slot(index)
        for index in range(count + 1, previous + 1):
            slot = self._slots.get(self._worker_id(index))
            if slot is None:
                continue
            slot.retiring = True
            self._cancel_restart(slot)
            if (
                slot.process is not None
                and slot.process.state() != QProcess.ProcessState.NotRunning
            ):
                slot.process.terminate()
            else:
                del self._slots[slot.worker_id]

    def running_count(self) -> int:
        return sum(
            1
            for slot in self._slots.values()
            if slot.process is not None and slot.process.state() != QProcess.ProcessState.NotRunning
        )

    def worker_pids(self) -> dict[str, int]:
        """Return the process id of every running worker, by worker id."""
        return {
            slot.worker_id: int(slot.process.processId())
            for slot in self._slots.values()
            if slot.process is not None and slot.process.state() == QProcess.ProcessState.Running
        }

    # ---- processes --------------------------------------------------------------------

    def _worker_id(self, index: int) -> str:
        return f"{self._id_prefix}-w{index}"

    def _add_slot(self, index: int) -> None:
        worker_id = self._worker_id(index)
        slot = self._slots.get(worker_id)
        if slot is None:
            slot = _Slot(worker_id)
            self._slots[worker_id] = slot
        slot.retiring = False
        if slot.process is None or slot.process.state() == QProcess.ProcessState.NotRunning:
            self._launch(slot)

    def _launch(self, slot: _Slot) -> None:
        slot.restart_timer = None
        if not self._running or slot.retiring:
            return
        process = QProcess(self)
        environment = QProcessEnvironment.systemEnvironment()
        environment.insert("PYTHONUNBUFFERED", "1")
        environment.insert(STORE_ENV, self.store_uri)
        process.setProcessEnvironment(environment)
        # A PyInstaller bundle has no interpreter, so the command line comes from one place.
        program, *arguments = worker_command(
            ["--id", slot.worker_id, "--managed", *self._worker_args]
        )
        process.setProgram(program)
        process.setArguments(arguments)
        process.readyReadStandardOutput.connect(lambda: self._read_stdout(slot, process))
        process.readyReadStandardError.connect(lambda: self._read_stderr(slot, process))
        process.finished.connect(
            lambda code, exit_status: self._on_finished(slot, process, code, exit_status)
        )
        process.errorOccurred.connect(lambda error: self._on_error(slot, process, error))
        slot.process = process
        slot.hung = False
        slot.started_at = time.monotonic()
        slot.last_event_at = time.monotonic()
        slot.stderr_tail.clear()
        process.start()
        log.info("started worker %s", slot.worker_id)
        self.worker_started.emit(slot.worker_id)

    def _read_stdout(self, slot: _Slot, process: QProcess) -> None:
        while process.canReadLine():
            line = bytes(process.readLine().data()).decode("utf-8", errors="replace")
            event = parse_event(line)
            if event is None:
                if line.strip():
                    log.debug(
                        "worker %s wrote a line that is not an event: %s",
                        slot.worker_id,
                        line.rstrip(),
                    )
                continue
            if process is slot.process:
                slot.last_event_at = time.monotonic()
            self.status.emit(slot.worker_id, event)

    def _read_stderr(self, slot: _Slot, process: QProcess) -> None:
        text = bytes(process.readAllStandardError().data()).decode("utf-8", errors="replace")
        for line in text.splitlines():
            if line.strip():
                slot.stderr_tail.append(line)
                log.debug("worker %s stderr: %s", slot.worker_id, line)

    def _on_error(self, slot: _Slot, process: QProcess, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            reason = f"could not start {process.program()}: {process.errorString()}"
            log.error("worker %s %s", slot.worker_id, reason)
            self.worker_crashed.emit(slot.worker_id, reason)
            self._schedule_restart(slot)

    def _on_finished(
        self, slot: _Slot, process: QProcess, code: int, exit_status: QProcess.ExitStatus
    ) -> None:
        self._read_stdout(slot, process)
        self._read_stderr(slot, process)
        # process.deleteLater()
        if process is not slot.process:
            return
        slot.process = None

        if slot.retiring:
            log.info("worker %s stopped with exit status %d", slot.worker_id, code)
            if self._slots.get(slot.worker_id) is slot and (
                not self._running or self._is_extra(slot)
            ):
                del self._slots[slot.worker_id]
            self.worker_stopped.emit(slot.worker_id, code)
            return

        if not slot.hung:
            if exit_status == QProcess.ExitStatus.CrashExit:
                reason = "the process was killed or crashed"
            else:
                reason = f"the process exited with status {code}"
            if slot.stderr_tail:
                reason += f"; last output: {slot.stderr_tail[-1]}"
            log.warning("worker %s exited unexpectedly: %s", slot.worker_id, reason)
            self.worker_crashed.emit(slot.worker_id, reason)
        self._schedule_restart(slot)

    def _is_extra(self, slot: _Slot) -> bool:
        return slot.worker_id not in {self._worker_id(i) for i in range(1, self._count + 1)}

    def _schedule_restart(self, slot: _Slot) -> None:
        if not self._running or slot.retiring or slot.restart_timer is not None:
            return
        if time.monotonic() - slot.started_at >= self._stable_after:
            slot.restarts = 0
        delay = min(self._restart_delay * 2**slot.restarts, self._restart_delay_max)
        slot.restarts += 1
        log.info("restarting worker %s in %.1f s", slot.worker_id, delay)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._launch(slot))
        slot.restart_timer = timer
        timer.start(int(delay * 1000))

    def _cancel_restart(self, slot: _Slot) -> None:
        if slot.restart_timer is not None:
            slot.restart_timer.stop()
            slot.restart_timer = None

    def _check_hung(self) -> None:
        now = time.monotonic()
        for slot in list(self._slots.values()):
            process = slot.process
            if process is None or slot.retiring or slot.hung:
                continue
            if process.state() != QProcess.ProcessState.Running:
                continue
            silent = now - slot.last_event_at
            if silent > self._hang_timeout:
                reason = f"no status event for {silent:.0f} s; killed as hung"
                log.warning("worker %s %s", slot.worker_id, reason)
                slot.hung = True
                self.worker_crashed.emit(slot.worker_id, reason)
                process.kill()
