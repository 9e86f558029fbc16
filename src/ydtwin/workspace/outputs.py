"""Where a use case may write: checked before any work, for the command line and the window alike."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from ydtwin.errors import YdtwinError
from ydtwin.io.outputs import check_output_path

__all__ = ["check_output", "is_review_session"]

#: enough of a file's start to see a session's format tag
_HEAD = 4096


def is_review_session(path: Path) -> bool:
    """Whether ``path`` is a review session file (its format tag near the start). Never follows a link."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        import stat

        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, _HEAD)
    finally:
        os.close(fd)
    return b'"format"' in head and b"ydtwin-review-session/" in head


def check_output(path: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str] | None] = (),
                 kind: Literal["file", "folder"] = "file") -> Path:
    """The output ``path`` (absolute), or one error line before any work: everything
    :func:`ydtwin.io.outputs.check_output_path` refuses (a missing or unwritable folder, an input as the output,
    a folder or device in the way), and a review session in the way — the one file planners cannot
    re-create is never replaced by a report, findings or a flight path."""
    out = check_output_path(path, inputs=inputs, kind=kind)
    if kind == "file" and is_review_session(out):
        raise YdtwinError(f"{path}: is a review session; ydtwin writes no other file over one — choose another name")
    return out
