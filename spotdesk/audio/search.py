"""The search providers that turn a track into unscored audio candidates.

A provider returns results as `MatchCandidate` values with `confidence` 0 and no reasons;
`spotdesk.audio.match` scores them. Providers raise `SearchFailed` when the service cannot
be reached, and return an empty list when it simply finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from spotdesk.config import ServiceUrls, effective_search_providers
from spotdesk.model import MatchCandidate, Track


@runtime_checkable
class SearchProvider(Protocol):
    """A search service that lists audio candidates for a track."""

    name: str

    def search(self, track: Track, limit: int = 10) -> list[MatchCandidate]:
        """Return up to `limit` candidates per query, unscored, best guesses first."""
        ...


@runtime_checkable
class StagedSearchProvider(SearchProvider, Protocol):
    """A provider whose queries can be stopped once an earlier one found the track.

    `search_stages` yields the candidates of one query at a time, so the matcher can score
    them and skip the remaining queries when it is already confident.
    """

    def search_stages(self, track: Track, limit: int = 10) -> Iterator[list[MatchCandidate]]: ...


def search_query(track: Track) -> str:
    """Build the free-text query for a track: its main artist and its title."""
    if track.artists:
        return f"{track.artists[0]} {track.title}"
    return track.title


def default_providers(
    urls: ServiceUrls,
    cookies_from_browser: str | None = None,
    names: list[str] | tuple[str, ...] | None = None,
    *,
    use_environment: bool = True,
) -> list[SearchProvider]:
    """Build the providers named in `names`, in that order.

    `names` defaults to YouTube Music first and plain YouTube as the fallback. The
    `SPOTDESK_SEARCH_PROVIDERS` variable overrides `names` when set, unless
    `use_environment` is False (for a command-line option, which should win over the
    environment). Unknown names raise `config.InvalidSearchProviders`.
    """
    from spotdesk.audio.youtube import YouTubeProvider
    from spotdesk.audio.ytmusic import YouTubeMusicProvider

    environ: dict[str, str] | None = None if use_environment else {}
    providers: list[SearchProvider] = []
    for name in effective_search_providers(names, environ):
        if name == "ytmusic":
            providers.append(YouTubeMusicProvider(urls.ytmusic, watch_url=urls.youtube_music_watch))
        elif name == "youtube":
            providers.append(
                YouTubeProvider(
                    cookies_from_browser=cookies_from_browser or None,
                    watch_url=urls.youtube_watch,
                )
            )
    return providers
