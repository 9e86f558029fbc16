"""Analysis ▸ Sight line and Analysis ▸ Viewshed… in the window: the panel opens beside Identify and takes the view's
clicks; clicking the Bund and then the Shanghai Tower draws the line through Workspace.snap_point and
Workspace.sight_line (off the UI thread), the tower's roof being the target; a viewshed from a clicked point is
Workspace.viewshed's and the scene's legend shows visible and hidden ground."""

import pytest
from test_measure_app import _click  # a click where a scene point is drawn

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def test_sight_line_and_viewshed_from_the_analysis_menu(make_window, qtbot, monkeypatch):
    from ydtwin.workspace import Workspace

    calls = []
    for name in ("snap_point", "sight_line", "viewshed"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name,
                            lambda self, *a, _r=real, _n=name, **k: calls.append((_n, a, k)) or _r(self, *a, **k))
    window = make_window(view="121.484,31.226,121.508,31.244", size=(1000, 700))
    for layer in window.scene.layers:  # the ground clear: no block, border or plan between the camera and it
        if layer.role not in ("terrain", "landmarks"):
            layer.visible = False
    window.viewport.render()
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    menu = next(a.menu() for a in window.menuBar().actions() if a.menu() and a.menu().objectName() == "analysis-menu")
    assert window.sightline_action in menu.actions() and window.viewshed_action in menu.actions()
    window.sightline_action.trigger()
    panel = window.viewshed_panel
    assert window.viewshed_dock.isVisible() and panel.kind == "sightline" and window.scene_tool is panel
    exag = window.scene.vertical_exaggeration
    ground = window.workspace.snap_point(121.4905, 31.2402)
    calls.clear()
    _click(window, qtbot, 121.4905, 31.2402, ground.height * exag)  # the Bund
    _click(window, qtbot, 121.5010, 31.2355, 560.0)  # the Shanghai Tower, high on its shaft
    qtbot.waitUntil(lambda: panel.result is not None, timeout=60_000)
    names = [c[0] for c in calls]
    assert names.count("snap_point") == 2 and names[-1] == "sight_line"
    request = calls[-1][1][0]
    assert request.observer == pytest.approx((121.4905, 31.2402), abs=3e-4)
    assert panel.result.target_on.startswith("roof of Shanghai Tower")
    assert "VISIBLE" in panel.summary.text() and window.scene_tool is None
    assert [layer.role for layer in window.scene.layers if layer.role.startswith("sightline")] == ["sightline-clear"]

    window.viewshed_action.trigger()
    assert panel.kind == "viewshed" and window.scene_tool is panel
    panel.radius.setValue(600.0)
    panel.cell.setValue(4.0)
    panel.result = None
    _click(window, qtbot, 121.4905, 31.2402, ground.height * exag)
    qtbot.waitUntil(lambda: panel.result is not None, timeout=60_000)
    assert calls[-1][0] == "viewshed" and calls[-1][1][0].radius_m == 600.0
    assert "visible:" in panel.summary.text()
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    rows = [label for label, _c in window.scene_view.legend_rows()[0]]
    assert "Visible from the observer" in rows and "Hidden from the observer" in rows
