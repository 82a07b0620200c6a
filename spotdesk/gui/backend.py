"""The store and the service on their own thread, away from the window's event loop.

`Backend` lives on a `QThread`. It loads the queue, then polls `Store.changes_since` ten
times a second and sends each batch to the window as one signal. It also runs the
window's actions (`Service.submit`, `cancel`, ...) in order. A store is used from one
thread only, so every call into it happens here.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from spotdesk.config import Settings
from spotdesk.errors import SpotdeskError
from spotdesk.store.contract import Store, StoreUnavailable

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 100
COUNTS_INTERVAL_S = 1.0
LOAD_PAGE = 2000
MAX_BACKOFF_MS = 10_000

StoreFactory = Callable[[], Store]


class Backend(QObject):
    """Owns the store and the service on the backend thread; talk to it through signals."""

    loaded = Signal(list)  # one page of tasks from the initial load
    load_finished = Signal()
    changed = Signal(list, list)  # changed tasks, removed ids
    counts_changed = Signal(dict)
    command_done = Signal(int, object)  # request id, result
    command_failed = Signal(int, str, str)  # request id, error code, English message
    store_problem = Signal(str, str)  # error code and message while the store is unreachable
    store_recovered = Signal()

    def __init__(self, store_factory: StoreFactory, settings: Settings) -> None:
        super().__init__()
        self._store_factory = store_factory
        self._settings = settings
        self._store: Store | None = None
        self._service: Any = None
        self._cursor: str | None = None
        self._timer: QTimer | None = None
        self._failures = 0
        self._since_counts = 0.0

    @Slot()
    def start(self) -> None:
        """Open the store, send the whole queue page by page, then poll for changes."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._poll)
        self._poll()

    def _open(self) -> None:
        from spotdesk.links import default_expander
        from spotdesk.service import Service

        self._store = self._store_factory()
        self._service = Service(self._store, self._settings, default_expander())
        self._load()

    def _load(self) -> None:
        assert self._store is not None
        # Take the cursor first: changes made while the pages are read arrive again on the
        # first poll, and applying a task twice is harmless.
        self._cursor = self._store.changes_since(None, limit=1).cursor
        page_cursor: str | None = None
        while True:
            page = self._store.list_tasks(limit=LOAD_PAGE, cursor=page_cursor)
            if page.tasks:
                self.loaded.emit(page.tasks)
            page_cursor = page.next_cursor
            if page_cursor is None:
                break
        self.load_finished.emit()
        self.counts_changed.emit(self._store.counts())
        log.info("loaded the queue from %s", _safe_uri(self._store.uri))

    @Slot()
    def _poll(self) -> None:
        assert self._timer is not None
        try:
            if self._store is None:
                self._open()
            more = self._poll_once()
        except SpotdeskError as error:
            self._report_failure(error)
            return
        if self._failures:
            log.info("the store is reachable again after %d failed polls", self._failures)
            self._failures = 0
            self.store_recovered.emit()
        self._timer.start(0 if more else POLL_INTERVAL_MS)

    def _poll_once(self) -> bool:
        """Send one batch of changes; return True when more are waiting."""
        import time

        assert self._store is not None
        limit = 1000
        changes = self._store.changes_since(self._cursor, limit=limit)
        self._cursor = changes.cursor
        if changes.tasks or changes.removed_ids:
            self.changed.emit(changes.tasks, changes.removed_ids)
        now = time.monotonic()
        if changes.tasks or changes.removed_ids or now - self._since_counts > COUNTS_INTERVAL_S:
            if now - self._since_counts > COUNTS_INTERVAL_S / 4:
                self._since_counts = now
                self.counts_changed.emit(self._store.counts())
        return len(changes.tasks) + len(changes.removed_ids) >= limit

    def _report_failure(self, error: SpotdeskError) -> None:
        self._failures += 1
        delay = min(POLL_INTERVAL_MS * 2 ** min(self._failures, 8), MAX_BACKOFF_MS)
        log.warning(
            "the store failed (%s: %s); trying again in %.1f s", error.code, error, delay / 1000
        )
        if isinstance(error, StoreUnavailable) and self._store is not None:
            self._close_store()
        self.store_problem.emit(error.code, error.message)
        if self._timer is not None:
            self._timer.start(delay)

    @Slot(int, str, object)
    def run_command(self, request_id: int, name: str, args: tuple[Any, ...]) -> None:
        """Run one `Service` method and report its result or error."""
        if self._service is None:
            self.command_failed.emit(
                request_id, "store.unavailable", "The task database is not open yet."
            )
            return
        try:
            result = getattr(self._service, name)(*args)
        except SpotdeskError as error:
            log.warning("%s failed: %s (%s)", name, error, error.code)
            self.command_failed.emit(request_id, error.code, error.message)
            return
        self.command_done.emit(request_id, result)
        # Show the effect of the action on the next frame instead of the next poll.
        if self._timer is not None and self._timer.remainingTime() > 10:
            self._timer.start(10)

    @Slot(object)
    def update_settings(self, settings: Settings) -> None:
        self._settings = settings
        if self._service is not None:
            self._service.settings = settings

    @Slot()
    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._close_store()

    def _close_store(self) -> None:
        if self._store is not None:
            try:
                self._store.close()
            except SpotdeskError as error:
                log.warning("closing the store failed: %s", error)
        self._store = None
        self._service = None


def _safe_uri(uri: str) -> str:
    """Return a store URI without the password, for logs and the status bar."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=netloc))


class BackendClient(QObject):
    """The window's handle on the backend thread: start, call, stop."""

    _request = Signal(int, str, object)
    _settings = Signal(object)

    def __init__(self, store_factory: StoreFactory, settings: Settings, parent: Any = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("spotdesk-store")
        self.backend = Backend(store_factory, settings)
        self.backend.moveToThread(self._thread)
        self._thread.started.connect(self.backend.start)
        self._request.connect(self.backend.run_command)
        self._settings.connect(self.backend.update_settings)
        self.backend.command_done.connect(self._on_done)
        self.backend.command_failed.connect(self._on_failed)
        self._ids = itertools.count(1)
        self._callbacks: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[str, str], None] | None]
        ] = {}

    def start(self) -> None:
        self._thread.start()

    @property
    def running(self) -> bool:
        """True while the backend thread runs (between `start` and `stop`)."""
        return self._thread.isRunning()

    def call(
        self,
        name: str,
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str, str], None] | None = None,
    ) -> int:
        """Run `Service.<name>(*args)` on the backend thread; callbacks run on this thread."""
        request_id = next(self._ids)
        self._callbacks[request_id] = (on_done, on_error)
        self._request.emit(request_id, name, args)
        return request_id

    def update_settings(self, settings: Settings) -> None:
        self._settings.emit(settings)

    def _on_done(self, request_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(request_id, (None, None))
        if on_done is not None:
            on_done(result)

    def _on_failed(self, request_id: int, code: str, message: str) -> None:
        _, on_error = self._callbacks.pop(request_id, (None, None))
        if on_error is not None:
            on_error(code, message)

    def stop(self) -> None:
        """Stop polling, close the store and end the thread; waits at most 5 seconds."""
        if not self.running:
            return
        from PySide6.QtCore import QMetaObject, Qt

        QMetaObject.invokeMethod(self.backend, "stop", Qt.ConnectionType.BlockingQueuedConnection)
        self._thread.quit()
        if not self._thread.wait(5000):
            log.warning("the store thread did not stop within 5 s")
