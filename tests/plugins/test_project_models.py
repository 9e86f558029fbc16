"""A plan project may carry a 3D model (``model`` in the manifest): checked like the rest of the manifest,
standing at its anchor, its file's georeference or the project's point, hiding what stands in its ground plan
and checked against the zones' height limits; a model that cannot be read breaks its plugin only."""

from __future__ import annotations

import pytest
from test_engine import make_plugin

import model_synth as ms
from ydtwin.plugins.discovery import read_manifest

ZONE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": "z"}, "geometry": {"type": "Polygon", "coordinates": [
        [[121.550, 31.220], [121.560, 31.220], [121.560, 31.230], [121.550, 31.230], [121.550, 31.220]]]}},
    {"type": "Feature", "properties": {"id": "t"}, "geometry": {"type": "Point", "coordinates": [121.555, 31.225]}}]}

PROJECTS = """
[city]
name = "Shanghai"
adcode = "310000"

[[contributions.projects]]
id = "SHORT.zone"
title = "Riverside height control"
theme = "transportation"
kind = "urban"
status = "planned"
phase = [2026, 2030]
owner = "Planning bureau"
source = "data/p.geojson"
feature = "z"
max_height_m = 100

[[contributions.projects]]
id = "SHORT.tower"
title = "Riverside tower"
title_zh = "滨江塔楼"
theme = "transportation"
kind = "facility"
status = "planned"
phase = [2026, 2030]
owner = "Developer"
source = "data/p.geojson"
feature = "t"
model = "models/tower.glb"
"""


def _plugin(root, body=PROJECTS, name="ydtwin-towers"):
    folder = make_plugin(root, name, body, data=ZONE)
    (folder / "models").mkdir()
    ms.write(folder / "models" / "tower.glb")  # 120 m tall, origin at its south-west corner
    return folder


@pytest.mark.parametrize(("extra", "words"), [
    ('model = "../tower.glb"\n', "inside the plugin folder"),
    ('model = "models/tower.fbx"\n', "not a 3D model file"),
    ('model_anchor = "121.5"\n', "give lon,lat"),
])
def test_the_model_field_is_checked_like_the_rest(tmp_path, extra, words):
    body = PROJECTS.replace('model = "models/tower.glb"\n', "") + extra
    found = read_manifest(_plugin(tmp_path, body))
    assert found.manifest is None and len(found.errors) == 1 and words in found.errors[0], found.errors


def test_a_projects_model_stands_hides_and_is_height_checked(tmp_path, monkeypatch):
    from ydtwin.model.models import ModelLayer
    from ydtwin.workspace import Workspace

    root = tmp_path / "plugins"
    _plugin(root)
    monkeypatch.setenv("YDTWIN_PLUGIN_PATH", str(root))
    ws = Workspace.open(plugin_names=["towers"])
    model = next(layer for layer in ws.scene.layers if isinstance(layer, ModelLayer))
    assert model.name == "Riverside tower (model)" and model.project_id == "towers.tower"
    assert (model.anchor.lon, model.anchor.lat) == (121.555, 31.225) and model.plugin == "ydtwin-towers"
    # it stands where the project's point is, and what stood in its ground plan is hidden
    blocks = ws.scene.layer("procedural-blocks")
    assert blocks.hidden[ws.scene.model_mask(blocks, [model])].all()
    # 120 m in a zone that allows 100: one finding for the planned tower, 20 m above
    result = ws.height_check()
    mine = [v for v in result.violations if v.layer == model.name]
    assert len(mine) == 1 and mine[0].planned and mine[0].excess_m == pytest.approx(20.0)
    # the plugin off: its model goes with its plans
    ws.select_plugins([])
    assert not any(isinstance(layer, ModelLayer) for layer in ws.scene.layers)
    assert not blocks.hidden[ws.scene.model_mask(blocks, [model])].any()  # what it hid stands again


def test_a_model_that_cannot_be_read_breaks_its_plugin_only(tmp_path):
    from test_engine import PROJECT, manager_for

    root = tmp_path / "plugins"
    folder = _plugin(root)
    doc, binary = ms.glb_parts((folder / "models" / "tower.glb").read_bytes())
    doc["buffers"][0]["uri"] = "../../secret.bin"
    (folder / "models" / "tower.glb").write_bytes(ms.glb_bytes(doc, binary))
    make_plugin(root, "ydtwin-good", PROJECT)
    m = manager_for(root, tmp_path)
    m.layers(None)
    status = {d.name: (m.status(d), m.reason(d)) for d in m.discovered}
    assert status["ydtwin-good"][0] == "active"
    assert status["ydtwin-towers"][0] == "broken" and "towers.tower: model models/tower.glb" in status["ydtwin-towers"][1]
    assert "leaves the model's folder" in status["ydtwin-towers"][1]


def test_a_planned_model_in_a_protected_zone_is_a_conflict(tmp_path, monkeypatch):
    from ydtwin.workspace import Workspace

    root = tmp_path / "plugins"
    body = PROJECTS.replace('kind = "urban"', 'kind = "ecological"').replace("max_height_m = 100\n", "")
    _plugin(root, body)
    monkeypatch.setenv("YDTWIN_PLUGIN_PATH", str(root))
    ws = Workspace.open(plugin_names=["towers"])
    result = ws.run_review()
    mine = [f for f in result.findings if f.rule == "builtins.planned-building-conflict"]
    assert len(mine) == 1, [f.message for f in result.findings]
    f = mine[0]
    assert f.kind == "conflict" and f.severity == "error" and f.projects == ["towers.tower", "towers.zone"]
    assert "planned building Riverside tower (model) stands in Riverside height control" in f.message
    assert f.details["overlap_m2"] == pytest.approx(40 * 30, rel=0.02)  # the tower's whole foot
    # moved out of the zone: no conflict
    model = next(layer for layer in ws.scene.layers if getattr(layer, "kind", "") == "model")
    ws.place_model(model, "121.575,31.225")
    assert not [f for f in ws.run_review().findings if f.rule == "builtins.planned-building-conflict"]
