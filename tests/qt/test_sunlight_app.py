"""Analysis ▸ Sunlight… in the window: the panel opens beside Identify with the view's ground as its area, runs
Workspace.sunlight off the UI thread and the scene shows the hours with a legend row per hour."""

import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def test_sunlight_from_the_analysis_menu(make_window, qtbot, monkeypatch):
    from ydtwin.workspace import Workspace

    calls = []
    real = Workspace.sunlight
    monkeypatch.setattr(Workspace, "sunlight",
                        lambda self, request, **kw: calls.append(request) or real(self, request, **kw))
    window = make_window(view="121.495,31.232,121.505,31.240", size=(900, 600))
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    menu = next(a.menu() for a in window.menuBar().actions() if a.menu() and a.menu().objectName() == "analysis-menu")
    assert window.sunlight_action in menu.actions()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index(menu.title()) == len(titles) - 2  # just before Help
    window.sunlight_action.trigger()
    panel = window.sunlight_panel
    assert window.sunlight_dock.isVisible()
    lon0, lat0, lon1, lat1 = (float(v) for v in panel.area.text().split(","))
    # the ground the view shows (the camera looks north at the box, so the near ground reaches further south)
    assert lon0 < 121.5 < lon1 and lat0 < 31.236 < lat1 and (lon1 - lon0) < 0.1 and (lat1 - lat0) < 0.09
    panel.spacing.setValue(25.0)
    panel.step.setValue(10.0)
    panel.run_button.click()
    qtbot.waitUntil(lambda: panel.result is not None, timeout=120_000)
    assert len(calls) == 1 and calls[0].step_min == 10.0 and calls[0].spacing_m == 25.0
    assert "true solar time" in panel.summary.text()
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    rows = [label for label, _c in window.scene_view.legend_rows()[0]]
    assert "Sunlight 0–1 h" in rows
    assert "sunlight:" in window.log_view.toPlainText()
