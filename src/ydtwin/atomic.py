"""Files written so that a crash or a kill never leaves a half-written one, and never through a link.

``write_text`` writes a temporary file in the same folder, flushes it to disk, renames it over the target
and syncs the folder. The temporary file is named after its writer: ``.<name>.<host>-<pid>-<start>.<random>.tmp``
(``host``: a checksum of the computer's name; ``start``: when the writing process started, seconds since
1970), so that the temporaries an interrupted save left behind can be told from those of a save in progress
in another process: :func:`remove_stale_temps` removes only those whose writer no longer runs (or, when the
writer cannot be told, that nobody has touched for a day).

Every file is opened without following a symbolic link at its own name and only when it is a regular file
(:func:`open_regular`): a link, a FIFO or a device planted at a name ydtwin writes or reads is refused with
:class:`LinkRefused`, never read, written, appended to, truncated or replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import socket
import stat
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import psutil

from ydtwin.errors import YdtwinError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["NOFOLLOW", "STALE_TEMP_AGE_S", "LinkRefused", "check_regular", "fsync", "fsync_folder", "locked", "open_regular",
           "process_alive", "read_fd", "remove_stale_temps", "temp_name", "write_all", "write_bytes", "write_text"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: flags for opening a file without following a symbolic link at its own name (POSIX; Windows refuses
#: links by the lstat check before the open)
NOFOLLOW = _NOFOLLOW | _BINARY

#: a temporary file whose writer cannot be told (another computer, an older ydtwin) is stale after this long
STALE_TEMP_AGE_S = 24 * 3600.0
#: a recorded process start time within this many seconds of the running process's is the same process
#: (Linux derives it from the boot time, which can be read a second apart)
START_TOLERANCE_S = 2.0


class LinkRefused(YdtwinError, OSError):
    """A file's own name is a symbolic link, or not a regular file (a folder, a FIFO, a device): it is never
    followed, read or written."""


# --- opening without following ---------------------------------------------------------------------------


def check_regular(path: str | os.PathLike[str]) -> os.stat_result | None:
    """``path``'s own status (never a link's target), None when nothing is there; :class:`LinkRefused` when
    it is a symbolic link or anything but a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise LinkRefused(f"{os.fspath(path)}: is a symbolic link (never followed)")
    if not stat.S_ISREG(st.st_mode):
        raise LinkRefused(f"{os.fspath(path)}: is not a regular file")
    return st


def open_regular(path: str | os.PathLike[str], flags: int, mode: int = 0o666) -> int:
    """``os.open`` for a regular file only: a symbolic link at ``path`` is never followed (``O_NOFOLLOW``
    where the platform has it, and an lstat before), a FIFO or a device is refused before it is opened and
    again after (the name may have been swapped in between; ``O_NONBLOCK`` keeps a FIFO from blocking the
    open). FileNotFoundError when there is nothing to open and ``flags`` does not create it."""
    check_regular(path)
    try:
        fd = os.open(path, flags | NOFOLLOW | _NONBLOCK | _NOCTTY | _CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link (EMLINK: the BSDs)
            raise LinkRefused(f"{os.fspath(path)}: is a symbolic link (never followed)") from None
        if exc.errno in (errno.ENXIO, errno.ENODEV):  # a FIFO with no reader, a device
            raise LinkRefused(f"{os.fspath(path)}: is not a regular file") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise LinkRefused(f"{os.fspath(path)}: is not a regular file")
        if fcntl is not None and _NONBLOCK:
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_fd(fd: int, limit: int | None = None, *, what: str = "file") -> bytes:
    """All of an open file from its start; ValueError (before reading) when it holds more than ``limit`` bytes."""
    size = os.fstat(fd).st_size
    if limit is not None and size > limit:
        raise ValueError(f"is {size:,} bytes, more than a {what} may hold ({limit:,} bytes)")
    chunks, offset = [], 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset) if hasattr(os, "pread") else _read_at(fd, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)
        if limit is not None and offset > limit:  # grown since
            raise ValueError(f"is more than {limit:,} bytes, more than a {what} may hold")


def _read_at(fd: int, offset: int) -> bytes:
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, 1 << 20)


