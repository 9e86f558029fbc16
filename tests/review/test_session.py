"""Review sessions: atomic saves that survive kill -9, journal recovery, locks, merges that keep comments."""

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zlib

import psutil
import pytest

from ydtwin import atomic
from ydtwin.errors import ReadError, YdtwinError
from ydtwin.review import journal as journal_mod
from ydtwin.review.session import FINDING_STATUSES, Session, SessionFile, SessionLocked, merge_sessions

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]

FINDING = {"id": "offset:abc", "kind": "offset", "severity": "warning", "cities": ["Shanghai", "Suzhou"],
           "projects": ["shanghai.jiayi-road", "suzhou.loujiang-road"], "location": [121.19, 31.46],
           "message": "meet the border 350 m apart"}


def test_edits_save_and_reopen(tmp_path):
    path = tmp_path / "审查.ydreview"
    s = Session(path=path, title="Joint review 2026")
    s.add_finding(FINDING, viewpoint={"view": "121.1,31.4,121.3,31.5"})
    s.set_status("offset:abc", "agreed", author="Li", city="Suzhou")
    s.comment("offset:abc", "Taicang will shift its alignment 350 m south", author="Li", city="Suzhou")
    s.save()
    assert path.stat().st_size > 0 and os.path.getsize(f"{path}.journal") == 0
    again = Session.open(path)
    rec = again.findings["offset:abc"]
    assert rec["status"] == "agreed" and rec["comments"][0]["city"] == "Suzhou"
    assert rec["history"][0]["from"] == "open" and rec["viewpoint"]["view"] == "121.1,31.4,121.3,31.5"
    assert json.loads(path.read_text())["format"] == "ydtwin-review-session/1"
    with pytest.raises(ValueError):
        again.set_status("offset:abc", "maybe", author="x", city="x")
    again.close()


def test_a_findings_own_viewpoint_is_an_edit_that_survives(tmp_path):
    path = tmp_path / "vp.ydreview"
    s = Session(path=path, title="t")
    s.add_finding(FINDING, viewpoint={"view": "121.1,31.4,121.3,31.5"})
    s.save()
    s.set_viewpoint("offset:abc", {"eye": [121.2, 31.40, 3000.0], "target": [121.19, 31.46, 0.0], "view_angle": 35},
                    author="Li", city="Suzhou")
    with pytest.raises(ValueError, match="eye"):
        s.set_viewpoint("offset:abc", {"eye": [121.2, 31.4], "target": [121, 31, 0]}, author="x", city="x")
    with pytest.raises(KeyError):
        s.set_viewpoint("nope", {"eye": [121.2, 31.4, 1], "target": [121, 31, 0]}, author="x", city="x")
    s.close()
    # not saved since: the journal brings it back, the box is kept as a fallback
    again = Session.open(path)
    assert again.recover() >= 1
    vp = again.findings["offset:abc"]["viewpoint"]
    assert vp["view"] == "121.1,31.4,121.3,31.5" and vp["eye"] == [121.2, 31.40, 3000.0] and vp["view_angle"] == 35
    again.close()


WRITER = """
import sys
sys.path.insert(0, {src!r})
from ydtwin.review.session import Session
s = Session(path={path!r}, title="t")
s.add_finding({finding!r})
i = 0
while True:
    s.comment("offset:abc", "x" * (i % 5000), author="a", city="c")
    s.save()
    if i == 0:
        print("saving", flush=True)
    i += 1
"""


@pytest.mark.slow
def test_kill_9_while_saving_never_breaks_the_file(tmp_path):
    src = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "src")
    path = tmp_path / "s.ydreview"
    code = WRITER.format(src=src, path=str(path), finding=FINDING)
    for k in range(20):
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "saving"  # started (imports take their time on a busy machine)
        time.sleep(0.2 + (k % 5) * 0.07)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        s = Session.open(path, lock=False)  # the file itself: whole, never half-written
        assert "offset:abc" in s.findings and json.loads(path.read_text())["format"]
        saved = len(s.findings["offset:abc"]["comments"])
        s.recover()  # the journal adds only what the file lacks: at most the edit being saved when killed
        assert len(s.findings["offset:abc"]["comments"]) - saved <= 1
        edits = [c["edit"] for c in s.findings["offset:abc"]["comments"]]
        assert len(edits) == len(set(edits))  # never an edit twice
    Session.open(path, lock=False)
    assert not list(tmp_path.glob(".s.ydreview.*.tmp"))  # stale temporaries cleaned on open


RECOVER = """
import os, sys
sys.path.insert(0, {src!r})
from ydtwin.review.session import Session
s = Session(path={path!r}, title="t")
s.add_finding({finding!r})
s.save()
for i in range(50):
    s.comment("offset:abc", f"edit {{i}}", author="a", city="c")
os.kill(os.getpid(), 9)
"""


def test_crash_with_50_unsaved_edits_recovers_all(tmp_path):
    src = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "src")
    path = tmp_path / "s.ydreview"
    proc = subprocess.run([sys.executable, "-c", RECOVER.format(src=src, path=str(path), finding=FINDING)])
    assert proc.returncode == -9
    s = Session.open(path, lock=False)
    assert s.findings["offset:abc"]["comments"] == [] and len(s.pending) == 50
    assert s.recover() == 50
    assert [c["text"] for c in s.findings["offset:abc"]["comments"]] == [f"edit {i}" for i in range(50)]


def test_a_second_planner_is_told_who_holds_it_and_may_read(tmp_path):
    path = tmp_path / "s.ydreview"
    first = Session(path=path, title="t")
    first.add_finding(FINDING)
    first.save()
    first = Session.open(path)
    with pytest.raises(SessionLocked) as err:
        Session.open(path)
    assert err.value.holder["pid"] == os.getpid() and "open it read-only" in str(err.value)
    reader = Session.open(path, read_only=True)
    with pytest.raises(YdtwinError, match="read-only"):
        reader.comment("offset:abc", "x", author="b", city="c")
    first.close()
    Session.open(path).close()
    # a lock left by a process that is gone is taken over
    (tmp_path / "s.ydreview.lock").write_text(json.dumps({"user": "x", "host": socket.gethostname(),
                                                          "pid": 999_999_999, "since": "then"}))
    Session.open(path).close()


