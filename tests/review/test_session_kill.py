"""Review sessions under SIGKILL: writers killed at random moments while they open, recover, edit and save,
readers opening the same sessions read-only all the while. Every edit a writer acknowledged survives, every
session loads, no reader ever fails or sees less than was acknowledged, no save ever fails because of
another process.

The writers and readers are forked from one helper process that has imported ydtwin once (a fresh
interpreter per kill would spend the time budget on imports); the helper runs the schedule and reports."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ydtwin.review.session import Session

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix" or not hasattr(os, "fork"), reason="SIGKILL and fork: POSIX")

FINDING = {"id": "offset:abc", "kind": "offset", "severity": "warning", "cities": ["Shanghai", "Suzhou"],
           "projects": ["shanghai.jiayi-road", "suzhou.loujiang-road"], "location": [121.19, 31.46],
           "message": "meet the border 350 m apart"}

HELPER = r'''
import fcntl, json, os, random, signal, sys, time, traceback
sys.path.insert(0, SRC)
from ydtwin.review.journal import encode
from ydtwin.review.session import FINDING_STATUSES, Session

def note(path, text):  # one line, on disk before going on
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (text + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)

def guarded(errors, body):
    try:
        body()
    except BaseException:
        note(errors, json.dumps(traceback.format_exc()))
        os._exit(3)
    os._exit(0)

def writer(path, acks, errors, torn, seed):
    rnd = random.Random(seed)
    s = Session.open(path)  # the previous writer was killed: its lock is taken over
    if s.torn is not None:
        note(torn, str(s.torn.cut))
    s.recover()
    n = 0
    while True:
        n += 1
        r = rnd.random()
        if r < 0.55:
            token = f"c{seed}-{n}"
            big = rnd.random() < 0.03  # a long comment: a write the kill can cut in the middle
            s.comment("offset:abc", token + (" " + "x" * rnd.randrange(20_000, 90_000) if big else ""), author="w",
                      city="Suzhou")
            note(acks, token)  # the edit method returned: acknowledged
        elif r < 0.65:
            fid = f"manual:{seed}-{n}"
            s.add_finding(dict(FINDING, id=fid, kind="manual"))
            note(acks, fid)
        elif r < 0.75:
            s.set_status("offset:abc", rnd.choice(FINDING_STATUSES), author="w", city="Suzhou")
        elif r < 0.8:
            s.set_viewpoint("offset:abc", {"eye": [121.2, 31.4, 100.0 + n], "target": [121.19, 31.46, 0.0]},
                            author="w", city="Suzhou")
        else:
            s.save()

def acked(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return set()
    return {line.decode() for line in data.split(b"\n")[:-1] if line}  # a line cut by a kill is not an ack

def reader(paths, ack_paths, counts, errors, seed):
    rnd = random.Random(seed)
    while True:
        i = rnd.randrange(len(paths))
        before = acked(ack_paths[i])  # acknowledged before this open began: must all be seen
        s = Session.open(paths[i], read_only=True)
        s.recover()
        rec = s.findings["offset:abc"]
        seen = {c["text"].split(" ")[0] for c in rec["comments"]} | set(s.findings)
        missing = before - seen
        if missing:
            raise AssertionError(f"{paths[i]}: a reader missed acknowledged edits {sorted(missing)[:5]}")
        note(counts, "t" if s.torn is not None else "o")

def power_cut(path, rnd, n):
    """What a power cut in the middle of an append leaves: part of a record, or zeros (the file grown, its
    data never written). Under the journal's lock, as a writer holds it."""
    journal = path + ".journal"
    record = encode({"time": "2026-01-05T08:00:00.000+00:00", "edit": f"cut{n}", "op": "comment",
                     "id": "offset:abc", "text": f"torn{n}", "author": "w", "city": "Suzhou"})
    tail = record[:rnd.randrange(1, len(record))] if rnd.random() < 0.7 else bytes(rnd.randrange(1, 4096))
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, tail)
        os.fsync(fd)
    finally:
        os.close(fd)

