"""What every export shares: its errors, worded for the user in one line, and the date it is stamped with."""

from __future__ import annotations

from datetime import date


class ExportError(ValueError):
    """An export that cannot be made as asked (one line)."""


class Cancelled(Exception):
    """The export was cancelled; nothing was left at the target path."""


def today() -> str:
    return date.today().isoformat()
