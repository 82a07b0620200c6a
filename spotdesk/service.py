"""Queue actions for users, shared by the window, the HTTP API and the CLI.

`Service.submit` turns pasted text into tasks. Every Spotify link, a single track's
included, becomes one `resolve` task, so a worker always fetches the metadata first and
then creates the track tasks beneath it. The window therefore shows every submission the
same way.
A manual pair `AUDIO_URL|SPOTIFY_LINK` becomes a `track` task whose link is the pair and
whose `chosen_url` is the audio URL, so the worker skips the search.

Submissions are idempotent: the dedupe key is the task kind, the normalised link and a
hash of the output options, and the store keeps one active task per key.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from spotdesk.config import Settings
from spotdesk.errors import UsageError
from spotdesk.links import LinkError, ShortLinkExpander, parse_links
from spotdesk.model import OutputOptions, TaskKind, TaskState
from spotdesk.store.contract import InvalidTransition, NewTask, Store, TaskFilter

log = logging.getLogger(__name__)

_PAGE = 500


@dataclass(frozen=True)
class SubmittedLink:
    link: str  # the normalised link, or "AUDIO_URL|SPOTIFY_LINK" for a manual pair
    task_id: str
    created: bool  # False when an equal task was already active


@dataclass
class SubmitReport:
    accepted: list[SubmittedLink] = field(default_factory=list)
    rejected: list[LinkError] = field(default_factory=list)

    @property
    def created_count(self) -> int:
        return sum(1 for item in self.accepted if item.created)


def options_digest(options: OutputOptions) -> str:
    """Return a stable hash of output options: equal options give equal digests."""
    text = json.dumps(options.to_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def dedupe_key(kind: TaskKind, link: str, options: OutputOptions) -> str:
    return f"{kind.value}:{link}:{options_digest(options)}"


class Service:
    """Queue actions for one store; pass what it needs, it keeps no global state."""

    def __init__(
        self, store: Store, settings: Settings, expander: ShortLinkExpander | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self._expander = expander

    def submit(
        self, text: str, options: OutputOptions | None = None, priority: int = 0
    ) -> SubmitReport:
        """Parse `text` and queue one task per link or manual pair, in input order."""
        options = options or self.settings.output_options()
        parsed = parse_links(text, self._expander)
        report = SubmitReport(rejected=list(parsed.errors))

        new_tasks: list[NewTask] = []
        for link in parsed.links:
            new_tasks.append(
                NewTask(
                    kind=TaskKind.RESOLVE,
                    link=link.url,
                    options=options,
                    dedupe_key=dedupe_key(TaskKind.RESOLVE, link.url, options),
                    priority=priority,
                )
            )
        for pair in parsed.pairs:
            new_tasks.append(
                NewTask(
                    kind=TaskKind.TRACK,
                    link=str(pair),
                    options=options,
                    dedupe_key=dedupe_key(TaskKind.TRACK, str(pair), options),
                    priority=priority,
                    chosen_url=pair.audio_url,
                )
            )
        if not new_tasks:
            return report

        for new, submitted in zip(new_tasks, self.store.submit(new_tasks), strict=True):
            report.accepted.append(SubmittedLink(new.link, submitted.task_id, submitted.created))
        log.info(
            "submitted %d links: %d new tasks, %d already queued, %d rejected",
            len(report.accepted),
            report.created_count,
            len(report.accepted) - report.created_count,
            len(report.rejected),
        )
        return report

    # ---- actions on selected tasks --------------------------------------------------------

    def cancel(self, ids: Iterable[str]) -> list[str]:
        return self.store.request_cancel(ids)

    def pause(self, ids: Iterable[str]) -> list[str]:
        return self.store.request_pause(ids)

    def resume(self, ids: Iterable[str]) -> list[str]:
        return self.store.resume(ids)

    def retry(self, ids: Iterable[str]) -> list[str]:
        return self.store.retry(ids)

    def remove(self, ids: Iterable[str]) -> list[str]:
        return self.store.remove(ids)

    def choose_match(self, task_id: str, url: str) -> list[str]:
        """Re-queue a failed or cancelled track task to download `url` without searching.

        A queued track task waiting for a retry delay takes `url` and runs at once.

        Raises `UsageError` for a URL that is not http(s), and the store's
        `InvalidTransition` for a task in another state or of another kind.
        """
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"{url!r} is not an http(s) URL; paste the audio page's address.")
        task = self.store.get(task_id)
        if task.kind is not TaskKind.TRACK:
            raise InvalidTransition(
                f"Task {task_id} is a collection; choose a match for one track."
            )
        return self.store.retry([task_id], chosen_url=url.strip())

    # ---- actions on the whole queue -------------------------------------------------------

    def pause_all(self) -> list[str]:
        return self._apply_to_all(self.store.request_pause, (TaskState.QUEUED, TaskState.RUNNING))

    def resume_all(self) -> list[str]:
        return self._apply_to_all(self.store.resume, (TaskState.PAUSED, TaskState.RUNNING))

    def clear_finished(self) -> int:
        return self.store.clear_finished()

    def _apply_to_all(
        self, action: Callable[[list[str]], list[str]], states: tuple[TaskState, ...]
    ) -> list[str]:
        ids = self._ids_in(states)
        try:
            return action(ids) if ids else []
        except InvalidTransition:
            return []  # the one task found was already as requested

    def _ids_in(self, states: tuple[TaskState, ...]) -> list[str]:
        ids: list[str] = []
        cursor: str | None = None
        while True:
            page = self.store.list_tasks(TaskFilter(states=states), limit=_PAGE, cursor=cursor)
            ids.extend(task.id for task in page.tasks)
            cursor = page.next_cursor
            if cursor is None:
                return ids