def main():
    cfg = json.loads(sys.stdin.readline())
    rnd = random.Random(cfg["seed"])
    paths, acks, errors, torn, counts = cfg["paths"], cfg["acks"], cfg["errors"], cfg["torn"], cfg["counts"]
    readers = []
    for k in range(cfg["readers"]):
        pid = os.fork()
        if pid == 0:
            guarded(errors, lambda: reader(paths, acks, counts, errors, 10_000 + k))
        readers.append(pid)
    writers = {}  # session index -> pid
    kills = started = cuts = 0
    seed = 0
    t0 = time.monotonic()
    while kills < cfg["kills"] and time.monotonic() - t0 < cfg["max_s"]:
        for i in range(len(paths)):
            if i not in writers:
                seed += 1
                pid = os.fork()
                if pid == 0:
                    guarded(errors, lambda: writer(paths[i], acks[i], errors, torn, seed))
                writers[i] = pid
                started += 1
        time.sleep(rnd.uniform(0.0, cfg["max_delay_s"]))
        i = rnd.choice(sorted(writers))
        pid = writers.pop(i)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            kills += 1
            if rnd.random() < cfg["power_cuts"]:
                power_cut(paths[i], rnd, kills)
                cuts += 1
        else:  # it ended by itself: only an error does that (written to the errors file)
            note(errors, json.dumps(f"writer {pid} ended with status {status}"))
    for pid in [*writers.values(), *readers]:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print(json.dumps({"kills": kills, "writers": started, "power_cuts": cuts,
                      "seconds": round(time.monotonic() - t0, 1)}), flush=True)

FINDING = json.loads(os.environ["YDTWIN_TEST_FINDING"])
main()
'''


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").split("\n")[:-1] if line]


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_edit(tmp_path):
    """Rule: an edit whose method returned is on disk. At least 200 writers killed with SIGKILL at random
    moments (opening, recovering, appending, saving), with readers opening the sessions read-only meanwhile:
    every session loads, every acknowledged edit is there (torn journal tails are cut, never the edits
    before or after them), no reader fails or misses an edit acknowledged before it opened, no save fails
    because a reader or another writer removed its temporary file."""
    n_sessions = 2
    paths = [tmp_path / f"review-{i}.ydreview" for i in range(n_sessions)]
    for path in paths:
        s = Session(path=path, title="kill test")
        s.add_finding(FINDING)
        s.save()
    cfg = {"seed": 20260105, "paths": [str(p) for p in paths], "acks": [str(p) + ".acks" for p in paths],
           "errors": str(tmp_path / "errors"), "torn": str(tmp_path / "torn"), "counts": str(tmp_path / "counts"),
           "readers": 2, "kills": 200, "max_s": 50.0, "max_delay_s": 0.12, "power_cuts": 0.2}
    code = HELPER.replace("SRC", repr(str(ROOT / "src")), 1)
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(cfg) + "\n", capture_output=True, text=True,
                          timeout=120, env={**os.environ, "YDTWIN_TEST_FINDING": json.dumps(FINDING)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    errors = [json.loads(line) for line in _lines(tmp_path / "errors")]
    assert not errors, errors[0]

    acknowledged = recovered = 0
    for path in paths:
        acks = set(_lines(Path(f"{path}.acks")))
        s = Session.open(path, lock=False)  # the last writer was killed: a writable open cuts a torn tail
        s.recover()
        seen = {c["text"].split(" ")[0] for c in s.findings["offset:abc"]["comments"]} | set(s.findings)
        assert acks <= seen, f"{path}: acknowledged edits lost: {sorted(acks - seen)[:10]}"
        assert not [t for t in seen if t.startswith("torn")]  # a torn record is never taken for an edit
        edits = [c["edit"] for c in s.findings["offset:abc"]["comments"]]
        assert len(edits) == len(set(edits))  # never an edit twice
        s.save()
        again = Session.open(path, read_only=True)
        assert again.torn is None and not again.pending and again.findings == s.findings
        assert not list(tmp_path.glob(f".{path.name}.*.tmp"))  # killed writers' temporaries removed
        acknowledged += len(acks)
        recovered += len(seen - {"offset:abc"})  # the acknowledged ones and those killed before their ack
    counts = (tmp_path / "counts").read_bytes() if (tmp_path / "counts").exists() else b""
    torn = [int(n) for n in _lines(tmp_path / "torn")]
    print(f"\nkills: {run['kills']} (writers started: {run['writers']}, {run['seconds']} s); "
          f"edits acknowledged: {acknowledged}; edits recovered: {recovered}; "
          f"torn tails cut: {len(torn)} ({sum(torn):,} bytes; power cuts emulated: {run['power_cuts']}); "
          f"reader opens: {len(counts)} ({counts.count(b't')} saw a torn tail, left in place)")
    assert run["kills"] >= 200
    assert acknowledged > 200 and len(counts) > 50
