"""Errors of the Spotify side, each with a stable code stored with failed tasks."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from spotdesk.errors import SpotdeskError
from spotdesk.links import ShortLinkFailed

__all__ = [
    "AuthFailed",
    "Forbidden",
    "LoginExpired",
    "LoginRequired",
    "NotFound",
    "PageNotUnderstood",
    "PodcastNotSupported",
    "RateLimited",
    "ShortLinkFailed",
    "SpotifyError",
    "SpotifyUnavailable",
]


class SpotifyError(SpotdeskError):
    """Base of every failure while reading Spotify metadata."""

    code = "spotify.error"


class NotFound(SpotifyError):
    """The object does not exist, or is private."""

    code = "spotify.not_found"


class Forbidden(SpotifyError):
    """The Web API denied this request (HTTP 403), for example another user's playlist."""

    code = "spotify.forbidden"


class AuthFailed(SpotifyError):
    """Spotify rejected the client id and secret, or the access token."""

    code = "spotify.auth_failed"


class LoginRequired(SpotifyError):
    """The link needs the user's own Spotify login (Liked Songs), and there is none."""

    code = "spotify.login_required"


class LoginExpired(SpotifyError):
    """Spotify no longer accepts the stored login: it was revoked, or its refresh failed."""

    code = "spotify.login_expired"


class PageNotUnderstood(SpotifyError):
    """A public Spotify page had a structure spotdesk does not know."""

    code = "spotify.page_not_understood"


class PodcastNotSupported(SpotifyError):
    code = "spotify.podcast_not_supported"


class SpotifyUnavailable(SpotifyError):
    """Spotify could not be reached or returned a server error."""

    code = "spotify.unavailable"
    retryable = True


class RateLimited(SpotifyError):
    """Spotify asked spotdesk to wait longer than it waits on its own.

    `retry_at` is the Unix time when the limit lifts and `retry_after` the wait in seconds
    counted from when the error was raised.
    """

    code = "spotify.rate_limited"
    retryable = True

    def __init__(self, retry_after: float, *, now: float | None = None, detail: str | None = None):
        now = time.time() if now is None else now
        self.retry_after = retry_after
        self.retry_at = now + retry_after
        lifts = datetime.fromtimestamp(self.retry_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(
            f"Spotify rate limit reached; requests are accepted again at {lifts} "
            f"(in {format_wait(retry_after)}). Try again after that time.",
            detail=detail,
        )

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "retry_at": self.retry_at, "retry_after": self.retry_after}


def format_wait(seconds: float) -> str:
    """Format a wait such as 3 h 5 min, 4 min 10 s or 12 s."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"
