"""Run one claimed task: resolve a link into track tasks, or download one track.

The runner wires the store to the Spotify resolver and the pipeline, which know nothing
of storage. Every store write carries the task's lease token. `TaskControl.check()` stops
the pipeline when the lease is lost or the user requested cancel or pause.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from spotdesk.errors import CancelledError, PausedError, SpotdeskError
from spotdesk.model import (
    NEEDS_REVIEW,
    Progress,
    Stage,
    Task,
    TaskKind,
    TaskState,
    Track,
)
from spotdesk.store.contract import (
    LeaseLost,
    NewTask,
    Outcome,
    ProgressUpdate,
    Store,
    StoreUnavailable,
)
from spotdesk.workers import protocol
from spotdesk.workers.lease import StopRequested, TaskControl
from spotdesk.workers.playlists import child_tasks, display_title, write_playlist_when_complete
from spotdesk.workers.protocol import EventWriter

log = logging.getLogger(__name__)

# Progress writes per task are limited to about three per second. A stage change is
# written at once.
PROGRESS_INTERVAL = 0.3


class TrackPipeline(Protocol):
    """The part of `spotdesk.pipeline.Pipeline` that the runner calls."""

    def run(self, track: Track, options: Any, **kwargs: Any) -> Any: ...


class MetadataResolver(Protocol):
    """The part of `spotdesk.spotify.resolver.Resolver` that the runner calls."""

    def resolve(self, link: Any) -> Any: ...

    def track(self, track_id: str) -> Track: ...


class InternalError(SpotdeskError):
    """A bug: an exception that is not a `SpotdeskError`. The task fails with this code."""

    code = "internal.error"


class BrokenInstallation(SpotdeskError):
    """The worker cannot import its own code; every task would fail the same way."""

    code = "internal.broken_installation"


def split_manual_pair(link: str) -> tuple[str | None, str]:
    """Split ``AUDIO_URL|SPOTIFY_LINK`` into its parts. A plain link gives (None, link)."""
    if "|" not in link:
        return None, link
    audio_url, spotify_link = link.split("|", 1)
    return audio_url.strip() or None, spotify_link.strip()


class ProgressWriter:
    """Forward pipeline progress to the store and the event stream at a bounded rate."""

    def __init__(self, store: Store, control: TaskControl, events: EventWriter) -> None:
        self._store = store
        self._control = control
        self._events = events
        self._last_write = 0.0
        self._last_stage: Stage | None = None

    def report(self, progress: Progress) -> None:
        now = time.monotonic()
        stage_changed = progress.stage is not self._last_stage
        if not stage_changed and now - self._last_write < PROGRESS_INTERVAL:
            return
        self._last_write = now
        self._last_stage = progress.stage
        self.write(
            ProgressUpdate(
                stage=progress.stage,
                progress=progress.fraction,
                bytes_done=progress.bytes_done,
                bytes_total=progress.bytes_total,
                speed=progress.speed,
                eta=progress.eta,
            )
        )
        self._events.emit(
            protocol.PROGRESS,
            task=self._control.task_id,
            stage=progress.stage.value,
            fraction=progress.fraction,
            bytes_done=progress.bytes_done,
            bytes_total=progress.bytes_total,
            speed=progress.speed,
            eta=progress.eta,
        )

    def write(self, update: ProgressUpdate) -> None:
        """Write `update`. A lost lease is noted for `check()`, and an outage is only logged."""
        try:
            flags = self._store.report_progress(self._control.task_id, self._control.token, update)
        except LeaseLost:
            self._control.lose_lease("the store rejected a progress write")
        except SpotdeskError as error:
            # The heartbeat thread reports outages and gives up the lease when they last
            # too long, so a progress write that cannot be stored is dropped.
            log.debug(
                "progress write failed: %s",
                error,
                extra={"task": self._control.task_id},
            )
        else:
            self._control.update_flags(flags)


class TaskRunner:
    """Execute claimed tasks in the worker's main thread."""

    def __init__(
        self,
        store: Store,
        events: EventWriter,
        worker_id: str,
        pipeline_factory: Callable[[], TrackPipeline],
        resolver_factory: Callable[[Store], MetadataResolver],
        persist: Callable[[Callable[[], Any]], Any],
    ) -> None:
        self._store = store
        self._events = events
        self._worker_id = worker_id
        self._pipeline_factory = pipeline_factory
        self._resolver_factory = resolver_factory
        self._persist = persist
        self._pipeline: TrackPipeline | None = None

    def run(self, task: Task, control: TaskControl) -> None:
        """Run `task` to an end state or hand it back.

        Failures of the task itself are recorded in the store, not raised. Store errors
        other than a lost lease or an outage propagate to the worker loop.
        """
        extra = {"worker": self._worker_id, "task": task.id}
        try:
            control.check()  # a stop requested during the claim ends the task at once
            if task.kind is TaskKind.RESOLVE:
                self._resolve(task, control)
            else:
                self._download(task, control)
        except LeaseLost as error:
            self._abandon(task, control, str(error))
        except StoreUnavailable as error:
            self._abandon(task, control, f"the store is unavailable: {error}")
        except StopRequested:
            self._release(task, control, TaskState.QUEUED, "the worker is shutting down")
        except CancelledError:
            self._release(task, control, TaskState.CANCELLED, "cancelled by the user")
        except PausedError:
            self._release(task, control, TaskState.PAUSED, "paused by the user")
        except SpotdeskError as error:
            log.info("task failed: %s (%s)", error.message, error.code, extra=extra)
            if error.detail:
                log.debug("failure detail: %s", error.detail, extra=extra)
            self._fail(task, control, error)
        except ImportError as error:
            # A module that cannot be imported is a broken installation, not a fault of this
            # task, so the task goes back to the queue and the worker stops.
            self._release(task, control, TaskState.QUEUED, f"cannot import {error.name}")
            raise BrokenInstallation(
                f"The worker cannot import its code ({error}). Reinstall spotdesk, and start "
                "workers from a folder that contains no other copy of spotdesk.",
                detail=repr(error),
            ) from error
        except Exception as error:  # noqa: BLE001 - one broken task must not end the worker
            log.exception("unexpected error while running the task", extra=extra)
            message = (
                f"Unexpected error ({type(error).__name__}: {error}); see the log for details."
            )
            self._fail(task, control, InternalError(message))

    # ---- task kinds -------------------------------------------------------------------

    def _resolve(self, task: Task, control: TaskControl) -> None:
        from spotdesk.links import parse_link

        link = parse_link(task.link)
        writer = ProgressWriter(self._store, control, self._events)
        writer.report(Progress(stage=Stage.RESOLVING))
        resolution = self._resolver_factory(self._store).resolve(link)
        control.check()
        # The collection's name is the parent's display title and its playlist's name.
        writer.write(ProgressUpdate(title=resolution.name))

        children: list[NewTask] = child_tasks(task, resolution)
        self._persist(lambda: self._store.add_children(task.id, control.token, children))
        control.check()
        outcome = Outcome(skipped=list(resolution.skipped))
        self._persist(lambda: self._store.complete(task.id, control.token, outcome))
        self._events.emit(
            protocol.DONE, task=task.id, output_path=None, skipped=False, children=len(children)
        )
        self._after_final(task.id)

    def _download(self, task: Task, control: TaskControl) -> None:
        audio_url, spotify_link = split_manual_pair(task.link)
        chosen_url = task.chosen_url or audio_url
        writer = ProgressWriter(self._store, control, self._events)
        track = task.track
        if track is None:
            from spotdesk.links import parse_link

            writer.report(Progress(stage=Stage.RESOLVING))
            track = self._resolver_factory(self._store).track(parse_link(spotify_link).id)
            writer.write(ProgressUpdate(track=track, title=display_title(track)))
            control.check()

        if self._pipeline is None:
            self._pipeline = self._pipeline_factory()
        result = self._pipeline.run(
            track,
            task.options,
            context=task.context,
            chosen_url=chosen_url,
            report=writer.report,
            check=control.check,
        )

        if result.status == "needs_review":
            update = ProgressUpdate(candidates=list(result.candidates), match=result.match)
            self._persist(lambda: self._store.report_progress(task.id, control.token, update))
            error = SpotdeskError(result.message, code=NEEDS_REVIEW, retryable=False)
            self._fail(task, control, error)
            return

        skipped = result.status == "skipped"
        outcome = Outcome(
            output_path=result.output_path,
            match=result.match,
            bytes_written=result.bytes_written,
            skipped_reason=result.message if skipped else None,
        )
        self._persist(lambda: self._store.complete(task.id, control.token, outcome))
        self._events.emit(
            protocol.DONE, task=task.id, output_path=result.output_path, skipped=skipped
        )
        if task.parent_id:
            self._after_final(task.parent_id)

    # ---- endings ----------------------------------------------------------------------

    def _fail(self, task: Task, control: TaskControl, error: SpotdeskError) -> None:
        retry_after = getattr(error, "retry_after", None)
        try:
            state = self._persist(
                lambda: self._store.fail(task.id, control.token, error, retry_after=retry_after)
            )
        except (LeaseLost, StoreUnavailable) as lost:
            self._abandon(task, control, str(lost))
            return
        self._events.emit(
            protocol.FAILED, task=task.id, code=error.code, message=error.message, state=str(state)
        )
        if task.parent_id and TaskState(state).is_final:
            self._after_final(task.parent_id)

    def _release(self, task: Task, control: TaskControl, state: TaskState, reason: str) -> None:
        try:
            self._persist(lambda: self._store.release(task.id, control.token, state))
        except (LeaseLost, StoreUnavailable) as lost:
            self._abandon(task, control, str(lost))
            return
        log.info(
            "task handed back as %s: %s",
            state.value,
            reason,
            extra={"worker": self._worker_id, "task": task.id},
        )
        self._events.emit(protocol.RELEASED, task=task.id, state=state.value, reason=reason)

    def _abandon(self, task: Task, control: TaskControl, reason: str) -> None:
        """Give up a task whose lease is (or may be) lost.

        The pipeline places nothing once `check()` raises. A lease lost after placing (at
        the final `complete` write) leaves the file, and the next attempt skips the track
        as already in the library.
        """
        log.warning(
            "abandoning the task: %s", reason, extra={"worker": self._worker_id, "task": task.id}
        )
        try:
            # When only this process thinks the lease ran out, the token may still match:
            # handing the task back then saves waiting for the reaper.
            self._store.release(task.id, control.token, TaskState.QUEUED)
        except SpotdeskError:
            pass
        self._events.emit(protocol.ABANDONED, task=task.id, reason=reason)

    def _after_final(self, parent_id: str) -> None:
        try:
            write_playlist_when_complete(self._store, parent_id)
        except Exception:  # noqa: BLE001 - a playlist file must never fail a track
            log.exception(
                "could not write the playlist file",
                extra={"worker": self._worker_id, "task": parent_id},
            )
