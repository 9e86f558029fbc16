"""Analysis ▸ Scenario figures… and Height limits: the panel turns its fields into the workspace's ``figures`` call
(the one `ydtwin analyse figures` makes) in the background, fills the table, follows the plan year, exports, copies
and adds the table to the review report; an area is drawn by clicks in the view; the height check (the workspace's
``height_check``, as of the plan year) shows the zones and the excess and puts its findings in the review session.
Bad input is a line in the panel, never an exception."""

import csv

import numpy as np
import pytest

from analysis_helpers import PanelHost as _Host
from sun_synth import bare_workspace, buildings_layer


@pytest.fixture
def ws():
    from analysis_helpers import square, zone_layer

    ws = bare_workspace()
    ws.scene.add(zone_layer(ws, [((0, 0, 200, 200), 100.0)], end=2028))
    ws.scene.add(buildings_layer(ws, "pair", [(100, 100, 120, 150), (300, 100, 320, 150)], [130.0, 10.0],
                                 nature="real"))
    ws.square = square(ws, 0, 0, 400, 400)
    return ws


@pytest.fixture
def panel(qtbot, monkeypatch, ws):
    from analysis_helpers import spy_on
    from ydtwin.qt.figures_panel import FiguresPanel
    from ydtwin.workspace import Workspace

    calls = spy_on(monkeypatch, Workspace, "figures")
    widget = FiguresPanel(ws, _Host())
    widget.calls = calls
    qtbot.addWidget(widget)
    yield widget
    widget.close_panel()


def test_by_city_through_the_workspace(panel, tmp_path):
    """Compute → Workspace.figures by city for the scene as it stands; a row per city and the total; Export CSV
    writes the same rows, Copy puts them on the clipboard, Add to report gives them to the review report."""
    from PyQt6.QtGui import QGuiApplication

    panel.run_button.click()
    ((request,), _kw, result), = panel.calls
    assert request.by == "city" and request.year is None
    assert panel.table.rowCount() == 9
    shanghai = next(r for r in range(9) if panel.table.item(r, 0).text() == "Shanghai")
    assert panel.table.item(shanghai, 2).text() == "2"
    assert [layer.role for layer in panel.workspace.scene.layers][-2:] == ["scenario-figures"] * 2
    panel.export(str(tmp_path / "f.csv"))
    rows = [r for r in csv.reader((tmp_path / "f.csv").read_text(encoding="utf-8").splitlines())
            if not r[0].startswith("#")]
    assert rows[1:] == [list(t) for t in result.table()]
    panel.copy()
    assert "Shanghai,上海,city" in QGuiApplication.clipboard().text()
    panel.add_to_report()
    assert panel.workspace.report_figures == [result]


def test_a_drawn_area_and_the_plan_year(panel):
    """Draw: each click adds the ground under it, Backspace takes one back, Esc computes the area; the window's
    plan year is followed (the table computed again for it)."""
    ws = panel.workspace
    panel.draw_button.click()
    tool = panel.host.tool
    assert tool is not None and panel.by.currentData() == "area"
    panel.host.ground = [(lon, lat, 0.0) for lon, lat in ws.square] + [(121.7, 31.3, 0.0)]
    for _ in range(5):
        tool.click_at(0, 0)
    tool.undo()
    tool.finish()
    assert panel.host.tool is None and not panel.draw_button.isChecked()
    ((request,), _kw, result), = panel.calls
    assert request.by == "area" and np.allclose(request.areas[0], ws.square, atol=1e-6)
    assert result.rows[0].buildings == 2
    ws.scene.plan_year = 2030
    assert panel.calls[-1][0][0].year == 2030 and panel.use_year.isChecked()


def test_bad_area_is_a_line(panel):
    panel.by.setCurrentIndex(panel.by.findData("area"))
    panel.area.setText("121.6,31.2 121.61,31.2")
    panel.run()
    assert "3 to" in panel.summary.text() and not panel.calls


def test_height_limits_into_the_review(ws, monkeypatch, tmp_path):
    """Analysis ▸ Height limits: Workspace.height_check as of the plan year; the zone and the excess shown; the
    finding added to the review session (listed by the Review panel, pinned in the scene)."""
    from analysis_helpers import spy_on
    from ydtwin.qt.figures_panel import run_height_check
    from ydtwin.review.session import Session
    from ydtwin.workspace import Workspace

    calls = spy_on(monkeypatch, Workspace, "height_check")
    ws.set_session(Session(path=tmp_path / "s.json", title="t"))
    host = _Host()
    ws.scene.plan_year = 2027  # before the zone comes into force
    run_height_check(ws, host)
    assert calls[-1][1] == {"year": 2027} and not ws.session.findings
    ws.scene.plan_year = 2030
    run_height_check(ws, host)
    assert calls[-1][1] == {"year": 2030}
    (rec,) = ws.session.findings.values()
    assert rec["finding"]["kind"] == "height_limit" and rec["finding"]["details"]["excess_m"] == 30.0
    roles = {layer.role for layer in ws.scene.layers}
    assert {"height-limit-zones", "height-limit-labels", "height-limit-excess"} <= roles
    assert any("1 findings, 1 new" in line for line in host.lines)


def test_the_panel_in_chinese(qapp, qtbot, ws):
    """The panel's fields, buttons and table headers, and the layers it shows, have their Chinese names."""
    from PyQt6.QtCore import QCoreApplication

    from ydtwin.qt.figures_panel import FiguresPanel
    from ydtwin.qt.support import install_translators, remove_translators

    translators = install_translators(qapp, "zh_CN")
    try:
        widget = FiguresPanel(ws, _Host())
        qtbot.addWidget(widget)
        assert [widget.by.itemText(i) for i in range(3)] == ["城市", "区县", "绘制区域"]
        assert widget.export_button.text() == "导出 CSV…" and widget.table.horizontalHeaderItem(8).text() == "容积率"
        assert QCoreApplication.translate("LayersPanel", "Above the height limit") == "超出限高部分"
        assert QCoreApplication.translate("FiguresPanel", "&Height limits") == "限高检查(&H)"
        widget.close_panel()
    finally:
        remove_translators(qapp, translators)
