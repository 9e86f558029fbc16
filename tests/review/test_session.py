"""Review sessions: atomic saves that survive kill -9, journal recovery, locks, merges that keep comments."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from ydtwin.errors import ReadError, YdtwinError
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
    ],
)
def test_hostile_session_files_are_refused_with_one_line(tmp_path, change, needle):
    """Wrong types, unknown keys, out-of-range and huge values: refused at open, before anything is used,
    as one ReadError line naming the file and the key."""
    path = _saved(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ReadError) as err:
        Session.open(path, read_only=True)
    text = str(err.value)
    assert needle in text and "\n" not in text and str(path) in text


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
