"""Reading what a plugin ships without letting its size or its kind of file hurt the app.

Only regular files are read (a FIFO, a device such as ``/dev/zero``, a socket never is: they may never end
or never answer); sizes are checked before anything is read, and never more than the limit is read, even
from a file that grows meanwhile. Every message is one line: ``one_line`` makes any text fit there.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

__all__ = ["MAX_MANIFEST_BYTES", "LimitError", "file_kind", "is_under", "one_line", "open_regular", "read_limited"]

#: the largest manifest read: a real one is a few kB; anything above is refused unread
MAX_MANIFEST_BYTES = 2**20

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO that slipped past the checks must not wait for a writer
_BINARY = getattr(os, "O_BINARY", 0)


class LimitError(ValueError):
    """Not a regular file, or larger than allowed: refused before (or instead of) reading it."""


def file_kind(mode: int) -> str:
    """What a ``st_mode`` is, in words."""
    for test, words in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return words
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB" if n >= 2**20 else f"{n:,} bytes"


def _check(st: os.stat_result, limit: int, what: str) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise LimitError(f"{what} is {file_kind(st.st_mode)}, not a regular file: refused unread")
    if st.st_size > limit:
        raise LimitError(f"{what} is {_size(st.st_size)}, over the {_size(limit)} limit: refused unread")


def open_regular(path: str | os.PathLike[str], limit: int, what: str = "the file"):
    """A binary file object for ``path`` once it is known to be a regular file of at most ``limit`` bytes.
    Raises ``LimitError`` (nothing read) or ``OSError``. The kind and size are checked on the path, then
    again on what was opened (the file may have been swapped in between)."""
    _check(os.stat(path), limit, what)
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    try:
        _check(os.fstat(fd), limit, what)
        if _NONBLOCK and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: str | os.PathLike[str], limit: int, what: str = "the file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; never reads more than ``limit + 1`` bytes.
    Raises ``LimitError`` or ``OSError``."""
    with open_regular(path, limit, what) as f:
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew after the size was checked
        raise LimitError(f"{what} is over the {_size(limit)} limit: refused")
    return data


def one_line(text: object, limit: int = 300) -> str:
    """``text`` as one printable line of at most ``limit`` characters: line breaks and tabs become spaces,
    other control and format characters (bidirectional overrides, zero-width marks, NUL) are escaped."""
    try:
        s = text if isinstance(text, str) else str(text)
    except Exception:  # noqa: BLE001 - an object whose str() fails still gets a line
        s = f"<{type(text).__name__} that cannot be shown>"
    s = s[: limit * 4]
    out = []
    for ch in s:
        if ch in "\r\n\t\v\f\x85\u2028\u2029":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != " ":
            out.append(ascii(ch)[1:-1])
        else:
            out.append(ch)
    line = "".join(out)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def is_under(path: Path, folder: Path) -> bool:
    """``path`` resolves inside ``folder`` (False when it cannot be resolved)."""
    try:
        return Path(path).resolve().is_relative_to(Path(folder).resolve())
    except (OSError, ValueError, RuntimeError):
        return False
