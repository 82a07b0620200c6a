"""Checks on command-line arguments shared by the commands that take Spotify links."""

from __future__ import annotations

from spotdesk.links import ACCEPTED_FORMS

NO_LINK_MESSAGE = f"no Spotify link in the input; accepted forms: {ACCEPTED_FORMS}"
