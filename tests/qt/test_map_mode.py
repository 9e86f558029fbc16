"""View ▸ 2D map (north up) under Xvfb: the action goes through SceneView.set_map (the function
`ydtwin snapshot --map` uses), the view stays straight down and north up while the mouse drags, the scale bar
reads the parallel scale, a click still identifies, and the action unchecks itself for a bookmark."""

import os

import numpy as np
import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]

if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") != "xcb":
    pytest.skip("the Qt+VTK viewport needs an X server (Xvfb via pytest-xvfb)", allow_module_level=True)


def _straight_down_north_up(cam) -> bool:
    return (cam.GetParallelProjection() and np.allclose(cam.GetDirectionOfProjection(), (0, 0, -1), atol=1e-6)
            and np.allclose(cam.GetViewUp(), (0, 1, 0), atol=1e-6))


def test_the_map_action_toggles_the_views_map_function(make_window, qtbot, monkeypatch, tmp_path):
    from PyQt6.QtCore import QPoint, Qt
    from PyQt6.QtGui import QAction
    from PyQt6.QtTest import QTest

    from ydtwin.render.scene_view import SceneView

    calls = []
    original = SceneView.set_map

    def spy(self, on=True, view=None, **kw):
        calls.append((on, view))
        return original(self, on, view, **kw)

    monkeypatch.setattr(SceneView, "set_map", spy)
    win = make_window(view="Suzhou")
    action = win.findChild(QAction, "map-mode")
    assert action is not None and action.isCheckable() and not action.isChecked()
    cam = win.viewport.camera
    focal = np.array(cam.focal_point)

    action.trigger()
    assert calls == [(True, None)] and action.isChecked()
    win.viewport.render()
    assert _straight_down_north_up(cam)
    assert np.allclose(cam.focal_point, focal)  # the same place, now from above
    h = win.viewport.renderer.GetSize()[1]
    assert win.scale_bar.metres_per_pixel() == pytest.approx(2 * cam.GetParallelScale() / h, rel=1e-9)
    assert win.scale_bar.length_px == pytest.approx(win.scale_bar.length_m / win.scale_bar.metres_per_pixel())

    # a left drag pans (it does not rotate): still straight down, north up, the focal point moved
    widget = win.viewport.interactor
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    for k in range(1, 6):
        QTest.mouseMove(widget, centre + QPoint(20 * k, 10 * k))
        qtbot.wait(20)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre + QPoint(100, 50))
    win.viewport.render()
    assert _straight_down_north_up(cam)
    moved = np.array(cam.focal_point) - focal
    assert moved[0] < 0 and moved[1] > 0  # dragged right and down: the map moved with the hand

    # a named view in map mode is a map of it; arrows pan, + zooms by the parallel scale
    win.set_view("Wuxi")
    assert calls[-1] == (True, "Wuxi") and _straight_down_north_up(cam)
    scale = cam.GetParallelScale()
    win.orbit(zoom=1.25)
    assert cam.GetParallelScale() == pytest.approx(scale / 1.25)
    x0 = cam.focal_point[0]
    win.orbit(azimuth=10)
    assert cam.focal_point[0] > x0 and _straight_down_north_up(cam)

    win.viewport.render()
    shot = win.viewport.screenshot(return_img=True)
    from PIL import Image

    Image.fromarray(shot).save(tmp_path / "map_mode.png")
    assert shot.std() > 10

    action.trigger()
    assert calls[-1] == (False, None) and not action.isChecked() and not cam.GetParallelProjection()
    assert cam.GetDirectionOfProjection()[1] > 0.5  # from the south, tilted down again

    # a bookmark is a perspective viewpoint: flying to it leaves the map and unchecks the action
    action.trigger()
    vp = win.scene_view.viewpoint_for("Shanghai")
    assert win.scene_view.map_mode  # measuring a viewpoint leaves the map as it was
    win.fly_to(vp, seconds=0)
    assert not action.isChecked() and not cam.GetParallelProjection()
