"""The one parser for Spotify links, used by the CLI, the GUI and the HTTP API.

`parse_links` finds every link in pasted text: prose, one link per line, `text/uri-list`
content with `#` comments, or Markdown. It returns the links in order without duplicates.
Each piece of text that looks like a link but is not one spotdesk accepts gets an error.

Short links (`https://spotify.link/...`) name no object until they are expanded, so they
are the one place where this layer makes a network call: by default
`short_links.HttpShortLinkExpander` follows the redirect from the short-link service.
Tests and callers swap it for any object with an `expand(url) -> str` method.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from spotdesk.errors import SpotdeskError, UsageError
from spotdesk.model import LIKED_SONGS_ID, LinkKind, SpotifyLink

log = logging.getLogger(__name__)

ACCEPTED_FORMS = (
    "https://open.spotify.com/track/ID (or album, playlist, artist; embed and intl-xx "
    "links too), spotify:track:ID URIs, spotify:user:NAME:playlist:ID, Liked Songs "
    "(https://open.spotify.com/collection/tracks or spotify:collection:tracks), "
    "https://spotify.link/... short links, and AUDIO_URL|SPOTIFY_TRACK_LINK pairs"
)

# Error codes stored in `LinkError.code` and `InvalidLink.code`.
CODE_INVALID = "link.invalid"
CODE_UNSUPPORTED = "link.unsupported"
CODE_PODCAST = "link.podcast_not_supported"
CODE_LOCAL_FILE = "link.local_file"
CODE_SHORT_LINK_FAILED = "link.short_link_failed"
CODE_INVALID_PAIR = "link.invalid_pair"

PODCAST_MESSAGE = "podcasts are not supported yet"

# Spotify ids are base-62 encodings of 128-bit numbers, always 22 characters long.
_ID = re.compile(r"[0-9A-Za-z]{22}")
WEB_HOSTS = ("open.spotify.com", "play.spotify.com")
SHORT_LINK_HOSTS = ("spotify.link", "spotify.app.link")
_PODCAST_KINDS = ("episode", "show")
_AUDIOBOOK_KINDS = ("audiobook", "chapter")
# Path prefixes that do not change what a web link names.
_NEUTRAL_SEGMENTS = ("embed", "embed-podcast")
# The web path of the user's library; only its "tracks" part (Liked Songs) is accepted.
_LIBRARY_SEGMENT = "collection"
_LIKED_SONGS = SpotifyLink(LinkKind.LIKED, LIKED_SONGS_ID)

# One Spotify link inside arbitrary text. The URL body stops at whitespace, quotes,
# brackets, commas and `|` (the manual-pair separator), none of which Spotify links use.
SPOTIFY_LINK_PATTERN = re.compile(
    r"""(?:https?://)?(?:open|play)\.spotify\.com/[^\s<>"'`()\[\]{},|]*"""
    r"""|(?:https?://)?spotify(?:\.app)?\.link/[^\s<>"'`()\[\]{},|]*"""
    r"""|spotify:[^\s<>"'`()\[\]{},|]+""",
    re.IGNORECASE,
)
_LOOKS_LIKE_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.)", re.IGNORECASE)
_WRAPPING = "<>()[]{}\"'`.,;:!?"


class InvalidLink(UsageError):
    """Text that is not a Spotify link spotdesk accepts; `code` gives the reason."""

    code = CODE_INVALID


class ShortLinkFailed(SpotdeskError):
    """A spotify.link short link could not be expanded; a later attempt may work."""

    code = CODE_SHORT_LINK_FAILED
    retryable = True


@dataclass(frozen=True)
class LinkError:
    """One piece of input that was not accepted, with a message a person can act on."""

    text: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class ManualPair:
    """An audio URL the user chose for a Spotify track (`AUDIO_URL|SPOTIFY_LINK`)."""

    audio_url: str
    link: SpotifyLink

    def __str__(self) -> str:
        return f"{self.audio_url}|{self.link.url}"


@dataclass
class LinkParse:
    """Everything found in one paste: links and pairs in input order, and the rejects."""

    links: list[SpotifyLink] = field(default_factory=list)
    pairs: list[ManualPair] = field(default_factory=list)
    errors: list[LinkError] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.links or self.pairs or self.errors)


class ShortLinkExpander(Protocol):
    def expand(self, url: str) -> str:
        """Return the long URL a short link redirects to, or raise `ShortLinkFailed`."""
        ...


