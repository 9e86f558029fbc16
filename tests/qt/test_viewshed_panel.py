"""Analysis ▸ Viewshed… / Sight line: the panel turns its fields — the observer and the target clicked in the view
(picked and snapped through the workspace) or typed — into the workspace's ``viewshed`` / ``sight_line`` calls (the
ones `ydtwin analyse viewshed` / `sightline` make), in the background, shows the result over the scene, says what
blocks the view and exports it; bad input is a line in the panel, never an exception."""

import json

import numpy as np
import pytest

from sun_synth import SW, bare_workspace, buildings_layer


def _lonlat(ws, east, north):
    proj = ws.scene.projection
    ox, oy = proj.to_scene(np.array([SW[0]]), np.array([SW[1]]))
    lon, lat = proj.from_scene(ox[0] + east, oy[0] + north)
    return float(lon), float(lat)


class _Host:
    """A stand-in for the window's services: work runs at once, lines are kept, the view is a plan (2D map) in
    which display pixels map to places the test chose."""

    def __init__(self, places):
        self.lines = []
        self.places = places  # (x, y) pixel → (lon, lat, height)
        self.tool = None
        self.messages = []

    def run(self, work, done=None, failed=None):
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001 - as the window's runner: failures come back as values
            failed(exc)
        else:
            done(result)

    def log(self, text, *, error=False):
        self.lines.append(("ERROR " if error else "") + text)

    def status(self, text, ms=5000):
        self.messages.append(text)

    def set_scene_tool(self, tool):
        self.tool = tool

    def pick(self, x, y):
        return None  # nothing picked: the ground under the pixel is used

    def world_at(self, x, y):
        return self.places.get((x, y))

    def viewport_pixels(self):
        return 800, 600

    def map_scale(self):
        return 300.0  # half the map's height in metres: a pixel is a metre


@pytest.fixture
def panel(qtbot, monkeypatch):
    from ydtwin.qt.viewshed_panel import ViewshedPanel
    from ydtwin.workspace import Workspace

    ws = bare_workspace()
    tower = buildings_layer(ws, "tower", [(180, 180, 220, 220)], [100.0])
    tower.data.attributes["name"] = np.array(["Test Tower"], dtype=object)
    ws.scene.add(tower)
    calls = []
    for name in ("viewshed", "sight_line"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name, lambda self, request, _real=real, _name=name, **kw: calls.append(
            (_name, request)) or _real(self, request, **kw))
    places = {(100, 300): (*_lonlat(ws, 0, 200.5), 0.0), (500, 300): (*_lonlat(ws, 400, 200.5), 0.0)}
    widget = ViewshedPanel(ws, _Host(places))
    widget.calls = calls
    qtbot.addWidget(widget)
    return widget


def test_clicking_observer_and_target_runs_the_sight_line_through_the_workspace(panel, tmp_path):
    ws = panel.workspace
    panel.set_mode("sightline")
    assert panel.target.isVisibleTo(panel) and not panel.radius.isVisibleTo(panel)
    panel.pick_button.setChecked(True)
    assert panel.host.tool is panel and panel.active
    panel.click_at(100, 300)  # the observer
    assert panel.host.tool is panel and not panel.calls and "target" in panel.host.messages[-1]
    panel.click_at(500, 300)  # the target: the line is drawn at once
    assert panel.host.tool is None and not panel.pick_button.isChecked()
    (name, request), = panel.calls
    assert name == "sight_line" and request.eye_m == pytest.approx(1.7) and request.curvature
    assert request.observer == pytest.approx(_lonlat(ws, 0, 200.5), abs=1e-6)
    assert request.target == pytest.approx(_lonlat(ws, 400, 200.5), abs=1e-6)
    text = panel.summary.text()
    assert "BLOCKED by building Test Tower (tower, synthetic #0), 100 m tall" in text
    assert any("BLOCKED" in line for line in panel.host.lines)
    roles = [layer.role for layer in ws.scene.layers if layer.role.startswith("sightline")]
    assert roles == ["sightline-clear", "sightline-blocked"]
    panel.export(str(tmp_path / "line.geojson"))
    doc = json.loads((tmp_path / "line.geojson").read_text(encoding="utf-8"))
    assert doc["metadata"]["visible"] is False and panel.host.lines[-1].startswith("Wrote")
    panel.clear()
    assert not [layer for layer in ws.scene.layers if layer.role.startswith("sightline")]


def test_a_viewshed_from_typed_fields(panel):
    ws = panel.workspace
    panel.set_mode("viewshed")
    panel.observer.setText("{:.6f},{:.6f}".format(*_lonlat(ws, 0, 200.5)))
    panel.eye.setValue(20.0)
    panel.radius.setValue(300.0)
    panel.cell.setValue(3.0)
    panel.curvature.setChecked(False)
    panel.run()
    (name, request), = panel.calls
    assert name == "viewshed" and request.eye_m == 20.0 and request.radius_m == 300.0 and request.cell_m == 3.0
    assert not request.curvature
    assert "visible:" in panel.summary.text() and "on a flat Earth" in panel.summary.text()
    assert [layer.role for layer in ws.scene.layers if layer.role.startswith("viewshed")] == [
        "viewshed", "viewshed-observer"]
    assert all(abs(n - 200) <= 1 for n in panel.result.state.shape)  # 600 m in 3 m cells, snapped outward


def test_bad_input_is_one_line_in_the_panel(panel):
    panel.set_mode("viewshed")
    panel.run()
    assert "click it in the view" in panel.summary.text() and not panel.calls
    panel.observer.setText("121.6")
    panel.run()
    assert "LON,LAT" in panel.summary.text() and not panel.calls
    panel.observer.setText("125.0,31.0")
    panel.run()
    assert "outside the region" in panel.summary.text() and panel.run_button.isEnabled()
    assert panel.host.lines[-1].startswith("ERROR")
    panel.start()
    assert panel.click_at(1, 1) is None and "Nothing there" in panel.host.messages[-1]


def test_the_panel_and_the_legend_speak_chinese(qapp):
    """The panel's strings and the result's legend rows (LayersPanel context) have Chinese translations."""
    from PyQt6.QtCore import QCoreApplication

    from ydtwin.qt.support import install_translators, remove_translators

    translators = install_translators(qapp, "zh_CN")
    try:
        assert QCoreApplication.translate("ViewshedPanel", "&Viewshed…") == "可视域分析(&V)…"
        assert QCoreApplication.translate("ViewshedPanel", "Sight &line") == "视线分析(&L)"
        assert QCoreApplication.translate("ViewshedPanel", "Observer") == "观察点"
        assert QCoreApplication.translate("LayersPanel", "Visible from the observer") == "观察点可见"
        assert QCoreApplication.translate("LayersPanel", "Hidden from the observer") == "观察点不可见"
    finally:
        remove_translators(qapp, translators)
