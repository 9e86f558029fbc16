"""Plugins in the app: the manager panel, plugin panels and readers — failures reported, the app unharmed."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from test_engine import make_plugin  # noqa: E402

pytestmark = [pytest.mark.viewport, pytest.mark.slow]

if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") != "xcb":
    pytest.skip("the Qt+VTK viewport needs an X server (Xvfb via pytest-xvfb)", allow_module_level=True)

CODE = """
[[contributions.panels]]
id = "SHORT.boom"
title = "Boom"
python = "qt_fixture_mod:boom"

[[contributions.panels]]
id = "SHORT.count"
title = "Count"
python = "qt_fixture_mod:count"

[[contributions.readers]]
id = "SHORT.loop"
name = "endless"
python = "qt_fixture_mod:loop"
patterns = ["*.loop"]

"""

POINTS = """
[[contributions.readers]]
id = "SHORT.pts"
name = "points"
python = "qt_points_mod:points"
patterns = ["*.pts"]
"""

MODULE = """
import numpy as np
import shapely


def boom(api):
    raise RuntimeError("panel exploded")


def count(api):
    from PyQt6.QtWidgets import QLabel

    api.notify(f"{len(api.plan_projects())} projects on the scene")
    return QLabel(f"{len(api.plan_projects())} projects")


def loop(path):
    import time

    end = time.time() + 4  # endless for the 1 s limit; over before the test session is
    while time.time() < end:
        pass
"""

POINTS_MODULE = """
import numpy as np
import shapely


def points(path):
    from ydtwin.model.layer import VectorData

    pts = shapely.points([[121.4, 31.2], [121.5, 31.25]])
    return VectorData(np.array(pts, dtype=object), "EPSG:4326", {"name": np.array(["a", "b"], dtype=object)})
"""


@pytest.fixture
def window(make_window, tmp_path, monkeypatch):
    root = tmp_path / "plugins"
    make_plugin(root, "ydtwin-qtfix", CODE, files={"qt_fixture_mod.py": MODULE})
    make_plugin(root, "ydtwin-qtpoints", POINTS, files={"qt_points_mod.py": POINTS_MODULE})
    monkeypatch.setenv("YDTWIN_PLUGIN_PATH", str(root))
    win = make_window(view="Suzhou", size=(1000, 700))
    win.plugins.trust("ydtwin-qtfix")
    win.plugins.trust("ydtwin-qtpoints")
    return win


def _names(window):
    return [layer.name for layer in window.scene.layers]


def test_manager_panel_switches_a_city_off_and_on(window, qtbot):
    panel = window.plugins_panel
    assert panel.item_for("ydtwin-suzhou") is not None and panel.item_for("ydtwin-builtins") is not None
    assert "Suzhou plans" in _names(window)
    panel.set_enabled("ydtwin-suzhou", False)
    assert "Suzhou plans" not in _names(window) and "Shanghai plans" in _names(window)
    assert panel.item_for("ydtwin-suzhou").text(1) == "disabled"
    panel.set_enabled("ydtwin-suzhou", True)
    assert "Suzhou plans" in _names(window)
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=30_000)
    window.viewport.render()


def test_a_raising_panel_is_reported_and_a_good_one_opens(window, qtbot):
    assert window.open_plugin_panel("qtfix.boom") is None
    assert "panel exploded" in window.log_view.toPlainText()
    dock = window.open_plugin_panel("qtfix.count")
    assert dock is not None and dock.widget().text().endswith("projects")
    assert int(dock.widget().text().split()[0]) >= 64  # eight cities' plans at least
    assert "projects on the scene" in window.log_view.toPlainText()


def test_an_endless_reader_is_abandoned_and_the_app_goes_on(window, qtbot, tmp_path):
    window.plugins.reader_timeout_s = 1.0
    before = _names(window)
    endless = tmp_path / "data.loop"
    endless.write_text("x")
    window.open_file(endless)
    qtbot.waitUntil(lambda: window.job is None, timeout=30_000)
    log = window.log_view.toPlainText()
    assert log.count("did not finish within 1 s") == 1  # one line, not one per layer of reporting
    assert _names(window) == before
    assert window.plugins.status(window.plugins.plugin("ydtwin-qtfix")) == "failed"
    pts = tmp_path / "two.pts"
    pts.write_text("x")
    window.open_file(pts)
    qtbot.waitUntil(lambda: window.job is None, timeout=30_000)
    assert "two" in _names(window)
    assert "2 features (two.pts (plugin ydtwin-qtpoints reader qtpoints.pts))" in window.log_view.toPlainText()
    window.viewport.render()
