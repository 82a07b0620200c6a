"""The real pipeline and resolver a worker process builds, each on first use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spotdesk.config import ServiceUrls, Settings
from spotdesk.store.contract import Store


def default_pipeline_factory(urls: ServiceUrls, settings: Settings) -> Any:
    from spotdesk.pipeline import Pipeline

    return Pipeline(
        urls,
        cookies_from_browser=settings.cookies_from_browser or None,
        search_providers=settings.search_providers,
    )


def resolver_factory(urls: ServiceUrls, settings: Settings) -> Callable[[Store], Any]:
    """Return a callable building one Spotify resolver per process, cached in the store."""
    resolvers: dict[int, Any] = {}

    def build(store: Store) -> Any:
        resolver = resolvers.get(id(store))
        if resolver is None:
            from spotdesk.spotify.resolver import build_resolver

            resolver = build_resolver(urls, settings, cache=store)
            resolvers[id(store)] = resolver
        return resolver

    return build
