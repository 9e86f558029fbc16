"""Opening files in the app: background reading with progress and Cancel, a responsive UI, errors survived."""

import os
import sys
import threading
import time
import traceback
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]

if not os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") != "xcb":
    pytest.skip("the Qt+VTK viewport needs an X server (Xvfb via pytest-xvfb)", allow_module_level=True)


@pytest.fixture(scope="module")
def footprints_200k(tmp_path_factory):
    """200,000 synthetic footprints (convex/concave, 10 % with holes) around Suzhou, as GeoParquet."""
    from ydtwin.io.synthetic import write_synthetic_geoparquet

    return write_synthetic_geoparquet(tmp_path_factory.mktemp("big") / "synthetic_200k.parquet", 200_000)


class FrameTimer:
    """Times every frame the window draws on the UI thread: the top-level's update request that renders the
    GL viewport (VTK) and composes the window (Qt). Installed on the classes before a window is created."""

    def __init__(self, monkeypatch) -> None:
        from PyQt6.QtCore import QEvent

        from ydtwin.qt.app import MainWindow
        from ydtwin.qt.viewport import Viewport

        self.frames: list[tuple[float, float]] = []
        self._painted = False
        window_event, paint = MainWindow.event, Viewport.paintGL
        update = QEvent.Type.UpdateRequest

        def event(win, ev):
            if ev.type() != update:
                return window_event(win, ev)
            self._painted = False
            t0 = time.perf_counter()
            try:
                return window_event(win, ev)
            finally:
                if self._painted:
                    self.frames.append((t0, time.perf_counter()))

        def paint_gl(view):
            self._painted = True
            return paint(view)

        monkeypatch.setattr(MainWindow, "event", event)
        monkeypatch.setattr(Viewport, "paintGL", paint_gl)

    def within(self, t0: float, t1: float) -> float:
        """Seconds of [t0, t1] spent drawing frames."""
        return sum(max(0.0, min(b, t1) - max(a, t0)) for a, b in self.frames)

    def durations(self, since: float = 0.0) -> list[float]:
        return [b - a for a, b in self.frames if a >= since]


@pytest.fixture
def frame_timer(monkeypatch):
    return FrameTimer(monkeypatch)


@pytest.fixture
def window(frame_timer, make_window):
    return make_window(view="Suzhou", size=(900, 600))


class Heartbeat:
    """A 5 ms precise timer on the UI thread; a gap between its ticks is how long the UI thread was busy
    (to within the interval). A watcher thread samples what the UI thread is doing while a tick is late, so
    a failure says where the time went."""

    LATE_S = 0.04

    def __init__(self) -> None:
        from PyQt6.QtCore import Qt, QTimer

        self.last = time.perf_counter()
        self.gaps: list[tuple[float, float, tuple[str, ...]]] = []  # (start, end, samples) of late ticks
        self._samples: list[str] = []
        self._ui_thread = threading.get_ident()
        self._running = False
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if now - self.last > self.LATE_S:
            self.gaps.append((self.last, now, tuple(self._samples)))
        self._samples = []
        self.last = now

    def _watch(self) -> None:
        while self._running:
            time.sleep(0.01)
            if time.perf_counter() - self.last > self.LATE_S:
                frame = sys._current_frames().get(self._ui_thread)
                if frame is not None:
                    stack = traceback.extract_stack(frame)
                    # the innermost calls, then the innermost of ydtwin's own below them
                    inner = stack[-3:][::-1]
                    own = [f for f in stack[:-3] if f"{os.sep}ydtwin{os.sep}" in f.filename][-2:][::-1]
                    text = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in inner)
                    if own:
                        text += " … " + " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in own)
                    self._samples.append(text)

    def start(self) -> None:
        self.last = time.perf_counter()
        self._running = True
        threading.Thread(target=self._watch, daemon=True).start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._running = False

    def worst(self) -> float:
        return max((b - a for a, b, _ in self.gaps), default=0.0)

    def report(self, frames: FrameTimer, n: int = 3) -> str:
        """The longest gaps, and the gaps longest outside frames, with what the UI thread was doing."""
        by_total = sorted(self.gaps, key=lambda g: g[0] - g[1])[:n]
        by_outside = sorted(self.gaps, key=lambda g: g[0] - g[1] + frames.within(g[0], g[1]))[:n]
        lines = []
        for a, b, samples in dict.fromkeys(by_total + by_outside):
            lines.append(f"{(b - a) * 1000:.0f} ms, {frames.within(a, b) * 1000:.0f} ms of it drawing frames:")
            lines.extend(f"    {s}" for s in dict.fromkeys(samples))
        return "\n".join(lines)


def _names(window):
    return [layer.name for layer in window.scene.layers]


#: Issue 4: loading never blocks the UI thread for more than 100 ms. The loading's own work on the UI thread
#: (adding the layer, creating actors in slices, progress, logging) is held to that, between frames. Frames
#: are what the renderer costs: a few ms on a GPU, 45–90 ms here (2-core shared VM, software GL, plus Qt's
#: composition of the window), which a wall-clock bound on a noisy machine cannot pin; they are held instead
#: to the same view's ordinary frames measured in the same run (a load must not make frames slower — e.g. by
#: rendering twice or at full detail while the worker competes for the CPU). benchmarks/ui_stall.py prints the
#: absolute figures against loading on the UI thread; docs/architecture.md §8 lists what each measure removed.
MAX_BLOCK_S = 0.1
#: frames drawn while loading, relative to the median frame of the idle view before the load
MAX_FRAME_RATIO = 2.0
#: a shared VM sometimes pauses a process for 100 ms or more; a second load in the same window tells such a
#: pause from a regression, which fails every time
ATTEMPTS = 2


