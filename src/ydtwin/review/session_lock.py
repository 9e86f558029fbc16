"""The review session's lock file (``<file>.lock``): who holds a session, whether that process still runs
(psutil, with its start time, so a reused pid is not taken for the holder) and one process at a time taking
over a dead holder's lock."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import time
from pathlib import Path

import psutil
from pydantic import Field

from ydtwin.atomic import LinkRefused, fcntl, open_regular, process_alive
from ydtwin.errors import YdtwinError
from ydtwin.fileformat import StrictModel, read_text_nofollow
from ydtwin.review.session_format import Name, Stamp

__all__ = ["LockRecord", "SessionLocked"]

# --- the lock ------------------------------------------------------------------------------------------

_LOCK_LIMIT = 64 * 1024


class LockRecord(StrictModel):
    """The content of ``<file>.lock``: who holds the session. ``started`` (the process's start time, seconds
    since the epoch) tells a process that still runs from a later one given the same pid; locks written
    before it was recorded have none."""

    model_config = {"extra": "ignore"}
    user: Name
    host: Name
    pid: int = Field(ge=1, le=2**32)
    since: Stamp
    started: float | None = None


class SessionLocked(YdtwinError):
    def __init__(self, path: Path, holder: dict) -> None:
        self.holder = holder
        if holder:
            text = (f"{path}: being edited by {holder.get('user', '?')} on {holder.get('host', '?')} "
                    f"since {holder.get('since', '?')} — open it read-only, or ask them to close it")
        else:
            text = (f"{path}: locked, but its lock file cannot be read — open it read-only, or delete "
                    f"{Path(f'{path}.lock').name} if nobody has the session open")
        super().__init__(text)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds")


def _started(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def _alive(holder: LockRecord) -> bool:
    """Whether the process that wrote ``holder`` (on this host) still runs. It is gone when no process has
    its pid, when that process is a zombie, or when the process with its pid started at another time than
    the one recorded (the pid was given to a later process). Never signals the process (``os.kill(pid, 0)``
    terminates it on Windows)."""
    return process_alive(holder.pid, holder.started)


def _read_lock(path: Path) -> tuple[str | None, LockRecord | None]:
    """The lock file's raw text (None: no lock file) and its record (None: unreadable)."""
    try:
        text = read_text_nofollow(path, _LOCK_LIMIT)
    except LinkRefused as exc:
        raise YdtwinError(f"{exc} — a session lock is a plain file written by ydtwin; remove it") from None
    except (OSError, ValueError):  # unreadable, too big, not UTF-8
        return "", None
    if text is None:
        return None, None
    try:
        return text, LockRecord.model_validate(json.loads(text))
    except (ValueError, RecursionError):
        return text, None


@contextlib.contextmanager
def _takeover(path: Path, timeout: float = 10.0):
    """One process at a time takes over a dead holder's lock: an exclusive lock on ``<file>.lock.takeover``
    (never followed through a link). TimeoutError after ``timeout`` seconds."""
    if fcntl is None:  # Windows: filelock's own
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(path), timeout=timeout):
                yield
        except Timeout:
            raise TimeoutError(str(path)) from None
        return
    fd = open_regular(path, os.O_RDWR | os.O_CREAT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(str(path)) from None
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)