def default_expander() -> ShortLinkExpander:
    """Return an HTTP expander for the short-link service configured in the environment."""
    from spotdesk.config import ServiceUrls
    from spotdesk.short_links import HttpShortLinkExpander

    return HttpShortLinkExpander(ServiceUrls.from_env().spotify_short)


def parse_link(text: str, expander: ShortLinkExpander | None = None) -> SpotifyLink:
    """Parse one link or URI; raise `InvalidLink` (or `ShortLinkFailed`) when it is not one."""
    candidate = text.strip()
    if not candidate:
        raise InvalidLink("The link is empty. Accepted forms: " + ACCEPTED_FORMS + ".")
    if candidate.lower().startswith("spotify:"):
        return _parse_uri(candidate)

    url = with_scheme(candidate)
    host = host_of(url)
    if host in SHORT_LINK_HOSTS:
        expander = expander or default_expander()
        expanded = expander.expand(url)
        if host_of(with_scheme(expanded)) in SHORT_LINK_HOSTS:
            raise ShortLinkFailed(f"The short link {candidate} expanded to another short link.")
        return parse_link(expanded, expander)
    if host not in WEB_HOSTS:
        raise InvalidLink(
            f"{candidate!r} is not a Spotify link. Accepted forms: {ACCEPTED_FORMS}.",
        )
    return _parse_path(urlsplit(url).path, candidate)


def parse_links(text: str, expander: ShortLinkExpander | None = None) -> LinkParse:
    """Find every Spotify link and manual pair in `text`.

    Words that do not look like links are ignored; URLs and `spotify:` text that are not
    accepted links become `LinkError`s. Non-blank text with neither links nor errors gives
    one error that lists the accepted forms.
    """
    result = LinkParse()
    seen_links: set[SpotifyLink] = set()
    seen_pairs: set[ManualPair] = set()

    for token in _tokens(text):
        if _looks_like_pair(token):
            pair = _parse_pair(token, expander, result.errors)
            if pair and pair not in seen_pairs:
                seen_pairs.add(pair)
                result.pairs.append(pair)
            continue

        matches = list(SPOTIFY_LINK_PATTERN.finditer(token))
        if not matches:
            if _LOOKS_LIKE_URL.match(token) or "spotify" in token.lower():
                result.errors.append(
                    LinkError(
                        token,
                        CODE_INVALID,
                        f"{token!r} is not a Spotify link. Accepted forms: {ACCEPTED_FORMS}.",
                    )
                )
            continue
        for match in matches:
            raw = match.group(0).rstrip(_WRAPPING)
            link = _parse_or_record(raw, expander, result.errors)
            if link and link not in seen_links:
                seen_links.add(link)
                result.links.append(link)

    if result.empty and text.strip() and not _only_comments(text):
        result.errors.append(
            LinkError(
                _shorten(text.strip()),
                CODE_INVALID,
                "No Spotify link was found in the text. Accepted forms: " + ACCEPTED_FORMS + ".",
            )
        )
    return result


def _parse_or_record(
    raw: str, expander: ShortLinkExpander | None, errors: list[LinkError]
) -> SpotifyLink | None:
    try:
        return parse_link(raw, expander)
    except SpotdeskError as error:
        errors.append(LinkError(raw, error.code, error.message))
        return None


