"""`/api/v1/stats` and `/api/v1/health`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from spotdesk import __version__
from spotdesk.errors import SpotdeskError
from spotdesk.model import TaskState
from spotdesk.store.contract import TaskFilter

from .backend import Backend
from .schemas import (
    ComponentHealth,
    DayStatsOut,
    ErrorResponse,
    HealthOut,
    StatsOut,
    WorkersHealth,
)

if TYPE_CHECKING:
    from spotdesk.service import Service
    from spotdesk.store.contract import Store

log = logging.getLogger(__name__)

stats_router = APIRouter(tags=["system"])
health_router = APIRouter(tags=["system"])

# `/health` gives up on the store after this many seconds and reports it unreachable.
STORE_CHECK_TIMEOUT_SECONDS = 3.0
# ffmpeg and the JavaScript runtime are looked up again at most this often.
TOOL_CHECK_INTERVAL_SECONDS = 60.0
# Running tasks read to find the workers that hold leases.
MAX_RUNNING_SCANNED = 500


@stats_router.get(
    "/stats",
    response_model=StatsOut,
    summary="Queue and download statistics",
    responses={
        401: {"model": ErrorResponse, "description": "Missing or invalid bearer token."},
        503: {"model": ErrorResponse, "description": "The store cannot be reached."},
    },
)
async def stats(
    request: Request,
    days: Annotated[int, Query(ge=1, le=366, description="Days of history, today included.")] = 30,
) -> StatsOut:
    """Count track tasks by state and sum downloads, bytes and failures by error code,
    per UTC day and over the period."""

    def run(store: Store, service: Service) -> tuple[dict[str, int], list[Any]]:
        return store.counts(), store.stats(days)

    backend: Backend = request.app.state.backend
    counts, history = await backend.call(run)
    failures: Counter[str] = Counter()
    for day in history:
        failures.update(day.failures)
    return StatsOut(
        counts=counts,
        downloads=sum(day.downloads for day in history),
        bytes=sum(day.bytes for day in history),
        failures=dict(failures),
        days=[
            DayStatsOut(day=day.day, downloads=day.downloads, bytes=day.bytes,
                        failures=dict(day.failures))
            for day in history
        ],
    )


@dataclass
class ToolStatus:
    ffmpeg: ComponentHealth
    javascript_runtime: ComponentHealth
    checked_at: float


def check_tools() -> ToolStatus:
    """Look for ffmpeg and a JavaScript runtime; messages name no paths, because `/health`
    needs no token."""
    from spotdesk.doctor import Status, check_ffmpeg, find_js_runtime

    ffmpeg = check_ffmpeg()
    ffmpeg_health = ComponentHealth(
        ok=ffmpeg.status is not Status.FAILED,
        message="ffmpeg found" if ffmpeg.status is not Status.FAILED
        else "ffmpeg not found; install it or run 'spotdesk doctor' on the server",
    )
    runtime = find_js_runtime()
    runtime_health = ComponentHealth(
        ok=runtime is not None,
        message="deno found" if runtime
        else "no JavaScript runtime found; YouTube downloads need one: pip install deno",
    )
    return ToolStatus(ffmpeg_health, runtime_health, time.monotonic())


async def _tools(request: Request) -> ToolStatus:
    cached: ToolStatus | None = getattr(request.app.state, "tool_status", None)
    if cached and time.monotonic() - cached.checked_at < TOOL_CHECK_INTERVAL_SECONDS:
        return cached
    status = await asyncio.to_thread(check_tools)
    request.app.state.tool_status = status
    return status


def _lease_holders(store: Store, service: Service) -> tuple[set[str], bool]:
    """Return the workers holding an unexpired lease, and whether any task is queued."""
    now = time.time()
    page = store.list_tasks(TaskFilter(states=[TaskState.RUNNING]), limit=MAX_RUNNING_SCANNED)
    owners = {
        task.owner for task in page.tasks if task.owner and (task.lease_until or 0) > now
    }
    queued = store.list_tasks(TaskFilter(states=[TaskState.QUEUED]), limit=1).tasks
    return owners, bool(queued)


def _workers_health(owners: set[str], queued: bool, managed: int | None) -> WorkersHealth:
    seen = max(len(owners), managed or 0)
    if seen:
        return WorkersHealth(ok=True, seen=seen, message=f"{seen} workers seen recently")
    if queued:
        return WorkersHealth(
            ok=False,
            seen=0,
            message="tasks are queued but none is running; start workers "
            "with 'spotdesk workers' or 'spotdesk api --workers N'",
        )
    return WorkersHealth(
        ok=True,
        seen=0,
        message="no task is running; idle workers on other machines are not visible",
    )


@health_router.get(
    "/health",
    response_model=HealthOut,
    summary="Service health (no token needed)",
    responses={
        422: {"model": ErrorResponse, "description": "An unknown query parameter."},
        503: {"model": HealthOut, "description": "The store cannot be reached."},
    },
)
async def health(request: Request) -> Any:
    """Report whether the store is reachable, workers were seen recently, and ffmpeg and a
    JavaScript runtime are installed. Needs no token, so it shows no paths or store
    addresses. Returns 503 when the store cannot be reached."""
    backend: Backend = request.app.state.backend
    workers_probe: Callable[[], int] | None = request.app.state.workers_probe
    tools = await _tools(request)

    try:
        owners, queued = await asyncio.wait_for(
            backend.call(_lease_holders), timeout=STORE_CHECK_TIMEOUT_SECONDS
        )
        store = ComponentHealth(ok=True, message="store reachable")
    except (SpotdeskError, TimeoutError) as error:
        log.warning("health check cannot read the store: %s", error or "timed out")
        reason = error.code if isinstance(error, SpotdeskError) else "timed out"
        store = ComponentHealth(ok=False, message=f"store unreachable ({reason})")
        owners, queued = set(), False

    workers = _workers_health(owners, queued, workers_probe() if workers_probe else None)
    if not store.ok:
        workers = WorkersHealth(ok=False, seen=0, message="unknown: the store is unreachable")
    if not store.ok:
        status = "down"
    elif workers.ok and tools.ffmpeg.ok and tools.javascript_runtime.ok:
        status = "ok"
    else:
        status = "degraded"

    body = HealthOut(
        status=status,
        version=__version__,
        store=store,
        workers=workers,
        ffmpeg=tools.ffmpeg,
        javascript_runtime=tools.javascript_runtime,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=503 if status == "down" else 200)
