"""The window's basemap actions run the workspace's use cases (as ``--basemap`` and ``ydtwin basemap build``
do): build in the background with progress and Cancel, add, replace, and one error line for a bad folder."""

from __future__ import annotations

import pytest

from osm_extract import write_extract

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def _names(window) -> list[str]:
    return [layer.name for layer in window.scene.layers]


def test_build_then_add_a_basemap_through_the_workspace(make_window, qtbot, tmp_path, monkeypatch):
    from ydtwin.workspace import Workspace

    calls = []
    for name in ("build_basemap", "read_basemap", "add_basemap"):
        real = getattr(Workspace, name)
        monkeypatch.setattr(Workspace, name, lambda self, *a, _r=real, _n=name, **k: calls.append(_n) or _r(self, *a, **k))
    window = make_window(view="Suzhou", size=(900, 600))
    blocks = window.scene.layer("procedural-blocks")
    hidden = int(blocks.hidden.sum())
    extract = write_extract(tmp_path / "jinji.osm.pbf")
    window.build_basemap(extract, tmp_path / "jinji-basemap")
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    assert calls == ["build_basemap", "read_basemap", "add_basemap"]
    assert {"Water areas", "Roads", "Railways"} <= set(_names(window))
    assert int(blocks.hidden.sum()) > hidden  # blocks in the lake and on the roads are gone
    qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
    rows = [label for label, _c in window.scene_view.legend_rows()[0]]
    assert "motorway" in rows and "railway" in rows
    # adding it again replaces it: one set of basemap layers
    window.add_basemap(tmp_path / "jinji-basemap")
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    assert _names(window).count("Water areas") == 1
    # a folder that is not a basemap: one line in the log, nothing added, the window goes on
    lines = []
    monkeypatch.setattr(window, "log_message", lambda text, error=False: lines.append((text, error)))
    window.add_basemap(tmp_path)
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    assert lines and lines[-1][1] and "not a basemap" in lines[-1][0] and "\n" not in lines[-1][0]


def test_cancelling_a_build_writes_nothing(make_window, qtbot, tmp_path, monkeypatch):
    from ydtwin.workspace import Workspace

    window = make_window(view="Suzhou", size=(900, 600))
    extract = write_extract(tmp_path / "jinji.osm.pbf")
    real = Workspace.build_basemap

    def build(self, *a, cancel=None, **k):
        window.job.cancel()  # as the status bar's Cancel does, before the first check
        return real(self, *a, cancel=cancel, **k)

    monkeypatch.setattr(Workspace, "build_basemap", build)
    window.build_basemap(extract, tmp_path / "out")
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    assert not (tmp_path / "out").exists()
    assert "Water areas" not in _names(window)
