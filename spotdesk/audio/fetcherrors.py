"""Failures of yt-dlp downloads, each with a stable code and one sentence of advice.

`try_next` is True when another candidate for the same track may work.
"""

from __future__ import annotations

from spotdesk.errors import SpotdeskError


class FetchError(SpotdeskError):
    """yt-dlp could not download a candidate."""

    code = "fetch.failed"
    try_next = True  # whether another candidate for the same track may succeed


class Unavailable(FetchError):
    code = "fetch.unavailable"


class AgeRestricted(FetchError):
    code = "fetch.age_restricted"


class GeoBlocked(FetchError):
    code = "fetch.geo_blocked"


class Forbidden(FetchError):
    code = "fetch.http_403"
    retryable = True


class TooLarge(FetchError):
    """The download grew past the size a track of its length can need."""

    code = "fetch.too_large"


class NetworkError(FetchError):
    code = "fetch.network"
    retryable = True
    try_next = False  # every candidate goes through the same network


class BotCheck(FetchError):
    code = "fetch.bot_check"
    retryable = True
    try_next = False  # YouTube then requires a sign-in for every video from this address


# Phrases in yt-dlp 2026.11 error messages and in the YouTube playability reasons it passes
# on, matched in lower case. The first class with a matching phrase wins.
_FAILURES: list[tuple[type[FetchError], tuple[str, ...], str]] = [
    (
        BotCheck,
        ("confirm you're not a bot", "confirm you’re not a bot"),
        "YouTube asks for a sign-in to prove this is not a bot; set the cookies_from_browser "
        "setting to a browser where you are signed in to YouTube, or try again later.",
    ),
    (
        AgeRestricted,
        ("age-restricted", "confirm your age", "inappropriate for some users", "age restricted"),
        "The video is age-restricted; set the cookies_from_browser setting to a browser "
        "signed in to an adult YouTube account, or choose another match.",
    ),
    (
        GeoBlocked,
        (
            "not available in your country",
            "geo restrict",
            "geo-restrict",
            "blocked it in your country",
            "not made this video available in your country",
        ),
        "The video is blocked in your country; choose another match or use a proxy.",
    ),
    (
        Forbidden,
        ("http error 403", "403: forbidden", "403 forbidden"),
        "The server refused the download (HTTP 403); update yt-dlp, set cookies_from_browser, "
        "or try again later.",
    ),
    (
        Unavailable,
        (
            "video unavailable",
            "is unavailable",
            "private video",
            "has been removed",
            "http error 404",
            "404: not found",
            "http error 410",
            "410: gone",
            "this video is not available",
            "account associated with this video has been terminated",
            "unsupported url",
        ),
        "The audio is no longer available at that address; choose another match.",
    ),
    (
        NetworkError,
        (
            "unable to connect",
            "connection refused",
            "timed out",
            "network is unreachable",
            "name or service not known",
            "temporary failure in name resolution",
            "connection reset",
            "remote end closed connection",
            "unable to download webpage",
            "transporterror",
            "incompleteread",
            "urlopen error",
        ),
        "The download failed because of a network error; check your connection and retry.",
    ),
]


def classify_failure(message: str, output: str = "") -> FetchError:
    """Return the `FetchError` for a yt-dlp error message (and its full output)."""
    text = message.lower()
    detail = f"{message}\n{output}".strip()
    for error_class, phrases, advice in _FAILURES:
        if any(phrase in text for phrase in phrases):
            return error_class(advice, detail=detail)
    return FetchError(
        f"yt-dlp could not download the audio ({_short(message)}); try another match or "
        "update yt-dlp.",
        detail=detail,
    )


def _short(message: str) -> str:
    message = message.removeprefix("ERROR: ").strip()
    return message if len(message) <= 200 else message[:197] + "..."
