"""Cover images fetched over HTTP; every failure is a warning and returns None."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from spotdesk.audio.cover import fetch_cover
from tests.fakes.media_server import MediaServer


def test_cover_fetched(media: MediaServer, cover_jpeg: bytes) -> None:
    cover = fetch_cover(media.url("cover.jpg"))

    assert cover is not None
    assert cover.data == cover_jpeg
    assert cover.mime == "image/jpeg"


def test_cover_missing_url_is_none() -> None:
    assert fetch_cover(None) is None
    assert fetch_cover("") is None


def test_cover_http_error_warns(media: MediaServer, caplog: pytest.LogCaptureFixture) -> None:
    media.fail("cover.jpg", 500)

    with caplog.at_level(logging.WARNING):
        assert fetch_cover(media.url("cover.jpg")) is None

    assert "could not be fetched" in caplog.text


def test_cover_not_an_image_warns(
    media: MediaServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html>login required</html>")
    media.add("page.html", page, "text/html")

    with caplog.at_level(logging.WARNING):
        assert fetch_cover(media.url("page.html")) is None

    assert "neither JPEG nor PNG" in caplog.text


def test_cover_refused_connection_is_none(media: MediaServer) -> None:
    url = media.url("cover.jpg")
    media.stop()

    assert fetch_cover(url) is None
