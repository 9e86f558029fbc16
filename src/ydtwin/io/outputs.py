"""Output paths: checked before any work is done, and written so that only a finished file has the name asked.

:func:`check_output_path` is asked for every file or folder ydtwin is told to write (``--out``, an export
dialog): a path that cannot be written is refused at once, in one line naming the path and why, before a scene is
built or a frame rendered. Nothing is created on the way: a missing folder is the user's to make.

While an output is being written it has another, hidden name (:func:`partial_path`,
``.<name>.incomplete-<pid>@<host>``) that never ends in the output's suffix, so a killed export never leaves
anything that looks like (or plays as) a finished file; the finished file appears by one atomic rename. The
left-overs of writers that died are removed by the next export to the same folder (:func:`clean_partials`).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from ydtwin.errors import YdtwinError

__all__ = ["OutputError", "check_output_path", "clean_partials", "partial_path"]

#: room kept in a file name for the partial name's additions (".", ".incomplete-<pid>@<host>")
_PARTIAL_ROOM = 60
#: partial outputs of earlier ydtwin versions (".<stem>.part.mp4"): removed once this old
_LEGACY_AGE_S = 3600.0
_PARTIAL = re.compile(r"^\..+\.incomplete-(?P<pid>\d{1,10})@(?P<host>[A-Za-z0-9-]{0,32})$")
_LEGACY = re.compile(r"^\..+\.part\.(mp4|gif)$")
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


class OutputError(YdtwinError):
    """An output that cannot be written where asked: one line naming the path, what is wrong, what to do."""

    def __init__(self, path: str | os.PathLike[str], problem: str, hint: str = "") -> None:
        self.path = os.fspath(path)
        self.problem = problem
        self.hint = hint
        text = f"{self.path}: {problem}" + (f" — {hint}" if hint else "")
        super().__init__(text.replace("\n", " "))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _same(a: Path, b: Path) -> bool:
    if a == b or a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output_path(path: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str] | None] = (),
                      kind: Literal["file", "folder"] = "file") -> Path:
    """The output ``path`` as an absolute path, or :class:`OutputError` (a :class:`~ydtwin.errors.YdtwinError`,
    one line naming the path and why) when it cannot be written there:

    - its folder does not exist, is not a folder, or cannot be written in (a file is created there and removed
      to find out: ``/proc``, a read-only disk, a folder without permission);
    - it is one of ``inputs`` (the same path, the same file through a symbolic or hard link);
    - ``kind="file"``: it exists and is not a regular file (a folder, a device, a FIFO); a symbolic link there is
      replaced by the output, never followed;
    - ``kind="folder"`` (a PNG sequence): it exists and is not an empty folder;
    - its name is empty or too long for the file system.

    Nothing is created or changed. Call it before any work (a scene built, a frame rendered)."""
    text = os.fspath(path)
    if not text:
        raise OutputError("''", "no output path given")
    if "\0" in text:
        raise OutputError(repr(text), "contains a NUL character")
    out = Path(os.path.abspath(text))
    name = out.name
    if not name or name in (".", "..") or (kind == "file" and text.endswith(os.sep)):
        raise OutputError(text, "names a folder, not a file" if kind == "file" else "is not a folder's name",
                          "give the output's full name")
    folder = out.parent
    try:
        folder_mode = os.stat(folder).st_mode
    except FileNotFoundError:
        raise OutputError(text, f"the folder {folder} does not exist", "create it first, or choose another") from None
    except NotADirectoryError:
        raise OutputError(text, f"{folder} is not a folder", "choose an output in a folder") from None
    except OSError as exc:
        raise OutputError(text, f"the folder {folder} cannot be reached ({exc.strerror or exc})") from None
    if not stat.S_ISDIR(folder_mode):
        raise OutputError(text, f"{folder} is not a folder", "choose an output in a folder")
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        name_max = 255
    if len(os.fsencode(name)) + _PARTIAL_ROOM > name_max:
        raise OutputError(text, f"the name is {len(os.fsencode(name))} bytes long; at most "
                          f"{name_max - _PARTIAL_ROOM} here", "choose a shorter name")
    for item in inputs:
        if item is None or not os.fspath(item):
            continue
        source = Path(os.path.abspath(os.fspath(item)))
        if _same(out, source):
            raise OutputError(text, f"is one of the inputs ({source}): writing it would destroy it",
                              "choose another output name")
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(text, f"cannot be checked ({exc.strerror or exc})") from None
    if st is not None and not stat.S_ISLNK(st.st_mode):
        if kind == "file" and not stat.S_ISREG(st.st_mode):
            raise OutputError(text, f"is {_kind(st.st_mode)}, not a file", "choose a file name")
        if kind == "folder":
            if not stat.S_ISDIR(st.st_mode):
                raise OutputError(text, f"is {_kind(st.st_mode)}, not a folder",
                                  "a PNG sequence goes into a new or empty folder")
            if any(out.iterdir()):
                raise OutputError(text, "is a folder that is not empty", "a PNG sequence goes into a new or empty folder")
    elif st is not None and kind == "folder":
        raise OutputError(text, "is a symbolic link", "a PNG sequence goes into a new or empty folder")
    _probe(folder, text)
    return out


def _probe(folder: Path, text: str) -> None:
    """Create and remove a file in ``folder``: the one sure test that an output can be written there."""
    probe = folder / f".ydtwin-write-test-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except PermissionError:
        raise OutputError(text, f"the folder {folder} is not writable (permission denied)",
                          "choose a folder you can write in") from None
    except OSError as exc:
        raise OutputError(text, f"files cannot be created in {folder} ({exc.strerror or exc})",
                          "choose a folder you can write in") from None
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        pass


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:32]


def partial_path(target: str | os.PathLike[str]) -> Path:
    """Where ``target`` is written until it is complete: ``.<name>.incomplete-<pid>@<host>`` beside it (hidden,
    never ending in the target's suffix, naming the writer so that its left-overs can be told apart)."""
    target = Path(target)
    return target.with_name(f".{target.name}.incomplete-{os.getpid()}@{_host()}")


def _writer_gone(pid: int, since: float) -> bool:
    """True when process ``pid`` of this machine no longer writes: it is not running, or the process with that
    id started after the file was last written (the id was reused)."""
    import psutil

    try:
        started = psutil.Process(pid).create_time()
    except psutil.NoSuchProcess:
        return True
    except (psutil.AccessDenied, psutil.ZombieProcess):
        return False
    return started > since + 2.0


def clean_partials(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the partial outputs that writers on this machine left in ``folder`` when they died (a kill, a
    crash, a power cut) → what was removed. A partial output whose writer still runs, or that another machine
    writes (a shared folder), is left alone; so is anything not named like one. Partial videos of earlier
    versions (``.<stem>.part.mp4``, ``.<stem>.part.gif``) are removed once an hour old."""
    removed: list[Path] = []
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _PARTIAL.match(entry.name)
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if match:
            if match["host"] != host or not _writer_gone(int(match["pid"]), st.st_mtime):
                continue
        elif not (_LEGACY.match(entry.name) and now - st.st_mtime > _LEGACY_AGE_S):
            continue
        path = Path(entry.path)
        try:
            if stat.S_ISDIR(st.st_mode):
                _remove_tree(path)
            else:
                path.unlink()  # a file, or a link (never what it points to)
        except OSError:
            continue
        removed.append(path)
    return removed


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path)  # refuses a symbolic link at the top; links inside are removed, not followed
