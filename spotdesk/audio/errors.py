"""Errors of the audio layer: searching, matching, fetching, converting and tagging.

Each class has a stable `code`; the message is one sentence that names what failed and what
the user can do about it.
"""

from __future__ import annotations

from spotdesk.errors import SpotdeskError


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
