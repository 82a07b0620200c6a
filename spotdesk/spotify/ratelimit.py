"""The waiting policy for Spotify's 429 Too Many Requests responses.

A short wait is slept through inside the call. A wait that would block the thread for
longer than `max_wait` seconds in total raises `RateLimited` with the time the limit lifts,
so the queue can park the task and the GUI can show a countdown. After such an
error the policy rejects further calls until that time without contacting Spotify.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from spotdesk.spotify.errors import RateLimited, format_wait

log = logging.getLogger(__name__)

DEFAULT_MAX_WAIT = 30.0  # seconds one call may sleep in total before raising RateLimited
DEFAULT_RETRY_AFTER = 2.0  # seconds, when a 429 carries no usable Retry-After header
MAX_ATTEMPTS = 5


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Return the delay a Retry-After header requests, in seconds (delay or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, moment.timestamp() - now)


class RateLimitPolicy:
    """Decides, for each 429, whether to sleep and retry or to raise `RateLimited`."""

    def __init__(
        self,
        max_wait: float = DEFAULT_MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def check_blocked(self) -> None:
        """Raise `RateLimited` while an earlier long limit has not lifted yet."""
        with self._lock:
            remaining = self._blocked_until - self._clock()
        if remaining > 0:
            raise RateLimited(remaining, now=self._clock())

    def wait_or_raise(
        self, retry_after: float | None, waited: float, attempt: int, what: str
    ) -> float:
        """Sleep through a 429 on `what`, or raise `RateLimited`; return the seconds slept.

        `waited` is what this call already slept and `attempt` counts its 429s from 1.
        """
        delay = retry_after if retry_after is not None else DEFAULT_RETRY_AFTER * attempt
        now = self._clock()
        if waited + delay > self.max_wait or attempt >= MAX_ATTEMPTS:
            with self._lock:
                self._blocked_until = max(self._blocked_until, now + delay)
            log.warning(
                "Spotify rate limit on %s: %s; giving up until %s",
                what,
                self._reason_to_stop(delay, waited, attempt),
                datetime.fromtimestamp(now + delay, UTC).strftime("%H:%M:%S UTC"),
            )
            raise RateLimited(delay, now=now)
        log.warning(
            "Spotify rate limit on %s; waiting %s until %s before retrying (attempt %d)",
            what,
            format_wait(delay),
            datetime.fromtimestamp(now + delay, UTC).strftime("%H:%M:%S UTC"),
            attempt,
        )
        self._sleep(delay)
        return delay

    def _reason_to_stop(self, delay: float, waited: float, attempt: int) -> str:
        """Say why a call stops waiting: too many 429s, one long wait, or the waits summed."""
        if attempt >= MAX_ATTEMPTS:
            return f"{attempt} rate-limit replies in a row"
        if delay > self.max_wait:
            return (
                f"the wait of {format_wait(delay)} is longer than the "
                f"{format_wait(self.max_wait)} one call may wait"
            )
        return (
            f"the wait of {format_wait(delay)} after {format_wait(waited)} already waited "
            f"would exceed the {format_wait(self.max_wait)} one call may wait"
        )
