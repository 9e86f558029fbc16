"""File ▸ Open shows a point cloud in the app: read in the background like any layer, drawn in place with its
classes in the legend, lighter while the camera is dragged; a truncated file is one log line and adds nothing."""

import os

import numpy as np
import pytest

from las_synth import write_cloud

pytestmark = [pytest.mark.viewport, pytest.mark.slow]

if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") != "xcb":
    pytest.skip("the Qt+VTK viewport needs an X server (Xvfb via pytest-xvfb)", allow_module_level=True)


def test_open_a_cloud_and_refuse_a_truncated_one(make_window, qtbot, tmp_path):
    window = make_window(view="Suzhou", size=(900, 600))
    path = write_cloud(tmp_path / "survey.laz", n_ground=30_000)
    assert window.open_file(path) is not None
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    layer = window.scene.layer("survey")
    assert layer.kind == "pointcloud" and layer.group == "Point clouds"
    assert "UTM zone 51N" in window.log_view.toPlainText()
    visual = window.scene_view.visuals[layer.id]
    assert visual.points_drawn == len(layer.data) and visual.actors
    # software GL under Xvfb: splatted on the CPU, drawn in the window's own frames (roofs in building red)
    assert visual.splatting
    window.scene_view.set_view("survey")
    window.viewport.render()
    img = window.viewport.screenshot(return_img=True)[..., :3].astype(int)
    assert (np.abs(img - [230, 64, 51]).max(axis=2) < 45).sum() > 200
    rows = [name for name, _c in window.scene_view.legend_rows()[0]]
    assert {"ground", "building", "high vegetation"} <= set(rows)
    # a drag: the navigation style's interaction events put the view in (and out of) its moving frames
    style = window.viewport.iren.interactor.GetInteractorStyle()
    style.InvokeEvent("StartInteractionEvent")
    assert window.scene_view.ctx.interacting
    style.InvokeEvent("EndInteractionEvent")
    assert not window.scene_view.ctx.interacting
    window.workspace.set_point_class_visible("survey", 6, False)
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    assert "building" not in [name for name, _c in window.scene_view.legend_rows()[0]]

    cut = tmp_path / "cut.laz"
    cut.write_bytes(path.read_bytes()[:30_000])
    before = [x.name for x in window.scene.layers]
    window.open_file(cut)
    qtbot.waitUntil(lambda: window.job is None, timeout=30_000)
    text = window.log_view.toPlainText()
    assert "cut.laz" in text and "truncated" in text
    assert [x.name for x in window.scene.layers] == before and window.isVisible()
