"""Height limits through the workspace and the review: a 100 m zone with buildings of 80 and 120 m inside it and
one of 120 m outside gives exactly one finding, 20 m over; zones count once in force and planned buildings once
built (their completion year); procedural blocks over a limit are one finding per zone; the joint review has the
same findings (kind height_limit); files, layers; ``ydtwin analyse heights-check`` is the same workspace call and bad
input is one line."""

import csv
import json

import numpy as np
import pytest
import shapely

from analysis_helpers import zone_layer
from sun_synth import bare_workspace, buildings_layer


@pytest.fixture
def ws():
    ws = bare_workspace()
    ws.scene.add(zone_layer(ws, [((0, 0, 200, 200), 100.0), ((300, 0, 500, 200), None)]))
    ws.scene.add(buildings_layer(ws, "towers", [(20, 20, 60, 60), (100, 100, 140, 140), (320, 20, 360, 60)],
                                 [80.0, 120.0, 120.0], nature="real"))
    return ws


def test_one_building_over_a_100_m_limit(ws):
    """80 m inside (under the limit), 120 m inside (20 m over), 120 m in a zone without a limit: one finding, naming
    the zone, the limit, the building, its height, the excess and where it stands."""
    result = ws.height_check()
    assert [z.id for z in result.zones] == ["test.zone0"]
    (v,) = result.violations
    assert v.layer == "towers" and v.index == 1 and v.height_m == 120.0 and v.excess_m == pytest.approx(20.0)
    (f,) = result.findings
    assert f.kind == "height_limit" and f.severity == "error" and f.rule == "builtins.height-limit"
    assert f.projects == ["test.zone0"] and f.cities == ["Shanghai"]
    d = f.details
    assert (d["zone"], d["limit_m"], d["height_m"], d["excess_m"], d["building"]) == \
        ("test.zone0", 100.0, 120.0, 20.0, "towers #1")
    centre = shapely.centroid(ws.scene.layer("towers").data.geometries(np.array([1]))[0])
    assert f.location == pytest.approx((centre.x, centre.y), abs=1e-9)
    assert "Zone 0" in f.message and "100 m limit" in f.message and "20.0 m above" in f.message
    assert f"at {centre.x:.5f} E, {centre.y:.5f} N" in f.message
    assert result.checked == {"towers": 3}


def test_touching_the_edge_is_not_inside(ws):
    """A footprint that only shares the zone's edge is not in it; one that overlaps it by a metre is."""
    ws.scene.add(buildings_layer(ws, "edge", [(200, 50, 240, 90), (199, 100, 239, 140)], [150.0, 150.0],
                                 nature="real"))
    names = sorted((v.layer, v.index) for v in ws.height_check().violations)
    assert names == [("edge", 1), ("towers", 1)]


def test_the_year_counts_zones_in_force_and_buildings_built(ws):
    """A zone counts from its opening year; a planned building with a completion year once it is built."""
    assert ws.height_check(year=2019).zones == []
    from ydtwin.model.buildings import BuildingsData

    plan = buildings_layer(ws, "planned", [(50, 150, 90, 190)], [130.0], nature="real")
    plan.data = BuildingsData(*(getattr(plan.data, n) for n in (
        "xy", "ring_offsets", "part_offsets", "part_building", "height", "min_height", "height_rule", "flags",
        "crs")), {"year": np.array([2030])})
    ws.scene.add(plan)
    assert [v.layer for v in ws.height_check(year=2025).violations] == ["towers"]
    result = ws.height_check(year=2030, plans=["planned"])
    assert sorted(v.layer for v in result.violations) == ["planned", "towers"]
    planned = next(f for f in result.findings if f.details["layer"] == "planned")
    assert "planned building" in planned.message and planned.details["excess_m"] == 30.0


