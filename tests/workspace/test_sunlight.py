"""Sunlight analysis through the workspace: a synthetic block in Pudong (the procedural blocks switched off) —
shadows fall north of a tower in winter, a planned tower takes sun from the slab north of it (before/after, loss,
points that fall under the minimum), results written as GeoJSON and CSV that say their day, window, time zone and
CRS, shown as coloured layers; bad input is one line; ``ydtwin analyse sunlight`` is the same workspace call."""

import csv
import json

import numpy as np
import pytest
import shapely

from sun_synth import SW, area_box, bare_workspace, buildings_layer


@pytest.fixture(scope="module")
def ws():
    return bare_workspace()


def _local(ws, result):
    proj = ws.scene.projection
    ox, oy = proj.to_scene(np.array([SW[0]]), np.array([SW[1]]))
    return result.x - ox[0], result.y - oy[0]


@pytest.fixture(scope="module")
def tower_result(ws):
    from ydtwin.workspace.sunlight import SunlightRequest

    tower = buildings_layer(ws, "tower", [(180, 180, 220, 220)], [100.0])
    ws.scene.add(tower)
    try:
        req = SunlightRequest(area=area_box(ws, 0, 0, 400, 400), date="2026-12-22", spacing_m=10.0, step_min=5.0)
        return ws.sunlight(req)
    finally:
        ws.scene.layers.remove(tower)


def test_shadows_fall_north_of_a_tower_in_winter(tower_result):
    """Ground north of a 100 m tower gets less winter sun than ground south of it; the footprint's points are
    left out; the summary says the day and window in both clocks."""
    r = tower_result
    x, y = r.x - r.x.mean(), r.y - r.y.mean()
    north = (np.abs(x) < 20) & (y > 40) & (y < 140)
    south = (np.abs(x) < 20) & (y < -40)
    # a 40 m wide tower's shadow sweeps across each point north of it within 1.4 × 100 m / tan(35°)
    assert r.hours[north].max() < 5.0 and r.hours[north].mean() < 4.0
    assert r.hours[south].min() == pytest.approx(6.0)
    assert r.inside_buildings == 16  # the 40 × 40 m footprint at 10 m spacing
    assert (r.kind == "ground").all() and np.isfinite(r.hours).all() and r.hours_before is None
    text = "\n".join(r.summary())
    assert "2026-12-22" in text and "true solar time" in text and "UTC+8" in text
    assert "under 2 h" in text


def test_a_planned_tower_takes_sun_from_the_slab_north_of_it(ws, tmp_path):
    """Before/after: the slab's south facade had the whole window; with an 80 m wide, 90 m tower planned 30 m south
    of it, its lower storeys lose hours and fall under the 2 h minimum; the tower's own facades have no 'before'; the ground
    under its footprint has no 'after'."""
    from ydtwin.workspace.sunlight import SunlightRequest

    slab = buildings_layer(ws, "slab", [(100, 250, 300, 262)], [18.0])
    plan = buildings_layer(ws, "planned-tower", [(160, 180, 240, 220)], [90.0], nature="illustrative")
    ws.scene.add(slab)
    ws.scene.add(plan)
    try:
        req = SunlightRequest(area=area_box(ws, 60, 120, 340, 300), date="winter-solstice:2026", spacing_m=10.0,
                              step_min=5.0, facades=True, facade_spacing_m=5.0)
        r = ws.sunlight(req, plans=["planned-tower"])
    finally:
        ws.scene.layers.remove(slab)
        ws.scene.layers.remove(plan)
    assert r.plan_names == ["planned-tower"]
    lx, _ly = _local(ws, r)
    south_face = (r.kind == "facade") & (r.layer == "slab") & (np.abs(r.wall_azimuth - 180) < 1)
    behind = south_face & (np.abs(lx - 200) < 15)
    assert r.hours_before[behind] == pytest.approx(6.0)
    assert (r.hours[behind & (r.floor == 0)] < 2).all()
    assert (r.loss[behind] > 3).all()
    assert r.newly_below[behind & (r.floor == 0)].all()
    assert np.isnan(r.hours_before[(r.kind == "facade") & (r.layer == "planned-tower")]).all()
    covered = (r.kind == "ground") & np.isnan(r.hours)
    assert covered.sum() == 32 and np.isfinite(r.hours_before[covered]).all()
    # the north facade never gets winter sun, plan or not
    assert (r.hours[(r.layer == "slab") & (np.abs(r.wall_azimuth) < 1)] == 0).all()
    assert "fall under 2 h" in "\n".join(r.summary())

    # files: GeoJSON with the metadata, CSV with its '#' lines
    gj = json.loads(ws.write_sunlight(r, tmp_path / "sun.geojson").read_text(encoding="utf-8"))
    meta = gj["metadata"]
    assert meta["crs"].startswith("EPSG:4326") and meta["time_zone"] == "China Standard Time (UTC+8)"
    assert meta["window"] == "9:00-15:00" and meta["window_basis"] == "true solar time"
    assert meta["date"] == "2026-12-22" and meta["reference_day"] == "winter-solstice" and meta["plan"] == ["planned-tower"]
    assert len(gj["features"]) == len(r)
    kinds = {f["geometry"]["type"] for f in gj["features"]}
    assert kinds == {"Polygon", "Point"}
    f0 = next(f for f in gj["features"] if f["properties"]["kind"] == "facade" and f["properties"]["layer"] == "slab")
    assert {"hours", "hours_before", "loss_h", "newly_below_min", "floor", "wall_azimuth_deg"} <= set(f0["properties"])
    lines = (ws.write_sunlight(r, tmp_path / "sun.csv")).read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    assert any("UTC+8" in line for line in comments) and any("EPSG:4326" in line for line in comments)
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert len(rows) == len(r) and rows[0]["kind"] == "ground"

    # in the scene: hours by class with a legend row each, the loss hidden until chosen; shown again, replaced
    layers = ws.show_sunlight(r)
    roles = [layer.role for layer in layers]
    assert roles.count("sunlight-hours") == 2 and roles.count("sunlight-loss") == 2  # ground and facades
    hours = layers[0]
    assert hours.visible and hours.group == "Analysis" and hours.style.classes[0][0] == "Sunlight 0–1 h"
    assert hours.provenance.nature == "illustrative"  # the plan's nature shows in the result's
    assert not next(layer for layer in layers if layer.role == "sunlight-loss").visible
    ws.show_sunlight(r)
    assert sum(layer.role.startswith("sunlight") for layer in ws.scene.layers) == 4
    ws.show_sunlight(None)
    assert not any(layer.role.startswith("sunlight") for layer in ws.scene.layers)


