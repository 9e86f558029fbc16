"""Analysis ▸ Sunlight…: the panel turns its fields into the workspace's ``sunlight`` call (the one `ydtwin analyse
sunlight` makes), in the background, shows the result over the scene with a legend in hours, summarises it and
exports it; bad input is a line in the panel, never an exception."""

import json

import pytest

from analysis_helpers import PanelHost as _Host
from sun_synth import area_box, bare_workspace, buildings_layer


@pytest.fixture
def panel(qtbot, monkeypatch):
    from ydtwin.qt.sunlight_panel import SunlightPanel
    from ydtwin.workspace import Workspace

    ws = bare_workspace()
    ws.scene.add(buildings_layer(ws, "slab", [(100, 250, 300, 262)], [18.0]))
    ws.scene.add(buildings_layer(ws, "towers-2030", [(160, 180, 240, 220)], [90.0]))
    calls = []
    real = Workspace.sunlight
    monkeypatch.setattr(Workspace, "sunlight",
                        lambda self, request, **kw: calls.append((request, kw)) or real(self, request, **kw))
    host = _Host()
    widget = SunlightPanel(ws, host)
    widget.calls = calls
    qtbot.addWidget(widget)
    yield widget
    widget.close_panel()


def test_run_goes_through_the_workspace_and_shows_the_result(panel, tmp_path):
    ws = panel.workspace
    assert [panel.plan.itemData(i) for i in range(panel.plan.count())] == [None, "slab", "towers-2030"]
    panel.area.setText(",".join(f"{v:.6f}" for v in area_box(ws, 60, 120, 340, 300)))
    panel.plan.setCurrentIndex(panel.plan.findData("towers-2030"))
    panel.facades.setChecked(True)
    panel.step.setValue(5.0)
    panel.run()
    (request, kw), = panel.calls
    assert kw["plans"] == ["towers-2030"]
    assert request.date.startswith("winter-solstice:") and request.window == "9:00-15:00"
    assert request.basis == "true-solar" and request.facades and request.step_min == 5.0
    assert panel.result is not None and panel.result.hours_before is not None
    text = panel.summary.text()
    assert "true solar time" in text and "UTC+8" in text and "fall under 2 h" in text
    assert any("sunlight:" in line for line in panel.host.lines)
    hours = [layer for layer in ws.scene.layers if layer.role == "sunlight-hours"]
    loss = [layer for layer in ws.scene.layers if layer.role == "sunlight-loss"]
    assert hours and loss and all(layer.visible for layer in hours) and not any(layer.visible for layer in loss)
    # show the loss instead of the hours
    assert panel.show_what.isEnabled()
    panel.show_what.setCurrentIndex(1)
    assert all(layer.visible for layer in loss) and not any(layer.visible for layer in hours)
    # export: the same file the command line writes
    panel.export(str(tmp_path / "sun.geojson"))
    doc = json.loads((tmp_path / "sun.geojson").read_text(encoding="utf-8"))
    assert doc["metadata"]["plan"] == ["towers-2030"] and len(doc["features"]) == len(panel.result)
    panel.export(str(tmp_path / "sun.txt"))
    assert panel.host.lines[-1].startswith("ERROR") and ".geojson or .csv" in panel.host.lines[-1]


def test_reference_days_set_their_window(panel):
    """大寒 comes with 8:00–16:00, 冬至 with 9:00–15:00; another day leaves the date free."""
    panel.day.setCurrentIndex(panel.day.findData("major-cold"))
    assert (panel.start.time().hour(), panel.end.time().hour()) == (8, 16)
    assert panel.date.date().month() == 1 and not panel.date.isEnabled()
    panel.day.setCurrentIndex(panel.day.findData("winter-solstice"))
    assert (panel.start.time().hour(), panel.end.time().hour()) == (9, 15)
    assert panel.date.date().month() == 12 and panel.date.date().day() in (21, 22)
    panel.day.setCurrentIndex(panel.day.findData(""))
    assert panel.date.isEnabled()


def test_bad_input_is_one_line_in_the_panel(panel):
    panel.area.setText("121.6,31.2")
    panel.run()
    assert "four numbers" in panel.summary.text() and not panel.calls
    panel.area.setText("125.0,31.0,125.01,31.01")
    panel.run()
    assert "outside the region" in panel.summary.text() and panel.run_button.isEnabled()
    assert panel.host.lines[-1].startswith("ERROR")
    panel.area.setText("")
    panel.run()  # no area and a view of the sky: said, nothing run
    assert "no ground" in panel.summary.text()


def test_the_panel_and_the_legend_speak_chinese(qapp):
    """The panel's strings and the result's legend rows (LayersPanel context, as the scene translates them) have
    Chinese translations."""
    from PyQt6.QtCore import QCoreApplication

    from ydtwin.qt.support import install_translators, remove_translators

    translators = install_translators(qapp, "zh_CN")
    try:
        assert QCoreApplication.translate("SunlightPanel", "&Sunlight…") == "日照分析(&S)…"
        assert QCoreApplication.translate("SunlightPanel", "true solar time") == "真太阳时"
        assert QCoreApplication.translate("LayersPanel", "Sunlight 0–1 h") == "日照 0–1 小时"
        assert QCoreApplication.translate("LayersPanel", "Loses 2 h of sun or more") == "日照减少 2 小时及以上"
    finally:
        remove_translators(qapp, translators)
