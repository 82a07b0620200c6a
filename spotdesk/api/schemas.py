"""Request and response bodies of the HTTP API, as pydantic models.

These models are the public contract: their field descriptions and examples make up the
OpenAPI document at `/api/v1/openapi.json`. Times are Unix timestamps in seconds (UTC),
sizes are bytes and speeds bytes per second, as in `spotdesk.model`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from spotdesk.model import (
    NEEDS_REVIEW,
    AudioFormat,
    LinkKind,
    OverwritePolicy,
    Stage,
    TaskKind,
    TaskState,
)

# One request may carry at most this many links; a playlist link counts as one.
MAX_LINKS_PER_REQUEST = 500
MAX_LINK_LENGTH = 2048

EXAMPLE_TRACK_LINK = "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
EXAMPLE_ALBUM_LINK = "https://open.spotify.com/album/1DFixLWuPkv3KT3TnV35m3"
EXAMPLE_TASK_ID = "0f9c2a8e6b5d4c3fa1e2d3c4b5a69788"


class ApiModel(BaseModel):
    # Responses ignore internal fields (such as lease tokens) that `Task.to_dict` includes.
    model_config = ConfigDict(extra="ignore")


class RequestModel(BaseModel):
    # Requests reject unknown fields, so a misspelt option is an error, not silently lost.
    # Their numbers, booleans and strings are strict types, so `"priority": false` is an
    # error rather than 0.
    model_config = ConfigDict(extra="forbid")


# ---- errors -----------------------------------------------------------------------------


class Problem(ApiModel):
    """One thing wrong with a request: a link, a field or a value."""

    location: str = Field(
        description="Where the problem is, such as `links[2]` or `options.folder`.",
        examples=["links[1]"],
    )
    code: str = Field(description="Stable machine-readable code.", examples=["link.invalid"])
    message: str = Field(
        description="One English sentence saying what is wrong and what to do.",
        examples=["'https://example.com/x' is not a Spotify link."],
    )
    text: str | None = Field(default=None, description="The offending input, when short.")


class ErrorInfo(ApiModel):
    code: str = Field(
        description="Stable machine-readable code, such as `store.invalid_transition`.",
        examples=["store.invalid_transition"],
    )
    message: str = Field(
        description="One English sentence a person can act on.",
        examples=["Cannot resume task 0f9c2a8e6b5d4c3fa1e2d3c4b5a69788 in its current state."],
    )
    problems: list[Problem] = Field(
        default_factory=list, description="Per-item problems, for invalid requests."
    )


class ErrorResponse(ApiModel):
    """The body of every 4xx and 5xx response."""

    error: ErrorInfo


# ---- submission -------------------------------------------------------------------------


class OutputOptionsIn(RequestModel):
    """Output options for the submitted links; omitted fields take the server's settings."""

    folder: StrictStr | None = Field(
        default=None,
        max_length=1024,
        description=(
            "Folder for the files: relative to the server's library folder, or absolute "
            "inside it. Paths outside the library, `..` and `~` are rejected."
        ),
        examples=["Jazz/Favourites"],
    )
    format: AudioFormat | None = Field(default=None, description="Audio format of the files.")
    bitrate: StrictInt | None = Field(
        default=None, ge=32, le=512, description="Bitrate in kbit/s; ignored for flac and wav."
    )
    template: StrictStr | None = Field(
        default=None,
        max_length=512,
        description=(
            "File name template relative to the folder; placeholders are plain names in "
            "braces. Absolute templates and `..` parts are rejected."
        ),
        examples=["{artists} - {title}.{ext}"],
    )
    lyrics: StrictBool | None = Field(default=None, description="Embed lyrics when found.")
    lrc_file: StrictBool | None = Field(default=None, description="Write a `.lrc` file beside.")
    force: StrictBool | None = Field(
        default=None, description="Download again even when the track is in the library."
    )
    overwrite: OverwritePolicy | None = Field(
        default=None, description="What to do when the target file exists."
    )


