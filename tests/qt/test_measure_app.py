"""The window's Measure and Profile tools go through the workspace (snap_point, measure, profile, as `ydtwin
analyse measure|profile` do): two clicks in the view measure the geodesic between the picked points, a click on
the Shanghai Tower snaps to its roof, Esc finishes, a measurement is kept in the scene and attached to a finding;
the Profile dock charts a corridor and a drawn line and exports them."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def _click(window, qtbot, lon: float, lat: float, z: float) -> None:
    """A mouse click on the viewport where the scene point (lon, lat, z scene) is drawn."""
    from PyQt6.QtCore import QPoint, Qt
    from PyQt6.QtTest import QTest

    x, y = window.scene.projection.to_scene(lon, lat)
    ren = window.viewport.renderer
    ren.SetWorldPoint(float(x), float(y), float(z), 1.0)
    ren.WorldToDisplay()
    dx, dy, _ = ren.GetDisplayPoint()
    widget = window.viewport.interactor
    ratio = widget.devicePixelRatioF()
    pos = QPoint(int(round(dx / ratio)), int(round((widget.height() * ratio - 1 - dy) / ratio)))
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    qtbot.wait(30)


def _spy(monkeypatch, names) -> list:
    from ydtwin.workspace import Workspace

    calls = []
    for name in names:
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name,
                            lambda self, *a, _r=real, _n=name, **k: calls.append((_n, a, k)) or _r(self, *a, **k))
    return calls


def test_two_clicks_measure_the_geodesic_between_the_picked_points(make_window, qtbot, monkeypatch, tmp_path):
    from PyQt6.QtCore import Qt
    from PyQt6.QtTest import QTest
    from PyQt6.QtWidgets import QApplication

    calls = _spy(monkeypatch, ("snap_point", "measure", "keep_measurement", "attach_measurement"))
    window = make_window(view="121.490,31.224,121.512,31.242", size=(1000, 700))
    for layer in window.scene.layers:  # the ground clear: no block, border or plan between the camera and it
        if layer.role not in ("terrain", "landmarks"):
            layer.visible = False
    window.viewport.render()
    panel = window.measure_panel
    window.measure_action.trigger()
    assert panel.active and window.scene_tool is panel
    exag = window.scene.vertical_exaggeration
    ground = window.workspace.snap_point(121.4965, 31.2290)
    calls.clear()
    _click(window, qtbot, 121.5010, 31.2355, 560.0)  # the Shanghai Tower, above every block in front of it
    _click(window, qtbot, 121.4965, 31.2290, ground.height * exag)
    assert [c[0] for c in calls].count("snap_point") == 2 and calls[-1][0] == "measure"
    roof, flat = panel.points
    assert roof.source in ("roof", "vertex") and roof.height == pytest.approx(ground.height + 632.0, abs=30)
    assert flat.source == "terrain" and abs(flat.lon - 121.4965) < 0.001 and abs(flat.lat - 31.2290) < 0.001
    m = panel.measurement
    _az, _baz, expected = Geod(ellps="WGS84").inv(roof.lon, roof.lat, flat.lon, flat.lat)
    assert m.length_m == pytest.approx(expected, abs=0.01)  # the figures are the workspace's, on the ellipsoid
    assert m.length_3d_m == pytest.approx(np.hypot(expected, roof.height - flat.height), abs=0.01)
    assert panel.table.item(0, 0).text() == "Distance (geodesic)" and panel.table.item(0, 1).text().endswith(" m")
    # the rubber band: the draft annotation in the scene, with the clicked points
    layer = window.scene.layer("annotations")
    assert layer.draft is not None and len(layer.draft.points) == 2
    QTest.keyClick(window.viewport.interactor, Qt.Key.Key_Escape)
    assert not panel.active and window.scene_tool is None
    assert "Distance (geodesic): " in panel.copy() and QApplication.clipboard().text() == panel.copy()
    item = panel.keep()
    assert calls[-1][0] == "keep_measurement" and layer.items == [item] and panel.kept.count() == 1
    qtbot.waitUntil(lambda: bool(window.scene_view.visuals[layer.id].actors), timeout=5000)
    # attached to a finding of the session: a comment carrying the measurement
    panel.measurement = m
    fid = window.workspace.add_manual_finding(121.50, 31.235, "tower spacing to be checked")
    assert panel.attach(fid)
    assert calls[-1][0] == "attach_measurement" and calls[-1][1][0] == fid
    comment = window.workspace.session.findings[fid]["comments"][-1]
    assert comment["measurement"]["kind"] == "distance" and comment["text"].startswith("Measurement: ")
    # saved with the project, and back in the panel's list and the scene when the project is opened again
    project = window.workspace.save_project(tmp_path / "kept.ydtwin.json")
    panel.kept.setCurrentRow(0)
    panel.remove_kept()
    assert layer.items == [] and panel.kept.count() == 0
    assert window.open_project(project)
    qtbot.waitUntil(lambda: panel.kept.count() == 1, timeout=10_000)
    assert layer.items == [item] and panel.kept.item(0).text() == item.label


def test_profile_dock_charts_a_corridor_and_a_drawn_line(make_window, qtbot, monkeypatch, tmp_path):
    from PyQt6.QtCore import Qt
    from PyQt6.QtTest import QTest

    calls = _spy(monkeypatch, ("profile", "write_profile", "show_profile"))
    window = make_window(view="Suzhou", size=(1100, 800))
    panel = window.profile_panel
    window.profile_action.trigger()
    panel.corridors.setCurrentIndex(panel.corridors.findData("suzhou.hsr"))
    panel.corridor_radio.setChecked(True)
    panel.compute()
    qtbot.waitUntil(lambda: panel.result is not None, timeout=30_000)
    assert calls[0] == ("profile", (), {"line": None, "corridor": "suzhou.hsr", "step_m": 50.0})
    assert panel.result.corridor_id == "suzhou.hsr" and len(panel.figure.axes) == 2  # elevation and grade
    assert calls[1][0] == "show_profile"
    assert [i.kind for i in window.scene.layer("annotations").items] == ["profile"]
    panel.export(".csv", str(tmp_path / "hsr.csv"))
    qtbot.waitUntil(lambda: (tmp_path / "hsr.csv").exists(), timeout=20_000)
    assert calls[-1][0] == "write_profile"
    # a line drawn in the view: two clicks on the ground, Esc draws its profile
    panel.draw_button.setChecked(True)
    assert window.scene_tool is panel
    for lon, lat in ((120.60, 31.30), (120.66, 31.32)):
        g = window.workspace.snap_point(lon, lat)
        _click(window, qtbot, lon, lat, max(g.height, 0.0) * window.scene.vertical_exaggeration)
    assert len(panel.points) == 2
    QTest.keyClick(window.viewport.interactor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.result is not None and not panel.result.corridor_id, timeout=30_000)
    line = calls[-2][2]["line"] if calls[-1][0] == "show_profile" else calls[-1][2]["line"]
    assert len(line) == 2 and abs(line[0][0] - 120.60) < 0.01 and abs(line[1][1] - 31.32) < 0.01
    assert len(panel.figure.axes) == 1  # no corridor followed: no grade
    assert len(window.scene.layer("annotations").items) == 1  # the new line replaced the corridor's
