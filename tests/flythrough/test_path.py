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