class SubmitRequest(RequestModel):
    links: list[Annotated[StrictStr, Field(min_length=1, max_length=MAX_LINK_LENGTH)]] = Field(
        min_length=1,
        max_length=MAX_LINKS_PER_REQUEST,
        description=(
            "Spotify links or URIs (track, album, playlist, artist), or manual pairs "
            "`AUDIO_URL|SPOTIFY_TRACK_LINK`. Short links are expanded by the server."
        ),
        examples=[[EXAMPLE_TRACK_LINK, EXAMPLE_ALBUM_LINK]],
    )
    options: OutputOptionsIn | None = Field(
        default=None, description="Output options; omitted means the server's settings."
    )
    priority: StrictInt = Field(
        default=0, ge=-100, le=100, description="Higher is claimed first; default 0."
    )


class ChooseMatchRequest(RequestModel):
    url: Annotated[StrictStr, Field(min_length=1, max_length=MAX_LINK_LENGTH)] = Field(
        description="The http(s) address of the audio to download instead of searching, "
        "usually one of the task's `candidates`.",
        examples=["https://music.youtube.com/watch?v=dQw4w9WgXcQ"],
    )


class SubmittedTask(ApiModel):
    link: str = Field(description="The normalised link the task was created for.")
    id: str = Field(description="Task id.", examples=[EXAMPLE_TASK_ID])
    created: bool = Field(
        description="False when an equal active task already existed (idempotent resubmission)."
    )


class SubmitResponse(ApiModel):
    tasks: list[SubmittedTask]


# ---- tasks ------------------------------------------------------------------------------


class MatchOut(ApiModel):
    """A YouTube Music or YouTube result scored against the track."""

    url: str = Field(examples=["https://music.youtube.com/watch?v=dQw4w9WgXcQ"])
    title: str
    channel: str | None = None
    duration_s: float | None = Field(default=None, description="Length in seconds.")
    provider: str = Field(description="`ytmusic` or `youtube`.", examples=["ytmusic"])
    result_type: str | None = Field(default=None, examples=["song"])
    album: str | None = None
    confidence: float = Field(default=0.0, description="Match score from 0 to 1.")
    reasons: list[str] = Field(default_factory=list, description="Why it scored as it did.")


class TaskSummary(ApiModel):
    """One task as lists and events show it."""

    id: str = Field(examples=[EXAMPLE_TASK_ID])
    kind: TaskKind = Field(description="`resolve` expands a link; `track` downloads one.")
    state: TaskState
    link: str = Field(examples=[EXAMPLE_TRACK_LINK])
    title: str | None = Field(default=None, description="Track title or collection name.")
    parent_id: str | None = Field(default=None, description="The collection's resolve task.")
    position: int | None = Field(default=None, description="1-based place in the collection.")
    priority: int = 0
    stage: Stage | None = Field(default=None, description="What a running task is doing.")
    progress: float = Field(default=0.0, description="0 to 1 over all stages.")
    bytes_done: int | None = None
    bytes_total: int | None = None
    speed: float | None = Field(default=None, description="Bytes per second.")
    eta: float | None = Field(default=None, description="Seconds left, estimated.")
    match: MatchOut | None = Field(default=None, description="The chosen search result.")
    output_path: str | None = Field(default=None, description="Where the file was placed.")
    error_code: str | None = Field(default=None, examples=["fetch.unavailable"])
    error_message: str | None = None
    needs_review: bool = Field(
        default=False, description="Failed because no result was a confident match."
    )
    attempts: int = 0
    max_attempts: int = 3
    cancel_requested: bool = False
    pause_requested: bool = False
    child_count: int | None = Field(default=None, description="Tracks a collection created.")
    created_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float | None = None


