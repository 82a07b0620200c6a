"""Domain values shared by every layer.

Nothing here imports Qt, a database driver, yt-dlp or network code. Values that travel
through the store or the HTTP API have `to_dict` / `from_dict` methods producing plain JSON
types, and `from_dict` ignores keys it does not know, so an older program can read what a
newer one wrote.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from spotdesk.errors import UsageError


class LinkKind(StrEnum):
    TRACK = "track"
    ALBUM = "album"
    PLAYLIST = "playlist"
    ARTIST = "artist"
    EPISODE = "episode"
    SHOW = "show"
    LIKED = "liked"  # the logged-in user's Liked Songs; the link id is always LIKED_SONGS_ID

    @property
    def is_collection(self) -> bool:
        return self in (LinkKind.ALBUM, LinkKind.PLAYLIST, LinkKind.ARTIST, LinkKind.LIKED)


# Liked Songs belong to the logged-in user, so every Liked Songs link has this one id.
LIKED_SONGS_ID = "me"


@dataclass(frozen=True)
class SpotifyLink:
    """A parsed Spotify link: what kind of object it names and its base-62 id."""

    kind: LinkKind
    id: str

    @property
    def uri(self) -> str:
        if self.kind is LinkKind.LIKED:
            return "spotify:collection:tracks"
        return f"spotify:{self.kind.value}:{self.id}"

    @property
    def url(self) -> str:
        if self.kind is LinkKind.LIKED:
            return "https://open.spotify.com/collection/tracks"
        return f"https://open.spotify.com/{self.kind.value}/{self.id}"

    def __str__(self) -> str:
        return self.url


class MetadataSource(StrEnum):
    """The source of a track's metadata. Tags claim only what that source provides."""

    WEB_API = "web_api"
    PUBLIC_PAGE = "public_page"
    MANUAL = "manual"


class SpotifyAccess(StrEnum):
    """The access to Spotify that produced a resolution."""

    USER = "user"  # the Web API with the token from "Log in with Spotify"
    APP = "app"  # the Web API with the app's client credentials
    PUBLIC = "public"  # Spotify's public web pages


def _known_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in data.items() if key in names}


@dataclass
class Track:
    """One recording with the metadata needed to find, tag and name it.

    `id` is the Spotify id the user linked, even when Spotify relinked it to another
    market's copy (that id is kept in `linked_id`). Fields a source does not provide stay
    `None` or empty; the public pages, for example, give no ISRC and no album.
    """

    id: str
    title: str
    artists: list[str]
    duration_ms: int | None = None
    album: str | None = None
    album_id: str | None = None
    album_artists: list[str] = field(default_factory=list)
    track_number: int | None = None
    track_count: int | None = None
    disc_number: int | None = None
    disc_count: int | None = None
    release_date: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD", as Spotify gives it
    isrc: str | None = None
    explicit: bool | None = None
    genres: list[str] = field(default_factory=list)
    cover_url: str | None = None
    linked_id: str | None = None
    source: MetadataSource = MetadataSource.WEB_API

    @property
    def url(self) -> str:
        return f"https://open.spotify.com/track/{self.id}"

    @property
    def year(self) -> str | None:
        return self.release_date[:4] if self.release_date else None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["source"] = self.source.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Track:
        values = _known_fields(cls, data)
        values["source"] = MetadataSource(values.get("source", MetadataSource.WEB_API))
        return cls(**values)


@dataclass
class CollectionContext:
    """A track's place in the collection the user linked, used by file names and `.m3u8` files."""

    kind: LinkKind
    id: str
    name: str
    position: int  # 1-based, in Spotify's order
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "kind": self.kind.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CollectionContext:
        values = _known_fields(cls, data)
        values["kind"] = LinkKind(values["kind"])
        return cls(**values)


@dataclass
class SkippedEntry:
    """An entry of a collection that produced no track, with the reason why."""

    position: int | None
    reason: str  # a stable code: "local_file", "unavailable", "episode", "not_found", ...
    message: str
    title: str | None = None
    count: int = 1  # entries this record stands for; "not_listed" covers many at once

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SkippedEntry:
        return cls(**_known_fields(cls, data))


