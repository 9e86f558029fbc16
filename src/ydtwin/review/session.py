"""Review sessions: findings with their status, comments and viewpoints, saved so that nothing is lost.

A session file is JSON (no executable content, ``SESSION_FORMAT``) written atomically: a temporary file in
the same folder (named after its writer, so that only an interrupted save's is ever removed), flushed and
fsynced, then renamed over the old one (and the folder fsynced). Between saves every edit is appended to a
journal next to it (``<file>.journal``: one record per edit, framed with its length and CRC-32,
``ydtwin.review.journal``); an edit method returns only once its record is on disk. After a crash, a kill or
a power cut the next open finds the journal and ``recover()`` replays every edit; a record the crash tore is
reported (``torn``, ``torn_message()``, the log) and cut before anything is appended. A lock file
(``<file>.lock``: user, host, process, its start time, since) tells a second planner who holds the session;
they may open it read-only, which changes nothing on disk. Sessions edited separately by two cities merge
without losing a comment; conflicting status changes are listed for a decision.

The file and each journal record follow pydantic models (:class:`SessionFile`, :data:`Edit`): a bad file or
journal is refused at open with one line naming the file and the key (a file or journal over 256 MB before
it is read), an edit that breaks them is refused before it is journalled, and the published schema
(docs/review-session.schema.json) is generated from the models (``packaging/file_schemas.py``). The session
file, its journal and its lock are never followed through a symbolic link and must be regular files: a link,
a FIFO or a device at one of those names is refused, never read, appended to, truncated or replaced.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import socket
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ydtwin.atomic import (
    NOFOLLOW,
    LinkRefused,
    fsync,
    fsync_folder,
    locked,
    open_regular,
    read_fd,
    remove_stale_temps,
    temp_name,
    write_all,
    write_text,
)
from ydtwin.errors import ReadError, YdtwinError
from ydtwin.fileformat import error_line, read_bytes_nofollow
from ydtwin.review import journal as _journal
from ydtwin.review.journal import MAX_JOURNAL, JournalDamaged, TornTail
from ydtwin.review.session_format import (
    FINDING_STATUSES,
    SESSION_FORMAT,
    FindingStatus,
    SessionFile,
    _check_edit,
    session_json_schema,
)
from ydtwin.review.session_lock import (  # noqa: F401 - SessionLocked is part of this module's API
    LockRecord,
    SessionLocked,
    _alive,
    _now,
    _read_lock,
    _started,
    _takeover,
)

__all__ = ["FINDING_STATUSES", "MAX_JOURNAL", "FindingStatus", "Session", "SessionFile", "SessionLocked", "TornTail",
           "merge_sessions", "session_json_schema"]

log = logging.getLogger(__name__)

def __getattr__(name: str):
    if name == "STATUSES":  # the old, ambiguous name (the manifest's STATUSES are plan statuses)
        warnings.warn("ydtwin.review.session.STATUSES is deprecated: use FINDING_STATUSES", DeprecationWarning,
                      stacklevel=2)
        return FINDING_STATUSES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- the session ---------------------------------------------------------------------------------------


@dataclass
class Session:
    path: Path | None = None
    title: str = ""
    scenario: dict = field(default_factory=dict)
    findings: dict[str, dict] = field(default_factory=dict)
    created: str = field(default_factory=_now)
    read_only: bool = False
    #: edits found in the journal when opened (``recover()`` replays them)
    pending: list[dict] = field(default_factory=list)
    #: the end of the journal a crash tore, found when opened (or before an append): reported, and cut unless
    #: the session is read-only; None when the journal was whole. ``torn_message()`` says it in one line.
    torn: TornTail | None = None
    #: parts of journal lines that older versions appended onto (offset, bytes): skipped, reported
    journal_skipped: list[tuple[int, int]] = field(default_factory=list)
    _lock_held: bool = False
    _lock_record: dict | None = None
    _journal_end: int = 0  # where the journal's intact records end, as this session last saw it
    _torn_cut: bool = False

    def __post_init__(self) -> None:
        if self.path is not None:
            self.path = Path(self.path)

    # --- edits (each also goes to the journal) ----------------------------------------------------------

    def add_finding(self, finding: dict, *, viewpoint: dict | None = None) -> None:
        """A finding from the checks (``Finding.to_json()``) or a manual one (with its own id). A finding or
        viewpoint the session file could not hold raises ValueError naming the key."""
        self._edit({"op": "add_finding", "finding": _plain(finding), "viewpoint": _plain(viewpoint)})

    def set_status(self, finding_id: str, status: str, *, author: str, city: str) -> None:
        """A finding's review status: one of :data:`FINDING_STATUSES`."""
        if status not in FINDING_STATUSES:
            raise ValueError(f"status must be one of {FINDING_STATUSES}")
        self._edit({"op": "set_status", "id": finding_id, "status": status, "author": author, "city": city})

    def set_viewpoint(self, finding_id: str, viewpoint: dict, *, author: str, city: str) -> None:
        """The camera a planner chose for a finding: ``{"eye": [lon, lat, h], "target": [lon, lat, h],
        "view_angle": deg}`` (the box ``view`` it had is kept as a fallback)."""
        for key in ("eye", "target"):
            value = viewpoint.get(key)
            if not (isinstance(value, list | tuple) and len(value) == 3
                    and all(isinstance(v, int | float) for v in value)):
                raise ValueError(f"viewpoint {key} must be [lon, lat, height]")
        angle = float(viewpoint.get("view_angle", 30.0))
        if not 1.0 <= angle <= 120.0:
            raise ValueError("viewpoint view_angle must be 1–120 degrees")
        vp = {"eye": [float(v) for v in viewpoint["eye"]], "target": [float(v) for v in viewpoint["target"]],
              "view_angle": angle}
        self._edit({"op": "set_viewpoint", "id": finding_id, "viewpoint": vp, "author": author, "city": city})

    def comment(self, finding_id: str, text: str, *, author: str, city: str, measurement: dict | None = None) -> None:
        """A comment on a finding; ``measurement`` (a Measurement's ``to_json()``) attaches a measurement to it."""
        edit = {"op": "comment", "id": finding_id, "text": text, "author": author, "city": city}
        if measurement is not None:
            edit["measurement"] = _plain(measurement)
        self._edit(edit)

    def _edit(self, edit: dict) -> None:
        """Check the edit against :data:`Edit` (ValueError: nothing applied or journalled), append its record
        to the journal and flush it to disk, then apply it: when this returns, the edit survives a crash or a
        power cut. Never through a symbolic link at the journal's name."""
        if self.read_only:
            raise YdtwinError("this session is open read-only")
        edit = {"time": _now(), "edit": uuid.uuid4().hex, **edit}
        if edit["op"] == "add_finding" and edit["viewpoint"] is None:
            edit.pop("viewpoint")
        _check_edit(edit)
        if edit["op"] != "add_finding" and edit["id"] not in self.findings:
            raise KeyError(f"no finding {edit['id']} in this session")
        if self.path is not None:
            self._append(_journal.encode(edit))
        self._apply(edit)

    def _append(self, record: bytes) -> None:
        """Append one record to the journal under its exclusive lock, fsynced (the folder too when the
        journal is new). A torn tail left by a writer that died since this session last looked is cut first;
        a record this append could only write in part (disk full) is taken back."""
        journal = self.journal_path
        journal.parent.mkdir(parents=True, exist_ok=True)
        created = False
        try:
            fd = open_regular(journal, os.O_RDWR | os.O_APPEND)
        except FileNotFoundError:
            try:
                fd, created = open_regular(journal, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL), True
            except FileExistsError:  # created by another writer in between
                fd = open_regular(journal, os.O_RDWR | os.O_APPEND)
        try:
            with locked(fd, exclusive=True):
                size = _journal.own_file(journal, fd).st_size
                if size != self._journal_end:  # written or emptied by another process since
                    size = self._check_tail(fd)
                try:
                    write_all(fd, record)
                    fsync(fd)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.ftruncate(fd, size)
                    raise
                if created:
                    fsync_folder(journal.parent)
                self._journal_end = size + len(record)
        finally:
            os.close(fd)

    def _check_tail(self, fd: int) -> int:
        """Read the whole journal (locked by the caller) and cut a torn tail → where its intact records end."""
        journal = self.journal_path
        try:
            scan = _journal.scan(read_fd(fd, MAX_JOURNAL, what="review session's journal"))
        except JournalDamaged as exc:
            raise YdtwinError(f"{journal}: {exc} — nothing was appended; save the session to start a new "
                              "journal") from None
        except ValueError as exc:
            raise YdtwinError(f"{journal}: {exc}") from None
        if scan.torn is not None:
            self._cut(fd, scan.torn)
        return scan.end

    def _cut(self, fd: int, torn: TornTail) -> None:
        os.ftruncate(fd, torn.kept)
        fsync(fd)
        self.torn, self._torn_cut = torn, True
        log.warning("%s — cut", torn.describe(self.journal_path))

    def torn_message(self) -> str | None:
        """One line saying what a crash tore off the journal's end (None: nothing), for the user."""
        if self.torn is None:
            return None
        if self._torn_cut:
            done = "cut"
        else:
            done = "left in place (" + ("opened read-only)" if self.read_only else "the journal cannot be written)")
        return f"{self.torn.describe(self.journal_path)} — {done}"

    def _apply(self, edit: dict) -> None:
        op = edit["op"]
        if op == "add_finding":
            f = edit["finding"]
            rec = self.findings.setdefault(f["id"], {"finding": f, "status": "open", "history": [], "comments": [],
                                                     "viewpoint": edit.get("viewpoint")})
            rec["finding"] = f
            if edit.get("viewpoint") is not None:
                rec["viewpoint"] = edit["viewpoint"]
            return
        rec = self.findings.get(edit["id"])
        if rec is None:
            raise KeyError(f"no finding {edit['id']} in this session")
        if op == "set_status":
            rec["history"].append({k: edit.get(k) for k in ("time", "edit", "author", "city")}
                                  | {"from": rec["status"], "to": edit["status"]})
            rec["status"] = edit["status"]
        elif op == "comment":
            rec["comments"].append({k: edit.get(k) for k in ("time", "edit", "author", "city", "text")}
                                   | ({"measurement": edit["measurement"]} if edit.get("measurement") else {}))
        elif op == "set_viewpoint":
            rec["viewpoint"] = {**(rec.get("viewpoint") or {}), **edit["viewpoint"]}
        else:
            raise ValueError(f"unknown edit {op!r}")

    # --- files -----------------------------------------------------------------------------------------

    @property
    def journal_path(self) -> Path:
        return Path(f"{self.path}.journal")

    @property
    def lock_path(self) -> Path:
        return Path(f"{self.path}.lock")

    def to_json(self) -> dict:
        """The file's content; ValueError (naming the key) when it would not follow :class:`SessionFile`."""
        doc = {"format": SESSION_FORMAT, "title": self.title, "created": self.created, "saved": _now(),
               "scenario": self.scenario, "findings": [self.findings[k] for k in sorted(self.findings)]}
        try:
            SessionFile.model_validate(_plain(doc))
        except ValidationError as exc:
            raise ValueError(f"this session cannot be saved: {error_line(exc)}") from None
        return doc

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Atomic save; the journal is emptied once the file is safely in place (both under the journal's
        exclusive lock, so that a reader sees the old file and its journal, or the new file and an empty
        journal). A symbolic link or anything but a regular file at the session's or the journal's name is
        refused (:class:`~ydtwin.atomic.LinkRefused`): never written through, replaced or truncated."""
        if path is not None:
            self.path = Path(path)
        if self.path is None:
            raise ValueError("a new session needs a path")
        try:
            doc = self.to_json()
        except ValueError as exc:
            raise YdtwinError(f"{self.path}: {exc}") from None
        text = json.dumps(doc, ensure_ascii=False, indent=1)
        try:
            fd = open_regular(self.journal_path, os.O_RDWR)
        except FileNotFoundError:
            fd = None
        try:
            with locked(fd, exclusive=True) if fd is not None else contextlib.nullcontext():
                if fd is not None:
                    _journal.own_file(self.journal_path, fd)
                write_text(self.path, text)
                if fd is not None:
                    os.ftruncate(fd, 0)
                    fsync(fd)
        finally:
            if fd is not None:
                os.close(fd)
        self._journal_end = 0
        self.pending = []
        return self.path

    @classmethod
    def open(cls, path: str | os.PathLike, *, read_only: bool = False, lock: bool = True,
             must_exist: bool = False) -> Session:
        """Open a session (taking its lock unless read-only). Journal edits not yet in the file are in
        ``pending`` (``recover()`` applies them). A torn tail of the journal (a crash in the middle of a
        record) is reported in ``torn`` and the log and, unless read-only, cut before anything is appended.
        Opened for writing, the temporaries of saves whose writer no longer runs are removed; a read-only
        open changes nothing. Without ``must_exist`` a missing file is a new, empty session; read-only it
        must exist. A file or journal that does not follow the format, is larger than :data:`MAX_JOURNAL`
        bytes, or is a symbolic link or not a regular file raises a one-line :class:`ReadError` naming the
        file and what is wrong."""
        path = Path(path)
        s = cls(path=path, read_only=read_only)
        if (must_exist or read_only) and not os.path.lexists(path) and not os.path.lexists(s.journal_path):
            raise YdtwinError(f"{path}: no such review session")
        if lock and not read_only:
            s.acquire_lock()
        try:
            if not read_only:
                remove_stale_temps(path)
            s._load()
        except BaseException:
            s.close()
            raise
        return s

    def _load(self) -> None:
        """Read the file and its journal as one snapshot, under the journal's lock (shared when read-only;
        a writer holds it exclusively while it appends or saves): a save in between is seen whole or not at
        all. Then report, and unless read-only cut, a torn tail (still under the lock)."""
        path, journal = self.path, self.journal_path
        fd, writable = _journal.open_journal(journal, write=not self.read_only)
        try:
            with locked(fd, exclusive=writable) if fd is not None else contextlib.nullcontext():
                text = _read(path, "review session")
                data = b"" if fd is None else _journal.read_journal(journal, fd)
                if writable:
                    self._take(text, data, fd)
            if not writable:
                self._take(text, data, None)
        finally:
            if fd is not None:
                os.close(fd)

    def _take(self, text: str | None, data: bytes, fd: int | None) -> None:
        """The file's text and the journal's bytes → findings, pending edits, the torn tail (cut in ``fd``)."""
        journal = self.journal_path
        if text is not None:
            self._load_file(text)
        scan = _journal.scan_file(journal, data)
        self.pending = _journal.edits(journal, scan, set(self.findings))
        self.journal_skipped = scan.skipped
        for offset, size in scan.skipped:
            log.warning("%s: %d bytes at byte %d were part of an edit cut by a crash that an older version "
                        "appended onto: skipped", journal, size, offset)
        self._journal_end = scan.end
        if scan.torn is None:
            return
        if fd is not None:
            _journal.own_file(journal, fd)
            self._cut(fd, scan.torn)
        else:
            self.torn, self._torn_cut = scan.torn, False
            log.warning("%s", self.torn_message())

    def _load_file(self, text: str) -> None:
        path = self.path
        doc = _parse(path, text, "a review session")
        if not isinstance(doc, dict) or doc.get("format") != SESSION_FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else None
            what = "" if isinstance(doc, dict) else f": a JSON {_json_kind(doc)}, not an object"
            raise ReadError(path, f"not a ydtwin review session (format {found!r}{what})")
        try:
            SessionFile.model_validate(doc)
        except ValidationError as exc:
            raise ReadError(path, f"invalid review session: {error_line(exc)}") from None
        except RecursionError:
            raise ReadError(path, "not a review session (nested too deeply)") from None
        self.title, self.created, self.scenario = doc["title"], doc["created"], doc["scenario"]
        self.findings = {rec["finding"]["id"]: rec for rec in doc["findings"]}

    def recover(self) -> int:
        """Apply the journal's edits that the file does not hold yet (after a crash) → how many."""
        n = 0
        for edit in self.pending:
            if not self._already_in(edit):  # killed between the rename and emptying the journal
                self._apply(edit)
                n += 1
        self.pending = []
        return n

    def _already_in(self, edit: dict) -> bool:
        rec = self.findings.get(edit.get("id") or edit.get("finding", {}).get("id", ""))
        if rec is None:
            return False
        if edit["op"] == "comment":
            return any(c.get("edit") == edit.get("edit") for c in rec["comments"])
        if edit["op"] == "set_status":
            return any(h.get("edit") == edit.get("edit") for h in rec["history"])
        return edit["op"] == "add_finding" and rec["finding"] == edit["finding"]

    def acquire_lock(self) -> None:
        """Create ``<file>.lock`` (exclusively: of two planners opening at once, one gets it) holding who
        has the session. A lock already there blocks (:class:`SessionLocked`, naming its holder) unless its
        holder is gone: written on this host by a process that no longer runs (or whose pid now belongs to
        a process started later); that one is taken over. A lock from another host is always respected:
        whether its process runs cannot be told from here."""
        me = {"user": getpass.getuser(), "host": socket.gethostname(), "pid": os.getpid(), "since": _now(),
              "started": _started(os.getpid())}
        holder = None
        for attempt in range(5):
            if self._create_lock(me):
                return
            raw, holder = _read_lock(self.lock_path)
            if raw is None:  # released in between
                continue
            if raw == "" and attempt < 4:  # just created, its holder not written yet
                time.sleep(0.05)
                continue
            if holder is None or holder.host != me["host"] or _alive(holder):
                break
            # two planners may find the same dead holder: one at a time re-reads and removes it, so that
            # neither removes the lock the other has just written
            try:
                with _takeover(Path(f"{self.lock_path}.takeover")):
                    again, _ = _read_lock(self.lock_path)
                    if again == raw:
                        self.lock_path.unlink(missing_ok=True)  # left by a process that died
                    if self._create_lock(me):
                        return
            except TimeoutError:
                break
        raise SessionLocked(self.path, holder.model_dump() if holder is not None else {})

    def _create_lock(self, me: dict) -> bool:
        """Create the lock holding ``me``, whole or not at all: written to a temporary file, flushed, then
        linked to the lock's name (which fails when a lock is there; a kill in between leaves no empty lock
        that would block the session). Where the file system has no hard links: created, then written."""
        data = json.dumps(me).encode("utf-8")
        tmp = self.lock_path.with_name(temp_name(self.lock_path.name))
        # O_EXCL: a new file, never anything (a link included) already at that name
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | NOFOLLOW, 0o666)
        try:
            try:
                write_all(fd, data)
                fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, self.lock_path)
            except FileExistsError:
                return False
            except OSError:  # no hard links here
                try:
                    fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | NOFOLLOW, 0o666)
                except FileExistsError:
                    return False
                try:
                    write_all(fd, data)
                    fsync(fd)
                finally:
                    os.close(fd)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._lock_held, self._lock_record = True, me
        return True

    def close(self) -> None:
        """Release the lock: remove ``<file>.lock`` if it is still the one this session wrote."""
        if self._lock_held:
            with contextlib.suppress(YdtwinError, OSError):
                raw, _holder = _read_lock(self.lock_path)
                if raw is not None and _loads(raw) == self._lock_record:
                    self.lock_path.unlink(missing_ok=True)
            self._lock_held, self._lock_record = False, None


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _scalar(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item) and getattr(value, "shape", None) == ():
        return value.item()  # a numpy number
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _plain(value: Any) -> Any:
    """A JSON copy (tuples become lists, numpy numbers plain ones); a value JSON cannot hold raises ValueError."""
    try:
        return json.loads(json.dumps(value, default=_scalar))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not JSON data ({exc})") from None


