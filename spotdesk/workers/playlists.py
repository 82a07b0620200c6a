"""A resolve task's children, and the `.m3u8` file written once all of them are final."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from spotdesk.model import Resolution, Task, TaskKind, TaskState, Track
from spotdesk.store.contract import NewTask, Store, TaskFilter

log = logging.getLogger(__name__)


def display_title(track: Track) -> str:
    artists = ", ".join(track.artists)
    return f"{artists} - {track.title}" if artists else track.title


def child_dedupe_key(parent: Task, track_id: str) -> str:
    """Return the dedupe key of a collection's track task.

    The key includes the parent, so a track that two collections share gets a task in
    each, and each collection's playlist lists it. The second download finds the file in
    the library and skips it. Output options are part of the key, as for any submission.
    """
    options = json.dumps(parent.options.to_dict(), sort_keys=True)
    digest = hashlib.sha256(options.encode("utf-8")).hexdigest()[:16]
    return f"track:{track_id}:{digest}:parent:{parent.id}"


def child_tasks(parent: Task, resolution: Resolution) -> list[NewTask]:
    """Return one track task per resolved track, in the collection's order."""
    children = []
    for index, track in enumerate(resolution.tracks):
        children.append(
            NewTask(
                kind=TaskKind.TRACK,
                link=track.url,
                options=parent.options,
                dedupe_key=child_dedupe_key(parent, track.id),
                parent_id=parent.id,
                position=index + 1,
                priority=parent.priority,
                title=display_title(track),
                track=track,
                context=resolution.context(index),
                max_attempts=parent.max_attempts,
            )
        )
    return children


def list_children(store: Store, parent_id: str) -> list[Task]:
    children: list[Task] = []
    cursor: str | None = None
    while True:
        page = store.list_tasks(TaskFilter(parent_id=parent_id), limit=500, cursor=cursor)
        children.extend(page.tasks)
        cursor = page.next_cursor
        if cursor is None:
            return children


def write_playlist_when_complete(store: Store, parent_id: str) -> Any:
    """Write the collection's `.m3u8` when the parent is done and every child is final.

    Called after each child ends and after the parent itself completes, so whichever
    finishes last writes the file. Two workers finishing the last two children at once
    may both write it; they write the same content. Returns the path written, or None.
    """
    from spotdesk.links import parse_link
    from spotdesk.pipeline import write_collection_playlist

    parent = store.get(parent_id)
    if parent.kind is not TaskKind.RESOLVE or parent.state is not TaskState.DONE:
        return None
    link = parse_link(parent.link)
    if not link.kind.is_collection:
        return None
    children = list_children(store, parent_id)
    if not children or any(not child.state.is_final for child in children):
        return None

    children.sort(key=lambda child: child.position or 0)
    tracks = [child.track for child in children if child.track is not None]
    resolution = Resolution(
        link=link,
        name=parent.title or link.id,
        tracks=tracks,
        skipped=list(parent.skipped),
    )
    paths = {child.track.id: child.output_path for child in children if child.track is not None}
    path = write_collection_playlist(resolution, paths, parent.options)
    log.info("wrote the playlist file %s", path, extra={"task": parent_id})
    return path
