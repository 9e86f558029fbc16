"""`ydtwin app --screenshot FILE.png`: the app starts, draws the whole scene, saves the view and quits (the
installer's smoke test runs it on the built app)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

pytestmark = [pytest.mark.viewport, pytest.mark.slow]


def test_the_app_saves_the_drawn_region_and_quits(tmp_path):
    from PIL import Image

    shot = tmp_path / "smoke.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    done = subprocess.run([sys.executable, "-m", "ydtwin", "app", "--screenshot", str(shot)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "the whole scene drawn" in done.stdout
    rgb = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    assert ((b > r + 30) & (b > g)).mean() > 0.05  # the sea
    assert ((g > b) & (g > 60)).mean() > 0.10  # the land

    # a screenshot that is not a PNG: one line, exit 2, no window
    bad = subprocess.run([sys.executable, "-m", "ydtwin", "app", "--screenshot", str(tmp_path / "x.jpg")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("ydtwin: --screenshot")
