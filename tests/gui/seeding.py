"""Put realistic tasks into a real SQLite store, the way workers would leave them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from spotdesk.errors import SpotdeskError
from spotdesk.model import (
    NEEDS_REVIEW,
    CollectionContext,
    LinkKind,
    MatchCandidate,
    OutputOptions,
    Stage,
    TaskKind,
    Track,
)
from spotdesk.store.contract import NewTask, Outcome, ProgressUpdate, Store

LEASE_S = 600.0
OWNER = "seed-worker"

# Titles, artists and lengths of a public NCS playlist, as Spotify's Web API lists them.
PLAYLIST_TRACKS = [
    ("Cradles", ["Sub Urban"], "Cradles", 209829),
    ("Fearless Pt. II", ["Lost Sky", "Chris Linton"], "Fearless Pt. II", 194181),
    ("Invisible", ["Julius Dreisig", "Zeus X Crona"], "Invisible", 201015),
    ("Feel Good", ["Syn Cole"], "Feel Good", 181935),
    ("Superhero", ["Unknown Brain", "Chris Linton"], "Superhero", 179224),
    ("We Are", ["Jo Cohen", "Whales"], "NCS: The Best of 2016", 236812),
    ("Sunburst", ["Tobu", "Itro"], "Sunburst", 189389),
    ("Ark", ["Star Party", "Zookeepers"], "Ark", 180800),
    ("Hellcat", ["Desmeon"], "Hellcat", 225862),
]
PLAYLIST_ID = "37i9dQZF1DX0r3x8OtiwEM"
PLAYLIST_NAME = "Top 10 NCS Songs Episode 2"


def track_id(number: int) -> str:
    return f"{number:022d}"


def make_track(number: int, title: str, artists: list[str], album: str, duration_ms: int) -> Track:
    return Track(
        id=track_id(number), title=title, artists=artists, album=album, duration_ms=duration_ms
    )


def candidates_for(track: Track) -> list[MatchCandidate]:
    length = (track.duration_ms or 200_000) / 1000
    return [
        MatchCandidate(
            url="https://music.youtube.com/watch?v=aaaaaaaaaaa",
            title=f"{track.title} (Live at Tomorrowland)",
            channel=track.artists[0],
            duration_s=length + 95,
            provider="ytmusic",
            confidence=0.58,
            reasons=[
                "title similar",
                "artist matches",
                "duration far off",
                "unrequested live version",
            ],
        ),
        MatchCandidate(
            url="https://www.youtube.com/watch?v=bbbbbbbbbbb",
            title=f"{track.title} [NCS Release]",
            channel="NoCopyrightSounds",
            duration_s=length + 2,
            provider="youtube",
            confidence=0.54,
            reasons=["title similar", "artist differs", "duration matches", "video upload"],
        ),
        MatchCandidate(
            url="https://www.youtube.com/watch?v=ccccccccccc",
            title=f"{track.title} (1 hour loop)",
            channel="Loop Channel",
            duration_s=3600,
            provider="youtube",
            confidence=0.12,
            reasons=["title similar", "duration far off", "unrequested hour-long loop"],
        ),
    ]


@dataclass
class Seeded:
    playlist_id: str = ""
    track_ids: list[str] = field(default_factory=list)
    review_id: str = ""
    running_ids: list[str] = field(default_factory=list)
    done_single_id: str = ""
    failed_single_id: str = ""


def _resolve(store: Store, link: str, options: OutputOptions, title: str | None = None):
    (submitted,) = store.submit(
        [NewTask(kind=TaskKind.RESOLVE, link=link, options=options, dedupe_key=f"resolve:{link}")]
    )
    task = store.claim(OWNER, LEASE_S, kinds=[TaskKind.RESOLVE])
    assert task is not None and task.id == submitted.task_id
    if title:
        store.report_progress(task.id, task.lease_token, ProgressUpdate(title=title))
    return task


def _children(
    store: Store,
    parent,
    tracks: list[Track],
    options: OutputOptions,
    kind: LinkKind,
    name: str,
    collection_id: str,
) -> list[str]:
    children = [
        NewTask(
            kind=TaskKind.TRACK,
            link=track.url,
            options=options,
            dedupe_key=f"track:{track.id}:{parent.id}",
            position=index + 1,
            title=track.title,
            track=track,
            context=CollectionContext(kind, collection_id, name, index + 1, len(tracks)),
        )
        for index, track in enumerate(tracks)
    ]
    ids = store.add_children(parent.id, parent.lease_token, children)
    store.complete(parent.id, parent.lease_token, Outcome())
    return ids


def _claim_next(store: Store):
    task = store.claim(OWNER, LEASE_S, kinds=[TaskKind.TRACK])
    assert task is not None
    return task


def seed_playlist_in_progress(store: Store, folder: str) -> Seeded:
    """A 9-track playlist: 2 done, 1 needs review, 2 running, the rest queued; plus one
    finished single track and one failed single track."""
    options = OutputOptions(folder=folder)
    seeded = Seeded()
    playlist_link = f"https://open.spotify.com/playlist/{PLAYLIST_ID}"
    parent = _resolve(store, playlist_link, options, PLAYLIST_NAME)
    tracks = [make_track(index + 1, *entry) for index, entry in enumerate(PLAYLIST_TRACKS)]
    seeded.playlist_id = parent.id
    seeded.track_ids = _children(
        store, parent, tracks, options, LinkKind.PLAYLIST, PLAYLIST_NAME, PLAYLIST_ID
    )

    for index in range(2):
        task = _claim_next(store)
        size = 7_400_000 + index * 380_000
        candidate = candidates_for(tracks[index])[1]
        candidate.confidence = 0.97
        store.report_progress(
            task.id,
            task.lease_token,
            ProgressUpdate(
                stage=Stage.PLACING,
                progress=1.0,
                bytes_done=size,
                bytes_total=size,
                match=candidate,
            ),
        )
        store.complete(
            task.id,
            task.lease_token,
            Outcome(
                output_path=f"{folder}/{tracks[index].artists[0]} - {tracks[index].title}.mp3",
                match=candidate,
                bytes_written=size,
            ),
        )

    task = _claim_next(store)
    store.report_progress(
        task.id,
        task.lease_token,
        ProgressUpdate(stage=Stage.MATCHING, progress=0.1, candidates=candidates_for(tracks[2])),
    )
    store.fail(
        task.id,
        task.lease_token,
        SpotdeskError("No candidate scored above 0.70; choose a match.", code=NEEDS_REVIEW),
    )
    seeded.review_id = task.id

    for index, (stage, fraction, done, speed, eta) in enumerate(
        [
            (Stage.DOWNLOADING, 0.46, 3_300_000, 1_850_000.0, 3.0),
            (Stage.CONVERTING, 0.81, 6_900_000, None, 2.0),
        ]
    ):
        task = _claim_next(store)
        candidate = candidates_for(tracks[3 + index])[1]
        candidate.confidence = 0.91 - index * 0.05
        store.report_progress(
            task.id,
            task.lease_token,
            ProgressUpdate(
                stage=stage,
                progress=fraction,
                bytes_done=done,
                bytes_total=7_200_000,
                speed=speed,
                eta=eta,
                match=candidate,
            ),
        )
        seeded.running_ids.append(task.id)

    seeded.done_single_id = _single(
        store, options, 20, ("Sunburst", ["Tobu", "Itro"], "Sunburst", 189389), "done"
    )
    seeded.failed_single_id = _single(
        store, options, 21, ("Hellcat", ["Desmeon"], "Hellcat", 225862), "failed"
    )
    return seeded


def _single(store: Store, options: OutputOptions, number: int, entry: tuple, outcome: str) -> str:
    track = make_track(number, *entry)
    parent = _resolve(store, f"https://open.spotify.com/track/{track.id}", options, track.title)
    (child_id,) = _children(store, parent, [track], options, LinkKind.TRACK, track.title, track.id)
    # Claim until this child comes up: earlier queued playlist tracks are released again.
    held = []
    while True:
        task = _claim_next(store)
        if task.id == child_id:
            break
        held.append(task)
    for other in held:
        store.release(other.id, other.lease_token)
    if outcome == "done":
        candidate = candidates_for(track)[1]
        candidate.confidence = 0.95
        store.report_progress(
            task.id,
            task.lease_token,
            ProgressUpdate(
                stage=Stage.PLACING,
                progress=1.0,
                bytes_done=6_100_000,
                bytes_total=6_100_000,
                match=candidate,
            ),
        )
        store.complete(
            task.id,
            task.lease_token,
            Outcome(
                output_path=f"{options.folder}/{track.artists[0]} - {track.title}.mp3",
                match=candidate,
                bytes_written=6_100_000,
            ),
        )
    else:
        store.fail(
            task.id,
            task.lease_token,
            SpotdeskError(
                "YouTube asked to confirm this is not a bot (HTTP 429 on the player page).",
                code="fetch.bot_check",
            ),
        )
    return child_id


def seed_many(store: Store, folder: str, collections: int, tracks_each: int) -> list[str]:
    """Create `collections` playlists of `tracks_each` queued tracks; return the parent ids."""
    options = OutputOptions(folder=folder)
    parents = []
    number = 1000
    for index in range(collections):
        link = f"https://open.spotify.com/playlist/{index:022d}"
        name = f"Playlist {index + 1}"
        parent = _resolve(store, link, options, name)
        tracks = []
        for position in range(tracks_each):
            title, artists, album, duration = PLAYLIST_TRACKS[position % len(PLAYLIST_TRACKS)]
            tracks.append(make_track(number, f"{title} #{position + 1}", artists, album, duration))
            number += 1
        _children(store, parent, tracks, options, LinkKind.PLAYLIST, name, f"{index:022d}")
        parents.append(parent.id)
    return parents


def now() -> float:
    return time.time()
