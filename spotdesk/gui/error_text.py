"""Translated sentences for task states, stages and error codes.

Stored tasks carry a stable error code and an English message. The window shows the
sentence this table contains for the code, and the stored English message for codes it does
not know, so a newer worker's errors still read sensibly.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from spotdesk.gui.i18n import QT_TRANSLATE_NOOP
from spotdesk.model import Stage, TaskState

_CONTEXT = "ErrorText"

ERROR_SENTENCES: dict[str, str] = {
    # Spotify
    "spotify.rate_limited": QT_TRANSLATE_NOOP(
        "ErrorText", "Spotify asked spotdesk to slow down. The task waits and then tries again."
    ),
    "spotify.not_found": QT_TRANSLATE_NOOP(
        "ErrorText", "Spotify does not know this link. Check that it is complete and public."
    ),
    "spotify.auth_failed": QT_TRANSLATE_NOOP(
        "ErrorText",
        "Spotify rejected the client id or secret. Check them in Settings, or remove them "
        "to use the public pages.",
    ),
    "spotify.page_not_understood": QT_TRANSLATE_NOOP(
        "ErrorText",
        "Spotify's public page changed and spotdesk cannot read it. Add Spotify credentials "
        "in Settings or update spotdesk.",
    ),
    "spotify.podcast_not_supported": QT_TRANSLATE_NOOP(
        "ErrorText", "Podcasts and episodes cannot be downloaded."
    ),
    "spotify.short_link_failed": QT_TRANSLATE_NOOP(
        "ErrorText", "The short link could not be opened. Paste the full open.spotify.com link."
    ),
    "spotify.unavailable": QT_TRANSLATE_NOOP(
        "ErrorText", "Spotify could not be reached. The task will try again later."
    ),
    "spotify.forbidden": QT_TRANSLATE_NOOP(
        "ErrorText",
        "Spotify does not let this app read the playlist. Log in with Spotify to read "
        "your own playlists.",
    ),
    "spotify.login_required": QT_TRANSLATE_NOOP(
        "ErrorText",
        "Liked Songs need Log in with Spotify. Log in on the Spotify page of Settings, then "
        "retry.",
    ),
    "spotify.login_expired": QT_TRANSLATE_NOOP(
        "ErrorText",
        "Spotify no longer accepts your login. Log in with Spotify again in Settings, then "
        "retry.",
    ),
    # Search and match
    "match.needs_review": QT_TRANSLATE_NOOP(
        "ErrorText", "No search result matched well enough. Choose a match to continue."
    ),
    "match.no_results": QT_TRANSLATE_NOOP(
        "ErrorText", "YouTube Music and YouTube returned nothing for this track."
    ),
    "search.failed": QT_TRANSLATE_NOOP(
        "ErrorText", "Searching YouTube Music failed. The task will try again later."
    ),
    "search.rate_limited": QT_TRANSLATE_NOOP(
        "ErrorText", "YouTube Music asked spotdesk to slow down. The task will try again later."
    ),
    # Download
    "fetch.bot_check": QT_TRANSLATE_NOOP(
        "ErrorText",
        "YouTube asked to confirm you are not a bot. Choose your browser's cookies in "
        "Settings and retry.",
    ),
    "fetch.unavailable": QT_TRANSLATE_NOOP("ErrorText", "The video is no longer available."),
    "fetch.age_restricted": QT_TRANSLATE_NOOP(
        "ErrorText", "The video is age-restricted. Choose your browser's cookies in Settings."
    ),
    "fetch.geo_blocked": QT_TRANSLATE_NOOP(
        "ErrorText", "The video is not available in your country. Choose another match."
    ),
    "fetch.http_403": QT_TRANSLATE_NOOP(
        "ErrorText", "YouTube rejected the download (HTTP 403). Retry later or update spotdesk."
    ),
    "fetch.network": QT_TRANSLATE_NOOP(
        "ErrorText", "The download failed because of a network error. Check your connection."
    ),
    "fetch.failed": QT_TRANSLATE_NOOP(
        "ErrorText", "The download failed. Retry, or choose another match."
    ),
    # Conversion and tags
    "ffmpeg.missing": QT_TRANSLATE_NOOP(
        "ErrorText", "ffmpeg was not found. Install ffmpeg or imageio-ffmpeg."
    ),
    "ffmpeg.failed": QT_TRANSLATE_NOOP("ErrorText", "ffmpeg could not convert the audio."),
    "convert.codec": QT_TRANSLATE_NOOP(
        "ErrorText", "ffmpeg cannot convert this audio to the chosen format. Try another format."
    ),
    "convert.no_audio": QT_TRANSLATE_NOOP(
        "ErrorText", "The downloaded file contains no audio. Choose another match."
    ),
    "tags.unsupported": QT_TRANSLATE_NOOP(
        "ErrorText", "Tags cannot be written to this audio format."
    ),
    "tags.failed": QT_TRANSLATE_NOOP(
        "ErrorText", "The tags could not be written to the audio file."
    ),
    # Files
    "fs.disk_full": QT_TRANSLATE_NOOP(
        "ErrorText", "The disk is full. Free some space, then retry."
    ),
    "fs.error": QT_TRANSLATE_NOOP(
        "ErrorText", "Writing the file failed. Check the output folder, then retry."
    ),
    "fs.not_writable": QT_TRANSLATE_NOOP(
        "ErrorText", "spotdesk may not write to the output folder. Choose another folder."
    ),
    "fs.path_too_long": QT_TRANSLATE_NOOP(
        "ErrorText", "The file name is too long. Shorten the filename template."
    ),
    # Queue
    "store.unavailable": QT_TRANSLATE_NOOP(
        "ErrorText", "The task database cannot be reached. spotdesk keeps trying."
    ),
    "store.lease_lost": QT_TRANSLATE_NOOP("ErrorText", "Another worker took over this task."),
    "store.invalid_transition": QT_TRANSLATE_NOOP(
        "ErrorText", "This action is not possible in the task's current state."
    ),
    "store.task_not_found": QT_TRANSLATE_NOOP("ErrorText", "The task no longer exists."),
    "worker.crashed": QT_TRANSLATE_NOOP(
        "ErrorText", "The worker stopped unexpectedly. The task will run again."
    ),
    "cancelled": QT_TRANSLATE_NOOP("ErrorText", "Cancelled."),
    "usage": QT_TRANSLATE_NOOP("ErrorText", "The input is not valid."),
    "internal.error": QT_TRANSLATE_NOOP(
        "ErrorText", "spotdesk hit an internal error. The log has the details."
    ),
    # Links rejected when they are added
    "link.invalid": QT_TRANSLATE_NOOP("ErrorText", "This is not a Spotify link."),
    "link.unsupported": QT_TRANSLATE_NOOP(
        "ErrorText", "spotdesk cannot download this kind of Spotify link."
    ),
    "link.podcast_not_supported": QT_TRANSLATE_NOOP(
        "ErrorText", "Podcasts and episodes cannot be downloaded."
    ),
    "link.local_file": QT_TRANSLATE_NOOP(
        "ErrorText", "Local files exist only on your computer, so spotdesk cannot fetch them."
    ),
    "link.short_link_failed": QT_TRANSLATE_NOOP(
        "ErrorText", "The short link could not be opened. Paste the full open.spotify.com link."
    ),
    "link.invalid_pair": QT_TRANSLATE_NOOP(
        "ErrorText", "Write a manual pair as AUDIO_URL|SPOTIFY_TRACK_LINK."
    ),
}

STATE_NAMES: dict[TaskState, str] = {
    TaskState.QUEUED: QT_TRANSLATE_NOOP("ErrorText", "Queued"),
    TaskState.RUNNING: QT_TRANSLATE_NOOP("ErrorText", "Running"),
    TaskState.PAUSED: QT_TRANSLATE_NOOP("ErrorText", "Paused"),
    TaskState.DONE: QT_TRANSLATE_NOOP("ErrorText", "Done"),
    TaskState.FAILED: QT_TRANSLATE_NOOP("ErrorText", "Failed"),
    TaskState.CANCELLED: QT_TRANSLATE_NOOP("ErrorText", "Cancelled"),
}

STAGE_NAMES: dict[Stage, str] = {
    Stage.RESOLVING: QT_TRANSLATE_NOOP("ErrorText", "Reading from Spotify"),
    Stage.SEARCHING: QT_TRANSLATE_NOOP("ErrorText", "Searching"),
    Stage.MATCHING: QT_TRANSLATE_NOOP("ErrorText", "Matching"),
    Stage.DOWNLOADING: QT_TRANSLATE_NOOP("ErrorText", "Downloading"),
    Stage.CONVERTING: QT_TRANSLATE_NOOP("ErrorText", "Converting"),
    Stage.TAGGING: QT_TRANSLATE_NOOP("ErrorText", "Tagging"),
    Stage.PLACING: QT_TRANSLATE_NOOP("ErrorText", "Saving"),
}


UNKNOWN_ERROR = QT_TRANSLATE_NOOP(
    "ErrorText", "Failed for an unknown reason. See the log for details."
)


def _translate(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def describe_error(code: str | None, message: str | None) -> str:
    """Return the translated sentence for an error code, else the stored English message."""
    if code and code in ERROR_SENTENCES:
        return _translate(ERROR_SENTENCES[code])
    if message:
        return message
    return _translate(UNKNOWN_ERROR)


def state_name(state: TaskState) -> str:
    return _translate(STATE_NAMES[state])


def stage_name(stage: Stage) -> str:
    return _translate(STAGE_NAMES[stage])