def test_two_cities_edits_merge_with_every_comment(tmp_path):
    base = Session(path=tmp_path / "base.ydreview", title="t")
    base.add_finding(FINDING)
    base.add_finding({**FINDING, "id": "dangling:x", "kind": "dangling"})
    base.add_finding({**FINDING, "id": "phase:y", "kind": "phase_mismatch"})
    base.save()
    a = Session.open(base.path, lock=False)
    b = Session.open(base.path, lock=False)
    a.path, b.path = tmp_path / "a.ydreview", tmp_path / "b.ydreview"
    a.comment("offset:abc", "Shanghai: we keep our alignment", author="Wang", city="Shanghai")
    b.comment("offset:abc", "Suzhou: we will move ours", author="Li", city="Suzhou")
    b.comment("dangling:x", "no plan on our side before 2035", author="Li", city="Suzhou")
    b.set_status("dangling:x", "deferred", author="Li", city="Suzhou")
    a.set_status("phase:y", "agreed", author="Wang", city="Shanghai")
    b.set_status("phase:y", "resolved", author="Li", city="Suzhou")
    a.save()
    b.save()
    merged, conflicts = merge_sessions(Session.open(a.path, lock=False), Session.open(b.path, lock=False))
    texts = [c["text"] for rec in merged.findings.values() for c in rec["comments"]]
    assert sorted(texts) == sorted(["Shanghai: we keep our alignment", "Suzhou: we will move ours",
                                    "no plan on our side before 2035"])
    assert merged.findings["dangling:x"]["status"] == "deferred"  # changed by one side only
    assert [c["id"] for c in conflicts] == ["phase:y"]
    assert conflicts[0]["statuses"] == {"a": "agreed", "b": "resolved"}


def test_a_missing_session_is_an_error_when_it_must_exist(tmp_path):
    with pytest.raises(YdtwinError, match="no such review session"):
        Session.open(tmp_path / "none.json", read_only=True)
    with pytest.raises(YdtwinError, match="no such review session"):
        Session.open(tmp_path / "none.json", must_exist=True)
    fresh = Session.open(tmp_path / "new.json")  # the autosave's way: a new, empty session
    assert not fresh.findings
    fresh.close()


# --- the file format: a pydantic model, its schema generated, bad files refused with one line ------------


def _saved(tmp_path, name="s.ydreview"):
    s = Session(path=tmp_path / name, title="t", scenario={"region": "yrd8", "year": 2030, "plugins": ["a"]})
    s.add_finding(FINDING, viewpoint={"view": "121.1,31.4,121.3,31.5"})
    s.set_status("offset:abc", "deferred", author="a", city="Suzhou")
    s.comment("offset:abc", "x", author="a", city="Suzhou")
    s.set_viewpoint("offset:abc", {"eye": [121.2, 31.4, 3000.0], "target": [121.19, 31.46, 0.0]}, author="a",
                    city="Suzhou")
    s.save()
    return s.path


def test_saved_sessions_follow_the_model_and_the_published_schema_is_current(tmp_path):
    """What ydtwin writes is what it reads (the model), and docs/review-session.schema.json is generated from
    that model: a schema edited by hand, or a model changed without regenerating it, fails here."""
    doc = json.loads(_saved(tmp_path).read_text(encoding="utf-8"))
    SessionFile.model_validate(doc)
    sys.path.insert(0, str(ROOT / "packaging"))
    import file_schemas

    on_disk = (ROOT / "docs" / "review-session.schema.json").read_text(encoding="utf-8")
    assert on_disk == file_schemas.text("review-session.schema.json"), "run: python packaging/file_schemas.py"
    schema = json.loads(on_disk)
    assert schema["properties"]["format"]["const"] == "ydtwin-review-session/1"
    assert schema["additionalProperties"] is False
    status = schema["$defs"]["FindingRecord"]["properties"]["status"]
    assert status["enum"] == list(FINDING_STATUSES) == ["open", "agreed", "deferred", "resolved"]


def _hostile(doc_text: str):
    """A saved session's text with one thing broken."""
    return doc_text


@pytest.mark.parametrize(
    "change, needle",
    [
        (lambda d: d.update(extra=1), "extra: Extra inputs are not permitted"),
        (lambda d: d["findings"][0].update(statuss="open"), "findings[0].statuss"),
        (lambda d: d["findings"][0].update(status="planned"), "findings[0].status"),  # a plan status, not a finding's
        (lambda d: d["findings"][0].update(status=1), "findings[0].status"),
        (lambda d: d.update(title=["t"]), "title"),
        (lambda d: d["findings"][0]["finding"].update(location=["121.19", 31.46]), "findings[0].finding.location[0]"),
        (lambda d: d["findings"][0]["finding"].update(location=[1e9, 31.46]), "lon/lat"),
        (lambda d: d["findings"][0]["finding"].update(cities="Suzhou"), "findings[0].finding.cities"),
        (lambda d: d["findings"][0]["finding"].update(severity="fatal"), "findings[0].finding.severity"),
        (lambda d: d["findings"][0]["finding"].update(message="x" * 200_001), "findings[0].finding.message"),
        (lambda d: d["findings"][0]["viewpoint"].update(eye=[121.2, 31.4, 1e300]), "height"),
        (lambda d: d["findings"][0]["viewpoint"].update(view_angle=1000), "findings[0].viewpoint.view_angle"),
        (lambda d: d["findings"][0]["viewpoint"].update(view="rm -rf"), "findings[0].viewpoint.view"),
        (lambda d: d["findings"][0]["history"][0].update(to="maybe"), "findings[0].history[0].to"),
        (lambda d: d["findings"][0]["comments"][0].pop("author"), "findings[0].comments[0].author"),
        (lambda d: d["scenario"].update(year=True), "scenario.year"),
        (lambda d: d["scenario"].update(plugins=5), "scenario.plugins"),
        (lambda d: d["findings"].append(d["findings"][0]), "appears twice"),
        (lambda d: d.update(findings=5), "findings: Input should be a valid list"),
        (lambda d: d["findings"][0]["finding"].pop("id"), "findings[0].finding.id: Field required"),
        (lambda d: d["findings"][0].update(finding=[]), "findings[0].finding"),
        (lambda d: d["findings"].__setitem__(0, "x"), "findings[0]"),
        (lambda d: d["findings"][0]["finding"].update(details={"x": json.loads("[" * 900 + "]" * 900)}),
         "findings[0].finding.details.x"),
        (lambda d: d["findings"][0]["finding"].update(details={"x": float("nan")}), "finite number"),
        (lambda d: d["findings"][0]["viewpoint"].update(target=[float("inf"), 31.0, 0.0]), "viewpoint.target"),
        (lambda d: d.update(scenario=[]), "scenario"),
    ],
)
def test_hostile_session_files_are_refused_with_one_line(tmp_path, change, needle):
    """Wrong types, unknown keys, out-of-range and huge values, a finding without an id, ``findings: 5``, deep
    nesting, NaN/Infinity anywhere: refused at open, before anything is used, as one ReadError line naming the
    file and the key."""
    path = _saved(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ReadError) as err:
        Session.open(path, read_only=True)
    text = str(err.value)
    assert needle in text and "\n" not in text and str(path) in text and len(text) < 700


