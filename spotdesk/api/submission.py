"""Check a `POST /downloads` request before any task is created.

Every link and option is checked first, and the request is rejected whole when anything
is wrong. A client then fixes its input and sends it again. Resubmitting links that were
accepted before is harmless because submission is idempotent.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from spotdesk.config import Settings
from spotdesk.errors import UsageError
from spotdesk.links import parse_links
from spotdesk.model import OutputOptions, validate_bitrate

from .errors import ApiError
from .paths import check_template, resolve_folder
from .schemas import OutputOptionsIn, Problem, SubmitRequest

# Target given to every short link while checking, so that checking makes no network
# call. The service expands short links for real when it submits them.
_PLACEHOLDER_TARGET = "https://open.spotify.com/track/0000000000000000000000"


class _NoNetworkExpander:
    def expand(self, url: str) -> str:
        return _PLACEHOLDER_TARGET


def check_links(links: list[str]) -> list[Problem]:
    """Return one problem per invalid link in each entry, or per entry with no link."""
    problems: list[Problem] = []
    for index, text in enumerate(links):
        location = f"links[{index}]"
        if not text.strip():
            problems.append(
                Problem(location=location, code="link.invalid", message="The link is empty.")
            )
            continue
        parsed = parse_links(text, expander=_NoNetworkExpander())
        for error in parsed.errors:
            problems.append(
                Problem(location=location, code=error.code, message=error.message, text=error.text)
            )
        if not parsed.errors and not (parsed.links or parsed.pairs):
            problems.append(
                Problem(
                    location=location,
                    code="link.invalid",
                    message="No Spotify link was found in this entry.",
                    text=text[:200],
                )
            )
    return problems


def build_options(requested: OutputOptionsIn | None, settings: Settings) -> OutputOptions:
    """Merge the request's options over the settings, keeping paths inside the library."""
    options = settings.output_options()
    library = Path(settings.output_dir).expanduser()
    changes = requested.model_dump(exclude_none=True) if requested else {}

    problems: list[Problem] = []
    try:
        options.folder = str(resolve_folder(changes.pop("folder", None), library))
    except UsageError as error:
        problems.append(Problem(location="options.folder", code=error.code, message=error.message))
    template = changes.get("template")
    if template is not None:
        try:
            check_template(template)
        except UsageError as error:
            problems.append(
                Problem(location="options.template", code=error.code, message=error.message)
            )
    merged = dataclasses.replace(options, **changes)
    try:
        validate_bitrate(merged.format, merged.bitrate)
    except UsageError as error:
        problems.append(Problem(location="options.bitrate", code=error.code, message=error.message))
    if problems:
        raise ApiError(422, "api.unsafe_options", problems[0].message, problems)
    return merged


def check_request(request: SubmitRequest, settings: Settings) -> OutputOptions:
    """Raise `ApiError` (422) listing every invalid link; return the task options."""
    problems = check_links(request.links)
    if problems:
        count = len({problem.location for problem in problems})
        raise ApiError(
            422,
            "links.invalid",
            f"{count} of {len(request.links)} link entries are invalid; nothing was submitted.",
            problems,
        )
    return build_options(request.options, settings)
