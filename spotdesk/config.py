"""User settings, folders and the base URLs of every outside service.

Settings live in `settings.json` in the platform's user config folder (via `platformdirs`).
Secrets never go there: the Spotify client secret lives in the system keyring (see
`spotdesk.secrets`) or comes from the environment.

Every outside service's base URL can be overridden by an environment variable, so users
behind a proxy and tests with loopback fakes can point spotdesk elsewhere.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from spotdesk.errors import UsageError
from spotdesk.model import DEFAULT_TEMPLATE, AudioFormat, OutputOptions, OverwritePolicy

log = logging.getLogger(__name__)

APP_NAME = "spotdesk"

# Environment variables that move spotdesk's folders, used by tests and portable installs.
CONFIG_DIR_ENV = "SPOTDESK_CONFIG_DIR"
DATA_DIR_ENV = "SPOTDESK_DATA_DIR"
LOG_DIR_ENV = "SPOTDESK_LOG_DIR"


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME))


def default_music_dir() -> Path:
    return Path(platformdirs.user_music_dir()) / "spotdesk"


def default_store_uri() -> str:
    return f"sqlite:///{data_dir() / 'spotdesk.db'}"


@dataclass(frozen=True)
class ServiceUrls:
    """Base URLs of the services spotdesk talks to.

    Each ends without a slash, except `ytmusic` (ytmusicapi appends endpoint names to it)
    and the two watch-URL prefixes, to which a video id is appended as it is.
    """

    spotify_api: str = "https://api.spotify.com/v1"
    spotify_accounts: str = "https://accounts.spotify.com"
    spotify_open: str = "https://open.spotify.com"
    spotify_short: str = "https://spotify.link"
    ytmusic: str = "https://music.youtube.com/youtubei/v1/"
    lrclib: str = "https://lrclib.net/api"
    youtube_music_watch: str = "https://music.youtube.com/watch?v="
    youtube_watch: str = "https://www.youtube.com/watch?v="

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServiceUrls:
        """Return the defaults with every `SPOTDESK_*_URL` variable applied."""
        environ = dict(os.environ if environ is None else environ)
        overrides: dict[str, str] = {}
        for name, variable in SERVICE_URL_VARIABLES.items():
            value = environ.get(variable)
            if value:
                overrides[name] = value if name in _PREFIX_URLS else value.rstrip("/")
        return dataclasses.replace(cls(), **overrides)


SERVICE_URL_VARIABLES = {
    "spotify_api": "SPOTDESK_SPOTIFY_API_URL",
    "spotify_accounts": "SPOTDESK_SPOTIFY_ACCOUNTS_URL",
    "spotify_open": "SPOTDESK_SPOTIFY_OPEN_URL",
    "spotify_short": "SPOTDESK_SPOTIFY_SHORT_URL",
    "ytmusic": "SPOTDESK_YTMUSIC_URL",
    "lrclib": "SPOTDESK_LRCLIB_URL",
    "youtube_music_watch": "SPOTDESK_YTMUSIC_WATCH_URL",
    "youtube_watch": "SPOTDESK_YOUTUBE_WATCH_URL",
}
# URLs that other text is appended to without a slash, so a trailing slash is kept.
_PREFIX_URLS = {"ytmusic", "youtube_music_watch", "youtube_watch"}

# The supported search providers, in their default order. "youtube" runs
# yt-dlp's YouTube search, which always contacts youtube.com because it has no base URL.
SEARCH_PROVIDER_NAMES = ("ytmusic", "youtube")
SEARCH_PROVIDERS_ENV = "SPOTDESK_SEARCH_PROVIDERS"


class InvalidSearchProviders(UsageError):
    code = "config.search_providers"


def parse_search_providers(names: object, source: str) -> list[str]:
    """Check a list of provider names from `source` (a setting or variable name).

    Names are compared in lower case and duplicates are dropped. Raises
    `InvalidSearchProviders` for an empty list, a non-list or an unknown name.
    """
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
        raise InvalidSearchProviders(
            f"{source} must be a list of search provider names such as "
            f"{list(SEARCH_PROVIDER_NAMES)}, not {names!r}."
        )
    cleaned = list(dict.fromkeys(name.strip().lower() for name in names if name.strip()))
    known = ", ".join(SEARCH_PROVIDER_NAMES)
    if not cleaned:
        raise InvalidSearchProviders(f"{source} names no search provider; use one of: {known}.")
    unknown = [name for name in cleaned if name not in SEARCH_PROVIDER_NAMES]
    if unknown:
        raise InvalidSearchProviders(
            f"{source} names the unknown search provider {unknown[0]!r}; use one or more "
            f"of: {known}, separated by commas."
        )
    return cleaned


def effective_search_providers(
    configured: list[str] | tuple[str, ...] | None = None,
    environ: dict[str, str] | None = None,
) -> list[str]:
    """Return the providers to run: `SPOTDESK_SEARCH_PROVIDERS` (comma-separated) when set,
    else `configured` (the `search_providers` setting), else both providers."""
    environ = dict(os.environ if environ is None else environ)
    variable = environ.get(SEARCH_PROVIDERS_ENV, "")
    if variable.strip():
        return parse_search_providers(variable.split(","), SEARCH_PROVIDERS_ENV)
    if configured is None:
        return list(SEARCH_PROVIDER_NAMES)
    return parse_search_providers(configured, "The search_providers setting")


@dataclass
class Settings:
    """The user's choices from the settings dialog, which are also the CLI's defaults."""

    output_dir: str = field(default_factory=lambda: str(default_music_dir()))
    format: AudioFormat = AudioFormat.MP3
    bitrate: int = 256
    template: str = DEFAULT_TEMPLATE
    lyrics: bool = False
    lrc_file: bool = False
    overwrite: OverwritePolicy = OverwritePolicy.SKIP
    workers: int = 2
    store_uri: str = ""  # empty means the embedded SQLite file in the data folder
    language: str = ""  # empty follows the system locale; otherwise "en" or "zh_CN"
    minimise_to_tray: bool = True
    tray_hint_shown: bool = False
    watch_clipboard: bool = False
    cookies_from_browser: str = ""  # a browser name that yt-dlp supports, such as "firefox"
    first_run_done: bool = False
    spotify_client_id: str = ""  # the secret is kept in the keyring, never here
    # Run in this order; SPOTDESK_SEARCH_PROVIDERS overrides it (see effective_search_providers).
    search_providers: list[str] = field(default_factory=lambda: list(SEARCH_PROVIDER_NAMES))

    @property
    def effective_store_uri(self) -> str:
        return self.store_uri or os.environ.get("SPOTDESK_STORE") or default_store_uri()

    def output_options(self) -> OutputOptions:
        return OutputOptions(
            folder=self.output_dir,
            format=self.format,
            bitrate=self.bitrate,
            template=self.template,
            lyrics=self.lyrics,
            lrc_file=self.lrc_file,
            overwrite=self.overwrite,
        )

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["format"] = self.format.value
        data["overwrite"] = self.overwrite.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in names}
        if "format" in values:
            values["format"] = AudioFormat(values["format"])
        if "overwrite" in values:
            values["overwrite"] = OverwritePolicy(values["overwrite"])
        if "search_providers" in values:
            try:
                values["search_providers"] = parse_search_providers(
                    values["search_providers"], "The search_providers setting"
                )
            except InvalidSearchProviders as error:
                raise ValueError(error.message) from error
        return cls(**values)


def settings_path() -> Path:
    return config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing or unreadable file gives the defaults."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as error:
        log.warning("settings file %s is unreadable, using defaults: %s", path, error)
        return Settings()
    try:
        return Settings.from_dict(data)
    except (TypeError, ValueError) as error:
        log.warning("settings file %s has invalid values, using defaults: %s", path, error)
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically, readable only by the user."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(settings.to_dict(), indent=2), encoding="utf-8")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
