"""Log in with Spotify: Authorization Code with PKCE on a loopback redirect."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from spotdesk.gui import oauth


class FakeAccounts:
    """Spotify's accounts service on loopback: /api/token returns one fixed token."""

    def __init__(self) -> None:
        self.token_requests: list[dict[str, str]] = []
        accounts = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                length = int(self.headers["Content-Length"])
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                accounts.token_requests.append(form)
                body = json.dumps(
                    {
                        "access_token": "access-1",
                        "refresh_token": "refresh-1",
                        "expires_in": 3600,
                        "scope": " ".join(oauth.SCOPES),
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def accounts() -> Iterator[FakeAccounts]:
    fake = FakeAccounts()
    yield fake
    fake.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def browser_answering(**overrides: str):
    """Return an `open_browser` that plays the user allowing access in a browser."""
    visited: list[str] = []

    def open_browser(url: str) -> None:
        visited.append(url)
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        answer = {"code": "code-1", "state": query["state"], **overrides}
        redirect = f"{query['redirect_uri']}?{urlencode(answer)}"

        def visit() -> None:
            try:
                urllib.request.urlopen(redirect, timeout=5).read()
            except OSError:
                pass  # a 400 page for a refused login

        threading.Thread(target=visit, daemon=True).start()

    return open_browser, visited


def test_login_exchanges_code_with_verifier(accounts: FakeAccounts) -> None:
    login = oauth.PkceLogin(accounts.url, "client-1", port=free_port(), timeout=10)
    open_browser, visited = browser_answering()

    token = asyncio.run(login.run(open_browser))

    assert token.access_token == "access-1"
    assert token.refresh_token == "refresh-1"
    query = parse_qs(urlsplit(visited[0]).query)
    assert visited[0].startswith(f"{accounts.url}/authorize?")
    assert query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"]
    form = accounts.token_requests[0]
    assert form["grant_type"] == "authorization_code"
    assert form["code"] == "code-1"
    assert form["client_id"] == "client-1"
    assert oauth.code_challenge(form["code_verifier"]) == query["code_challenge"][0]
    assert "client_secret" not in form


def test_login_rejects_wrong_state(accounts: FakeAccounts) -> None:
    login = oauth.PkceLogin(accounts.url, "client-1", port=free_port(), timeout=10)
    open_browser, _ = browser_answering(state="forged")

    with pytest.raises(oauth.LoginFailed, match="did not match"):
        asyncio.run(login.run(open_browser))
    assert accounts.token_requests == []


def test_login_reports_denied_access(accounts: FakeAccounts) -> None:
    login = oauth.PkceLogin(accounts.url, "client-1", port=free_port(), timeout=10)
    open_browser, _ = browser_answering(error="access_denied", code="")

    with pytest.raises(oauth.LoginFailed, match="access_denied"):
        asyncio.run(login.run(open_browser))


def test_login_times_out_with_message(accounts: FakeAccounts) -> None:
    login = oauth.PkceLogin(accounts.url, "client-1", port=free_port(), timeout=0.2)

    with pytest.raises(oauth.LoginFailed, match="within 0 s|within"):
        asyncio.run(login.run(lambda url: None))


def test_busy_port_reported(accounts: FakeAccounts) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        login = oauth.PkceLogin(accounts.url, "client-1", port=holder.getsockname()[1])

        with pytest.raises(oauth.LoginFailed, match="in use"):
            asyncio.run(login.run(lambda url: None))


def test_pkce_challenge_matches_rfc_example() -> None:
    # RFC 7636, appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    assert oauth.code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_token_repr_hides_secrets() -> None:
    token = oauth.UserToken("access-1", "refresh-1", 1.0, "scope")

    assert "access-1" not in repr(token)
    assert "refresh-1" not in repr(token)
