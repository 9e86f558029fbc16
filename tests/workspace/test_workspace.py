"""The workspace's use cases, headless and without Qt: what both front ends call."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ydtwin.errors import YdtwinError
from ydtwin.workspace import LayerRequest, Workspace


@pytest.fixture
def ws():
    """A workspace on the bundled region with every plugin the test run finds."""
    return Workspace.open()


def _utm_buildings(path, n: int = 5):
    """Square footprints near Suzhou, in UTM zone 51N metres (a file that must be reprojected)."""
    from pyproj import Transformer

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    feats = []
    for i in range(n):
        x, y = to_utm.transform(120.62 + i * 0.002, 31.30)
        ring = [[x, y], [x + 20, y], [x + 20, y + 20], [x, y + 20], [x, y]]
        feats.append({"type": "Feature", "properties": {"height": 12 + i},
                      "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32651"}}}))
    return path


def test_the_workspace_loads_no_qt():
    """Importing and using the workspace's headless use cases loads no Qt module (the CLI depends on it)."""
    code = ("import sys\nfrom ydtwin.workspace import Workspace\nws = Workspace.open()\n"
            "ws.check_view('Suzhou'); ws.run_review()\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('PyQt6', 'pyvistaqt'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_open_layer_keeps_the_reprojection_in_its_provenance(ws, tmp_path):
    """A file in another CRS is reprojected once, and the layer says so (the window and the CLI alike)."""
    loaded = ws.open_layer(LayerRequest(_utm_buildings(tmp_path / "utm.geojson"), color_by="height"))
    layer = ws.scene.layer("utm")
    assert layer is loaded.layer and len(layer.data) == 5 and layer.color_by == "height"
    assert any("EPSG:32651" in t and "WGS84" in t for t in layer.provenance.transformations)
    assert ws.sources[layer.id].path.name == "utm.geojson"


def test_a_bad_colour_attribute_is_one_line(ws, tmp_path):
    with pytest.raises(YdtwinError, match="utm.geojson"):
        ws.open_layer(LayerRequest(_utm_buildings(tmp_path / "utm.geojson"), color_by="nosuch"))


def test_views_and_places_are_checked_against_the_region(ws):
    """Names, Chinese names and boxes that touch the region pass; anything else is one error line."""
    assert ws.check_view(" Suzhou ") == "Suzhou"
    assert ws.check_view("舟山") == "舟山"
    assert ws.check_view("120.6,31.2,120.8,31.4") == "120.6,31.2,120.8,31.4"
    with pytest.raises(YdtwinError, match="outside the region"):
        ws.check_view("10,10,11,11")
    with pytest.raises(YdtwinError, match="numbers"):
        ws.check_view("a,b,c,d")
    with pytest.raises(YdtwinError):
        ws.check_view("Atlantis")
    label, lon, lat = ws.place("上海")
    assert "Shanghai" in label and 120.8 < lon < 122.2 and 30.6 < lat < 31.9
    with pytest.raises(YdtwinError, match="outside the region"):
        ws.place("200,31")


def test_unknown_plugins_are_refused():
    with pytest.raises(YdtwinError, match="no plugin named nosuch"):
        Workspace.open(plugin_names=["nosuch"])


def test_selecting_plugins_changes_the_plans_in_the_scene(ws):
    from ydtwin.model.plans import PlansLayer

    ws.select_plugins(["suzhou"])
    assert {p.plugin for p in ws.scene.layers if isinstance(p, PlansLayer)} == {"ydtwin-suzhou"}
    ws.select_plugins([])
    assert not [p for p in ws.scene.layers if isinstance(p, PlansLayer)]


def test_the_review_runs_declarative_and_code_rules(code_rule_plugin):
    """A trusted plugin's code rule runs beside the declarative rules; its finding is in the result."""
    ws = Workspace.open()
    result = ws.run_review()
    kinds = {f.kind for f in result.findings}
    assert {"offset", "dangling", "connected"} <= kinds  # declarative interconnection rules
    code = [f for f in result.findings if f.kind == "borderaudit.count"]
    assert len(code) == 1 and code[0].severity == "warning"
    assert code[0].message == f"border audit: {sum(len(p.data) for p in result.plans)} projects checked"
    assert "borderaudit.count" in [r.id for r in result.rules] and result.problems == []


def test_an_untrusted_code_rule_never_runs(code_rule_plugin):
    from ydtwin.plugins.manager import PluginManager

    PluginManager().distrust(code_rule_plugin[1])
    assert not [f for f in Workspace.open().run_review().findings if f.kind == "borderaudit.count"]


def test_a_session_from_new_session_feeds_a_review_tour(ws, tmp_path):
    """The findings of a session written by ``new_session`` (a list in the file) are the tour's stops."""
    session, result = ws.new_session(tmp_path / "review.json", title="T")
    saved = json.loads((tmp_path / "review.json").read_text(encoding="utf-8"))
    assert isinstance(saved["findings"], list) and len(saved["findings"]) == len(result.reported()) > 5
    stops = ws.findings_for_tour(tmp_path / "review.json")
    assert len(stops) == len(result.reported())
    assert all(s.get("location") and s["kind"] != "connected" for s in stops)
    assert [s["severity"] for s in stops] == sorted((s["severity"] for s in stops),
                                                    key=["error", "warning", "info"].index)
    # a resolved finding is not visited; a journalled edit counts as much as a saved one
    session.set_status(stops[0]["id"], "resolved", author="a", city="Suzhou")
    assert stops[0]["id"] not in {s["id"] for s in ws.findings_for_tour(tmp_path / "review.json")}
    with pytest.raises(YdtwinError, match="already exists"):
        ws.new_session(tmp_path / "review.json")


def test_findings_json_and_bad_files_for_a_tour(ws, tmp_path):
    doc = {"findings": [f.to_json() for f in ws.run_review().findings]}
    (tmp_path / "f.json").write_text(json.dumps(doc), encoding="utf-8")
    stops = ws.findings_for_tour(tmp_path / "f.json")
    assert stops and all(s["kind"] != "connected" for s in stops)
    (tmp_path / "bad.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(YdtwinError, match="not JSON"):
        ws.findings_for_tour(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(YdtwinError, match="neither findings.json nor a review session"):
        ws.findings_for_tour(tmp_path / "other.json")
    with pytest.raises(YdtwinError, match="no such file"):
        ws.findings_for_tour(tmp_path / "missing.json")


def test_a_project_round_trips_through_the_workspace(ws, tmp_path):
    """Files with their style, region-layer states, bookmarks and the plan year come back in a new workspace."""
    from ydtwin.model.project import Viewpoint

    ws.open_layer(LayerRequest(_utm_buildings(tmp_path / "utm.geojson"), color_by="height", replaces="none"))
    ws.scene.layer("district-boundaries").visible = False
    ws.add_bookmark(Viewpoint("dock", (121.9, 29.9, 3000.0), (121.9, 30.0, 0.0), 30.0))
    ws.scene.plan_year = 2030
    path = ws.save_project(tmp_path / "p.ydtwin.json")

    other = Workspace.open()
    requests = other.open_project(path)
    assert [(r.path.name, r.color_by, r.replaces) for r in requests] == [("utm.geojson", "height", "none")]
    assert other.scene.layer("district-boundaries").visible is False
    assert [b.name for b in other.bookmarks] == ["dock"] and other.scene.plan_year == 2030
    for r in requests:
        other.open_layer(r)
    assert other.scene.layer("utm").color_by == "height"


def test_manual_findings_and_the_autosave_recovery(ws, tmp_path):
    """A session journalled to the autosave file survives a crash: the next start offers every edit."""
    autosave = tmp_path / "review" / "autosave.ydreview"
    autosave.parent.mkdir()
    assert ws.start_autosave_session(autosave) == 0
    fid = ws.add_manual_finding(120.9, 31.05, "kerb heights differ")
    assert ws.session.findings[fid]["finding"]["cities"]  # near the Shanghai–Suzhou border
    ws.session.comment(fid, "we agree", author="b", city="Suzhou")
    # no save: the process "dies" here; a new workspace finds the journal
    after = Workspace.open()
    assert after.start_autosave_session(autosave) >= 1
    assert after.recover_autosave(autosave) == 2
    assert after.session.findings[fid]["comments"][0]["text"] == "we agree"


@pytest.mark.render
@pytest.mark.slow
def test_write_report_html_has_a_still_per_finding(ws, tmp_path):
    import base64
    import io
    import re

    import numpy as np
    from PIL import Image

    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    ws.select_plugins(["suzhou", "shanghai"])
    session, _result = ws.new_session(tmp_path / "s.json")
    out = ws.write_report(tmp_path / "r.html", session=session, size=(320, 180))
    html = out.read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == len(session.findings) > 0
    still = Image.open(io.BytesIO(base64.b64decode(images[0])))
    assert still.size == (320, 180) and len(np.unique(np.asarray(still.convert("RGB")).reshape(-1, 3), axis=0)) > 50
    with pytest.raises(YdtwinError, match="PDF printing is not available"):
        ws.write_report(tmp_path / "r.pdf", session=session)


def test_a_tour_never_follows_a_link_and_says_what_is_wrong(ws, tmp_path):
    """Findings named by a planner are read without following a symbolic link; an empty file, deep nesting,
    a finding that is not an object or has a bad location are one line each."""
    target = tmp_path / "secret.json"
    target.write_text('{"findings": []}', encoding="utf-8")
    (tmp_path / "link.json").symlink_to(target)
    with pytest.raises(YdtwinError, match="symbolic link"):
        ws.findings_for_tour(tmp_path / "link.json")
    for text, needle in [("", "empty"), ("[" * 100_000, "nested too deeply"), ('{"findings": [5]}', "not an object"),
                         ('{"findings": [{"location": [1e999, 2]}]}', "location"),
                         ('{"findings": [{"severity": ["x"]}]}', "severity must be text")]:
        (tmp_path / "f.json").write_text(text, encoding="utf-8")
        with pytest.raises(YdtwinError, match=needle):
            ws.findings_for_tour(tmp_path / "f.json")


def test_corridor_flights_match_ids_and_titles_whatever_the_dash(ws):
    """A corridor is named by id or title in any case and with any dash; an unknown one gets suggestions."""
    lines = ws.corridor_lines()
    pid, title, _coords = next(line for line in lines if "–" in line[1])
    by_title = ws.corridor_path(title.replace("–", "-").upper(), seconds=20)
    by_id = ws.corridor_path(pid, seconds=20)
    assert by_title.keyframes == by_id.keyframes and abs(by_id.duration - 20) < 1.0
    with pytest.raises(YdtwinError, match=f"did you mean .*{pid.split('.')[0]}"):
        ws.corridor_path(pid[:-2])