def fsync(fd: int) -> None:
    """Flush a file to the disk itself (macOS's fsync stops at the drive's cache: F_FULLFSYNC there)."""
    full = getattr(fcntl, "F_FULLFSYNC", None) if fcntl is not None else None
    if full is not None:
        try:
            fcntl.fcntl(fd, full)
            return
        except OSError:
            pass
    os.fsync(fd)


@contextlib.contextmanager
def locked(fd: int, *, exclusive: bool) -> Iterator[None]:
    """An advisory lock on an open file (``flock``) while the block runs: shared for readers, exclusive for
    a writer. Released by the kernel when its holder dies. A no-op where the platform has no ``flock``."""
    if fcntl is None:
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def fsync_folder(folder: Path) -> None:
    """Make a file created or renamed in ``folder`` durable (its entry in the folder)."""
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- temporary files named after their writer -------------------------------------------------------------

_HOST = f"{zlib.crc32(socket.gethostname().encode('utf-8', 'replace')):08x}"
#: the writer's tag at the end of a temporary file's name (after the name it saves: another ydtwin file's
#: whose name begins with this one's, ``<file>.lock`` for ``<file>``, is recognised by its writer too)
_TEMP = re.compile(r"(?:^|\.)(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]{1,10})-(?P<started>[0-9]{1,12})\.[0-9a-f]{8,32}\.tmp$")
_me: tuple[int, str] | None = None


def _writer_tag() -> str:
    """``<host>-<pid>-<start>`` of this process (computed again in a forked child: another pid)."""
    global _me
    pid = os.getpid()
    if _me is None or _me[0] != pid:
        try:
            started = int(psutil.Process(pid).create_time())
        except psutil.Error:
            started = 0
        _me = (pid, f"{_HOST}-{pid}-{started}")
    return _me[1]


def temp_name(name: str) -> str:
    """A new temporary file name for a save of ``name`` by this process."""
    return f".{name}.{_writer_tag()}.{secrets.token_hex(6)}.tmp"


def process_alive(pid: int, started: float | None) -> bool:
    """Whether the process ``pid`` on this computer still runs and is the one that started at ``started``
    (None: not recorded; the pid alone decides). A zombie is gone; a pid given to a later process is gone.
    Never signals the process (``os.kill(pid, 0)`` terminates it on Windows)."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        now = proc.create_time()
    except psutil.NoSuchProcess:  # ZombieProcess included
        return False
    except psutil.AccessDenied:  # it exists; whether it is the same one cannot be told: assume it is
        return True
    return started is None or abs(now - started) <= START_TOLERANCE_S


def _stale(entry: Path, owner: str, now: float) -> bool:
    match = _TEMP.search(owner)
    if match and match["host"] == _HOST:
        return not process_alive(int(match["pid"]), float(match["started"]))
    try:  # another computer's writer, or a name from an older ydtwin: only its age tells
        return now - os.lstat(entry).st_mtime > STALE_TEMP_AGE_S
    except OSError:
        return False


def remove_stale_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files that interrupted saves of ``path`` left behind → the ones removed. A
    temporary file of a save still in progress (its writer runs, here or, for a day, on another computer)
    is left alone. Meant for the file's writer; a reader never removes anything."""
    path = Path(path)
    prefix = f".{path.name}."
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        candidate = Path(entry.path)
        with contextlib.suppress(OSError):
            if not entry.is_dir(follow_symlinks=False) and _stale(candidate, entry.name[len(prefix):], now):
                candidate.unlink()  # a link is removed itself, never what it points to
                removed.append(candidate)
    return removed


# --- the atomic write -------------------------------------------------------------------------------------


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until all of ``data`` is written."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; the folder is created when missing. A symbolic link or
    anything but a regular file at ``path`` is refused (:class:`LinkRefused`), neither written through nor
    replaced. The new file gets the permissions of any new file the user writes (their umask)."""
    return write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, as :func:`write_text` does."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    check_regular(path)
    tmp = path.with_name(temp_name(path.name))
    # O_EXCL: a fresh file, never something planted at that name (a link included); 0o666 less the umask
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | _CLOEXEC, 0o666)
    try:
        try:
            write_all(fd, data)
            fsync(fd)
        finally:
            os.close(fd)
        check_regular(path)  # planted while the temporary was written
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
