#!/usr/bin/env python3
"""The app's UI thread while a large footprint file loads: how long it stays blocked.

A 5 ms precise timer ticks on the UI thread of the app's window (Suzhou view, 900×600) while a GeoParquet
file of synthetic footprints (default 200,000, around Suzhou) is opened; a gap between ticks is time the
window could not answer. Each run is a fresh process; the runs alternate (A B A B …) so the machine's noise
hits both.

- ``naive``: the file read, the buildings extruded and tiled and their actors created on the UI thread (what
  an app does that calls its reader from the menu handler): ``read_buildings`` then ``Scene.add`` with
  the scene view building visuals at once.
- ``ydtwin``: ``MainWindow.open_file`` — reading, extrusion and tiling in a worker, actors created in
  slices kept apart from frames, lighter frames while busy (docs/architecture.md §8).

For each: the longest gap, the 99th-percentile gap, how many gaps exceeded 100 ms, the longest gap outside
the window's frames (time the loading itself held the thread), the longest frame (VTK render + Qt's
composition of the window) and the seconds until the layer was on screen. Needs an X server for the Qt+VTK
viewport; prints one JSON object.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \
        python benchmarks/ui_stall.py [--count 200000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, sys, time
sys.path.insert(0, {src!r})
from pathlib import Path
from PyQt6.QtCore import QEvent, Qt, QTimer
from PyQt6.QtWidgets import QApplication

from ydtwin.io.region import open_scene
from ydtwin.workspace import Workspace
from ydtwin.qt.app import MainWindow
from ydtwin.qt.viewport import Viewport

mode, path = {mode!r}, Path({path!r})
app = QApplication.instance() or QApplication(sys.argv)
frames, painted = [], [False]
window_event, paint = MainWindow.event, Viewport.paintGL

def event(win, ev):
    if ev.type() != QEvent.Type.UpdateRequest:
        return window_event(win, ev)
    painted[0] = False
    t0 = time.perf_counter()
    try:
        return window_event(win, ev)
    finally:
        if painted[0]:
            frames.append((t0, time.perf_counter()))

def paint_gl(view):
    painted[0] = True
    return paint(view)

MainWindow.event, Viewport.paintGL = event, paint_gl

def spin_until(cond, limit=600.0):
    end = time.perf_counter() + limit
    while not cond():
        if time.perf_counter() > end:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.002)

win = MainWindow(Workspace(open_scene()), view="Suzhou")
win.resize(900, 600)
win.show()
spin_until(lambda: win.scene_view.pending == 0)
t_idle = time.perf_counter() + 1.0
spin_until(lambda: time.perf_counter() > t_idle)

gaps, last = [], [time.perf_counter()]
def tick():
    now = time.perf_counter()
    gaps.append((last[0], now))
    last[0] = now
timer = QTimer()
timer.setTimerType(Qt.TimerType.PreciseTimer)
timer.setInterval(5)
timer.timeout.connect(tick)

name = path.name.split(".")[0]
t0 = time.perf_counter()
last[0] = t0
timer.start()
if mode == "naive":
    def load():
        from ydtwin.io.buildings import read_buildings
        from ydtwin.model.buildings import BuildingsLayer
        from ydtwin.model.layer import Provenance
        data, _ = read_buildings(path)
        view = win.scene_view  # visuals built at once, on this thread
        view._run_in_background = view.ctx.run_in_background = None
        view._defer = view.ctx.defer = None
        win.scene.add(BuildingsLayer(name, data, group="Buildings",
                                     provenance=Provenance(source=path.name, licence="synthetic")))
    QTimer.singleShot(0, load)
else:
    win.open_file(path)
spin_until(lambda: any(l.name == name for l in win.scene.layers) and win.job is None
           and win.scene_view.pending == 0)
settle = time.perf_counter() + 0.5
spin_until(lambda: time.perf_counter() > settle)
timer.stop()
seconds = time.perf_counter() - t0

def within(a, b):
    return sum(max(0.0, min(fb, b) - max(fa, a)) for fa, fb in frames)

lengths = sorted(b - a for a, b in gaps)
load_frames = [b - a for a, b in frames if a >= t0]
print(json.dumps({{
    "worst_stall_ms": 1000 * lengths[-1],
    "p99_gap_ms": 1000 * lengths[int(0.99 * (len(lengths) - 1))],
    "stalls_over_100ms": sum(g > 0.1 for g in lengths),
    "worst_outside_frames_ms": 1000 * max(b - a - within(a, b) for a, b in gaps),
    "frames": len(load_frames),
    "worst_frame_ms": 1000 * max(load_frames, default=0.0),
    "seconds_to_on_screen": seconds,
}}))
win.close()
"""


def _footprints(count: int, folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "src"))
    from ydtwin.io.synthetic import write_synthetic_geoparquet

    return write_synthetic_geoparquet(folder / f"synthetic_{count // 1000}k.parquet", count)


def _run(mode: str, path: Path) -> dict:
    code = PROBE.format(src=str(ROOT / "src"), mode=mode, path=str(path))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "xcb"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"{mode} run failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=200_000, help="footprints in the file")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each mode (alternating)")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit("needs an X server for the Qt+VTK viewport: run under xvfb-run (see the docstring)")
    with tempfile.TemporaryDirectory() as tmp:
        path = _footprints(args.count, Path(tmp))
        runs: dict[str, list[dict]] = {"naive": [], "ydtwin": []}
        for _ in range(args.repeat):
            for mode in runs:
                runs[mode].append(_run(mode, path))
    result: dict[str, object] = {"footprints": args.count, "repeat": args.repeat}
    for mode, rows in runs.items():
        result[mode] = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
        result[mode]["worst_stall_ms_each"] = [round(row["worst_stall_ms"], 1) for row in rows]
    result["ratio_worst_stall_naive_over_ydtwin"] = result["naive"]["worst_stall_ms"] / result["ydtwin"]["worst_stall_ms"]
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