@pytest.mark.parametrize(("changes", "message"), [
    ({"date": "2026-02-30"}, "not a date"),
    ({"window": "15:00-9:00"}, "the end must come after the start"),
    ({"area": (125.0, 31.0, 125.01, 31.01)}, "outside the region"),
    ({"area": (121.0, 31.0, 121.5, 31.5)}, "too large"),
    ({"area": (121.0, 31.0, 121.0, 31.01)}, "empty"),
    ({"spacing_m": -1.0}, "spacing"),
    ({"step_min": 0.0}, "step"),
    ({"spacing_m": 0.0}, "nothing to analyse"),
    ({"spacing_m": 0.5, "area": (121.60, 31.20, 121.69, 31.28)}, "at most"),
])
def test_bad_requests_are_one_line(ws, changes, message):
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace.sunlight import SunlightRequest

    req = SunlightRequest(**{"area": (121.60, 31.20, 121.604, 31.204), **changes})
    with pytest.raises(YdtwinError, match=message) as err:
        ws.sunlight(req)
    assert "\n" not in str(err.value)


def test_a_plan_must_be_a_loaded_buildings_layer(ws):
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace.sunlight import SunlightRequest

    with pytest.raises(YdtwinError, match="no buildings layer"):
        ws.sunlight(SunlightRequest(area=(121.60, 31.20, 121.604, 31.204)), plans=["nosuch"])


def test_the_command_line_is_the_workspaces_sunlight(tmp_path, monkeypatch, capsys):
    """`ydtwin analyse sunlight --layer F --plan P …` loads both files, calls Workspace.sunlight with the plan and
    writes what it returned; the planned file hides no procedural blocks."""
    from ydtwin.cli import main
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    slab = buildings_layer(ws, "slab", [(100, 250, 300, 262)], [18.0])
    plan = buildings_layer(ws, "planned", [(160, 180, 240, 220)], [90.0])
    files = {}
    for layer in (slab, plan):
        geoms = layer.data.geometries()
        files[layer.name] = tmp_path / f"{layer.name}.geojson"
        files[layer.name].write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"height": float(h)}, "geometry": json.loads(shapely.to_geojson(g))}
            for g, h in zip(geoms, layer.data.height, strict=True)]}), encoding="utf-8")
    calls = []
    real = Workspace.sunlight

    def spy(self, request, **kw):
        calls.append((request, [p.name for p in kw.get("plans", [])], [p.replaces for p in kw.get("plans", [])]))
        return real(self, request, **kw)

    monkeypatch.setattr(Workspace, "sunlight", spy)
    out = tmp_path / "hours.geojson"
    box = ",".join(f"{v:.6f}" for v in area_box(ws, 60, 120, 340, 300))
    assert main(["analyse", "sunlight", "--layer", str(files["slab"]), "--plan", str(files["planned"]),
                 "--date", "2026-12-22", "--area", box, "--step", "5", "--facades", "--floors", "1",
                 "--no-procedural", "--out", str(out)]) == 0
    (request, plan_names, replaces), = calls
    assert plan_names == ["planned"] and replaces == ["none"]
    assert request.date == "2026-12-22" and request.facades and request.facade_floors == 1 and request.step_min == 5
    printed = capsys.readouterr().out
    assert "fall under 2 h" in printed and "wrote" in printed
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["metadata"]["plan"] == ["planned"] and doc["metadata"]["shadows_generated"] == 0
    slab_facades = [f for f in doc["features"] if f["properties"]["layer"] == "slab"]
    assert any(f["properties"]["newly_below_min"] for f in slab_facades)


@pytest.mark.parametrize("args", [
    ["--area", "121.6,31.2,121.61"],
    ["--area", "121.6,31.2,121.61,31.21", "--window", "9-8"],
    ["--area", "121.6,31.2,121.61,31.21", "--date", "someday"],
    ["--area", "121.6,31.2,121.61,31.21", "--out", "x.txt"],
    ["--area", "121.6,31.2,121.61,31.21", "--plan", "missing.geojson"],
])
def test_bad_arguments_exit_2_with_one_line(args, capsys, tmp_path, monkeypatch):
    from ydtwin.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["analyse", "sunlight", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ydtwin: ") and "\n" not in err
