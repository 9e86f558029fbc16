"""Review sessions: findings with their status, comments and viewpoints, saved so that nothing is lost.

A session file is JSON (no executable content, ``SESSION_FORMAT``) written atomically: a temporary file in
the same folder, flushed and fsynced, then renamed over the old one (and the folder fsynced). Between
saves every edit is appended to a journal next to it (``<file>.journal``, one JSON line per edit, fsynced):
after a crash or a kill the next open finds the journal and ``recover()`` replays every edit. A lock file
(``<file>.lock``: user, host, process, since) tells a second planner who holds the session; they may open
it read-only. Sessions edited separately by two cities merge without losing a comment; conflicting status
changes are listed for a decision.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import getpass
import json
import os
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ydtwin.atomic import write_text
from ydtwin.errors import YdtwinError

__all__ = ["STATUSES", "Session", "SessionLocked", "merge_sessions"]

SESSION_FORMAT = "ydtwin-review-session/1"
STATUSES = ("open", "agreed", "deferred", "resolved")


class SessionLocked(YdtwinError):
    def __init__(self, path: Path, holder: dict) -> None:
        self.holder = holder
        super().__init__(f"{path}: being edited by {holder.get('user', '?')} on {holder.get('host', '?')} "
                         f"since {holder.get('since', '?')} — open it read-only, or ask them to close it")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds")


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
    _lock_held: bool = False

    def __post_init__(self) -> None:
        if self.path is not None:
            self.path = Path(self.path)

    # --- edits (each also goes to the journal) ----------------------------------------------------------

    def add_finding(self, finding: dict, *, viewpoint: dict | None = None) -> None:
        """A finding from the checks (``Finding.to_json()``) or a manual one (with its own id)."""
        self._edit({"op": "add_finding", "finding": dict(finding), "viewpoint": viewpoint})

    def set_status(self, finding_id: str, status: str, *, author: str, city: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
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

    def comment(self, finding_id: str, text: str, *, author: str, city: str) -> None:
        self._edit({"op": "comment", "id": finding_id, "text": text, "author": author, "city": city})

    def _edit(self, edit: dict) -> None:
        if self.read_only:
            raise YdtwinError("this session is open read-only")
        edit = {"time": _now(), "edit": uuid.uuid4().hex, **edit}
        self._apply(edit)
        if self.path is not None:
            line = json.dumps(edit, ensure_ascii=False) + "\n"
            self.journal_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.journal_path, "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())

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
            rec["comments"].append({k: edit.get(k) for k in ("time", "edit", "author", "city", "text")})
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
        return {"format": SESSION_FORMAT, "title": self.title, "created": self.created, "saved": _now(),
                "scenario": self.scenario, "findings": [self.findings[k] for k in sorted(self.findings)]}

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Atomic save; the journal is emptied once the file is safely in place."""
        if path is not None:
            self.path = Path(path)
        if self.path is None:
            raise ValueError("a new session needs a path")
        write_text(self.path, json.dumps(self.to_json(), ensure_ascii=False, indent=1))
        with contextlib.suppress(FileNotFoundError):
            os.truncate(self.journal_path, 0)
        self.pending = []
        return self.path

    @classmethod
    def open(cls, path: str | os.PathLike, *, read_only: bool = False, lock: bool = True,
             must_exist: bool = False) -> Session:
        """Open a session (taking its lock unless read-only). Stale temporary files of interrupted saves are
        removed; journal edits not yet in the file are in ``pending`` (``recover()`` applies them). Without
        ``must_exist`` a missing file is a new, empty session; read-only it must exist."""
        path = Path(path)
        if (must_exist or read_only) and not path.exists() and not Path(f"{path}.journal").exists():
            raise YdtwinError(f"{path}: no such review session")
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        try:
            doc = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        except (ValueError, UnicodeDecodeError) as exc:
            raise YdtwinError(f"{path}: not a readable review session ({exc})") from None
        s = cls(path=path, read_only=read_only)
        if doc is not None:
            if doc.get("format") != SESSION_FORMAT:
                raise YdtwinError(f"{path}: not a ydtwin review session (format {doc.get('format')!r})")
            s.title, s.created, s.scenario = doc.get("title", ""), doc.get("created", _now()), doc.get("scenario", {})
            s.findings = {rec["finding"]["id"]: rec for rec in doc.get("findings", [])}
        if s.journal_path.exists():
            for line in s.journal_path.read_text(encoding="utf-8").splitlines():
                try:
                    s.pending.append(json.loads(line))
                except ValueError:  # a line cut by the crash: everything before it is kept
                    break
        if lock and not read_only:
            s.acquire_lock()
        return s

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
        me = {"user": getpass.getuser(), "host": socket.gethostname(), "pid": os.getpid(), "since": _now()}
        try:
            fd = os.open(self.lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                holder = json.loads(self.lock_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                holder = {}
            if holder.get("host") == me["host"] and not _alive(int(holder.get("pid", -1))):
                self.lock_path.unlink(missing_ok=True)  # left by a process that died
                return self.acquire_lock()
            raise SessionLocked(self.path, holder) from None
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(me, f)
        self._lock_held = True

    def close(self) -> None:
        if self._lock_held:
            self.lock_path.unlink(missing_ok=True)
            self._lock_held = False


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
