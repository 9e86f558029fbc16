"""Review sessions: atomic saves that survive kill -9, journal recovery, locks, merges that keep comments."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from ydtwin.errors import YdtwinError
from ydtwin.review.session import Session, SessionLocked, merge_sessions

FINDING = {"id": "offset:abc", "kind": "offset", "severity": "warning", "cities": ["Shanghai", "Suzhou"],
           "projects": ["shanghai.jiayi-road", "suzhou.loujiang-road"], "location": [121.19, 31.46],
           "message": "meet the border 350 m apart"}


def test_edits_save_and_reopen(tmp_path):
    path = tmp_path / "审查.ydreview"
    s = Session(path=path, title="Joint review 2026")
    s.add_finding(FINDING, viewpoint={"position": [0, 0, 1000], "focal_point": [0, 0, 0]})
    s.set_status("offset:abc", "agreed", author="Li", city="Suzhou")
    s.comment("offset:abc", "Taicang will shift its alignment 350 m south", author="Li", city="Suzhou")
    s.save()
    assert path.stat().st_size > 0 and os.path.getsize(f"{path}.journal") == 0
    again = Session.open(path)
    rec = again.findings["offset:abc"]
    assert rec["status"] == "agreed" and rec["comments"][0]["city"] == "Suzhou"
    assert rec["history"][0]["from"] == "open" and rec["viewpoint"]["position"] == [0, 0, 1000]
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
    i += 1
"""


def test_kill_9_while_saving_never_breaks_the_file(tmp_path):
    src = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "src")
    path = tmp_path / "s.ydreview"
    code = WRITER.format(src=src, path=str(path), finding=FINDING)
    for k in range(20):
        proc = subprocess.Popen([sys.executable, "-c", code])
        time.sleep(0.6 + (k % 5) * 0.07)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
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
    (tmp_path / "s.ydreview.lock").write_text(json.dumps({"user": "x", "host": __import__("socket").gethostname(),
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


def test_saved_sessions_follow_the_published_schema(tmp_path):
    """Structural check of a saved session against docs/review-session.schema.json (required keys, enums)."""
    from pathlib import Path

    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "review-session.schema.json").read_text())
    s = Session(path=tmp_path / "s.ydreview", title="t", scenario={"year": 2030})
    s.add_finding(FINDING, viewpoint={"view": "1,2,3,4"})
    s.set_status("offset:abc", "deferred", author="a", city="Suzhou")
    s.comment("offset:abc", "x", author="a", city="Suzhou")
    doc = json.loads(s.save().read_text())
    assert set(schema["required"]) <= set(doc) and set(doc) <= set(schema["properties"])
    assert doc["format"] == schema["properties"]["format"]["const"]
    item = schema["properties"]["findings"]["items"]
    for rec in doc["findings"]:
        assert set(item["required"]) <= set(rec)
        assert set(item["properties"]["finding"]["required"]) <= set(rec["finding"])
        assert rec["status"] in item["properties"]["status"]["enum"]
        for h in rec["history"]:
            assert set(item["properties"]["history"]["items"]["required"]) <= set(h)
        for c in rec["comments"]:
            assert set(item["properties"]["comments"]["items"]["required"]) <= set(c)


def test_a_missing_session_is_an_error_when_it_must_exist(tmp_path):
    with pytest.raises(YdtwinError, match="no such review session"):
        Session.open(tmp_path / "none.json", read_only=True)
    with pytest.raises(YdtwinError, match="no such review session"):
        Session.open(tmp_path / "none.json", must_exist=True)
    fresh = Session.open(tmp_path / "new.json")  # the autosave's way: a new, empty session
    assert not fresh.findings
    fresh.close()