def _parse_pair(
    token: str, expander: ShortLinkExpander | None, errors: list[LinkError]
) -> ManualPair | None:
    audio_url, _, link_text = token.partition("|")
    audio_url = audio_url.lstrip(_WRAPPING)
    link_text = link_text.rstrip(_WRAPPING)
    parts = urlsplit(audio_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors.append(
            LinkError(
                token,
                CODE_INVALID_PAIR,
                f"{token!r} is not a manual pair: the part before '|' must be an http(s) "
                "audio URL, as in AUDIO_URL|SPOTIFY_TRACK_LINK.",
            )
        )
        return None
    link = _parse_or_record(link_text, expander, errors)
    if link is None:
        return None
    if link.kind is not LinkKind.TRACK:
        errors.append(
            LinkError(
                token,
                CODE_INVALID_PAIR,
                f"A manual pair needs a Spotify track link after '|', not a {link.kind.value} "
                "link; pair each audio URL with one track.",
            )
        )
        return None
    return ManualPair(audio_url, link)


def _parse_uri(uri: str) -> SpotifyLink:
    parts = uri.split(":")
    if _names_liked_songs(parts):
        return _LIKED_SONGS
    kind_index = 1
    # Legacy playlist URIs name the owner first: spotify:user:NAME:playlist:ID.
    if len(parts) == 5 and parts[1].lower() == "user" and parts[3].lower() == "playlist":
        kind_index = 3
    if parts[1].lower() == "local":
        raise InvalidLink(
            f"{uri!r} is a local file from someone's Spotify library; it exists only on "
            "that computer and cannot be downloaded.",
            code=CODE_LOCAL_FILE,
        )
    if len(parts) != kind_index + 2:
        raise InvalidLink(f"{uri!r} is not a valid Spotify URI. Accepted forms: {ACCEPTED_FORMS}.")
    return _link_from(parts[kind_index].lower(), parts[kind_index + 1], uri)


def _parse_path(path: str, original: str) -> SpotifyLink:
    segments = [segment for segment in path.split("/") if segment]
    if segments and segments[0].lower().startswith("intl-"):
        segments = segments[1:]
    if segments and segments[0].lower() in _NEUTRAL_SEGMENTS:
        segments = segments[1:]
    if len(segments) >= 4 and segments[0].lower() == "user" and segments[2].lower() == "playlist":
        segments = segments[2:]
    if segments and segments[0].lower() == _LIBRARY_SEGMENT:
        if [segment.lower() for segment in segments[1:]] == ["tracks"]:
            return _LIKED_SONGS
        raise InvalidLink(
            f"{original!r} links to a part of your Spotify library that spotdesk cannot "
            "download; of the library, only Liked Songs "
            "(https://open.spotify.com/collection/tracks) can be downloaded.",
            code=CODE_UNSUPPORTED,
        )
    if len(segments) < 2:
        raise InvalidLink(
            f"{original!r} does not name a track, album, playlist or artist. "
            f"Accepted forms: {ACCEPTED_FORMS}.",
            code=CODE_UNSUPPORTED,
        )
    return _link_from(segments[0].lower(), segments[1], original)


def _link_from(kind_name: str, object_id: str, original: str) -> SpotifyLink:
    if kind_name in _PODCAST_KINDS:
        raise InvalidLink(f"{original!r}: {PODCAST_MESSAGE}.", code=CODE_PODCAST)
    if kind_name in _AUDIOBOOK_KINDS:
        raise InvalidLink(f"{original!r}: audiobooks are not supported.", code=CODE_UNSUPPORTED)
    try:
        kind: LinkKind | None = LinkKind(kind_name)
    except ValueError:
        kind = None
    # Liked Songs have no id-based link form, so "liked" is not a kind name in links.
    if kind is None or kind is LinkKind.LIKED:
        raise InvalidLink(
            f"{original!r} links to a Spotify {kind_name!r} page, which spotdesk cannot "
            f"download. Accepted forms: {ACCEPTED_FORMS}.",
            code=CODE_UNSUPPORTED,
        )
    if not _ID.fullmatch(object_id):
        raise InvalidLink(
            f"{original!r} has an invalid Spotify id {object_id!r}: ids are 22 letters and "
            "digits. Check that the link was copied completely.",
        )
    return SpotifyLink(kind, object_id)


def _names_liked_songs(parts: list[str]) -> bool:
    """Return whether URI parts name Liked Songs.

    Accepted: spotify:collection:tracks, spotify:user:NAME:collection and
    spotify:user:NAME:collection:tracks.
    """
    lowered = [part.lower() for part in parts]
    if lowered[1:] == [_LIBRARY_SEGMENT, "tracks"]:
        return True
    # NOTE: Spotify only lets an app read the logged-in user's Liked Songs, so NAME is
    # dropped: a legacy URI of another user's library resolves to the logged-in user's.
    return (
        len(lowered) in (4, 5)
        and lowered[1] == "user"
        and lowered[3] == _LIBRARY_SEGMENT
        and lowered[4:] in ([], ["tracks"])
    )


def _tokens(text: str) -> Iterator[str]:
    for line in text.splitlines():
        # text/uri-list (RFC 2483) marks comment lines with '#'.
        if line.lstrip().startswith("#"):
            continue
        for token in line.split():
            token = token.strip(_WRAPPING)
            if token:
                yield token


def _looks_like_pair(token: str) -> bool:
    # A '|' after a URL marks a manual pair; other '|'s (Markdown tables) are plain text.
    left, separator, right = token.partition("|")
    return bool(separator and right and _LOOKS_LIKE_URL.match(left.lstrip(_WRAPPING)))


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def with_scheme(url: str) -> str:
    return url if "://" in url else "https://" + url


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
