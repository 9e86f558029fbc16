"""Where a use case may write: checked before any work, for the command line and the window alike."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from ydtwin.atomic import open_regular
from ydtwin.errors import YdtwinError
from ydtwin.io.outputs import check_output_path

__all__ = ["check_new_session", "check_output", "check_output_folder", "is_review_session", "replace_layers"]

#: enough of a file's start to see a session's format tag
_HEAD = 4096


def is_review_session(path: Path) -> bool:
    """Whether ``path`` is a review session file (its format tag near the start). Never follows a link."""
    try:
        fd = open_regular(path, os.O_RDONLY)
    except OSError:  # nothing there, a link, a FIFO or a device: not a session to protect
        return False
    try:
        head = os.read(fd, _HEAD)
    finally:
        os.close(fd)
    return b'"format"' in head and b"ydtwin-review-session/" in head


def check_new_session(path: str | os.PathLike[str]) -> Path:
    """Where a new review session may be created: nothing there yet (a session is never overwritten by
    'new', never written through a link), in a folder that can be written. One error line otherwise."""
    path = Path(path)
    if path.is_symlink():
        raise YdtwinError(f"{path}: is a symbolic link (a session is never written through one)")
    if path.exists():
        raise YdtwinError(f"{path}: already exists (a session is never overwritten by 'new')")
    check_output_path(path)
    return path


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


def replace_layers(scene, roles, layers) -> list:
    """An analysis's result shown in place of the one shown before: the scene's layers of ``roles`` removed,
    ``layers`` added → them."""
    for layer in [lyr for lyr in scene.layers if lyr.role in roles]:
        scene.layers.remove(layer)
    for layer in layers:
        scene.add(layer)
    return layers


def check_output_folder(out: str | os.PathLike[str], own: set[str], what: str) -> Path:
    """``out`` where an output folder may be written: new or empty, or one holding only the names ``own`` (an
    earlier output of the same kind, ``what``); never a link, a file, or a folder holding anything else, and
    none of its own names may be a link."""
    from ydtwin.errors import YdtwinError

    path = Path(out)
    if path.is_symlink():
        raise YdtwinError(f"--out {out}: is a symbolic link (give the folder itself)")
    if path.exists() and not path.is_dir():
        raise YdtwinError(f"--out {out}: is a file, not a folder")
    if path.is_dir():
        names = {p.name for p in path.iterdir()}
        if names and not names <= own:
            raise YdtwinError(f"--out {out}: the folder holds other files ({', '.join(sorted(names)[:3])} …); "
                              f"give a new or empty folder, or {what}")
        for name in sorted(names):
            if (path / name).is_symlink():
                raise YdtwinError(f"--out {out}: {name} is a symbolic link")
    return path
