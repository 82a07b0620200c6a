"""Human-readable sizes, speeds, durations and times for the task view and status bar."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QLocale

_UNITS = ("B", "KB", "MB", "GB", "TB")


def format_size(size: float | None) -> str:
    """Format a byte count with binary multiples (1 MB = 1024 KB), as file managers do."""
    if size is None or size < 0:
        return ""
    value = float(size)
    for unit in _UNITS:
        if value < 1024 or unit == _UNITS[-1]:
            digits = 0 if unit == "B" or value >= 100 else 1
            return f"{QLocale().toString(value, 'f', digits)} {unit}"
        value /= 1024
    return ""


def format_speed(bytes_per_second: float | None) -> str:
    if not bytes_per_second or bytes_per_second <= 0:
        return ""
    return QCoreApplication.translate("Formatting", "{size}/s").format(
        size=format_size(bytes_per_second)
    )


def format_duration(seconds: float | None) -> str:
    """Format a duration as "1 h 05 min", "4 min 20 s" or "35 s"."""
    if seconds is None or seconds < 0:
        return ""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return QCoreApplication.translate("Formatting", "{hours} h {minutes:02d} min").format(
            hours=hours, minutes=minutes
        )
    if minutes:
        return QCoreApplication.translate("Formatting", "{minutes} min {seconds:02d} s").format(
            minutes=minutes, seconds=secs
        )
    return QCoreApplication.translate("Formatting", "{seconds} s").format(seconds=secs)


def format_track_length(seconds: float | None) -> str:
    """Format a track length as "3:05"."""
    if seconds is None or seconds < 0:
        return ""
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def format_clock(timestamp: float) -> str:
    """Format a Unix time as the local clock time, with the date when it is not today."""
    local = time.localtime(timestamp)
    if time.strftime("%Y-%m-%d", local) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M", local)
    return time.strftime("%Y-%m-%d %H:%M", local)


def format_confidence(confidence: float | None) -> str:
    if confidence is None:
        return ""
    return f"{round(confidence * 100)} %"
