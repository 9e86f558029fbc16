"""Flight paths as data: JSON round trip, validation with one-line errors, timing, tracks, presets."""

import json
import sys
from pathlib import Path

import pytest

from ydtwin.flythrough.path import Caption, FlightPath, Keyframe, PathError, Sampler, Tracks, YearKey
from ydtwin.geo.projection import SceneProjection

ROOT = Path(__file__).resolve().parents[2]
PROJ = SceneProjection(lon_0=121.0, lat_0=31.0)


def _keys(n=3, **kw):
    return [Keyframe(name=f"k{i}", eye=[120.6 + 0.1 * i, 31.2, 2000.0], target=[120.6 + 0.1 * i, 31.3, 0.0], **kw)
            for i in range(n)]


def test_round_trip_is_exact(tmp_path):
    path = FlightPath(title="苏州 tour", keyframes=_keys(hold=1.0),
                      tracks=Tracks(plan_year=[YearKey(time=0, year=2030)], captions=[Caption(start=0, end=2, text="一")]))
    saved = path.save(tmp_path / "p.json")
    again = FlightPath.load(saved)
    assert again == path
    assert json.loads(saved.read_text(encoding="utf-8"))["format"] == "ydtwin-flightpath/1"
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_timing_holds_and_frame_count():
    path = FlightPath(keyframes=_keys(3, seconds=2.0, hold=0.5), fps=10)
    # two segments of hold 0.5 + 2 s, and the last key's hold
    assert path.duration == pytest.approx(5.5)
    assert path.frame_count() == 56
    closed = FlightPath(keyframes=_keys(3, seconds=2.0), closed=True)
    assert closed.duration == pytest.approx(6.0)
    s = Sampler(path, PROJ)
    assert s.duration == pytest.approx(path.duration)
    # resting during a hold
    assert (s.state(0.1).pose.eye == s.state(0.4).pose.eye).all()


@pytest.mark.parametrize("doc, where", [
    ({"keyframes": []}, "keyframes"),
    ({"keyframes": [{"eye": [500, 31, 10], "target": [121, 31, 0]}]}, "keyframes.0.eye"),
    ({"keyframes": [{"eye": [121, 31, 10], "target": [121, 31, 10]}]}, "keyframes.0"),
    ({"keyframes": [{"eye": [121, 31, 10], "target": [121, 31.1, 0], "seconds": -1}]}, "keyframes.0.seconds"),
    ({"keyframes": [{"eye": [121, 31, 10], "target": [121, 31.1, 0], "ease": "bounce"}]}, "keyframes.0.ease"),
    ({"keyframes": [{"eye": [121, 31, 10], "target": [121, 31.1, 0]}], "size": [8000, 8000]}, "size"),
    ({"keyframes": [{"eye": [121, 31, 10], "target": [121, 31.1, 0]}], "run": "rm -rf /"}, "run"),
    ({"format": "other/2", "keyframes": []}, "format"),
    ({"keyframes": [{"eye": [121, 31, -5000], "target": [121, 31.1, 0]}]}, "keyframes.0.eye"),  # underground
])
def test_bad_paths_are_one_line_naming_the_key(tmp_path, doc, where):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PathError) as err:
        FlightPath.load(p)
    text = str(err.value)
    assert "\n" not in text and "bad.json" in text and where in text


