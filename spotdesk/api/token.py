"""The API's bearer token: where it comes from and how it is compared.

`SPOTDESK_API_TOKEN` wins when set, so deployments can inject a token. Otherwise the token
lives in `api-token` in the config folder beside `settings.json`, created on first start
with 32 random bytes and mode 0600. The token is never logged: log lines name the file or
the variable, not the value.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from spotdesk.config import config_dir
from spotdesk.errors import UsageError

log = logging.getLogger(__name__)

TOKEN_ENV = "SPOTDESK_API_TOKEN"
TOKEN_FILE_NAME = "api-token"
# A token shorter than this is too easy to guess over a network, so one set by environment
# is rejected. Generated tokens are 43 characters (32 random bytes, URL-safe base64).
MIN_TOKEN_LENGTH = 16


class TokenError(UsageError):
    code = "api.token_invalid"


@dataclass(frozen=True)
class ApiToken:
    """The token the API expects, and where it came from (for messages, never the value)."""

    value: str
    source: str

    def matches(self, candidate: str) -> bool:
        """Compare in constant time, so response timing reveals nothing about the token."""
        return hmac.compare_digest(candidate.encode("utf-8"), self.value.encode("utf-8"))

    def __repr__(self) -> str:
        return f"ApiToken(source={self.source!r})"


def token_path() -> Path:
    return config_dir() / TOKEN_FILE_NAME


def load_or_create_token(environ: dict[str, str] | None = None) -> ApiToken:
    """Return the token from the environment, the token file, or a new token file."""
    environ = dict(os.environ if environ is None else environ)
    from_env = environ.get(TOKEN_ENV, "").strip()
    if from_env:
        _check_token(from_env, TOKEN_ENV)
        return ApiToken(from_env, f"environment variable {TOKEN_ENV}")

    path = token_path()
    existing = _read_token_file(path)
    if existing is not None:
        return ApiToken(existing, str(path))
    return ApiToken(_create_token_file(path), str(path))


def _check_token(value: str, source: str) -> None:
    if len(value) < MIN_TOKEN_LENGTH:
        raise TokenError(
            f"The API token from {source} is shorter than {MIN_TOKEN_LENGTH} characters; "
            "use a longer random value, for example from: python3 -c "
            "'import secrets; print(secrets.token_urlsafe(32))'"
        )
    if any(character.isspace() or not character.isprintable() for character in value):
        raise TokenError(
            f"The API token from {source} contains spaces or control characters; "
            "use letters, digits and punctuation only."
        )


def _read_token_file(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("API token file %s was readable by others; setting its mode to 0600", path)
        os.chmod(path, 0o600)
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise TokenError(
            f"The API token file {path} is empty; delete it and a new token is created "
            "on the next start."
        )
    _check_token(value, str(path))
    return value


def _create_token_file(path: Path) -> str:
    """Write a new token and link it into place, so no reader ever sees a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
        # os.link fails when the file exists: when two processes start at once, the
        # second one reads the first one's token.
        os.link(temporary, path)
    except FileExistsError:
        existing = _read_token_file(path)
        if existing is None:
            raise TokenError(
                f"The API token file {path} vanished while starting; retry."
            ) from None
        return existing
    finally:
        temporary.unlink(missing_ok=True)
    log.info("created a new API token in %s", path)
    return value
