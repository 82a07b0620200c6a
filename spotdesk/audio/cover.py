"""Fetch a track's cover image; a cover that cannot be fetched is a warning, not a failure."""

from __future__ import annotations

import logging

import requests

from spotdesk.audio.tags import Cover, image_mime

log = logging.getLogger(__name__)

TIMEOUT_S = 15.0
MAX_BYTES = 20 * 1024 * 1024  # an upper bound, so a wrong URL cannot fill the memory


def fetch_cover(url: str | None, session: requests.Session | None = None) -> Cover | None:
    """Download the JPEG or PNG image at `url`; return None (and log a warning) on failure."""
    if not url:
        return None
    getter = session or requests
    try:
        response = getter.get(url, timeout=TIMEOUT_S, stream=True)
        response.raise_for_status()
        data = response.raw.read(MAX_BYTES + 1, decode_content=True)
    except (requests.RequestException, OSError) as error:
        log.warning("cover image %s could not be fetched, tagging without it: %s", url, error)
        return None
    if len(data) > MAX_BYTES:
        log.warning("cover image %s is larger than %d bytes, tagging without it", url, MAX_BYTES)
        return None
    mime = image_mime(data)
    if mime is None:
        log.warning("cover image %s is neither JPEG nor PNG, tagging without it", url)
        return None
    return Cover(data=data, mime=mime)
