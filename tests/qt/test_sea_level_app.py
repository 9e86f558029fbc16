"""The window's sea-level slider and File ▸ Open DEM… call the workspace's use cases (as `ydtwin analyse
inundation`, `--sea-level` and `--dem` do): the same numbers in the table, the flooded land in the scene."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def test_slider_and_dem_go_through_the_workspace(make_window, qtbot, tmp_path, monkeypatch):
    rasterio = pytest.importorskip("rasterio")
    from rasterio.transform import from_origin

    from ydtwin.workspace import Workspace

    calls = []
    for name in ("inundation", "read_dem", "add_terrain"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name,
                            lambda self, *a, _r=real, _n=name, **k: calls.append((_n, a)) or _r(self, *a, **k))
    window = make_window(view="Shanghai", size=(900, 600))
    panel = window.sea_level_panel
    panel.slider.setValue(4)  # +2.0 m
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20_000)
    assert calls[0] == ("inundation", (2.0,))
    cli_numbers = Workspace.open(plugin_names=[]).inundation(2.0)
    assert panel.result.total_km2 == pytest.approx(cli_numbers.total_km2)
    assert panel.table.rowCount() == len(panel.result.rows) + 2
    assert panel.unknown_label.text().startswith(f"{panel.result.unknown_km2:,.1f} km²")  # filled heights said
    assert window.scene.sea_level == 2.0
    assert any(layer.role == "inundation" for layer in window.scene.layers)
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    rows = [label for label, _c in window.scene_view.legend_rows()[0]]
    assert any(label.startswith("Flooded land at +2 m") for label in rows)
    # a DEM raising Chongming out of the water: read in the background, the scenario follows it
    with rasterio.open(tmp_path / "cm.tif", "w", driver="GTiff", width=200, height=100, count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(121.15, 31.9, 0.0045, 0.005)) as dst:
        dst.write(np.full((100, 200), 10.0, dtype=np.float32), 1)
    before = panel.result.rows[0].flooded_km2
    window.open_dem(str(tmp_path / "cm.tif"))
    qtbot.waitUntil(lambda: any(c[0] == "add_terrain" for c in calls), timeout=30_000)
    # the panel computes the scenario again on the new terrain, in the background
    qtbot.waitUntil(lambda: panel.result.grid is window.scene.layer("terrain").elevation, timeout=20_000)
    assert panel.result.rows[0].flooded_km2 < before - 50
    flood = [layer for layer in window.scene.layers if layer.role == "inundation"]
    assert len(flood) == 1 and flood[0].result is panel.result
    panel.slider.setValue(0)
    qtbot.waitUntil(lambda: panel.result is None, timeout=20_000)
    assert window.scene.sea_level == 0.0
    assert not any(layer.role == "inundation" for layer in window.scene.layers)
    # a file that is not a DEM: one line in the log, the terrain stays
    (tmp_path / "bad.tif").write_text("no")
    window.open_dem(str(tmp_path / "bad.tif"))
    qtbot.waitUntil(lambda: window.log_view.toPlainText().splitlines()[-1].startswith("ERROR"), timeout=30_000)
    assert "bad.tif" in window.log_view.toPlainText().splitlines()[-1]
    assert window.scene.layer("terrain").imported[-1].source.startswith("cm.tif")


def test_hillshade_action_recolours_the_terrain(make_window, qtbot):
    """View ▸ Hillshade terrain sets the terrain's colouring through the workspace; the terrain is rebuilt grey
    and unlit, and back in colour."""
    window = make_window(view="Huzhou", size=(800, 500))
    terrain = window.scene.layer("terrain")
    window.hillshade_action.setChecked(True)
    assert terrain.colouring == "hillshade"
    visual = window.scene_view.visuals[terrain.id]
    rgb = visual.blocks[0][0]._ydtwin_mesh.point_data["rgb"]
    assert (abs(rgb[:, 0].astype(int) - rgb[:, 1].astype(int)) < 12).mean() > 0.5  # mostly grey
    assert not visual.blocks[0][0].prop.lighting
    window.hillshade_action.setChecked(False)
    assert terrain.colouring == "elevation"
    assert window.scene_view.visuals[terrain.id].blocks[0][0].prop.lighting


def test_a_project_restores_dems_sea_level_hillshade_and_a_cloud_through_the_workspace(make_window, qtbot, tmp_path,
                                                                                       monkeypatch):
    """File ▸ Open project: the workspace's open_project, then its DEMs read in the background (read_dems,
    add_terrain), the sea level computed on that terrain by the panel (inundation), the cloud read with its
    classes hidden; File ▸ Save project writes the same state back through the workspace."""
    import json

    pytest.importorskip("rasterio")
    from dem_synth import write_utm_tif
    from las_synth import write_cloud
    from ydtwin.workspace import Workspace

    write_utm_tif(tmp_path / "survey.tif")
    write_cloud(tmp_path / "cloud.laz", n_ground=3_000, crs=None)
    path = tmp_path / "p.ydtwin.json"
    path.write_text(json.dumps({
        "ydtwin_project": 1, "dems": ["survey.tif"], "sea_level": 1.5, "terrain_colouring": "hillshade",
        "layers": [{"path": "cloud.laz", "crs": "EPSG:32651", "color_by": "elevation",
                    "points": {"hidden_classes": [6], "point_size": 3.0, "shaded": False}}]}), encoding="utf-8")
    calls = []
    for name in ("open_project", "read_dems", "add_terrain", "inundation", "read_layer", "save_project"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name,
                            lambda self, *a, _r=real, _n=name, **k: calls.append(_n) or _r(self, *a, **k))
    window = make_window(view="Shanghai", size=(900, 600))
    panel = window.sea_level_panel
    assert window.open_project(path)
    qtbot.waitUntil(lambda: panel.result is not None and window.job is None and "cloud" in
                    [x.name for x in window.scene.layers], timeout=60_000)
    assert calls.index("open_project") < calls.index("read_dems") < calls.index("add_terrain")
    assert calls.index("add_terrain") < calls.index("inundation") and "read_layer" in calls
    terrain = window.scene.layer("terrain")
    assert terrain.imported_files == (str((tmp_path / "survey.tif").resolve()),)
    assert panel.result.grid is terrain.elevation and window.scene.sea_level == 1.5
    assert terrain.colouring == "hillshade" and window.hillshade_action.isChecked()
    cloud = window.scene.layer("cloud")
    assert cloud.hidden_classes == {6} and cloud.color_by == "elevation" and cloud.point_size == 3.0
    saved = window.save_project(tmp_path / "again.ydtwin.json")
    assert calls[-1] == "save_project"
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert (doc["dems"], doc["sea_level"], doc["terrain_colouring"]) == (["survey.tif"], 1.5, "hillshade")
    assert doc["layers"][0]["points"]["hidden_classes"] == [6] and doc["layers"][0]["crs"] == "EPSG:32651"


def test_dems_opened_in_quick_succession_both_count_in_order(make_window, qtbot, tmp_path):
    """Two DEMs opened before the first is merged: each is merged onto the terrain the one before left (a
    queue of terrain jobs), so both are in the terrain, in order — not the second alone."""
    pytest.importorskip("rasterio")
    from dem_synth import write_utm_tif

    window = make_window(view="Suzhou", size=(900, 600))
    first = write_utm_tif(tmp_path / "first.tif", value=11.0)
    second = write_utm_tif(tmp_path / "second.tif", value=22.0)
    window.open_dem(str(first))
    window.open_dem(str(second))
    qtbot.waitUntil(lambda: len(window.scene.layer("terrain").imported) == 2, timeout=60_000)
    sources = [p.source.split(" ")[0] for p in window.scene.layer("terrain").imported]
    assert sources == ["first.tif", "second.tif"]
    qtbot.waitUntil(lambda: not getattr(window, "_terrain_jobs", []), timeout=30_000)