class TrackOut(ApiModel):
    id: str
    title: str
    artists: list[str]
    album: str | None = None
    duration_ms: int | None = None
    track_number: int | None = None
    disc_number: int | None = None
    release_date: str | None = None
    isrc: str | None = None


class CollectionOut(ApiModel):
    kind: LinkKind
    id: str
    name: str
    position: int
    size: int


class SkippedOut(ApiModel):
    position: int | None = None
    reason: str = Field(description="Stable code such as `local_file` or `unavailable`.")
    message: str
    title: str | None = None


class OutputOptionsOut(ApiModel):
    folder: str
    format: AudioFormat
    bitrate: int | None = None
    template: str
    lyrics: bool = False
    lrc_file: bool = False
    force: bool = False
    overwrite: OverwritePolicy = OverwritePolicy.SKIP


class TaskDetail(TaskSummary):
    """One task with everything the API shows, and a collection's tracks."""

    options: OutputOptionsOut
    track: TrackOut | None = None
    context: CollectionOut | None = None
    candidates: list[MatchOut] = Field(
        default_factory=list, description="Ranked search results, for choosing a match."
    )
    chosen_url: str | None = None
    owner: str | None = Field(default=None, description="The worker running the task.")
    skipped: list[SkippedOut] = Field(
        default_factory=list, description="Collection entries that produced no track."
    )
    children: list[TaskSummary] = Field(
        default_factory=list, description="A collection's track tasks, in collection order."
    )
    children_counts: dict[str, int] = Field(
        default_factory=dict, description="A collection's track tasks counted by state."
    )
    children_next_cursor: str | None = Field(
        default=None,
        description="Set when there are more children: `GET /downloads?collection=ID&cursor=…`.",
    )


class TaskList(ApiModel):
    tasks: list[TaskSummary]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class ActionResult(ApiModel):
    id: str
    action: str = Field(examples=["pause"])
    affected_ids: list[str] = Field(
        description="The task and, for a collection, the children the action changed."
    )
    task: TaskSummary = Field(description="The task after the action.")


class RemoveResult(ApiModel):
    removed_ids: list[str]


# ---- stats and health -------------------------------------------------------------------


class DayStatsOut(ApiModel):
    day: str = Field(examples=["2026-12-04"])
    downloads: int = 0
    bytes: int = 0
    failures: dict[str, int] = Field(default_factory=dict, description="By error code.")


class StatsOut(ApiModel):
    counts: dict[str, int] = Field(
        description="Track tasks by state, plus `needs_review`.",
        examples=[{"queued": 3, "running": 1, "done": 20, "failed": 1, "needs_review": 1}],
    )
    downloads: int = Field(description="Tracks downloaded over the period.")
    bytes: int = Field(description="Bytes written over the period.")
    failures: dict[str, int] = Field(description="Failures over the period, by error code.")
    days: list[DayStatsOut] = Field(description="Per UTC day, newest first.")


class ComponentHealth(ApiModel):
    ok: bool
    message: str = Field(description="What was found, or what is wrong and how to fix it.")


class WorkersHealth(ComponentHealth):
    seen: int = Field(description="Workers seen recently (running a task, or managed here).")


class HealthOut(ApiModel):
    status: str = Field(
        description="`ok`, `degraded` (downloads may stall) or `down` (store unreachable).",
        examples=["ok"],
    )
    version: str
    store: ComponentHealth
    workers: WorkersHealth
    ffmpeg: ComponentHealth
    javascript_runtime: ComponentHealth


def task_summary(data: dict[str, Any]) -> TaskSummary:
    return TaskSummary.model_validate(_with_review(data))


def task_detail(data: dict[str, Any]) -> TaskDetail:
    return TaskDetail.model_validate(_with_review(data))


def _with_review(data: dict[str, Any]) -> dict[str, Any]:
    review = data.get("state") == TaskState.FAILED.value and data.get("error_code") == NEEDS_REVIEW
    return {**data, "needs_review": review}
