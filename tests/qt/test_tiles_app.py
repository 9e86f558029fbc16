"""The window's File ▸ Build tile pack runs the workspace's use case (as ``ydtwin tiles build`` does), then
opens the pack as a buildings layer; a bad output folder is one line in the log, and the window goes on."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def test_build_a_tile_pack_then_open_it_through_the_workspace(make_window, qtbot, tmp_path, monkeypatch):
    from ydtwin.io.synthetic import write_synthetic_geoparquet
    from ydtwin.workspace import Workspace

    calls = []
    for name in ("build_tiles", "read_layer"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name, lambda self, *a, _r=real, _n=name, **k: calls.append(_n) or _r(self, *a, **k))
    src = write_synthetic_geoparquet(tmp_path / "suzhou.parquet", 20_000)
    window = make_window(view="Suzhou", size=(900, 600))
    job = window.build_tile_pack([src], tmp_path / "suzhou-tiles", scheduler="sync")
    assert job is not None and window.cancel_button.isVisible()
    qtbot.waitUntil(lambda: window.job is None and "build_tiles" in calls and "read_layer" in calls, timeout=120_000)
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    assert calls[:2] == ["build_tiles", "read_layer"]
    layer = next(layer for layer in window.scene.layers if layer.name == "suzhou-tiles")
    assert len(layer.data) == 20_000
    log = window.log_view.toPlainText()
    assert "wrote tile pack" in log and "20,000 buildings" in log
    assert (tmp_path / "suzhou-tiles" / "tiles.json").is_file()

    # a folder holding other things: one line, nothing built, the window goes on
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep")
    window.build_tile_pack([src], other, scheduler="sync")
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    assert "holds other files" in window.log_view.toPlainText().splitlines()[-1]
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


def test_the_cli_runs_the_same_use_case(monkeypatch, tmp_path, capsys):
    """``ydtwin tiles build`` goes through Workspace.build_tiles, like the window."""
    from ydtwin.cli import main
    from ydtwin.io.synthetic import write_synthetic_geoparquet
    from ydtwin.workspace import Workspace

    calls = []
    real = Workspace.build_tiles
    monkeypatch.setattr(Workspace, "build_tiles", lambda self, *a, **k: calls.append(a) or real(self, *a, **k))
    src = write_synthetic_geoparquet(tmp_path / "a.parquet", 5_000)
    assert main(["tiles", "build", str(src), "--out", str(tmp_path / "p"), "--scheduler", "sync"]) == 0
    assert len(calls) == 1 and "wrote tile pack" in capsys.readouterr().out


def test_export_3d_tiles_through_the_workspace(make_window, qtbot, tmp_path, monkeypatch):
    from ydtwin.workspace import Workspace

    calls = []
    real = Workspace.export_3dtiles
    monkeypatch.setattr(Workspace, "export_3dtiles", lambda self, *a, **k: calls.append(a) or real(self, *a, **k))
    window = make_window(size=(900, 600))
    assert window.export_3dtiles(tmp_path / "t", terrain=False) is not None
    qtbot.waitUntil(lambda: window.job is None, timeout=120_000)
    assert len(calls) == 1 and (tmp_path / "t" / "tileset.json").is_file()
    assert "wrote 3D Tiles 1.1" in window.log_view.toPlainText()


def test_a_pack_of_a_point_cloud_and_an_extract_opens_its_points_and_basemap(make_window, qtbot, tmp_path):
    from las_synth import write_cloud
    from osm_extract import write_extract
    from ydtwin.io.basemap import BASEMAP_GROUP
    from ydtwin.model.pointcloud import PointCloudLayer

    cloud = write_cloud(tmp_path / "block.laz", n_ground=20_000)
    extract = write_extract(tmp_path / "jinji.osm.pbf")
    window = make_window(view="Suzhou", size=(900, 600))
    window.build_tile_pack([cloud, extract], tmp_path / "block-tiles", scheduler="sync")
    qtbot.waitUntil(lambda: any(isinstance(layer, PointCloudLayer) for layer in window.scene.layers),
                    timeout=120_000)
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    points = next(layer for layer in window.scene.layers if isinstance(layer, PointCloudLayer))
    assert points.name == "block-tiles points" and len(points.data) > 20_000
    roads = [layer for layer in window.scene.layers if layer.group == BASEMAP_GROUP]
    assert {layer.name for layer in roads} >= {"Roads", "Water areas", "Railways"}
    log = window.log_view.toPlainText()
    assert "basemap features" in log and "loaded basemap basemap" in log
