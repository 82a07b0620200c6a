"""Expand spotify.link short links over HTTP, for `links.parse_links`."""

from __future__ import annotations

import logging
import time
from urllib.parse import urljoin, urlsplit

from spotdesk.links import (
    SHORT_LINK_HOSTS,
    SPOTIFY_LINK_PATTERN,
    WEB_HOSTS,
    ShortLinkFailed,
    host_of,
    with_scheme,
)

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5


class HttpShortLinkExpander:
    """Expand short links by reading the redirect that the short-link service returns.

    Requests go to `base_url` (the short-link service, `ServiceUrls.spotify_short`) with
    the short link's path. Only redirects to other short links are followed; the first
    redirect to anything else is returned without being requested.
    """

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        """`timeout` is in seconds, for the whole expansion."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def expand(self, url: str) -> str:
        import requests

        request_url = self._service_url(url)
        # `timeout` bounds the whole expansion, redirects included.
        deadline = time.monotonic() + self.timeout
        for _ in range(MAX_REDIRECTS):
            log.debug("expanding short link %s via %s", url, request_url)
            try:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise requests.Timeout(f"no time left after redirects to {request_url}")
                response = requests.get(
                    request_url,
                    allow_redirects=False,
                    timeout=remaining,
                    headers={"User-Agent": "spotdesk"},
                )
            except requests.Timeout as error:
                raise ShortLinkFailed(
                    f"Expanding the short link {url} timed out after {self.timeout:g} s; "
                    "try again, or paste the open.spotify.com link instead.",
                    detail=str(error),
                ) from error
            except requests.RequestException as error:
                raise ShortLinkFailed(
                    f"Expanding the short link {url} failed ({error.__class__.__name__}); "
                    "check the network, or paste the open.spotify.com link instead.",
                    detail=str(error),
                ) from error

            location = response.headers.get("Location")
            if response.is_redirect and location:
                target = urljoin(request_url, location)
                if host_of(target) in SHORT_LINK_HOSTS:
                    request_url = self._service_url(target)
                    continue
                return target
            if response.status_code == 200:
                # Some short-link pages respond with HTML that links to the target.
                found = SPOTIFY_LINK_PATTERN.search(response.text)
                if found and host_of(with_scheme(found.group(0))) in WEB_HOSTS:
                    return found.group(0)
            raise ShortLinkFailed(
                f"The short link {url} did not lead to a Spotify link "
                f"(HTTP {response.status_code}); check that it is complete.",
                retryable=response.status_code >= 500 or response.status_code == 429,
            )
        raise ShortLinkFailed(
            f"The short link {url} redirected more than {MAX_REDIRECTS} times; "
            "paste the open.spotify.com link instead.",
            retryable=False,
        )

    def _service_url(self, url: str) -> str:
        parts = urlsplit(with_scheme(url))
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.base_url}{parts.path}{query}"
