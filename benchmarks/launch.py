#!/usr/bin/env python3
"""Launch: seconds from starting ``ydtwin`` (the app, the default region with every city's plans) to its first
frame on screen, as the window itself measures it (the process's start, interpreter and imports included, to the
first frame painted after the start view is set; the line "Launch to first frame" of ydtwin.log), and to the
frame that shows the whole scene ("Launch to the whole scene drawn": the city blocks and landmarks are made in
the background after the first frame and shown a slice at a time).

Both measure from the process's creation as the kernel records it (``ydtwin.clock``: psutil's creation time is
off by up to a second on Linux, where the boot time it adds is given in whole seconds).

Baseline in the same run: the floor no app can go under — a process that imports PyQt6, pyvista and pyvistaqt,
opens a window with a ``QtInteractor`` and draws one frame of an empty scene (``floor``).

Each launch is a fresh process under the display given (``DISPLAY``; run under ``xvfb-run -a`` without one).
The first launch has fresh settings and caches (XDG folders of its own: matplotlib's font cache is built, and the
procedural blocks are computed and stored in ydtwin's cache) and is reported as ``app_first_launch_s``; the timed
launches then reuse those folders, as a returning user's do. Launches alternate with the floor, ``--repeat`` times
(default 3); min and median, idle and with a process spinning on the other core (``--load``)::

    xvfb-run -a python benchmarks/launch.py [--repeat 3] [--load idle|busy|both]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOOR = r"""
import time
from ydtwin.clock import process_age_s
t_start = time.time() - process_age_s()
from PyQt6.QtWidgets import QApplication
import pyvista as pv
from pyvistaqt import QtInteractor
app = QApplication([])
w = QtInteractor()
w.add_mesh(pv.Sphere())
w.show()
def done(*_):
    print("FIRST", time.time() - t_start, flush=True)
    app.quit()
w.render_window.AddObserver("EndEvent", done)
w.render()
app.exec()
"""


def _env(tmp: str) -> dict:
    env = dict(os.environ)
    env.update(XDG_CONFIG_HOME=f"{tmp}/config", XDG_DATA_HOME=f"{tmp}/data", XDG_CACHE_HOME=f"{tmp}/cache",
               QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT / "src"))
    return env


def launch_app(tmp: str, timeout: float = 120.0) -> tuple[float, float]:
    """Seconds to the first frame and to the frame that shows the whole scene (the buildings, made in the
    background, included) of an app using the XDG folders under ``tmp``."""
    log = Path(tmp) / "data" / "ydtwin" / "logs" / "ydtwin.log"
    seen = len(log.read_text(encoding="utf-8")) if log.exists() else 0
    env = _env(tmp)
    proc = subprocess.Popen([sys.executable, "-m", "ydtwin"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    t0 = time.time()
    try:
        while time.time() - t0 < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"the app exited ({proc.returncode}) before its first frame")
            if log.exists():
                text = log.read_text(encoding="utf-8")[seen:]
                first = re.search(r"Launch to first frame: ([\d,]+) ms", text)
                whole = re.search(r"Launch to the whole scene drawn: ([\d,]+) ms", text)
                if first and whole:
                    return (int(first.group(1).replace(",", "")) / 1000,
                            int(whole.group(1).replace(",", "")) / 1000)
            time.sleep(0.1)
        raise SystemExit("no first frame within the timeout")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def launch_floor(tmp: str) -> float:
    out = subprocess.run([sys.executable, "-c", FLOOR], env=_env(tmp), capture_output=True, text=True,
                         timeout=120, check=False)
    m = re.search(r"FIRST ([\d.]+)", out.stdout)
    if not m:
        raise SystemExit(f"the floor did not draw:\n{out.stderr[-2000:]}")
    return float(m.group(1))


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def measure(repeat: int, load: str) -> dict:
    stop = mp.Event()
    spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
    if spinner:
        spinner.start()
    app, whole, floor = [], [], []
    tmp = tempfile.mkdtemp(prefix="ydtwin-launch-")
    try:
        first, first_whole = launch_app(tmp)
        for _ in range(repeat):
            frame, scene = launch_app(tmp)
            app.append(frame)
            whole.append(scene)
            floor.append(launch_floor(tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if spinner:
            stop.set()
            spinner.join()
    return {"load": load, "repeat": repeat, "machine": f"{os.cpu_count()} CPUs",
            "app_first_launch_s": round(first, 2), "app_first_launch_whole_scene_s": round(first_whole, 2),
            "app_first_frame_s_min": round(min(app), 2), "app_first_frame_s_median": round(statistics.median(app), 2),
            "app_whole_scene_s_min": round(min(whole), 2),
            "app_whole_scene_s_median": round(statistics.median(whole), 2),
            "floor_s_min": round(min(floor), 2), "floor_s_median": round(statistics.median(floor), 2),
            "app_runs": [round(v, 2) for v in app]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit("launch.py needs a display: run it under xvfb-run -a")
    for load in ("idle", "busy") if args.load == "both" else (args.load,):
        print(json.dumps(measure(args.repeat, load)), flush=True)


if __name__ == "__main__":
    main()