def _read(path: Path, what: str) -> str | None:
    try:
        data = read_bytes_nofollow(path, MAX_JOURNAL, what=what)
    except LinkRefused as exc:
        raise ReadError(path, str(exc).removeprefix(f"{path}: "), f"open the {what} itself") from None
    except ValueError as exc:  # too large
        raise ReadError(path, str(exc)) from None
    except OSError as exc:
        raise ReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"not a readable {what} (not UTF-8 at byte {exc.start}: {exc.reason})") from None


def _json_kind(doc: Any) -> str:
    return {list: "list", str: "string", bool: "boolean", type(None): "null"}.get(type(doc), "number")


def _parse(path: Path, text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ReadError(path, f"not {what} (not valid JSON: {exc})") from None
    except RecursionError:
        raise ReadError(path, f"not {what} (nested too deeply)") from None


def merge_sessions(a: Session, b: Session) -> tuple[Session, list[dict]]:
    """``a`` and ``b`` (the same review edited by two cities) → (merged, conflicts). Every finding and every
    comment of either is kept (comments in time order, duplicates once). A status changed on one side only
    is taken; changed differently on both sides is a conflict: kept as in ``a`` and listed for a decision."""
    merged = Session(title=a.title or b.title, scenario=a.scenario or b.scenario, created=min(a.created, b.created))
    conflicts = []
    for fid in sorted(set(a.findings) | set(b.findings)):
        ra, rb = a.findings.get(fid), b.findings.get(fid)
        if ra is None or rb is None:
            merged.findings[fid] = json.loads(json.dumps(ra or rb))
            continue
        rec = json.loads(json.dumps(ra))
        seen = {json.dumps(c, sort_keys=True) for c in rec["comments"]}
        for c in rb["comments"]:
            if json.dumps(c, sort_keys=True) not in seen:
                rec["comments"].append(c)
        rec["comments"].sort(key=lambda c: c["time"])
        hist = {json.dumps(h, sort_keys=True): h for h in [*ra["history"], *rb["history"]]}
        rec["history"] = sorted(hist.values(), key=lambda h: h["time"])
        if ra["status"] != rb["status"]:
            ka = {json.dumps(h, sort_keys=True) for h in ra["history"]}
            kb = {json.dumps(h, sort_keys=True) for h in rb["history"]}
            a_changed, b_changed = bool(ka - kb), bool(kb - ka)  # changes made since the two copies parted
            if b_changed and not a_changed:
                rec["status"] = rb["status"]
            elif a_changed and b_changed:
                conflicts.append({"id": fid, "statuses": {"a": ra["status"], "b": rb["status"]},
                                  "by": [ra["history"][-1], rb["history"][-1]]})
        rec["viewpoint"] = ra.get("viewpoint") or rb.get("viewpoint")
        merged.findings[fid] = rec
    return merged, conflicts