@pytest.mark.parametrize(
    "text, needle",
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "not a ydtwin review session"),
        ('{"format": "ydtwin-review-session/2"}', "format 'ydtwin-review-session/2'"),
        ("[" * 100_000 + "]" * 100_000, "review session"),
        (b"\xff\xfe".decode("latin-1"), "review session"),
    ],
)
def test_unreadable_session_files_give_one_line(tmp_path, text, needle):
    path = tmp_path / "bad.ydreview"
    path.write_text(text, encoding="latin-1" if "\xff" in text else "utf-8")
    with pytest.raises(ReadError) as err:
        Session.open(path, read_only=True)
    assert needle in str(err.value) and "\n" not in str(err.value) and "bad.ydreview" in str(err.value)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_are_refused(tmp_path, literal):
    """JSON readers take NaN/Infinity (and 1e400 overflows to infinity): none of them is a position."""
    path = _saved(tmp_path)
    text = path.read_text(encoding="utf-8").replace("121.19", literal, 1)
    assert literal in text
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match=r"finding\.location\[0\]: Input should be a finite number"):
        Session.open(path, read_only=True)


def test_an_edit_the_file_could_not_hold_is_refused_before_the_journal(tmp_path):
    """A finding or viewpoint that breaks the format raises ValueError naming the key; nothing is applied or
    journalled, so the session always saves and always opens again."""
    s = Session(path=tmp_path / "s.ydreview", title="t")
    s.add_finding(FINDING)
    before = (tmp_path / "s.ydreview.journal").read_bytes()
    for finding, viewpoint, needle in [
        ({**FINDING, "id": "x", "location": [float("nan"), 31.0]}, None, "location"),
        ({**FINDING, "id": "x", "colour": "red"}, None, "colour"),
        ({**FINDING, "id": "x", "severity": "fatal"}, None, "severity"),
        ({**FINDING, "id": ""}, None, "finding.id"),
        ({**FINDING, "id": "x"}, {"position": [0, 0, 1000]}, "viewpoint.position"),
        ({**FINDING, "id": "x", "details": {"d": object()}}, None, "JSON"),
    ]:
        with pytest.raises(ValueError, match=needle):
            s.add_finding(finding, viewpoint=viewpoint)
    with pytest.raises(ValueError):
        s.set_viewpoint("offset:abc", {"eye": [121.2, 31.4, float("inf")], "target": [121, 31, 0]}, author="a",
                        city="c")
    with pytest.raises(KeyError):
        s.comment("nope", "x", author="a", city="c")
    with pytest.raises(ValueError, match="status"):
        s.set_status("offset:abc", "built", author="a", city="c")  # a plan status is not a finding's
    assert set(s.findings) == {"offset:abc"}
    assert (tmp_path / "s.ydreview.journal").read_bytes() == before
    # a tuple location of numpy numbers (a Python caller's) is stored as the JSON list it becomes
    import numpy as np

    s.add_finding({**FINDING, "id": "t", "location": (np.float32(121.5), np.float64(31.0))})
    assert s.findings["t"]["finding"]["location"] == [121.5, 31.0]
    s.save()
    Session.open(s.path, lock=False)


def test_a_bad_journal_line_is_refused_a_cut_last_line_is_not(tmp_path):
    """A crash can cut the journal's last line: everything before it is recovered. A line that parses but is
    not an edit (or edits a finding nobody added) is refused with the journal's name and the line."""
    path = _saved(tmp_path)
    journal = tmp_path / "s.ydreview.journal"
    good = {"time": "t", "edit": "e1", "op": "comment", "id": "offset:abc", "text": "kept", "author": "a", "city": "c"}
    journal.write_text(json.dumps(good) + "\n" + json.dumps(good | {"edit": "e2"})[:30], encoding="utf-8")
    s = Session.open(path, lock=False)
    assert len(s.pending) == 1 and s.recover() == 1
    for bad, needle in [
        (good | {"op": "delete_everything"}, "line 2: invalid edit"),
        (good | {"text": 5}, "line 2: invalid edit: comment.text"),
        (good | {"id": "nowhere"}, "line 2: an edit of finding 'nowhere'"),
        (good | {"extra": True}, "comment.extra"),
        ({"op": "add_finding", "time": "t", "edit": "e3", "finding": {**FINDING, "location": [0, 91]}}, "lon/lat"),
    ]:
        journal.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
        with pytest.raises(ReadError) as err:
            Session.open(path, lock=False)
        assert needle in str(err.value) and "s.ydreview.journal" in str(err.value) and "\n" not in str(err.value)
    # an edit of a finding that an earlier line adds is fine
    add = {"op": "add_finding", "time": "t", "edit": "e3", "finding": {**FINDING, "id": "new:1"}}
    journal.write_text(json.dumps(add) + "\n" + json.dumps(good | {"id": "new:1"}) + "\n", encoding="utf-8")
    s = Session.open(path, lock=False)
    assert s.recover() == 2 and s.findings["new:1"]["comments"][0]["text"] == "kept"


