"""The review session's journal records: each edit framed with its length and checksum, so that a record a
crash tore (cut short, or written only in part) is told from an intact one.

A record is one line: ``<length> <crc32> <edit>\\n`` — the length in bytes of ``<edit>`` (decimal), its
CRC-32 (8 lowercase hex digits) and the edit itself, one line of JSON in UTF-8 (JSON never holds a raw
line break, so a record's only ``\\n`` is its last byte). Journals written before records were framed hold
plain JSON lines (``{...}\\n``); they are read as well, and a journal may hold both.

:func:`scan` reads a journal's bytes into its intact records and, when the journal ends in a torn record,
where the intact part ends (:class:`TornTail`): only the end of a journal can be torn, since every record is
on disk before the next one is written and a torn tail is cut before anything is appended. Damage followed
by intact records is not a tail: it is refused (:class:`JournalDamaged`), nothing is cut. One exception:
older ydtwin versions appended edits onto a line a crash had cut; such a line is taken apart, the edit
appended to it kept and the cut part skipped (and reported).
"""

from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ydtwin.atomic import LinkRefused, open_regular, read_fd
from ydtwin.errors import ReadError
from ydtwin.fileformat import error_line
from ydtwin.review.session_format import _EDIT

__all__ = ["MAX_JOURNAL", "MAX_RECORD", "JournalDamaged", "Scan", "TornTail", "edits", "encode", "open_journal",
           "own_file", "read_journal", "scan", "scan_file"]

#: the largest edit a record holds (bytes of JSON); a larger edit is refused before it is journalled
MAX_RECORD = 16 * 1024 * 1024
#: the largest journal (and session file) read
MAX_JOURNAL = 256 * 1024 * 1024

_HEADER = re.compile(rb"([0-9]{1,9}) ([0-9a-f]{8}) ")
_LEGACY_START = b'{"time": '  # how every edit older versions wrote begins


def encode(edit: dict) -> bytes:
    """The record of an edit. ValueError when it is larger than :data:`MAX_RECORD`."""
    payload = json.dumps(edit, ensure_ascii=False, separators=(", ", ": ")).encode("utf-8")
    if len(payload) > MAX_RECORD:
        raise ValueError(f"the edit is {len(payload):,} bytes, more than an edit may hold ({MAX_RECORD:,})")
    return b"%d %08x " % (len(payload), zlib.crc32(payload)) + payload + b"\n"


@dataclass(frozen=True)
class TornTail:
    """The end of a journal that a crash tore: ``kept`` bytes of intact records, then ``cut`` bytes that are
    not a whole record (``reason``: what is wrong with them)."""

    kept: int
    cut: int
    reason: str
    records: int = 0  #: intact records before it

    def describe(self, journal: object) -> str:
        return (f"{journal}: the last {self.cut:,} bytes (after byte {self.kept:,}, {self.records} intact edits) "
                f"are an edit torn by a crash ({self.reason}); every edit before it is kept")


class JournalDamaged(ValueError):
    """Damage in the middle of a journal (intact records follow it): not a crash's tear; nothing is cut."""

    def __init__(self, offset: int, line: int, reason: str) -> None:
        self.offset, self.line, self.reason = offset, line, reason
        super().__init__(f"line {line} (byte {offset:,}) is damaged ({reason}) and intact edits follow it — "
                         f"not a crash's tear: nothing was cut")


@dataclass
class Scan:
    """A journal read: its intact records as (line number, edit JSON), where they end, the torn tail (None:
    none), and the parts of lines older versions appended onto that were skipped (offset, bytes)."""

    records: list[tuple[int, bytes]] = field(default_factory=list)
    end: int = 0
    torn: TornTail | None = None
    skipped: list[tuple[int, int]] = field(default_factory=list)


class _Bad(Exception):
    pass


def _framed(data: bytes, pos: int) -> tuple[bytes, int]:
    """The record at ``pos`` → (its edit, where the next begins); _Bad(reason) when it is not intact."""
    head = _HEADER.match(data, pos)
    if head is None:
        raise _Bad("cut short" if data.find(b"\n", pos) < 0 else "no record header")
    length, start = int(head[1]), head.end()
    end = start + length
    if length > MAX_RECORD:
        raise _Bad(f"a length of {length:,} bytes")
    if end >= len(data):
        raise _Bad(f"cut short: {max(0, len(data) - start):,} of {length:,} bytes")
    if data[end] != 0x0A:
        raise _Bad("its length does not match")
    payload = data[start:end]
    if f"{zlib.crc32(payload):08x}".encode() != head[2]:
        raise _Bad("its checksum does not match")
    return payload, end + 1


def _parses(text: bytes) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except RecursionError:  # JSON, too deeply nested: the edit's own check refuses it with its line
        return True
    except ValueError:
        return False


