"""Errors a user can act on: each renders as ONE line (what, where, what to do)."""

from __future__ import annotations

import os


class YdtwinError(Exception):
    """Base class for errors that are reported to the user as one line, without a traceback."""


class ReadError(YdtwinError):
    """A file could not be read (missing, wrong format, bad coordinates, ...)."""

    def __init__(self, path: str | os.PathLike[str], problem: str, hint: str = "") -> None:
        self.path = os.fspath(path)
        self.problem = problem
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = f"{self.path}: {self.problem}"
        if self.hint:
            text += f" — {self.hint}"
        return text.replace("\n", " ")