@dataclass
class Resolution:
    """The tracks one link resolved to, in Spotify's order, and the entries skipped."""

    link: SpotifyLink
    name: str
    tracks: list[Track]
    skipped: list[SkippedEntry] = field(default_factory=list)
    owner: str | None = None
    cover_url: str | None = None
    total: int | None = None  # entries Spotify reports for the collection
    source: MetadataSource = MetadataSource.WEB_API
    access: SpotifyAccess | None = None  # None in resolutions cached before it was recorded

    def context(self, index: int) -> CollectionContext | None:
        """Return the collection context of `tracks[index]`, or None for a single track."""
        if not self.link.kind.is_collection:
            return None
        return CollectionContext(
            kind=self.link.kind,
            id=self.link.id,
            name=self.name,
            position=index + 1,
            size=len(self.tracks),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "link": {"kind": self.link.kind.value, "id": self.link.id},
            "name": self.name,
            "tracks": [track.to_dict() for track in self.tracks],
            "skipped": [entry.to_dict() for entry in self.skipped],
            "owner": self.owner,
            "cover_url": self.cover_url,
            "total": self.total,
            "source": self.source.value,
            "access": self.access.value if self.access else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Resolution:
        link = data["link"]
        return cls(
            link=SpotifyLink(LinkKind(link["kind"]), link["id"]),
            name=data["name"],
            tracks=[Track.from_dict(item) for item in data["tracks"]],
            skipped=[SkippedEntry.from_dict(item) for item in data.get("skipped", [])],
            owner=data.get("owner"),
            cover_url=data.get("cover_url"),
            total=data.get("total"),
            source=MetadataSource(data.get("source", MetadataSource.WEB_API)),
            access=SpotifyAccess(data["access"]) if data.get("access") else None,
        )


class AudioFormat(StrEnum):
    MP3 = "mp3"
    M4A = "m4a"
    OPUS = "opus"
    OGG = "ogg"  # Vorbis in Ogg
    FLAC = "flac"
    WAV = "wav"


# The bitrates, in kbit/s, that `validate_bitrate` accepts for each lossy format; flac
# and wav ignore the bitrate. MP3 stops at 320 kbit/s (libmp3lame silently clamps higher
# values), and libopus accepts 6 to 510. For Vorbis, libvorbis in ffmpeg 5.1 rejected a
# 44.1 or 48 kHz stereo source below 45 and above 500 kbit/s. NOTE: mono or
# low-sample-rate sources narrow the Vorbis range further, and the conversion then fails
# with `convert.codec`. The AAC range is a choice within what ffmpeg's aac encoder
# accepts for stereo.
BITRATE_RANGES: dict[AudioFormat, tuple[int, int]] = {
    AudioFormat.MP3: (8, 320),
    AudioFormat.M4A: (16, 512),
    AudioFormat.OPUS: (6, 510),
    AudioFormat.OGG: (48, 500),
}


class InvalidBitrate(UsageError):
    code = "convert.invalid_bitrate"


def validate_bitrate(audio_format: AudioFormat, bitrate: int | None) -> None:
    """Raise `InvalidBitrate` unless `bitrate` (kbit/s) is in `audio_format`'s range.

    None means the encoder's default. Lossless formats ignore the bitrate, so any value
    passes for them.
    """
    audio_format = AudioFormat(audio_format)
    if bitrate is None or audio_format not in BITRATE_RANGES:
        return
    low, high = BITRATE_RANGES[audio_format]
    if isinstance(bitrate, bool) or not isinstance(bitrate, int) or not low <= bitrate <= high:
        raise InvalidBitrate(
            f"The bitrate {bitrate!r} kbit/s is out of range for {audio_format.value}; "
            f"use {low} to {high} kbit/s."
        )


class OverwritePolicy(StrEnum):
    SKIP = "skip"  # keep the file already in the library
    OVERWRITE = "overwrite"
    RENAME = "rename"  # write beside it as "name (2).ext"


DEFAULT_TEMPLATE = "{artists} - {title}.{ext}"


@dataclass
class OutputOptions:
    """Output settings fixed on a task when it is submitted."""

    folder: str
    format: AudioFormat = AudioFormat.MP3
    bitrate: int | None = 256  # kbit/s; ignored for flac and wav
    template: str = DEFAULT_TEMPLATE
    lyrics: bool = False
    lrc_file: bool = False
    force: bool = False
    overwrite: OverwritePolicy = OverwritePolicy.SKIP

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["format"] = self.format.value
        data["overwrite"] = self.overwrite.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutputOptions:
        values = _known_fields(cls, data)
        if "format" in values:
            values["format"] = AudioFormat(values["format"])
        if "overwrite" in values:
            values["overwrite"] = OverwritePolicy(values["overwrite"])
        return cls(**values)


class Stage(StrEnum):
    """The step a running task is in. `resolving` is the only stage of a resolve task."""

    RESOLVING = "resolving"
    SEARCHING = "searching"
    MATCHING = "matching"
    DOWNLOADING = "downloading"
    CONVERTING = "converting"
    TAGGING = "tagging"
    PLACING = "placing"


@dataclass
class Progress:
    """One progress report of a running track, as the pipeline emits it.

    Like yt-dlp's progress hooks, readers ignore fields they do not know. Speeds are in
    bytes per second and `eta` in seconds; unknown values are None.
    """

    stage: Stage
    fraction: float = 0.0  # 0..1 over the whole track, all stages included
    bytes_done: int | None = None
    bytes_total: int | None = None
    speed: float | None = None
    eta: float | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "stage": self.stage.value}