def _load_measured(window, qtbot, path, frame_timer) -> tuple[bool, str]:
    """Open ``path`` with a heartbeat running: (within the bounds, what was measured)."""
    idle_from = time.perf_counter()
    for _ in range(8):  # the view's ordinary frames, for comparison
        window.request_render()
        qtbot.wait(150)
    idle = sorted(frame_timer.durations(since=idle_from))
    assert len(idle) >= 6
    idle_median = idle[len(idle) // 2]
    beat = Heartbeat()
    load_from = time.perf_counter()
    beat.start()
    job = window.open_file(path)
    assert job is not None and window.progress.isVisible() and window.cancel_button.isVisible()
    qtbot.waitUntil(lambda: window.job is None, timeout=180_000)
    qtbot.waitUntil(lambda: path.stem in _names(window) and window.scene_view.pending == 0, timeout=180_000)
    qtbot.wait(200)
    beat.stop()
    frames = frame_timer.durations(since=load_from)
    assert frames, "no frame was drawn while loading"
    blocked = max((b - a - frame_timer.within(a, b) for a, b, _ in beat.gaps), default=0.0)
    text = (f"longest UI-thread stall {beat.worst() * 1000:.0f} ms; longest outside frames {blocked * 1000:.0f} ms; "
            f"{len(frames)} frames, longest {max(frames) * 1000:.0f} ms (idle view: median {idle_median * 1000:.0f} ms)"
            f"\n{beat.report(frame_timer)}")
    return blocked < MAX_BLOCK_S and max(frames) < MAX_FRAME_RATIO * idle_median, text


def test_200k_footprints_load_without_blocking_the_ui(window, qtbot, footprints_200k, frame_timer):
    reports = []
    for attempt in range(ATTEMPTS):
        if attempt:  # again, in the same window
            window.scene.layers.remove(window.scene.layer("synthetic_200k"))
            qtbot.waitUntil(lambda: window.scene_view.pending == 0, timeout=60_000)
        ok, text = _load_measured(window, qtbot, footprints_200k, frame_timer)
        reports.append(f"load {attempt + 1}: {text}")
        print(f"\nwhile loading 200k footprints, {reports[-1]}")
        layer = window.scene.layer("synthetic_200k")
        assert len(layer.data) == 200_000
        visual = window.scene_view.visuals[layer.id]
        assert visual.tiles and visual.tile_actors
        assert "synthetic_200k.parquet: 200,000 buildings" in window.log_view.toPlainText()
        assert window.recent_files()[0] == str(footprints_200k)
        if ok:
            break
    else:
        raise AssertionError("the UI thread was blocked while loading, every time:\n" + "\n".join(reports))


def test_cancel_leaves_no_layer(window, qtbot, footprints_200k):
    before = _names(window)
    window.open_file(footprints_200k)
    window.cancel_loading()
    qtbot.waitUntil(lambda: window.job is None, timeout=60_000)
    assert _names(window) == before
    assert "loading cancelled" in window.log_view.toPlainText()
    assert not window.progress.isVisible()


def test_bad_files_and_a_raising_reader_are_survived(window, qtbot, tmp_path, monkeypatch):
    before = _names(window)
    bad = tmp_path / "损坏.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    window.open_file(bad)
    qtbot.waitUntil(lambda: window.job is None, timeout=30_000)
    text = window.log_view.toPlainText()
    assert "ERROR" in text and "损坏.geojson" in text and "not valid JSON" in text
    assert _names(window) == before

    import ydtwin.io.buildings as buildings

    def boom(*_a, **_k):
        raise RuntimeError("reader exploded")

    monkeypatch.setattr(buildings, "read_buildings", boom)
    good = tmp_path / "ok.geojson"
    good.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    window.open_file(good)
    qtbot.waitUntil(lambda: window.job is None, timeout=30_000)
    assert "reader exploded" in window.log_view.toPlainText()
    assert _names(window) == before and window.isVisible()
    window.viewport.render()  # still renders


def test_open_with_a_coordinate_system(window, qtbot, tmp_path, monkeypatch):
    """File ▸ Open with coordinate system…: a GCJ-02 file (Amap) lands where its WGS84 twin does."""
    import json

    from PyQt6.QtWidgets import QFileDialog, QInputDialog

    from ydtwin.geo.datum import wgs84_to_gcj02

    lon, lat = 120.62, 31.30
    glon, glat = wgs84_to_gcj02(np.array([lon]), np.array([lat]))
    d = 0.0004
    ring = [[float(glon[0]) + dx, float(glat[0]) + dy] for dx, dy in ((0, 0), (d, 0), (d, d), (0, d), (0, 0))]
    path = tmp_path / "amap.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"height": 30}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, *_a: (items[0], True))
    window.open_with_crs_dialog()
    assert window.job is not None and window.job.crs == "GCJ-02"
    qtbot.waitUntil(lambda: window.job is None and "amap" in _names(window), timeout=60_000)
    data = window.scene.layer("amap").data
    x0, y0 = data.bounds()[0][:2]
    assert abs(x0 - lon) < 2e-5 and abs(y0 - lat) < 2e-5  # corrected to WGS84 (the offset is ~500 m)
    # the window's layer says what was done to it, as the CLI's does (both are the workspace's read_layer)
    assert any("GCJ-02" in t and "WGS84" in t for t in window.scene.layer("amap").provenance.transformations)
