"""A loopback fake of Spotify: Web API, accounts token endpoint, public pages, short links.

It behaves like Spotify does for a development-mode app since March 2026: batch lookups
return 403 unless `batch_lookups=True`, playlist entries come from `/playlists/{id}/items`
under `item`, another user's playlist items return 403 and Spotify-owned playlists 404.
Public embed pages list at most 100 tracks, and unknown ids return 200 without `state`.

    with FakeSpotify() as fake:
        resolver = Resolver(fake.service_urls(), fake.credentials)
        ...
        assert fake.calls["/v1/playlists/ID/items"] == 1

`env` contains the `SPOTDESK_SPOTIFY_*_URL` values that point spotdesk at the fake, for tests
that start subprocesses. `fail(...)` injects errors, `calls` counts requests per path.
`accounts` (`spotify_accounts.FakeAccounts`) is the user side: the PKCE login, user tokens,
`/me`, Liked Songs, and private playlists that only a user token reads.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from spotdesk.config import ServiceUrls
from spotdesk.spotify.credentials import Credentials
from tests.fakes.spotify_accounts import FakeAccounts
from tests.fakes.spotify_data import (
    APP_OWNER,
    SPOTIFY_OWNER,
    Catalog,
    JsonObject,
    PlaylistRecord,
    Reply,
    album_ref,
    make_album,
    make_artist,
    make_track,
    simplified,
    synthetic_id,
)
from tests.fakes.spotify_pages import route_page
from tests.fakes.spotify_routes import route_api

EMBED_LIMIT = 100
CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret"


@dataclass
class Fault:
    pattern: re.Pattern[str]
    status: int  # 0 = only delay, then respond as usual
    remaining: int | None  # None = every matching request
    retry_after: str | None
    body: Any
    delay: float


class FakeSpotify:
    def __init__(
        self,
        *,
        batch_lookups: bool = False,
        load_recordings: bool = True,
        page_link_base: str | None = None,
        regular_page_song_limit: int | None = None,
    ) -> None:
        self.catalog = Catalog()
        if load_recordings:
            self.catalog.load_recordings()
        self.batch_lookups = batch_lookups
        # Base of the `next` links in pages; None means this server. Tests set a foreign
        # host here to check that clients rewrite it to their configured base URL.
        self.page_link_base = page_link_base
        # How many `music:song` tags a regular page carries; None means all entries.
        self.regular_page_song_limit = regular_page_song_limit
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, str, str]] = []
        self.short_links: dict[str, str] = {}
        self.page_overrides: dict[str, str] = {}  # path -> raw HTML
        self._faults: list[Fault] = []
        self._tokens: set[str] = set()
        self.accounts = FakeAccounts(self)
        self._token_numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> FakeSpotify:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-spotify", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSpotify:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "SPOTDESK_SPOTIFY_API_URL": f"{self.base_url}/v1",
            "SPOTDESK_SPOTIFY_ACCOUNTS_URL": self.base_url,
            "SPOTDESK_SPOTIFY_OPEN_URL": self.base_url,
            "SPOTDESK_SPOTIFY_SHORT_URL": f"{self.base_url}/short",
        }

    urls = env  # the name the interface list uses

    @property
    def credential_env(self) -> dict[str, str]:
        return {"SPOTIPY_CLIENT_ID": self.client_id, "SPOTIPY_CLIENT_SECRET": self.client_secret}

    def service_urls(self) -> ServiceUrls:
        return ServiceUrls.from_env(self.env)

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.client_id, self.client_secret)

    # -- observation and faults ----------------------------------------------------------

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def api_calls(self) -> int:
        """Count the Web API and token requests (public pages excluded)."""
        return sum(n for path, n in self.calls.items() if path.startswith(("/v1/", "/api/token")))

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()
            self.requests.clear()

    def fail(
        self,
        path_pattern: str,
        status: int,
        *,
        times: int | None = None,
        retry_after: float | str | None = None,
        body: Any = None,
        delay: float = 0.0,
    ) -> None:
        """Respond with `status` to requests whose path fully matches the regex.

        `times` limits how many requests fail (None = all), `retry_after` sets the header,
        `delay` sleeps before responding (for timeouts).
        """
        self._faults.append(
            Fault(
                re.compile(path_pattern),
                status,
                times,
                None if retry_after is None else str(retry_after),
                body,
                delay,
            )
        )

    def slow_down(self, path_pattern: str, seconds: float, *, times: int | None = None) -> None:
        """Delay responses to matching paths by `seconds`, then respond as usual."""
        self._faults.append(Fault(re.compile(path_pattern), 0, times, None, None, seconds))

    def clear_faults(self) -> None:
        self._faults.clear()

    def revoke_tokens(self) -> None:
        """Make every issued access token invalid, as if it expired early."""
        self._tokens.clear()

    # -- registering objects ---------------------------------------------------------------

    def add_album(
        self, album: JsonObject, tracks: list[JsonObject], total: int | None = None
    ) -> str:
        self.catalog.add_album(album, tracks)
        if total is not None:
            self.catalog.album_totals[album["id"]] = total
        return album["id"]

    def add_track(self, track: JsonObject) -> str:
        self.catalog.tracks[track["id"]] = track
        return track["id"]

    def add_relink(self, linked_id: str, response: JsonObject) -> None:
        """Return `response` for lookups of `linked_id`; build it with `spotify_data.relinked`."""
        self.catalog.relinks[linked_id] = response

    def add_artist(self, artist: JsonObject, album_ids: list[str]) -> str:
        self.catalog.artists[artist["id"]] = artist
        self.catalog.artist_albums[artist["id"]] = [
            album_ref(self.catalog.albums[album_id])
            if album_id in self.catalog.albums
            else {"id": album_id, "name": "Missing", "total_tracks": 1}
            for album_id in album_ids
        ]
        return artist["id"]

    def add_playlist(
        self,
        playlist_id: str,
        name: str,
        entries: list[JsonObject | None],
        *,
        owner: str = APP_OWNER,
        entry_key: str = "item",
        images: list[JsonObject] | None = None,
        public: bool = True,
    ) -> str:
        """Register a playlist; entries are track, episode or local-file objects, or None."""
        meta = {
            "id": playlist_id,
            "name": name,
            "type": "playlist",
            "uri": f"spotify:playlist:{playlist_id}",
            "owner": {"id": owner, "display_name": owner.title(), "type": "user"},
            "images": images if images is not None else [],
            "public": public,
        }
        for entry in entries:
            if entry and entry.get("type") == "track" and entry.get("id"):
                self.catalog.tracks.setdefault(entry["id"], entry)
        self.catalog.playlists[playlist_id] = PlaylistRecord(
            meta, list(entries), owner, entry_key, public
        )
        return playlist_id

    def add_generated_album(
        self, album_id: str, count: int, *, discs: int = 1, name: str = "Generated Album"
    ) -> str:
        artist = make_artist(synthetic_id("ar", abs(hash(album_id)) % 10**6), "Album Artist")
        album = make_album(album_id, name, [artist], total_tracks=count)
        per_disc = -(-count // discs)
        tracks = [
            make_track(
                synthetic_id(album_id[:6], index + 1),
                f"{name} Track {index + 1}",
                [artist],
                album,
                disc_number=index // per_disc + 1,
                track_number=index % per_disc + 1,
                isrc=f"QZFAK{index + 1:07d}",
            )
            for index in range(count)
        ]
        return self.add_album(album, tracks)

    def add_generated_playlist(
        self,
        playlist_id: str,
        count: int,
        *,
        owner: str = APP_OWNER,
        name: str = "Generated Playlist",
    ) -> str:
        """Register a playlist of `count` distinct tracks spread over albums of 10."""
        entries: list[JsonObject | None] = []
        for album_index in range(-(-count // 10)):
            album_id = synthetic_id(f"gal{playlist_id[:4]}", album_index)
            artist = make_artist(synthetic_id("gar", album_index), f"Artist {album_index}")
            album = make_album(album_id, f"Album {album_index}", [artist], total_tracks=10)
            for number in range(1, 11):
                if len(entries) == count:
                    break
                track_id = synthetic_id(f"gtr{playlist_id[:4]}", len(entries))
                entries.append(
                    make_track(
                        track_id, f"Song {len(entries) + 1}", [artist], album, track_number=number
                    )
                )
        return self.add_playlist(playlist_id, name, entries, owner=owner)

    # -- request handling ------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> Reply:
        parts = urlsplit(raw_path)
        path = parts.path
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        with self._lock:
            self.calls[path] += 1
            self.requests.append((method, path, parts.query))
        fault = self._take_fault(path)
        if fault is not None and fault.status == 0:
            time.sleep(fault.delay)
            fault = None
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            headers_out = (
                {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
            )
            body_out = (
                fault.body if fault.body is not None else _error(fault.status, "injected fault")
            )
            return Reply(fault.status, body_out, headers_out)

        if path == "/api/token" and method == "POST":
            return self._token(headers, body)
        if path == "/authorize" and method == "GET":
            return self.accounts.authorize(query)
        if path.startswith("/v1/"):
            bearer = (headers.get("Authorization") or "").removeprefix("Bearer ")
            user_scopes = self.accounts.scopes_of(bearer)
            if user_scopes is None and not self._authorised(headers):
                return Reply(401, _error(401, "Invalid access token"))
            return route_api(self, path, query, user_scopes)
        if path.startswith("/short/"):
            return self._short_link(path.removeprefix("/short/"))
        return route_page(self, path)

    def page_url(self, path: str, **query: Any) -> str:
        base = self.page_link_base or self.base_url
        return f"{base}/v1/{path}?{urlencode(query)}"

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.pattern.fullmatch(path) and fault.remaining != 0:
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault
        return None

    def _token(self, headers: Any, body: bytes) -> Reply:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        form = parse_qs(body.decode())
        if form.get("grant_type") in (["authorization_code"], ["refresh_token"]):
            return self.accounts.token({key: values[-1] for key, values in form.items()})
        if headers.get("Authorization") != f"Basic {expected}":
            return Reply(
                400, {"error": "invalid_client", "error_description": "Invalid client secret"}
            )
        if form.get("grant_type") != ["client_credentials"]:
            return Reply(400, {"error": "unsupported_grant_type"})
        token = f"fake-token-{next(self._token_numbers)}"
        self._tokens.add(token)
        return Reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _authorised(self, headers: Any) -> bool:
        value = headers.get("Authorization") or ""
        return value.startswith("Bearer ") and value.removeprefix("Bearer ") in self._tokens

    def _short_link(self, code: str) -> Reply:
        target = self.short_links.get(code)
        if target is None:
            return Reply(404, "<html><body>Not found</body></html>")
        if target.startswith("html:"):
            page = f'<html><body><a href="{html.escape(target[5:])}">Open</a></body></html>'
            return Reply(200, page)
        return Reply(307, "", {"Location": target})


def _error(status: int, message: str) -> JsonObject:
    return {"error": {"status": status, "message": message}}


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out closes its socket before a delayed response is written.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSpotify
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def do_GET(self) -> None:
        self._respond("GET")

    def do_POST(self) -> None:
        self._respond("POST")

    def _respond(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.fake.handle(method, self.path, self.headers, body)
        if isinstance(reply.body, (dict, list)):
            payload = json.dumps(reply.body).encode()
            content_type = "application/json; charset=utf-8"
        else:
            payload = (reply.body or "").encode()
            content_type = "text/html; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (reply.headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


__all__ = ["FakeSpotify", "Reply", "SPOTIFY_OWNER", "APP_OWNER", "simplified"]