def test_procedural_blocks_are_one_finding_per_zone(ws):
    """Procedural blocks over a limit are listed in one info finding per zone (the tallest named)."""
    ws.scene.add(buildings_layer(ws, "blocks", [(10, 150, 30, 170), (150, 10, 170, 30), (160, 160, 180, 180)],
                                 [110.0, 140.0, 60.0], nature="procedural"))
    result = ws.height_check()
    assert len(result.violations) == 3
    group = next(f for f in result.findings if f.details["nature"] == "procedural")
    assert group.severity == "info" and group.details["count"] == 2 and group.details["excess_m"] == 40.0
    assert [b["height_m"] for b in group.details["buildings"]] == [140.0, 110.0]
    assert group.message.startswith("2 procedural blocks")


def test_the_review_reports_the_same_findings(ws):
    """The joint review's rule builtins.height-limit gives the same findings (ids too)."""
    review = [f for f in ws.run_review().findings if f.kind == "height_limit"]
    assert [f.to_json() for f in review] == [f.to_json() for f in ws.height_check().findings]


def test_files_and_layers(ws, tmp_path):
    """CSV: a row per building; JSON: the findings as `ydtwin review check` writes them; the layers: the zone's
    outline, its limit as a label, the part above the limit (from the limit to the roof)."""
    result = ws.height_check()
    rows = list(csv.reader(line for line in ws.write_height_check(result, tmp_path / "v.csv").read_text(
        encoding="utf-8").splitlines() if not line.startswith("#")))
    assert rows[0][:4] == ["zone", "zone_title", "city", "limit_m"] and len(rows) == 2
    assert rows[1][8:10] == ["120.0", "20.0"]
    doc = json.loads(ws.write_height_check(result, tmp_path / "f.json").read_text(encoding="utf-8"))
    assert doc["findings"][0]["kind"] == "height_limit" and doc["zones"][0]["limit_m"] == 100.0
    layers = ws.show_height_check(result)
    assert [lyr.role for lyr in layers] == ["height-limit-zones", "height-limit-labels", "height-limit-excess"]
    assert layers[1].texts() == ["Height limit ≤ 100 m"]
    excess = layers[2].data
    assert excess.min_height.tolist() == [100.0] and excess.height[0] == pytest.approx(120.5)
    ws.show_height_check(None)
    assert not [lyr for lyr in ws.scene.layers if lyr.role.startswith("height-limit")]
    from ydtwin.errors import YdtwinError

    with pytest.raises(YdtwinError, match=r"\.csv .* or \.json"):
        ws.write_height_check(result, tmp_path / "v.txt")


def test_the_command_line_calls_the_workspace(tmp_path, monkeypatch, capsys):
    """`ydtwin analyse heights-check` runs Workspace.height_check with the --year and --plan layers and writes what
    it returns; on the bundled plugins it finds Suzhou's old town and Hongqiao's approach."""
    from analysis_helpers import GUSU_RING, spy_on
    from ydtwin.cli import main
    from ydtwin.workspace import Workspace

    calls = spy_on(monkeypatch, Workspace, "height_check")
    plan = tmp_path / "tower.geojson"
    plan.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "height": 60, "name": "Planned tower"}, "geometry": {"type": "Polygon", "coordinates": [GUSU_RING]}}]}))
    out = tmp_path / "f.json"
    assert main(["analyse", "heights-check", "--plugins", "suzhou,shanghai", "--plan", str(plan), "--year", "2030",
                 "--out", str(out)]) == 0
    ((), kw, result), = calls
    assert kw["year"] == 2030 and [p.name for p in kw["plans"]] == ["tower"]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [f["id"] for f in doc["findings"]] == [f.id for f in result.findings]
    tower = next(f for f in doc["findings"] if f["details"]["building"] == "Planned tower")
    assert tower["details"]["zone"] == "suzhou.gusu-height-control" and tower["details"]["excess_m"] == 36.0
    assert {f["details"]["zone"] for f in doc["findings"]} == {"suzhou.gusu-height-control",
                                                                "shanghai.hongqiao-approach-height"}
    assert "Planned tower (planned building, tower) stands 60.0 m" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--out", "v.txt"], ["--year", "1800"], ["--plan", "missing.geojson"],
                                  ["--image", "x.gif"]])