def _legacy(data: bytes, pos: int) -> tuple[bytes, int, int]:
    """The plain JSON line at ``pos`` → (its edit, where the next begins, bytes skipped before the edit)."""
    nl = data.find(b"\n", pos)
    if nl < 0:
        raise _Bad("a line cut short")
    line = data[pos:nl]
    if _parses(line):
        return line, nl + 1, 0
    # an edit an older version appended onto a line a crash had cut: the edit begins at the last '{"time": '
    # (inside a JSON string a quote is escaped: those bytes begin an edit and nothing else)
    at = line.rfind(_LEGACY_START)
    if at > 0 and _parses(line[at:]):
        return line[at:], nl + 1, at
    raise _Bad("not an edit")


def _record(data: bytes, pos: int) -> tuple[bytes, int, int]:
    if data[pos:pos + 1] == b"{":
        return _legacy(data, pos)
    payload, nxt = _framed(data, pos)
    return payload, nxt, 0


def _intact_after(data: bytes, pos: int) -> int:
    """Where the first intact record that begins a line after ``pos`` begins (-1: none)."""
    nl = data.find(b"\n", pos)
    while 0 <= nl < len(data) - 1:
        try:
            _record(data, nl + 1)
            return nl + 1
        except _Bad:
            nl = data.find(b"\n", nl + 1)
    return -1


def scan(data: bytes) -> Scan:
    """A journal's bytes → its intact records and its torn tail. :class:`JournalDamaged` when a record in
    the middle is damaged (not a tail)."""
    out = Scan()
    pos, line, intact = 0, 0, -1
    while pos < len(data):
        line += 1
        try:
            payload, nxt, skipped = _record(data, pos)
        except _Bad as bad:
            if intact <= pos:  # not known yet (each damaged line would search the rest again)
                intact = _intact_after(data, pos)
            if intact < 0:
                out.torn = TornTail(kept=pos, cut=len(data) - pos, reason=str(bad), records=len(out.records))
                return out
            nl = data.find(b"\n", pos)
            if data[pos:pos + 1] == b"{" and nl >= 0:  # a plain line an older version left: skipped, reported
                out.skipped.append((pos, nl + 1 - pos))
                pos = out.end = nl + 1
                continue
            raise JournalDamaged(pos, line, str(bad)) from None
        if skipped:
            out.skipped.append((pos, skipped))
        out.records.append((line, payload))
        pos = out.end = nxt
    return out


# --- the journal file ------------------------------------------------------------------------------------


def own_file(path: Path, fd: int) -> os.stat_result:
    """The status of a journal about to be appended to or cut. One with another name (a hard link) is
    refused: changing it would change that other file too."""
    st = os.fstat(fd)
    if st.st_nlink > 1:
        raise LinkRefused(f"{path}: has {st.st_nlink} names (hard links): appending to it or emptying it "
                          "would change another file")
    return st


def open_journal(journal: Path, *, write: bool) -> tuple[int | None, bool]:
    """The journal opened (None: there is none) and whether for writing (a journal this user may not
    write is read all the same; its torn tail cannot be cut then)."""
    what = "review session's journal"
    try:
        try:
            return open_regular(journal, os.O_RDWR if write else os.O_RDONLY), write
        except PermissionError:
            if not write:
                raise
            return open_regular(journal, os.O_RDONLY), False
    except FileNotFoundError:
        return None, False
    except LinkRefused as exc:
        raise ReadError(journal, str(exc).removeprefix(f"{journal}: "), f"open the {what} itself") from None
    except OSError as exc:
        raise ReadError(journal, f"cannot be read ({exc.strerror or exc})") from None


def read_journal(journal: Path, fd: int) -> bytes:
    try:
        return read_fd(fd, MAX_JOURNAL, what="review session's journal")
    except ValueError as exc:
        raise ReadError(journal, str(exc)) from None
    except OSError as exc:
        raise ReadError(journal, f"cannot be read ({exc.strerror or exc})") from None


def scan_file(journal: Path, data: bytes) -> Scan:
    try:
        return scan(data)
    except JournalDamaged as exc:
        raise ReadError(journal, str(exc), "move the journal aside to open the session without its edits, "
                                           "and keep it for support") from None


def edits(journal: Path, scan: Scan, known: set[str]) -> list[dict]:
    """The journal's intact records as edits, in order. A record that is not an :data:`Edit`, or an edit of
    a finding that neither the file nor an earlier record adds, raises a one-line ReadError naming the line."""
    known = set(known)
    edits = []
    for n, payload in scan.records:
        try:
            edit = json.loads(payload)
        except ValueError as exc:
            raise ReadError(journal, f"line {n}: not an edit (not valid JSON: {exc})") from None
        except RecursionError:
            raise ReadError(journal, f"line {n}: nested too deeply") from None
        try:
            _EDIT.validate_python(edit)
        except ValidationError as exc:
            raise ReadError(journal, f"line {n}: invalid edit: {error_line(exc)}") from None
        except RecursionError:
            raise ReadError(journal, f"line {n}: nested too deeply") from None
        if edit["op"] == "add_finding":
            known.add(edit["finding"]["id"])
        elif edit["id"] not in known:
            raise ReadError(journal, f"line {n}: an edit of finding {edit['id']!r}, which the session does not hold")
        edits.append(edit)
    return edits
