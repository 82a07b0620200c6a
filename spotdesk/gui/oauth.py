"""Spotify's Authorization Code flow with PKCE on a loopback redirect (no Qt).

The browser opens Spotify's consent page. Spotify then redirects to
`http://127.0.0.1:PORT/callback`, where a one-shot asyncio server receives the code, and the
code and the PKCE verifier are exchanged for tokens at `<accounts>/api/token`. Storing,
loading and refreshing the tokens is the Spotify side's work (`spotdesk.spotify.user_auth`),
so workers and the CLI read the same login.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import secrets
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from spotdesk.errors import SpotdeskError
from spotdesk.spotify.user_auth import SCOPES, UserToken

__all__ = [
    "LoginFailed",
    "PkceLogin",
    "SCOPES",
    "UserToken",
    "authorize_url",
    "code_challenge",
    "redirect_uri",
]

log = logging.getLogger(__name__)

# NOTE: Spotify matches the redirect URI exactly, so users register this one in their
# Spotify app. When the port is in use, the login fails with a message naming it.
REDIRECT_PORT = 43519
REDIRECT_PATH = "/callback"
LOGIN_TIMEOUT_S = 300.0


class LoginFailed(SpotdeskError):
    code = "spotify.login_failed"


def redirect_uri(port: int = REDIRECT_PORT) -> str:
    return f"http://127.0.0.1:{port}{REDIRECT_PATH}"


def code_challenge(verifier: str) -> str:
    """Return the S256 challenge of a PKCE verifier (RFC 7636, section 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_verifier() -> str:
    # 64 random bytes give 86 characters, inside RFC 7636's 43..128.
    return secrets.token_urlsafe(64)


def authorize_url(accounts_url: str, client_id: str, verifier: str, state: str, port: int) -> str:
    query = urlencode(
        {
            "client_id": client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri(port),
            "code_challenge_method": "S256",
            "code_challenge": code_challenge(verifier),
            "state": state,
            "scope": " ".join(SCOPES),
        }
    )
    return f"{accounts_url.rstrip('/')}/authorize?{query}"


_PAGE = (
    "<!doctype html><meta charset='utf-8'><title>spotdesk</title>"
    "<body style='font-family:sans-serif;margin:3em'><h2>{heading}</h2><p>{text}</p></body>"
)


class PkceLogin:
    """One login attempt. `run` returns the token or raises `LoginFailed`.

    `port` 0 lets the system choose a free port; tests use it, while real logins need the
    fixed port registered in the Spotify app.
    """

    def __init__(
        self,
        accounts_url: str,
        client_id: str,
        port: int = REDIRECT_PORT,
        timeout: float = LOGIN_TIMEOUT_S,
    ) -> None:
        self.accounts_url = accounts_url.rstrip("/")
        self.client_id = client_id
        self.port = port
        self.timeout = timeout
        self.verifier = new_verifier()
        self.state = secrets.token_urlsafe(24)
        self._code: asyncio.Future[str] | None = None

    async def run(self, open_browser: Callable[[str], object]) -> UserToken:
        loop = asyncio.get_running_loop()
        self._code = loop.create_future()
        try:
            server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        except OSError as error:
            raise LoginFailed(
                f"Port {self.port} on 127.0.0.1 is in use, so the login cannot receive "
                "Spotify's answer; close the program using it and try again.",
                detail=str(error),
            ) from error
        self.port = server.sockets[0].getsockname()[1]
        async with server:
            url = authorize_url(
                self.accounts_url, self.client_id, self.verifier, self.state, self.port
            )
            log.info(
                "opening Spotify's login page; waiting up to %.0f s for the redirect", self.timeout
            )
            open_browser(url)
            try:
                code = await asyncio.wait_for(self._code, self.timeout)
            except TimeoutError as error:
                raise LoginFailed(
                    f"Spotify did not respond within {self.timeout:.0f} s (timed out); "
                    "try logging in again."
                ) from error
        return await asyncio.to_thread(self._exchange, code)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = (await asyncio.wait_for(reader.readline(), 10)).decode("latin-1")
            while (await asyncio.wait_for(reader.readline(), 10)) not in (b"\r\n", b"\n", b""):
                pass
        except (TimeoutError, ConnectionError):
            writer.close()
            return
        parts = request_line.split()
        target = urlsplit(parts[1]) if len(parts) >= 2 else urlsplit("/")
        if target.path != REDIRECT_PATH:
            await _respond(writer, 404, "Not found", "")
            return
        query = {key: values[0] for key, values in parse_qs(target.query).items()}
        outcome = self._outcome(query)
        if isinstance(outcome, LoginFailed):
            await _respond(writer, 400, "spotdesk: login failed", outcome.message)
            if self._code is not None and not self._code.done():
                self._code.set_exception(outcome)
            return
        await _respond(
            writer,
            200,
            "spotdesk is connected to Spotify",
            "You can close this tab and go back to spotdesk.",
        )
        if self._code is not None and not self._code.done():
            self._code.set_result(outcome)

    def _outcome(self, query: dict[str, str]) -> str | LoginFailed:
        if query.get("state") != self.state:
            return LoginFailed("The login answer did not match this login attempt; try again.")
        if "error" in query:
            return LoginFailed(f"Spotify did not grant access ({query['error']}).")
        if not query.get("code"):
            return LoginFailed("Spotify's answer contained no authorization code; try again.")
        return query["code"]

    def _exchange(self, code: str) -> UserToken:
        import requests

        try:
            response = requests.post(
                f"{self.accounts_url}/api/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri(self.port),
                    "client_id": self.client_id,
                    "code_verifier": self.verifier,
                },
                timeout=20,
            )
        except requests.RequestException as error:
            raise LoginFailed(
                "Exchanging the login code with Spotify failed; check the network and try again.",
                detail=str(error),
            ) from error
        if response.status_code != 200:
            raise LoginFailed(
                f"Spotify rejected the login code (HTTP {response.status_code}); try again.",
                detail=response.text[:500],
            )
        try:
            return UserToken.from_response(response.json(), self.client_id)
        except ValueError as error:
            raise LoginFailed(
                "Spotify's token response contained no access token; try again.",
                detail=response.text[:500],
            ) from error


async def _respond(writer: asyncio.StreamWriter, status: int, heading: str, text: str) -> None:
    import html

    body = _PAGE.format(heading=html.escape(heading), text=html.escape(text)).encode("utf-8")
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode("ascii") + body)
    try:
        await writer.drain()
    except ConnectionError:
        pass
    writer.close()
