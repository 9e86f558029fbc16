"""Measure and Profile through the workspace, against known answers on a synthetic terrain (a ramp rising 1 m
every 0.01° east), a 30 m building and corridors of known heights; the command line calls the same functions,
and bad input is one line, exit 2."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import shapely

from ydtwin.cli import main
from ydtwin.geo.geodesic import geodesic_lengths
from ydtwin.geo.grid import GridData
from ydtwin.model.buildings import BuildingsData, BuildingsLayer
from ydtwin.model.layer import Provenance, TerrainLayer, VectorData
from ydtwin.model.plans import PLAN_FIELDS, PlansLayer, ThemeStyle
from ydtwin.workspace import Workspace
from ydtwin.workspace.measure import parse_points, profile_csv

PROV = Provenance("test", "test", nature="synthetic")


def ramp(lon):
    """The synthetic terrain's height (m): 10 m at 121.0° E, 1 m more every 0.01° east."""
    return 10.0 + 100.0 * (np.asarray(lon) - 121.0)


def _plans(rows: list[dict]) -> PlansLayer:
    geoms = np.array([r.pop("geometry") for r in rows], dtype=object)
    base = {"title_zh": "", "theme": "transportation", "status": "planned", "start": 2025, "end": 2030,
            "owner": "", "capacity": 2, "city": "Test", "plugin": "ydtwin-test"}
    attrs = {f: np.array([{**base, **r}[f] for r in rows], dtype=object) for f in PLAN_FIELDS}
    for f in ("start", "end", "capacity"):
        attrs[f] = attrs[f].astype(np.int64)
    themes = {"transportation": ThemeStyle("transportation", "Transportation", "交通", (0.8, 0.2, 0.2))}
    return PlansLayer("Test plans", VectorData(geoms, "EPSG:4326", attrs), themes=themes, plugin="ydtwin-test",
                      provenance=PROV, role="plans:ydtwin-test")


@pytest.fixture(scope="module")
def ws():
    ws = Workspace.open(plugin_names=[])
    scene = ws.scene
    for role in ("procedural-blocks", "landmarks"):
        scene.layers.remove(scene.layer(role))
    lon = np.arange(120.9, 121.30001, 0.01)
    lat = np.arange(30.9, 31.10001, 0.01)
    values = np.repeat(ramp(lon)[None, :], len(lat), axis=0).astype(np.float32)
    grid = GridData(float(lon[0]), float(lat[0]), 0.01, 0.01, values, "EPSG:4326")
    terrain = TerrainLayer("terrain", grid, bathymetry_provenance=PROV, land_mask=np.ones(values.shape, bool),
                           provenance=PROV, role="terrain")
    ws.add_terrain(terrain)
    # a 60 m square building, 30 m high, centred on 121.05 E 31.0 N
    d_lat = 30.0 / 110_850.0
    d_lon = 30.0 / (111_320.0 * np.cos(np.radians(31.0)))
    square = shapely.box(121.05 - d_lon, 31.0 - d_lat, 121.05 + d_lon, 31.0 + d_lat)
    data = BuildingsData.from_geometries(np.array([square], dtype=object), height=np.array([30.0]), crs="EPSG:4326",
                                         attributes={"name": np.array(["Test tower"], dtype=object)})
    scene.add(BuildingsLayer("test buildings", data, provenance=PROV))
    scene.add(_plans([
        # a viaduct whose plan gives its heights: 10 m to 60 m over 0.1° east
        {"id": "test.viaduct", "title": "Test viaduct", "kind": "rail", "grade": "bridge",
         "geometry": shapely.LineString([(121.0, 31.02, 10.0), (121.1, 31.02, 60.0)])},
        # a road with no heights, on the ramp, and a pipe crossing everything north–south at 121.05 E
        {"id": "test.road", "title": "Test road", "kind": "road", "grade": "at_grade",
         "geometry": shapely.LineString([(121.0, 31.04), (121.1, 31.04)])},
        {"id": "test.pipe", "title": "Test pipe", "kind": "pipe", "grade": "",
         "geometry": shapely.LineString([(121.05, 30.99), (121.05, 31.05)])},
    ]))
    return ws


