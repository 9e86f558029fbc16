"""The window's File ▸ Export plans / review findings / view as 3D model run the workspace's use cases (as
``ydtwin export`` does); the view's model covers the ground the camera shows; a bad output is one log line."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def test_exports_from_the_window_go_through_the_workspace(make_window, qtbot, tmp_path, monkeypatch):
    import trimesh

    from analysis_helpers import spy_on
    from ydtwin.workspace import Workspace

    plans = spy_on(monkeypatch, Workspace, "export_plans")
    scene = spy_on(monkeypatch, Workspace, "export_scene")
    found = spy_on(monkeypatch, Workspace, "export_findings")
    window = make_window(view="121.47,31.21,121.53,31.26", size=(900, 600))
    assert window.export_plans(tmp_path / "plans.kml") is not None
    assert len(plans) == 1 and (tmp_path / "plans.kml").is_file()

    # nothing found yet: one line, nothing written
    ws = window.workspace
    if ws.session is None or not ws.session.findings:
        assert window.export_findings(tmp_path / "f.gpkg") is None
        assert not (tmp_path / "f.gpkg").exists()
        assert "no review session" in window.log_view.toPlainText().splitlines()[-1] or \
            "no findings" in window.log_view.toPlainText().splitlines()[-1]
    if ws.session is None:
        ws.new_session(tmp_path / "s.json")
    else:
        ws.add_findings(ws.run_review())
    assert window.export_findings(tmp_path / "f.gpkg") is not None
    assert len(found) == 1 and (tmp_path / "f.gpkg").is_file()

    # the view (Lujiazui) as a model: the box is the ground in view, around the focal point
    box = window.scene_view.view_ground_box()
    assert box[0] < 121.50 < box[2] and box[1] < 31.235 < box[3]
    assert box[2] - box[0] < 0.6 and box[3] - box[1] < 0.6
    job = window.export_view_model(tmp_path / "view.glb")
    assert job is not None
    qtbot.waitUntil(lambda: window.job is None, timeout=120_000)
    assert len(scene) == 1
    model = trimesh.load(tmp_path / "view.glb")
    assert any(name.startswith("buildings") for name in model.geometry)
    assert "as GLB" in window.log_view.toPlainText()

    # an output the exports cannot take: one line, the window goes on
    assert window.export_view_model(tmp_path / "view.fbx") is None
    assert "unsupported 3D model format" in window.log_view.toPlainText().splitlines()[-1]