@dataclass
class MatchCandidate:
    """A search result scored against a track."""

    url: str
    title: str
    channel: str | None
    duration_s: float | None
    provider: str  # "ytmusic" or "youtube"
    result_type: str | None = None  # "song", "video", ...
    video_id: str | None = None
    album: str | None = None
    explicit: bool | None = None
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    artists: list[str] = field(default_factory=list)  # credited artists, when the source lists them
    found_by_isrc: bool = False  # returned by a search for the track's ISRC

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatchCandidate:
        return cls(**_known_fields(cls, data))


class TaskKind(StrEnum):
    RESOLVE = "resolve"  # a link to expand into track tasks
    TRACK = "track"  # one recording to download


class TaskState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (TaskState.DONE, TaskState.FAILED, TaskState.CANCELLED)

    @property
    def is_active(self) -> bool:
        return self in (TaskState.QUEUED, TaskState.RUNNING, TaskState.PAUSED)


# Error code of a track whose best candidate scored below the confidence threshold. Such a
# task ends `failed` with this code until the user chooses a match and re-queues it.
NEEDS_REVIEW = "match.needs_review"


@dataclass
class Task:
    """One unit of work in the queue, as every store returns it.

    Times are Unix timestamps in seconds (float, UTC). `lease_token` and `lease_until` are
    set while a worker owns the task; every write the worker makes matches the token.
    """

    id: str
    kind: TaskKind
    state: TaskState
    link: str  # the normalised Spotify link (or "AUDIO_URL|SPOTIFY_LINK" for manual pairs)
    options: OutputOptions
    parent_id: str | None = None
    position: int | None = None  # 1-based place in the parent collection
    priority: int = 0  # higher is claimed first
    seq: int = 0  # submission order, assigned by the store
    dedupe_key: str | None = None
    title: str | None = None  # display title: the track's, or the collection's name
    track: Track | None = None
    context: CollectionContext | None = None
    stage: Stage | None = None
    progress: float = 0.0
    bytes_done: int | None = None
    bytes_total: int | None = None
    speed: float | None = None
    eta: float | None = None
    match: MatchCandidate | None = None
    candidates: list[MatchCandidate] = field(default_factory=list)
    chosen_url: str | None = None  # set by "choose match"; skips search on the next run
    output_path: str | None = None
    attempts: int = 0
    max_attempts: int = 3
    error_code: str | None = None
    error_message: str | None = None
    owner: str | None = None
    lease_token: str | None = None
    lease_until: float | None = None
    not_before: float | None = None  # retry backoff: not claimable before this time
    cancel_requested: bool = False
    pause_requested: bool = False
    created_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float | None = None
    # Resolve tasks: how many children were created and how the link resolved.
    child_count: int | None = None
    skipped: list[SkippedEntry] = field(default_factory=list)
    # Track tasks that ended done without a download, such as a file already in the library.
    skipped_reason: str | None = None

    @property
    def needs_review(self) -> bool:
        return self.state is TaskState.FAILED and self.error_code == NEEDS_REVIEW

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["kind"] = self.kind.value
        data["state"] = self.state.value
        data["options"] = self.options.to_dict()
        data["track"] = self.track.to_dict() if self.track else None
        data["context"] = self.context.to_dict() if self.context else None
        data["stage"] = self.stage.value if self.stage else None
        data["match"] = self.match.to_dict() if self.match else None
        data["candidates"] = [candidate.to_dict() for candidate in self.candidates]
        data["skipped"] = [entry.to_dict() for entry in self.skipped]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Task:
        values = _known_fields(cls, data)
        values["kind"] = TaskKind(values["kind"])
        values["state"] = TaskState(values["state"])
        values["options"] = OutputOptions.from_dict(values["options"])
        if values.get("track"):
            values["track"] = Track.from_dict(values["track"])
        if values.get("context"):
            values["context"] = CollectionContext.from_dict(values["context"])
        if values.get("stage"):
            values["stage"] = Stage(values["stage"])
        if values.get("match"):
            values["match"] = MatchCandidate.from_dict(values["match"])
        values["candidates"] = [
            MatchCandidate.from_dict(item) for item in values.get("candidates") or []
        ]
        values["skipped"] = [SkippedEntry.from_dict(item) for item in values.get("skipped") or []]
        return cls(**values)