def test_profile_over_a_known_terrain_and_building(ws):
    """Along 31.0° N from 121.0 to 121.1° E: the terrain is the ramp at every sample, the building is crossed
    over its 60 m at 15 + 30 = 45 m, the pipe crossed at 121.05° E on the terrain (15 m)."""
    p = ws.profile(line=[(121.0, 31.0), (121.1, 31.0)], step_m=50.0)
    length = geodesic_lengths([121.0, 121.1], [31.0, 31.0])[0]
    assert p.length_m == pytest.approx(length, abs=1e-6)
    assert np.diff(p.distance_m).max() <= 50.0 + 1e-6
    assert np.allclose(p.terrain_m, ramp(p.lon), atol=1e-3)
    assert len(p.buildings) == 1
    b = p.buildings[0]
    assert b.name == "Test tower" and b.ground_m == pytest.approx(15.0, abs=1e-3)
    assert b.roof_m == pytest.approx(45.0, abs=1e-3)
    assert b.end_m - b.start_m == pytest.approx(60.0, abs=0.5)
    assert (b.start_m + b.end_m) / 2 == pytest.approx(length / 2, abs=0.5)
    inside = np.isfinite(p.roof_m)
    assert np.allclose(p.roof_m[inside], 45.0) and p.distance_m[inside].min() == pytest.approx(b.start_m)
    assert [c.id for c in p.crossings] == ["test.pipe"]
    c = p.crossings[0]
    assert c.heights_from == "terrain" and c.elevation_m == pytest.approx(15.0, abs=1e-3)
    assert c.distance_m == pytest.approx(length / 2, abs=0.05)
    assert p.corridor_m is None and p.grade_pct is None
    rows = list(csv.DictReader(profile_csv(p).splitlines()))
    assert len(rows) == len(p.distance_m)
    assert any(r["feature"].startswith("enters building Test tower") for r in rows)
    assert any(r["feature"].startswith("crosses test.pipe") for r in rows)
    assert float(rows[-1]["terrain_m"]) == pytest.approx(20.0, abs=0.05)


def test_grade_of_a_corridor_with_heights_and_one_on_the_terrain(ws):
    """The viaduct rises 50 m over its length: a grade of 50 m / length on every segment, from the plan's heights;
    the road has none: it follows the ramp (10 m over its length)."""
    p = ws.profile(corridor="test.viaduct", step_m=100.0)
    length = geodesic_lengths([121.0, 121.1], [31.02, 31.02])[0]
    assert p.corridor_heights == "given" and p.declared_grade == "bridge"
    assert np.allclose(p.grade_pct, 100.0 * 50.0 / length, rtol=1e-4)
    assert p.corridor_m[0] == pytest.approx(10.0) and p.corridor_m[-1] == pytest.approx(60.0)
    assert [c.id for c in p.crossings] == ["test.pipe"]
    road = ws.profile(corridor="Test road", step_m=100.0)
    assert road.corridor_heights == "terrain"
    assert np.allclose(road.grade_pct, 100.0 * 10.0 / length, rtol=1e-3)
    assert any("no heights" in n for n in road.notes)


