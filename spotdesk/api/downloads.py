"""`/api/v1/downloads`: submit links, list and read tasks, and act on them."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request

from spotdesk.model import TaskKind, TaskState
from spotdesk.store.contract import TaskFilter

from .backend import Backend
from .errors import ApiError
from .schemas import (
    EXAMPLE_TASK_ID,
    ActionResult,
    ChooseMatchRequest,
    ErrorResponse,
    Problem,
    RemoveResult,
    SubmitRequest,
    SubmitResponse,
    SubmittedTask,
    TaskDetail,
    TaskList,
    task_detail,
    task_summary,
)
from .submission import check_request

if TYPE_CHECKING:
    from spotdesk.service import Service
    from spotdesk.store.contract import Store

log = logging.getLogger(__name__)

router = APIRouter(prefix="/downloads", tags=["downloads"])

MAX_PAGE_SIZE = 500
# Children shown inline by `GET /downloads/{id}`; more are listed with `?collection=ID`.
MAX_INLINE_CHILDREN = 500
# Children counted for `children_counts`: Spotify playlists hold at most 10,000 tracks.
MAX_COUNTED_CHILDREN = 10_000

TaskId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Task id, as returned by `POST /downloads`.",
        examples=[EXAMPLE_TASK_ID],
    ),
]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "Missing or invalid bearer token."},
    503: {"model": ErrorResponse, "description": "The store cannot be reached; retry later."},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No task has this id."}
}


def _backend(request: Request) -> Backend:
    backend: Backend = request.app.state.backend
    return backend


@router.post(
    "",
    status_code=202,
    response_model=SubmitResponse,
    summary="Submit links",
    responses={
        **_ERRORS,
        400: {"model": ErrorResponse, "description": "The body is not valid JSON."},
        413: {"model": ErrorResponse, "description": "The request body is too large."},
        422: {
            "model": ErrorResponse,
            "description": "A link or an option is invalid; `problems` names each one and "
            "nothing was submitted.",
        },
    },
)
async def submit(body: SubmitRequest, request: Request) -> SubmitResponse:
    """Queue one task per link. Links already queued, running or paused with the same
    output options return their existing task with `created: false`, so a client may
    safely send the same request again."""
    backend = _backend(request)
    options = check_request(body, backend.settings)

    def run(store: Store, service: Service) -> Any:
        return service.submit("\n".join(body.links), options, priority=body.priority)

    report = await backend.call(run)
    if report.rejected and not report.accepted:
        problems = [
            Problem(location="links", code=error.code, message=error.message, text=error.text)
            for error in report.rejected
        ]
        raise ApiError(422, "links.invalid", problems[0].message, problems)
    for error in report.rejected:
        log.warning("API submission skipped %r: %s (%s)", error.text, error.message, error.code)
    created = sum(1 for item in report.accepted if item.created)
    log.info("API submission: %d tasks created, %d already queued", created,
             len(report.accepted) - created)
    return SubmitResponse(
        tasks=[
            SubmittedTask(link=item.link, id=item.task_id, created=item.created)
            for item in report.accepted
        ]
    )


@router.get("", response_model=TaskList, summary="List tasks", responses=_ERRORS | {
    400: {"model": ErrorResponse, "description": "The cursor is invalid."}})
async def list_downloads(
    request: Request,
    state: Annotated[
        list[TaskState] | None, Query(description="Only these states; repeat for several.")
    ] = None,
    kind: Annotated[TaskKind | None, Query(description="Only this task kind.")] = None,
    collection: Annotated[
        str | None,
        Query(max_length=64, description="Only the track tasks of this collection task id."),
    ] = None,
    top_level: Annotated[
        bool, Query(description="Only tasks without a parent: links as submitted.")
    ] = False,
    needs_review: Annotated[
        bool | None, Query(description="Only tasks that wait for a match to be chosen.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size.")] = 100,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the previous page.")
    ] = None,
) -> TaskList:
    """List tasks in queue order, one page at a time."""
    task_filter = TaskFilter(
        states=state or None,
        kinds=[kind] if kind else None,
        parent_id=collection,
        top_level=top_level,
        needs_review=needs_review,
    )

    def run(store: Store, service: Service) -> Any:
        return store.list_tasks(task_filter, limit=limit, cursor=cursor)

    page = await _backend(request).call(run)
    return TaskList(
        tasks=[task_summary(task.to_dict()) for task in page.tasks], next_cursor=page.next_cursor
    )


def _read_detail(store: Store, task_id: str) -> TaskDetail:
    task = store.get(task_id)
    detail = task_detail(task.to_dict())
    if task.kind is not TaskKind.RESOLVE:
        return detail

    # The first page is shown inline; every page is counted, up to a playlist's maximum.
    counts: Counter[str] = Counter()
    page = store.list_tasks(TaskFilter(parent_id=task_id), limit=MAX_INLINE_CHILDREN)
    detail.children = [task_summary(child.to_dict()) for child in page.tasks]
    detail.children_next_cursor = page.next_cursor
    seen = 0
    while True:
        counts.update(child.state.value for child in page.tasks)
        seen += len(page.tasks)
        if page.next_cursor is None or seen >= MAX_COUNTED_CHILDREN:
            break
        page = store.list_tasks(
            TaskFilter(parent_id=task_id), limit=MAX_PAGE_SIZE, cursor=page.next_cursor
        )
    detail.children_counts = dict(counts)
    return detail


@router.get(
    "/{task_id}", response_model=TaskDetail, summary="Read one task", responses=_ERRORS | _NOT_FOUND
)
async def get_download(task_id: TaskId, request: Request) -> TaskDetail:
    """Return a task with its stage, progress, speed, ETA, match, error and output path.
    A collection (a `resolve` task) includes its track tasks and their counts by state."""

    def run(store: Store, service: Service) -> TaskDetail:
        return _read_detail(store, task_id)

    detail: TaskDetail = await _backend(request).call(run)
    return detail


Action = Literal["cancel", "pause", "resume", "retry"]

_ACTION_DOCS = {
    "cancel": "Cancel a queued, paused or running task (a running one stops at its next "
    "progress write). A collection cancels its unfinished tracks.",
    "pause": "Pause a queued task, or ask a running one to pause. A collection pauses "
    "its tracks.",
    "resume": "Return a paused task (and a collection's paused tracks) to the queue.",
    "retry": "Queue a failed or cancelled task again with its attempts reset.",
}


async def _act(request: Request, task_id: str, action: Action) -> ActionResult:
    def run(store: Store, service: Service) -> ActionResult:
        method = getattr(service, action)
        affected = list(method([task_id]))
        task = store.get(task_id)
        return ActionResult(
            id=task_id, action=action, affected_ids=affected, task=task_summary(task.to_dict())
        )

    result: ActionResult = await _backend(request).call(run)
    log.info("API %s of task %s changed %d tasks", action, task_id, len(result.affected_ids))
    return result


_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorResponse, "description": "The task's state does not allow this."}
}


def _register_action(action: Action) -> None:
    async def endpoint(task_id: TaskId, request: Request) -> ActionResult:
        return await _act(request, task_id, action)

    endpoint.__doc__ = _ACTION_DOCS[action]
    router.add_api_route(
        f"/{{task_id}}/{action}",
        endpoint,
        methods=["POST"],
        status_code=202,
        response_model=ActionResult,
        summary=f"{action.capitalize()} a task",
        name=f"{action}_download",
        responses=_ERRORS | _NOT_FOUND | _CONFLICT,
    )


for _action in ("cancel", "pause", "resume", "retry"):
    _register_action(_action)  # type: ignore[arg-type]


@router.post(
    "/{task_id}/match",
    status_code=202,
    response_model=ActionResult,
    summary="Choose a match for a track",
    name="choose_match",
    responses=_ERRORS | _NOT_FOUND | _CONFLICT | {
        400: {"model": ErrorResponse, "description": "The body is not valid JSON."},
        422: {"model": ErrorResponse, "description": "The URL is not http(s)."},
    },
)
async def choose_match(task_id: TaskId, body: ChooseMatchRequest, request: Request) -> ActionResult:
    """Queue a failed or cancelled track again to download the given audio without
    searching, which resolves a task with `needs_review`. Collections get 409."""

    def run(store: Store, service: Service) -> ActionResult:
        affected = service.choose_match(task_id, body.url)
        task = store.get(task_id)
        return ActionResult(
            id=task_id, action="match", affected_ids=affected, task=task_summary(task.to_dict())
        )

    result: ActionResult = await _backend(request).call(run)
    log.info("API chose a match for task %s", task_id)
    return result


@router.delete(
    "/{task_id}", response_model=RemoveResult, summary="Remove a task",
    responses=_ERRORS | _NOT_FOUND,
)
async def remove_download(task_id: TaskId, request: Request) -> RemoveResult:
    """Delete a task and, for a collection, its tracks. A running task is cancelled first.
    Files already placed in the library stay."""

    def run(store: Store, service: Service) -> list[str]:
        store.get(task_id)  # raises TaskNotFound, which the error handler turns into 404
        return list(service.remove([task_id]))

    removed: list[str] = await _backend(request).call(run)
    log.info("API removed task %s (%d tasks)", task_id, len(removed))
    return RemoveResult(removed_ids=removed)