def test_unreadable_files(tmp_path):
    with pytest.raises(PathError, match="no such file"):
        FlightPath.load(tmp_path / "missing.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PathError, match="cannot be read|not valid JSON"):
        FlightPath.load(tmp_path / "bin.json")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(PathError, match="JSON object"):
        FlightPath.load(tmp_path / "list.json")


def test_keyframes_own_year_and_caption_move_with_them():
    keys = _keys(4, seconds=2.0)
    keys[1] = keys[1].model_copy(update={"plan_year": 2035, "caption": "Phase 2"})
    path = FlightPath(keyframes=keys, tracks=Tracks(plan_year=[YearKey(time=0, year=2025)]))
    s = Sampler(path, PROJ)
    assert (s.state(1.0).plan_year, s.state(1.0).caption) == (2025, "")
    assert (s.state(2.5).plan_year, s.state(2.5).caption) == (2035, "Phase 2")
    assert s.state(4.5).caption == "" and s.state(4.5).plan_year == 2035  # caption until the next keyframe
    slower = FlightPath(keyframes=[keys[0].model_copy(update={"seconds": 5.0}), *keys[1:]],
                        tracks=path.tracks)
    s2 = Sampler(slower, PROJ)
    assert s2.state(2.5).plan_year == 2025 and s2.state(5.5).plan_year == 2035  # moved with its keyframe


def test_keyframes_show_and_hide_layers_from_their_time():
    keys = _keys(3, seconds=2.0)
    keys[1] = keys[1].model_copy(update={"layers": {"city-boundaries": False, "Findings": True}})
    s = Sampler(FlightPath(keyframes=keys), PROJ)
    assert s.state(1.0).layers == {} and s.state(2.0).layers == {"city-boundaries": False, "Findings": True}


def test_presets():
    from ydtwin.flythrough.presets import corridor, review, tour

    t = tour(PROJ, [("上海", 121.47, 31.23), ("苏州", 120.62, 31.30), ("无锡", 120.30, 31.57)], seconds=5, hold=2)
    assert t.duration == pytest.approx(2 * 7 + 2)
    s = Sampler(t, PROJ)
    assert s.state(1.0).caption == "上海" and s.state(4.0).caption == "" and s.state(t.duration).caption == "无锡"

    line = [(120.9, 31.2), (121.0, 31.25), (121.2, 31.25)]
    c = corridor(PROJ, line, height_m=500, speed_mps=500, caption="Line 1")
    cs = Sampler(c, PROJ)
    for t_ in (0.0, c.duration / 2, c.duration):
        pose = cs.state(t_).pose
        assert abs(pose.eye[2] - 500) < 1e-6 and pose.focal[2] < pose.eye[2]  # level flight, looking down-ahead

    findings = [{"id": "f1", "severity": "error", "kind": "offset", "message": "350 m offset", "location": [121.0, 31.1]},
                {"id": "f2", "severity": "warning", "kind": "dangling", "message": "no counterpart",
                 "location": [120.8, 31.0]},
                {"id": "f3", "kind": "manual", "message": "no location"}]
    r = review(PROJ, findings, seconds=3, hold=4)
    assert [k.name for k in r.keyframes] == ["f1", "f2"]
    rs = Sampler(r, PROJ)
    assert rs.state(1.0).caption == "1/2 [error] 350 m offset"
    assert rs.state(r.duration).caption == "2/2 [warning] no counterpart"
    with pytest.raises(ValueError):
        review(PROJ, [findings[2]])
    # a finding with a saved camera is visited from there
    own = {**findings[0], "viewpoint": {"eye": [121.05, 31.0, 2500.0], "target": [121.0, 31.1, 0.0], "view_angle": 40}}
    r2 = review(PROJ, [own, findings[1]])
    assert r2.keyframes[0].eye == [121.05, 31.0, 2500.0] and r2.keyframes[0].view_angle == 40


def test_published_schema_is_current():
    sys.path.insert(0, str(ROOT / "packaging"))
    import flight_path_schema

    on_disk = (ROOT / "docs" / "flight-path.schema.json").read_text(encoding="utf-8")
    assert on_disk == flight_path_schema.text(), "run: python packaging/flight_path_schema.py"


def _key_doc(i=0, **kw):
    return {"eye": [120.6 + 1e-4 * (i % 1000), 31.2, 2000.0], "target": [120.6, 31.3, 0.0], **kw}


def test_a_path_with_240000_keyframes_is_refused_before_it_is_validated(tmp_path):
    """240,000 keyframes loaded (slowly) and started a 28-million-frame render: a path has at most 10,000
    keyframes, counted before any keyframe is validated (one line, at once)."""
    import time

    from ydtwin.flythrough.path import MAX_KEYFRAMES

    p = tmp_path / "endless.json"
    p.write_text(json.dumps({"keyframes": [_key_doc(i) for i in range(240_000)]}, separators=(",", ":")),
                 encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(PathError, match="keyframes: 240,000 items; a flight path has at most 10,000"):
        FlightPath.load(p)
    assert time.perf_counter() - t0 < 3.0
    with pytest.raises(ValueError, match="at most 10000 items"):
        FlightPath(keyframes=[Keyframe(**_key_doc(i)) for i in range(MAX_KEYFRAMES + 1)])


@pytest.mark.parametrize("doc, needle", [
    # 500 segments of 4 s: 2,000 s
    ({"keyframes": [_key_doc(i) for i in range(501)]}, "a video is at most 1,800 s"),
    # 1,000 s at 120 fps: 120,001 frames
    ({"keyframes": [_key_doc(i, seconds=10.0) for i in range(101)], "fps": 120}, "120,001 frames at 120 fps"),
    ({"keyframes": [_key_doc()], "fps": 0}, "fps"),
    ({"keyframes": [_key_doc()], "fps": 121}, "fps"),
    ({"keyframes": [_key_doc(seconds=float("nan"))]}, "keyframes.0.seconds"),
    ({"keyframes": [_key_doc(hold=float("inf"))]}, "keyframes.0.hold"),
    ({"keyframes": [_key_doc()], "tracks": {"plan_year": [{"time": float("inf"), "year": 2030}]}}, "finite"),
    ({"keyframes": [_key_doc()], "tracks": {"captions": [{"start": 0, "end": float("nan"), "text": "x"}]}}, "finite"),
    ({"keyframes": [_key_doc()], "tracks": {"layers": [{"time": 0, "layer": "a", "visible": True}] * 10_001}},
     "tracks.layers: 10,001 items"),
])
def test_limits_on_duration_frames_rate_and_tracks(tmp_path, doc, needle):
    """A path's video is at most 30 minutes and 108,000 frames (30 min at 60 fps), at 1–120 fps; durations and
    track times are finite; tracks have at most 10,000 keys: each refused in one line when the file is loaded."""
    p = tmp_path / "long.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PathError) as err:
        FlightPath.load(p)
    assert needle in str(err.value) and "long.json" in str(err.value) and "\n" not in str(err.value)


def test_the_frames_a_render_asks_for_are_checked_again():
    """A path edited after it was checked, or rendered at another frame rate, is checked when the frames are
    asked for (video_frames, Sampler.times): no 200,000-frame render starts."""
    path = FlightPath(keyframes=_keys(2, seconds=1000.0), fps=60)  # 1,000 s at 60 fps: 60,001 frames
    assert path.video_frames() == path.frame_count() == 60_001
    with pytest.raises(PathError, match="120,001 frames at 120 fps"):
        path.video_frames(120)
    with pytest.raises(PathError, match="frame rate 0"):
        path.video_frames(0)
    path.keyframes += _keys(2, seconds=1000.0)  # now 3,000 s
    with pytest.raises(PathError, match="at most 1,800 s"):
        Sampler(path, PROJ).times()


def test_devices_and_oversized_files_are_not_read(tmp_path):
    """/dev/zero as a path file was read without end; a file over 32 MB is refused by its size, unread."""
    import os

    from ydtwin.flythrough.path import MAX_FILE_BYTES

    if os.path.exists("/dev/zero"):
        with pytest.raises(PathError, match="not a regular file"):
            FlightPath.load("/dev/zero")
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(PathError, match="a flight path file is at most"):
        FlightPath.load(big)
    with pytest.raises(PathError, match="folder"):
        FlightPath.load(tmp_path)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(PathError, match="deep.json"):
        FlightPath.load(deep)



@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    """A FIFO as a flight path blocked the open until something wrote to it: refused before it is opened."""
    import os
    import threading

    os.mkfifo(tmp_path / "pipe.json")
    outcome = []

    def run():
        try:
            FlightPath.load(tmp_path / "pipe.json")
        except PathError as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert outcome and "not a regular file" in outcome[0]