def test_profile_outputs(ws, tmp_path):
    p = ws.profile(corridor="test.viaduct", step_m=200.0)
    png = ws.write_profile(p, tmp_path / "viaduct.png")
    from PIL import Image

    with Image.open(png) as im:
        assert im.size == (1600, 900)
    text = ws.write_profile(p, tmp_path / "viaduct.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "distance_m,lon,lat,terrain_m,building_roof_m,corridor_m,grade_pct,feature"


def test_measure_snaps_to_roofs_corners_terrain_and_water(ws):
    """A click on the building snaps to a corner within the radius, at its roof (45 m); elsewhere the terrain's
    height; a point without a height gets the terrain's."""
    corner = ws.snap_point(121.0503, 31.0003, building=("test buildings", 0), radius_m=20.0)
    assert corner.source == "vertex" and corner.height == pytest.approx(45.0, abs=1e-3)
    roof = ws.snap_point(121.05, 31.0, building=("test buildings", 0), radius_m=5.0)
    assert roof.source == "roof" and (roof.lon, roof.lat) == (121.05, 31.0)
    ground = ws.snap_point(121.02, 31.0)
    assert ground.source == "terrain" and ground.height == pytest.approx(12.0, abs=1e-3)
    m = ws.measure([roof, ground], "distance")
    assert m.height_diff_m == pytest.approx(-33.0, abs=1e-3)
    typed = ws.measure(parse_points(["121.02,31.0", "121.03,31.0"]), "distance")
    assert [p.source for p in typed.points] == ["terrain", "terrain"]
    assert typed.height_diff_m == pytest.approx(1.0, abs=1e-3)


def test_cli_measure_and_profile_call_the_workspace(tmp_path, monkeypatch, capsys):
    """`ydtwin analyse measure` prints Workspace.measure's figures with units; `analyse profile` writes
    Workspace.profile's samples."""
    calls = []
    for name in ("measure", "profile", "write_profile"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name,
                            lambda self, *a, _r=real, _n=name, **k: calls.append((_n, a, k)) or _r(self, *a, **k))
    assert main(["analyse", "measure", "--points", "121.4737,31.2304", "120.6270,31.3120"]) == 0
    out = capsys.readouterr().out
    assert calls[0][0] == "measure" and calls[0][1][1] == "distance"
    assert "Distance (geodesic): 81.14 km" in out and "Precision (position · heights): ± 5.6 m · 1 m" in out
    assert main(["analyse", "measure", "--area", "--uncertainty", "1", "--points", "120.6,31.3", "120.62,31.3",
                 "120.62,31.32"]) == 0
    assert calls[-1][1][1] == "area" and "Area (geodesic): " in capsys.readouterr().out
    out_csv = tmp_path / "hsr.csv"
    assert main(["analyse", "profile", "--corridor", "suzhou.hsr", "--plugins", "suzhou", "--step", "100",
                 "--out", str(out_csv)]) == 0
    assert [c[0] for c in calls[-2:]] == ["profile", "write_profile"]
    assert calls[-2][2] == {"line": None, "corridor": "suzhou.hsr", "step_m": 100.0}
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert float(rows[-1]["distance_m"]) > 40_000 and rows[0]["grade_pct"] != ""


@pytest.mark.parametrize("args, message", [
    (["measure", "--points", "121.4,abc", "121.5,31.2"], "a point is LON,LAT"),
    (["measure", "--points", "121.4,31.2"], "at least 2 points"),
    (["measure", "--area", "--points", "121.4,31.2", "121.5,31.2"], "at least 3 points"),
    (["measure", "--points", "10,10", "11,11"], "outside the region"),
    (["measure", "--points", "121.4,31.2,nan", "121.5,31.2"], "not a finite number"),
    (["profile", "--line", "121.4,31.2", "121.5,31.2", "--out", "profile.txt"], ".png (a chart) or .csv"),
    (["profile", "--line", "121.4,31.2", "121.5,31.2", "--step", "0"], "between 1 and 10000"),
    (["profile", "--line", "121.4,31.2", "--plugins", "none"], "at least 2 points"),
    (["profile", "--corridor", "no-such-line", "--plugins", "suzhou"], "no planned corridor"),
    (["profile", "--corridor", "hsr"], "give the whole id"),
])
def test_bad_input_is_one_line_exit_2(args, message, capsys):
    try:
        status = main(["analyse", *args])
    except SystemExit as exc:  # argparse's own checks (the --step range) exit with 2 themselves
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_kept_measurements_profile_lines_and_a_measurement_attached_to_a_finding(ws, tmp_path):
    """A measurement kept is an annotation in the scene; a profile's line replaces the last one; attached to a
    finding it is a comment carrying the measurement, journalled at once and saved in the session file (older
    files, without it, load as before)."""
    from ydtwin.review.session import Session

    m = ws.measure(parse_points(["121.02,31.0,12", "121.03,31.0,13"]), "distance")
    item = ws.keep_measurement(m)
    layer = ws.scene.layer("annotations")
    assert layer.items[-1] is item and item.label == dict(m.rows())["distance"] and item.points == m.points
    ws.show_profile(ws.profile(line=[(121.0, 31.0), (121.1, 31.0)], step_m=500.0))
    ws.show_profile(ws.profile(corridor="test.road", step_m=500.0))
    profiles = [i for i in layer.items if i.kind == "profile"]
    assert len(profiles) == 1 and profiles[0].points[0].lat == pytest.approx(31.04)
    ws.show_profile(None)
    assert [i.kind for i in layer.items] == ["distance"]
    session = Session(path=tmp_path / "review.json", title="t")
    ws.set_session(session)
    fid = ws.add_manual_finding(121.025, 31.0, "gap between the two roads")
    ws.attach_measurement(fid, m, author="planner", city="Suzhou")
    comment = session.findings[fid]["comments"][-1]
    assert comment["measurement"]["kind"] == "distance" and comment["text"] == f"Measurement: {m.summary()}"
    assert comment["measurement"]["length_m"] == pytest.approx(m.length_m, abs=1e-3)
    recovered = Session.open(tmp_path / "review.json", lock=False)  # nothing saved yet: all in the journal
    recovered.recover()
    assert recovered.findings[fid]["comments"][-1]["measurement"] == comment["measurement"]
    session.save()
    again = Session.open(tmp_path / "review.json", lock=False)
    assert again.findings[fid]["comments"][-1]["measurement"]["points"][0][:2] == [121.02, 31.0]
    from ydtwin.errors import YdtwinError

    with pytest.raises(YdtwinError, match="no finding"):
        ws.attach_measurement("nope", m)
    session.close()
