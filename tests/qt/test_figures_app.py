"""Analysis ▸ Height limits and Scenario figures… in the window: the height check runs Workspace.height_check off
the UI thread, its findings (Suzhou's historic city, 24 m) are listed in the Review panel and the zones and the parts
above their limits are drawn in the scene; the figures panel opens beside Identify and fills its table from
Workspace.figures."""

import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def test_height_limits_and_figures_from_the_analysis_menu(make_window, qtbot, monkeypatch):
    from analysis_helpers import spy_on
    from ydtwin.workspace import Workspace

    checks = spy_on(monkeypatch, Workspace, "height_check")
    figures = spy_on(monkeypatch, Workspace, "figures")
    window = make_window(view="120.58,31.28,120.66,31.34", size=(900, 600))
    menu = next(a.menu() for a in window.menuBar().actions() if a.menu() and a.menu().objectName() == "analysis-menu")
    assert {window.figures_action, window.height_limits_action} <= set(menu.actions())
    window.height_limits_action.trigger()
    qtbot.waitUntil(lambda: len(checks) == 1 and any(
        r["finding"]["kind"] == "height_limit" for r in window.workspace.session.findings.values()), timeout=60_000)
    table = window.review_panel.table
    texts = [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())
             if table.item(r, c) is not None]
    assert any("height" in t and "limit" in t for t in texts), texts
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    roles = {layer.role for layer in window.scene.layers}
    assert {"height-limit-zones", "height-limit-labels", "height-limit-excess"} <= roles
    legend = dict(window.scene_view.legend_rows()[0])
    # the parts above a limit in the legend in their own red; each zone a row with its limit
    assert legend["Above the height limit (illustrative)"] == (0.9, 0.05, 0.1)
    assert "≤ 24 m: Suzhou historic city (Gusu) height-control area" in legend
    assert "Suzhou historic city (Gusu) height-control area" in window.log_view.toPlainText()
    # the plan year moved back before Gusu's limit (2013): the check follows it, without adding findings
    findings = len(window.workspace.session.findings)

    def gusu_shown() -> bool:
        zones = [layer for layer in window.scene.layers if layer.role == "height-limit-zones"]
        return any("Gusu" in str(name) for z in zones for name in z.data.attributes["limit_class"])

    window.set_plan_year(2010)
    qtbot.waitUntil(lambda: len(checks) == 2 and not gusu_shown(), timeout=60_000)
    assert checks[-1][1].get("year") == 2010
    window.set_plan_year(2030)
    qtbot.waitUntil(lambda: len(checks) == 3 and gusu_shown(), timeout=60_000)
    assert len(window.workspace.session.findings) == findings

    window.figures_action.trigger()
    panel = window.figures_panel
    assert window.figures_dock.isVisible()
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.result is not None, timeout=60_000)
    assert len(figures) == 1 and panel.table.rowCount() == 9
