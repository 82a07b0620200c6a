"""The error base shared by every layer.

Each layer subclasses `SpotdeskError` (for example `spotify.errors.SpotifyError`) and
gives each failure a stable, machine-readable `code` such as ``spotify.not_found``. The
code is stored with failed tasks, and the GUI shows a translated sentence chosen by it.
The `message` is the English sentence for logs, the CLI and the API.
"""

from __future__ import annotations


class SpotdeskError(Exception):
    """A failure a person can act on.

    `code` is stable across releases, `message` is one actionable English sentence and
    `detail` is the full tool output, logged at debug level and never shown by default.
    `retryable` is True when a later attempt may succeed.
    """

    code: str = "error"
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        detail: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if retryable is not None:
            self.retryable = retryable
        self.detail = detail

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "retryable": self.retryable}


class UsageError(SpotdeskError):
    """Invalid input from the user: a malformed link, option or template."""

    code = "usage"


class CancelledError(SpotdeskError):
    """The user cancelled the task while it ran."""

    code = "cancelled"


class PausedError(SpotdeskError):
    """The user paused the task while it ran; it goes back to the queue as paused."""

    code = "paused"