def test_bad_arguments_exit_2_with_one_line(args, capsys, tmp_path, monkeypatch):
    from analysis_helpers import exit_status, one_error_line

    monkeypatch.chdir(tmp_path)
    assert exit_status(["analyse", "heights-check", "--plugins", "none", *args]) == 2
    one_error_line(capsys)


def test_the_review_checks_loaded_footprints_and_reports_figures(tmp_path):
    """`ydtwin review check --layer` checks the file's buildings against the height limits with the other rules;
    `ydtwin review report --figures city` tabulates the scenario figures in the report."""
    from analysis_helpers import GUSU_RING, exit_status

    fp = tmp_path / "fp.geojson"
    fp.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "height": 40, "name": "Bell tower"}, "geometry": {"type": "Polygon", "coordinates": [GUSU_RING]}}]}))
    out = tmp_path / "f.json"
    assert exit_status(["review", "check", "--plugins", "suzhou", "--layer", str(fp), "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "builtins.height-limit" in doc["rules"]
    (bell,) = [f for f in doc["findings"] if f["kind"] == "height_limit" and f["details"]["building"] == "Bell tower"]
    assert bell["details"]["excess_m"] == 16.0 and bell["severity"] == "error" and bell["cities"] == ["Suzhou"]
    session, report = tmp_path / "s.json", tmp_path / "r.html"
    assert exit_status(["review", "new", str(session), "--plugins", "none"]) == 0
    assert exit_status(["review", "report", str(session), "--plugins", "none", "--figures", "city",
                        "--out", str(report)]) == 0
    html = report.read_text(encoding="utf-8")
    assert "<h2>Scenario figures by city</h2>" in html and "<td>Suzhou</td>" in html and "Albers" in html


@pytest.mark.slow
def test_the_reports_still_shows_the_parts_above_the_limit(tmp_path):
    """A report's still of a height-limit finding shows the zone and, in red, the parts above its limit (drawn for
    the stills when the scene does not show the check), and the scene is left as it was."""
    import base64
    import io
    import re

    from PIL import Image

    from ydtwin.review.session import Session
    from ydtwin.workspace import Workspace
    from ydtwin.workspace.height_limits import EXCESS_COLOUR, ZONE_COLOUR

    ws = Workspace.open(plugin_names=["suzhou"])
    session = Session(path=tmp_path / "s.json", title="t", scenario={"year": None})
    ws.add_findings(ws.height_check(), session=session)
    ws.set_session(session)
    ws.add_manual_finding(120.95, 31.20, "a finding far from any height-limited zone")
    session.save()
    before = [layer.role for layer in ws.scene.layers]
    report = ws.write_report(tmp_path / "r.html", session=session, size=(400, 240))
    assert [layer.role for layer in ws.scene.layers] == before
    html = report.read_text(encoding="utf-8")
    images = {}
    for fid, png in re.findall(r'id="([^"]+)".*?data:image/png;base64,([A-Za-z0-9+/=]+)', html, flags=re.S):
        images[fid] = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB"), dtype=float) / 255
    assert len(images) == 2
    (limit,) = [img for fid, img in images.items() if not fid.startswith("manual")]
    (manual,) = [img for fid, img in images.items() if fid.startswith("manual")]
    red = np.all(np.abs(limit - np.array(EXCESS_COLOUR)) < 0.25, axis=2)
    assert red.mean() > 0.005  # the blocks' parts above 24 m
    # the other finding's still is not about the limits: no zone outline, no legend row of theirs
    orange = np.all(np.abs(manual - np.array(ZONE_COLOUR)) < 0.12, axis=2)
    assert orange.sum() < 20 and np.all(np.abs(limit - np.array(ZONE_COLOUR)) < 0.12, axis=2).sum() > 50