def test_an_older_session_file_still_opens(tmp_path):
    """The format id is unchanged: a file as ydtwin wrote it before the model (no 'rule', a null viewpoint,
    a manual finding with its author, an empty scenario) opens as it is."""
    path = tmp_path / "old.ydreview"
    path.write_text(json.dumps({
        "format": "ydtwin-review-session/1", "title": "Joint review", "created": "2026-01-05T08:00:00.000+00:00",
        "saved": "2026-01-05T09:00:00.000+00:00", "scenario": {},
        "findings": [
            {"finding": FINDING, "status": "agreed", "viewpoint": None,
             "history": [{"time": "2026-01-05T08:30:00.000+00:00", "edit": "ab", "author": "Li", "city": "Suzhou",
                          "from": "open", "to": "agreed"}],
             "comments": [{"time": "2026-01-05T08:31:00.000+00:00", "edit": "cd", "author": "Li", "city": "Suzhou",
                           "text": "ok"}]},
            {"finding": {**FINDING, "id": "manual:1", "kind": "manual", "rule": "manual", "author": "wang"},
             "status": "open", "history": [], "comments": []},
        ],
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    s = Session.open(path, read_only=True)
    assert s.findings["offset:abc"]["status"] == "agreed" and s.findings["manual:1"]["finding"]["author"] == "wang"


# --- one name per meaning ---------------------------------------------------------------------------------


def test_finding_statuses_are_not_plan_statuses():
    """A finding's review status and a project's plan status are different things with different names."""
    from ydtwin.plugins import manifest
    from ydtwin.review import session

    assert FINDING_STATUSES == ("open", "agreed", "deferred", "resolved")
    assert not set(FINDING_STATUSES) & set(manifest.STATUSES)
    assert "STATUSES" not in session.__all__
    with pytest.warns(DeprecationWarning, match="FINDING_STATUSES"):
        assert session.STATUSES == FINDING_STATUSES


# --- symbolic links are never followed ---------------------------------------------------------------------

needs_symlinks = pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")


@needs_symlinks
def test_a_symlinked_session_or_journal_is_refused_and_its_target_untouched(tmp_path):
    """A link planted at the session's, journal's or lock's name must not make ydtwin read, append to or
    truncate the file it points to."""
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    path = _saved(tmp_path)
    # the journal
    journal = tmp_path / "s.ydreview.journal"
    journal.unlink()
    journal.symlink_to(precious)
    with pytest.raises(ReadError, match="journal: is a symbolic link"):
        Session.open(path, lock=False)
    journal.unlink()
    s = Session.open(path)
    journal.symlink_to(precious)  # planted while the session is open
    with pytest.raises(YdtwinError, match="symbolic link"):
        s.comment("offset:abc", "x", author="a", city="c")
    with pytest.raises(YdtwinError, match="symbolic link"):
        s.save()  # the file is saved; emptying the journal must not truncate what the link points to
    s.close()
    assert precious.read_text(encoding="utf-8") == "keep me\n"
    journal.unlink()
    # the session file itself
    link = tmp_path / "link.ydreview"
    link.symlink_to(path)
    with pytest.raises(ReadError, match="is a symbolic link"):
        Session.open(link, read_only=True)
    # the lock
    (tmp_path / "s.ydreview.lock").symlink_to(precious)
    with pytest.raises(YdtwinError, match="lock: is a symbolic link"):
        Session.open(path)
    assert precious.read_text(encoding="utf-8") == "keep me\n"
    assert (tmp_path / "s.ydreview.lock").is_symlink()


# --- the lock: psutil tells a live holder from a dead or a reused pid; other hosts are respected ----------


def _lock(tmp_path, **holder):
    record = {"user": "wang", "host": socket.gethostname(), "pid": os.getpid(), "since": "2026-01-05T08:00:00Z",
              **holder}
    (tmp_path / "s.ydreview.lock").write_text(json.dumps(record), encoding="utf-8")
    return record


@pytest.fixture
def no_signals(monkeypatch):
    """ydtwin never signals a lock's holder to see whether it runs: on Windows ``os.kill(pid, 0)`` terminates
    the process. (psutil may use it where it is harmless, on POSIX; the tests' own clean-up may too.)"""
    real_kill = os.kill

    def kill(pid, sig):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller.startswith("ydtwin"):
            raise AssertionError(f"{caller} called os.kill({pid}, {sig})")
        return real_kill(pid, sig)

    monkeypatch.setattr(os, "kill", kill)


def test_the_lock_records_who_holds_it_and_when_their_process_started(tmp_path, no_signals):
    path = _saved(tmp_path)
    s = Session.open(path)
    record = json.loads((tmp_path / "s.ydreview.lock").read_text(encoding="utf-8"))
    assert set(record) == {"user", "host", "pid", "since", "started"}
    assert record["pid"] == os.getpid() and record["host"] == socket.gethostname()
    assert record["started"] == pytest.approx(psutil.Process().create_time(), abs=0.01)
    s.close()
    assert not (tmp_path / "s.ydreview.lock").exists()


def test_a_live_holder_blocks(tmp_path, no_signals):
    """Another process on this host that runs (and is the one that wrote the lock) holds the session."""
    path = _saved(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        started = psutil.Process(proc.pid).create_time()
        _lock(tmp_path, pid=proc.pid, started=started)
        with pytest.raises(SessionLocked) as err:
            Session.open(path)
        assert err.value.holder["pid"] == proc.pid and "being edited by wang" in str(err.value)
        _lock(tmp_path, pid=proc.pid)  # a lock written before start times were recorded: the pid alone
        with pytest.raises(SessionLocked):
            Session.open(path)
    finally:
        proc.kill()
        proc.wait()


def test_a_dead_holder_is_stale_and_taken_over(tmp_path, no_signals):
    path = _saved(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    started = psutil.Process(proc.pid).create_time()
    proc.wait()
    assert not psutil.pid_exists(proc.pid)
    _lock(tmp_path, pid=proc.pid, started=started)
    s = Session.open(path)
    assert json.loads((tmp_path / "s.ydreview.lock").read_text(encoding="utf-8"))["pid"] == os.getpid()
    s.close()


def test_a_zombie_holder_is_stale(tmp_path, no_signals):
    """A holder that exited but was not reaped yet still has its pid: it is gone all the same."""
    if os.name == "nt":
        pytest.skip("no zombies on Windows")
    path = _saved(tmp_path)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    started = psutil.Process(proc.pid).create_time()
    for _ in range(200):
        if psutil.Process(proc.pid).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.05)
    _lock(tmp_path, pid=proc.pid, started=started)
    Session.open(path).close()
    proc.wait()


def test_a_reused_pid_is_stale(tmp_path, no_signals):
    """Same pid, another start time: the pid was given to a later process, the holder is gone."""
    path = _saved(tmp_path)
    _lock(tmp_path, pid=os.getpid(), started=psutil.Process().create_time() - 3600.0)
    s = Session.open(path)
    record = json.loads((tmp_path / "s.ydreview.lock").read_text(encoding="utf-8"))
    assert record["since"] != "2026-01-05T08:00:00Z"  # ours now
    assert record["started"] == pytest.approx(psutil.Process().create_time(), abs=0.01)
    s.close()
    # the same pid with the recorded start time is the holder itself: it blocks
    _lock(tmp_path, pid=os.getpid(), started=psutil.Process().create_time())
    with pytest.raises(SessionLocked):
        Session.open(path)


def test_a_lock_from_another_host_is_respected(tmp_path, no_signals):
    """Whether a process on another computer runs cannot be told from here: its lock always holds."""
    path = _saved(tmp_path)
    _lock(tmp_path, host="planning-office-suzhou", pid=999_999_999, started=1.0)
    with pytest.raises(SessionLocked) as err:
        Session.open(path)
    assert "on planning-office-suzhou" in str(err.value)
    assert Session.open(path, read_only=True).findings  # reading is still possible


@pytest.mark.parametrize("content", ["", "{", '{"user": 1}', "[]", '{"host": "h", "pid": -1}'])
def test_an_unreadable_lock_is_respected_and_says_so(tmp_path, content):
    path = _saved(tmp_path)
    (tmp_path / "s.ydreview.lock").write_text(content, encoding="utf-8")
    with pytest.raises(SessionLocked) as err:
        Session.open(path)
    assert "lock file cannot be read" in str(err.value) and "s.ydreview.lock" in str(err.value)


def test_closing_leaves_a_lock_that_is_not_its_own(tmp_path):
    """A session whose lock was taken over (it was thought gone) does not remove the new holder's lock."""
    path = _saved(tmp_path)
    s = Session.open(path)
    theirs = _lock(tmp_path, user="li", pid=os.getpid())
    s.close()
    assert json.loads((tmp_path / "s.ydreview.lock").read_text(encoding="utf-8")) == theirs


CONTENDER = """
import os, sys, time
sys.path.insert(0, {src!r})
import ydtwin.review.session as module
from ydtwin.review.session import Session, SessionLocked
alive = module._alive
def slow(holder):  # a slow look at the holder: the window where another planner acts in between
    time.sleep(0.3)
    return alive(holder)
module._alive = slow
while not os.path.exists({go!r}):
    time.sleep(0.001)
try:
    Session.open({path!r})
    print("got", flush=True)
except SessionLocked:
    print("locked", flush=True)
time.sleep(2)  # holds it (if it got it) while the others try
"""


@pytest.mark.slow
def test_of_planners_taking_over_a_dead_lock_at_once_exactly_one_gets_it(tmp_path):
    """Two planners may find the same dead holder at the same moment: one takes the session over, the other
    is told it is held (never both: neither removes the lock the other has just written)."""
    path = _saved(tmp_path)
    go = tmp_path / "go"
    for _round in range(2):
        _lock(tmp_path, pid=999_999_999)
        code = CONTENDER.format(src=str(ROOT / "src"), go=str(go), path=str(path))
        procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(4)]
        time.sleep(1.5)  # all started and waiting
        go.touch()
        outs = [p.communicate(timeout=60)[0].strip() for p in procs]
        assert sorted(outs) == ["got", "locked", "locked", "locked"], outs
        go.unlink()


# --- the journal: framed records, torn tails reported and cut before anything is appended ------------------

def _journalled(tmp_path, texts):
    """A saved session with one finding and ``texts`` commented on it since (in the journal only)."""
    path = _saved(tmp_path)
    s = Session.open(path)
    for text in texts:
        s.comment("offset:abc", text, author="a", city="Suzhou")
    s.close()
    return path, tmp_path / "s.ydreview.journal"


def _texts(session):
    return [c["text"] for c in session.findings["offset:abc"]["comments"]]


def test_each_journal_record_carries_its_length_and_checksum(tmp_path):
    """Rule: every journal record is one line ``<length> <crc32> <edit JSON>``, so that a torn one is told
    from an intact one."""
    _path, journal = _journalled(tmp_path, ["first", "第二 with a\nline break"])
    lines = journal.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    for line in lines[:2]:
        length, crc, payload = line.split(b" ", 2)
        assert int(length) == len(payload) and crc == b"%08x" % zlib.crc32(payload)
        assert json.loads(payload)["op"] == "comment"


def test_a_torn_tail_is_reported_cut_and_later_edits_survive(tmp_path, caplog):
    """Rule: a crash in the middle of a record leaves a torn tail; the next open reports it (``torn``, a
    one-line message, the log) and cuts it before anything is appended, so every edit made after it is
    there at the following open (they used to be appended onto the torn line and all dropped silently)."""
    path, journal = _journalled(tmp_path, ["a0", "a1", "a2"])
    data = journal.read_bytes()
    last = data.rstrip(b"\n").rfind(b"\n") + 1
    journal.write_bytes(data[:last + (len(data) - last) // 2])  # the last record cut in half
    with caplog.at_level(logging.WARNING, logger="ydtwin.review.session"):
        s = Session.open(path)
    assert s.torn is not None and s.torn.kept == last and s.torn.cut == (len(data) - last) // 2
    assert s.torn.records == 2 and "cut short" in s.torn.reason
    message = s.torn_message()
    assert "journal" in message and f"{s.torn.cut:,} bytes" in message and message.endswith("— cut")
    assert "torn by a crash" in caplog.text
    assert journal.read_bytes() == data[:last]  # cut at open, before any append
    assert s.recover() == 2
    for i in range(3):
        s.comment("offset:abc", f"b{i}", author="a", city="Suzhou")
    s.close()
    again = Session.open(path)
    assert again.torn is None
    again.recover()
    assert _texts(again) == ["x", "a0", "a1", "b0", "b1", "b2"]


def test_a_read_only_open_reports_a_torn_tail_and_changes_nothing(tmp_path):
    """Rule: a reader (``ydtwin review report``) sees and reports the torn tail but never cuts it: only a
    writer changes the journal."""
    path, journal = _journalled(tmp_path, ["a0", "a1"])
    torn = journal.read_bytes()[:-7]
    journal.write_bytes(torn)
    s = Session.open(path, read_only=True)
    assert s.torn is not None and s.torn.records == 1 and "left in place" in s.torn_message()
    assert journal.read_bytes() == torn and s.recover() == 1


@pytest.mark.parametrize("damage", ["checksum", "length", "zeros", "header", "garbage"])
def test_every_kind_of_torn_tail_is_cut(tmp_path, damage):
    """Rule: a last record whose checksum or length does not match, or the zeros a power cut leaves in a
    grown file, or half a header, is a torn tail: cut, with every record before it kept."""
    path, journal = _journalled(tmp_path, ["a0", "a1"])
    data = journal.read_bytes()
    last = data.rstrip(b"\n").rfind(b"\n") + 1
    record = data[last:]
    if damage == "checksum":
        tail = record.replace(b'"a1"', b'"b1"')
    elif damage == "length":
        length, rest = record.split(b" ", 1)
        tail = b"%d %s" % (int(length) - 1, rest)
    elif damage == "zeros":
        tail = record + bytes(4096)
    elif damage == "header":
        tail = record + b"12"
    else:
        tail = record + os.urandom(300).replace(b"\n", b"")
    journal.write_bytes(data[:last] + tail)
    s = Session.open(path)
    kept = last if damage in ("checksum", "length") else len(data)
    assert s.torn is not None and s.torn.kept == kept and journal.read_bytes() == data[:kept]
    s.recover()
    assert _texts(s) == ["x", "a0"] + (["a1"] if kept == len(data) else [])


def test_damage_in_the_middle_of_the_journal_is_refused_and_nothing_is_cut(tmp_path):
    """Rule: only the end of a journal can be torn (each record is on disk before the next is written). A
    damaged record followed by intact ones is not a tear: one error line naming the journal and the line,
    and the journal left as it is (cutting there would lose the intact edits after it)."""
    path, journal = _journalled(tmp_path, ["a0", "a1", "a2"])
    data = journal.read_bytes().replace(b'"a1"', b'"b1"')
    journal.write_bytes(data)
    for read_only in (True, False):
        with pytest.raises(ReadError) as err:
            Session.open(path, read_only=read_only)
        text = str(err.value)
        assert "s.ydreview.journal" in text and "line 2" in text and "checksum" in text and "\n" not in text
    assert journal.read_bytes() == data


def test_a_torn_tail_another_writer_left_after_this_open_is_cut_before_appending(tmp_path):
    """Rule: an append never lands on a torn record: when the journal changed since this session last saw
    it (another process without the lock appended and died mid-record), it is checked again and cut first."""
    path, journal = _journalled(tmp_path, ["a0"])
    s = Session.open(path, lock=False)
    s.recover()
    other = journal_mod.encode({"time": "t", "edit": "other", "op": "comment", "id": "offset:abc", "text": "theirs",
                                "author": "b", "city": "Shanghai"})
    with open(journal, "ab") as f:
        f.write(other + other[:20])
    s.comment("offset:abc", "mine", author="a", city="Suzhou")
    assert s.torn is not None and s.torn.cut == 20
    again = Session.open(path, lock=False)
    again.recover()
    assert _texts(again) == ["x", "a0", "theirs", "mine"]


def test_an_edit_returns_only_once_its_record_is_on_disk(tmp_path, monkeypatch):
    """Rule: an edit is acknowledged (its method returns) only after its record was written and fsynced;
    a new journal's folder entry is fsynced too. A record the disk took only in part is taken back."""
    path = _saved(tmp_path)
    (tmp_path / "s.ydreview.journal").unlink()
    calls = []
    real_fsync, real_folder = atomic.fsync, atomic.fsync_folder
    from ydtwin.review import session as module

    def fsync(fd):
        calls.append(("file", os.fstat(fd).st_size))
        real_fsync(fd)

    def folder(p):
        calls.append(("folder", str(p)))
        real_folder(p)

    s = Session.open(path)
    monkeypatch.setattr(module, "fsync", fsync)
    monkeypatch.setattr(module, "fsync_folder", folder)
    s.comment("offset:abc", "one", author="a", city="c")
    journal = tmp_path / "s.ydreview.journal"
    assert calls == [("file", journal.stat().st_size), ("folder", str(tmp_path))]
    s.comment("offset:abc", "two", author="a", city="c")
    assert calls[-1] == ("file", journal.stat().st_size) and len(calls) == 3
    # disk full in the middle of a record: the part written is taken back, the edit not applied
    before = journal.read_bytes()

    def half(fd, data):
        os.write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "write_all", half)
    with pytest.raises(OSError, match="No space"):
        s.comment("offset:abc", "three", author="a", city="c")
    assert journal.read_bytes() == before and _texts(s) == ["x", "one", "two"]
    s.close()


def test_journals_of_plain_json_lines_are_still_read(tmp_path):
    """Rule: journals written before records were framed (one JSON object a line) are read, a cut last line
    is a torn tail, new records are framed after them, and a line an older version appended an edit onto
    (after a crash had cut it) gives that edit back."""
    path = _saved(tmp_path)
    journal = tmp_path / "s.ydreview.journal"
    edit = {"time": "2026-01-05T08:00:00.000+00:00", "edit": "e1", "op": "comment", "id": "offset:abc",
            "text": "old one", "author": "a", "city": "c"}
    old = [json.dumps(edit | {"edit": f"e{i}", "text": f"old {i}"}, ensure_ascii=False) for i in range(4)]
    # line 2: cut by a crash, then an older version appended line 3 onto it
    journal.write_text(old[0] + "\n" + old[1][:25] + old[2] + "\n" + old[3][:40], encoding="utf-8")
    s = Session.open(path)
    assert s.journal_skipped == [(len(old[0]) + 1, 25)]
    assert s.torn is not None and s.torn.cut == 40
    s.comment("offset:abc", "new", author="a", city="c")
    s.close()
    again = Session.open(path)
    again.recover()
    assert _texts(again) == ["x", "old 0", "old 2", "new"]
    assert re.fullmatch(rb"\d+ [0-9a-f]{8} \{.*\}\n", journal.read_bytes().split(b"\n", 2)[2])


def test_an_edit_too_large_for_a_record_is_refused_before_the_journal(tmp_path):
    """Rule: a record holds at most 16 MB of edit: a larger one is refused (ValueError), nothing written."""
    path, journal = _journalled(tmp_path, ["a0"])
    before = journal.read_bytes()
    s = Session.open(path)
    with pytest.raises(ValueError, match="more than an edit may hold"):
        s.add_finding({**FINDING, "id": "big", "details": {"blob": "x" * (journal_mod.MAX_RECORD + 1)}})
    assert journal.read_bytes() == before and "big" not in s.findings
    s.close()


# --- temporary files: only an interrupted save's are removed, and never by a reader ------------------------


def _temp(tmp_path, owner, age_s=0.0):
    t = tmp_path / f".s.ydreview.{owner}.tmp"
    t.write_text("partial", encoding="utf-8")
    if age_s:
        then = time.time() - age_s
        os.utime(t, (then, then))
    return t


def test_temporaries_of_saves_in_progress_are_left_alone(tmp_path):
    """Rule: opening a session never removes another process's save in progress (a read-only open removes
    nothing at all); a writable open removes a temporary only when its writer no longer runs, or, when its
    writer cannot be told (another computer, an older version's name), when nobody touched it for a day.
    Before, every open removed every temporary and concurrent saves failed."""
    path = _saved(tmp_path)
    me = atomic.temp_name("s.ydreview").split(".")[3]  # <host>-<pid>-<start> of this (running) process
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_started = int(psutil.Process(proc.pid).create_time())
    proc.wait()
    host = me.split("-")[0]
    live = _temp(tmp_path, f"{me}.0123456789ab")
    dead = _temp(tmp_path, f"{host}-{proc.pid}-{dead_started}.0123456789ab")
    reused = _temp(tmp_path, f"{host}-{os.getpid()}-{dead_started - 3600}.0123456789ab")  # pid given to us later
    foreign = _temp(tmp_path, "0badc0de-1-1.0123456789ab")
    foreign_old = _temp(tmp_path, "0badc0de-2-1.0123456789ab", age_s=2 * 86400)
    legacy = _temp(tmp_path, "k3j4h5g6")
    legacy_old = _temp(tmp_path, "a1b2c3d4", age_s=2 * 86400)
    everything = sorted(tmp_path.glob(".s.ydreview.*.tmp"))
    Session.open(path, read_only=True)
    assert sorted(tmp_path.glob(".s.ydreview.*.tmp")) == everything  # a reader removes nothing
    Session.open(path).close()
    assert sorted(tmp_path.glob(".s.ydreview.*.tmp")) == sorted([live, foreign, legacy])
    assert not dead.exists() and not reused.exists() and not foreign_old.exists() and not legacy_old.exists()


def test_a_save_names_its_temporary_after_its_writer(tmp_path, monkeypatch):
    """Rule: a save's temporary is ``.<name>.<host>-<pid>-<start>.<random>.tmp``, so that other processes
    can tell it is in progress."""
    seen = []
    real_replace = os.replace

    def replace(src, dst):
        seen.append(os.path.basename(src))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    _saved(tmp_path)
    started = int(psutil.Process().create_time())
    assert re.fullmatch(rf"\.s\.ydreview\.[0-9a-f]{{8}}-{os.getpid()}-{started}\.[0-9a-f]{{12}}\.tmp", seen[0])


# --- never through a link, a FIFO or a device --------------------------------------------------------------


@needs_symlinks
def test_an_atomic_write_refuses_a_link_or_a_special_file_at_its_target(tmp_path):
    """Rule: ``atomic.write_text`` neither writes through nor replaces a symbolic link, a FIFO or a folder at
    the target's name (the link's target is untouched, the link stays), and leaves no temporary behind."""
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "out.json"
    link.symlink_to(precious)
    with pytest.raises(atomic.LinkRefused, match="symbolic link"):
        atomic.write_text(link, "{}")
    assert link.is_symlink() and precious.read_text(encoding="utf-8") == "keep me\n"
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    with pytest.raises(atomic.LinkRefused, match="not a regular file"):
        atomic.write_text(fifo, "{}")
    with pytest.raises(YdtwinError, match="not a regular file"):
        atomic.write_text(tmp_path, "{}")
    assert not list(tmp_path.glob(".*.tmp"))
    # a session saved to a linked name: refused the same way
    s = Session(path=link, title="t")
    with pytest.raises(YdtwinError, match="symbolic link"):
        s.save()
    assert link.is_symlink() and precious.read_text(encoding="utf-8") == "keep me\n"


@needs_symlinks
def test_a_temporary_file_is_never_followed(tmp_path, monkeypatch):
    """Rule: a save's temporary is created new (O_EXCL): a link planted at its name is never written through."""
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    (tmp_path / ".out.json.planted.tmp").symlink_to(precious)
    monkeypatch.setattr(atomic, "temp_name", lambda name: f".{name}.planted.tmp")
    with pytest.raises(FileExistsError):
        atomic.write_text(tmp_path / "out.json", "{}")
    assert precious.read_text(encoding="utf-8") == "keep me\n" and not (tmp_path / "out.json").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("which", ["", ".journal", ".lock"])
def test_a_fifo_at_the_session_journal_or_lock_is_refused_at_once(tmp_path, which):
    """Rule: the session, its journal and its lock must be regular files: a FIFO planted at one of those
    names is refused with one line (opening it would block forever, reading it would read a stream)."""
    path = _saved(tmp_path)
    target = tmp_path / f"s.ydreview{which}"
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    t0 = time.monotonic()
    with pytest.raises(YdtwinError) as err:
        Session.open(path)
    assert "not a regular file" in str(err.value) and target.name in str(err.value)
    assert time.monotonic() - t0 < 5


@needs_symlinks
def test_a_hard_linked_journal_is_never_appended_to_or_emptied(tmp_path):
    """Rule: a journal with another name (a hard link to another file) is refused for appending and for
    emptying: changing it would change that file too."""
    path, journal = _journalled(tmp_path, ["a0"])
    s = Session.open(path)
    s.recover()
    other = tmp_path / "other.txt"
    os.link(journal, other)
    before = other.read_bytes()
    with pytest.raises(YdtwinError, match="hard links"):
        s.comment("offset:abc", "x", author="a", city="c")
    with pytest.raises(YdtwinError, match="hard links"):
        s.save()
    assert other.read_bytes() == before
    s.close()


@needs_symlinks
def test_a_link_at_the_takeover_lock_is_refused(tmp_path):
    """Rule: taking over a dead holder's lock never opens (or truncates) what a link at
    ``<file>.lock.takeover`` points to."""
    path = _saved(tmp_path)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    (tmp_path / "s.ydreview.lock.takeover").symlink_to(precious)
    (tmp_path / "s.ydreview.lock").write_text(json.dumps({"user": "x", "host": socket.gethostname(),
                                                          "pid": 999_999_999, "since": "then"}), encoding="utf-8")
    with pytest.raises(YdtwinError, match="symbolic link"):
        Session.open(path)
    assert precious.read_text(encoding="utf-8") == "keep me\n"


# --- hostile session files: one clear line each ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, needle",
    [
        ("[]", "a JSON list, not an object"),
        ("5", "a JSON number, not an object"),
        ('"x"', "a JSON string, not an object"),
        ("null", "a JSON null, not an object"),
        ("", "not valid JSON"),
        ("\0" * 100, "not valid JSON"),
        ('{"format": ' + "1" * 10_000 + "}", "not valid JSON"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    ],
)
def test_hostile_documents_are_one_line(tmp_path, text, needle):
    """Rule: whatever the file holds, opening it raises one ReadError naming it — never AttributeError,
    TypeError, KeyError or RecursionError."""
    path = tmp_path / "bad.ydreview"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError) as err:
        Session.open(path, read_only=True)
    assert needle in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)


def test_invalid_utf8_is_one_line_with_where(tmp_path):
    path = _saved(tmp_path)
    data = path.read_bytes().replace(b'"t"', b'"\xff\xfe"', 1)
    path.write_bytes(data)
    with pytest.raises(ReadError, match=r"not UTF-8 at byte \d+"):
        Session.open(path, read_only=True)


@pytest.mark.parametrize("which", ["", ".journal"])
def test_a_2_gb_file_is_refused_before_it_is_read(tmp_path, monkeypatch, which):
    """Rule: a session file or journal over 256 MB is refused by its size, before anything is read (a 2 GB
    file would otherwise be loaded whole: MemoryError, or minutes of swapping)."""
    path = _saved(tmp_path)
    big = tmp_path / f"s.ydreview{which}"
    with open(big, "wb") as f:
        f.truncate(2 * 1024**3)  # sparse: takes no disk
    read = []
    real_pread = os.pread

    def pread(fd, n, offset):
        data = real_pread(fd, n, offset)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "pread", pread)
    with pytest.raises(ReadError) as err:
        Session.open(path, read_only=True)
    assert "2,147,483,648 bytes" in str(err.value) and "268,435,456" in str(err.value) and big.name in str(err.value)
    assert sum(read) < 100_000  # at most the small session file, nothing of the big one


def test_a_writer_killed_while_taking_the_lock_leaves_no_empty_lock(tmp_path, monkeypatch):
    """Rule: the lock appears whole or not at all (written aside, flushed, then linked to its name): a kill
    between creating it and writing the holder left an empty lock that blocked the session for everyone."""
    path = _saved(tmp_path)
    from ydtwin.review import session as module

    def killed(fd, data):
        raise KeyboardInterrupt  # the process dies here

    monkeypatch.setattr(module, "write_all", killed)
    with pytest.raises(KeyboardInterrupt):
        Session.open(path)
    monkeypatch.undo()
    assert not (tmp_path / "s.ydreview.lock").exists() and not list(tmp_path.glob(".s.ydreview.lock.*"))
    Session.open(path).close()
