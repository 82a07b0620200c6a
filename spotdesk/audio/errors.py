"""Errors of the audio layer: searching, matching, fetching, converting and tagging.

Each class has a stable `code`; the message is one sentence that names what failed and what
the user can do about it.
"""

from __future__ import annotations

import re

from spotdesk.errors import SpotdeskError

_URL_CREDENTIALS = re.compile(r"//[^/@\s]+@")


def redact_credentials(text: str) -> str:
    """Remove "user:password@" from every URL in `text`, for messages and logs."""
    return _URL_CREDENTIALS.sub("//", text)


class AudioError(SpotdeskError):
    """Base class of every failure in `spotdesk.audio`."""

    code = "audio"


class SearchFailed(AudioError):
    """A search service could not be reached or sent a response that could not be read."""

    code = "search.failed"
    retryable = True


class SearchRateLimited(SearchFailed):
    """A search service rejected requests for being too many."""

    code = "search.rate_limited"


class SearchTimedOut(SearchFailed):
    """A search service accepted the connection or request but sent no response in time."""

    code = "search.timed_out"
