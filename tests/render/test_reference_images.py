"""Rendered stills compared with stored reference images (tests/render/reference/), within a tolerance.

A change that moves water, roads, blocks, labels or the legend shows here as a failed comparison with the
difference written beside the output. When a change is meant, look at the new image, then store it:
``YDTWIN_UPDATE_REFERENCES=1 pytest tests/render/test_reference_images.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import run_cli
from osm_extract import write_extract

pytestmark = [pytest.mark.render, pytest.mark.slow]

REFERENCE = Path(__file__).parent / "reference"
#: mean absolute difference (0–255) and share of pixels off by more than 48 that a still may have
MEAN_TOLERANCE = 3.0
PIXEL_TOLERANCE = 0.02


def compare(out: Path, name: str) -> None:
    ref = REFERENCE / name
    img = np.asarray(Image.open(out).convert("RGB"), dtype=np.int16)
    if os.environ.get("YDTWIN_UPDATE_REFERENCES") == "1" or not ref.exists():
        if not os.environ.get("YDTWIN_UPDATE_REFERENCES") == "1":
            pytest.fail(f"no reference image {ref.name}: look at {out}, then store it with YDTWIN_UPDATE_REFERENCES=1")
        Image.open(out).convert("RGB").save(ref, optimize=True)
        return
    want = np.asarray(Image.open(ref).convert("RGB"), dtype=np.int16)
    assert img.shape == want.shape, f"{name}: size {img.shape} is not the reference's {want.shape}"
    diff = np.abs(img - want)
    mean = float(diff.mean())
    off = float((diff.max(axis=2) > 48).mean())
    if mean > MEAN_TOLERANCE or off > PIXEL_TOLERANCE:
        Image.fromarray(np.clip(diff * 4, 0, 255).astype(np.uint8)).save(out.with_suffix(".diff.png"))
        pytest.fail(f"{name}: differs from the reference (mean {mean:.2f}, {off:.1%} of pixels off); "
                    f"see {out} and {out.with_suffix('.diff.png')}")


def _snapshot(out: Path, *args: str) -> Path:
    r = run_cli("snapshot", "--out", str(out), "--size", "640x360", "--date", "", *args)
    assert r.returncode == 0, r.stderr
    return out


def test_basemap_water_roads_and_cut_blocks(tmp_path):
    """Jinji Lake from the test extract: the lake (with its island) and the river as water surfaces, the roads
    by class, a railway, no block in the water or on a road."""
    bm = tmp_path / "bm"
    r = run_cli("basemap", "build", str(write_extract(tmp_path / "jinji.osm.pbf")), "--out", str(bm))
    assert r.returncode == 0, r.stderr
    out = _snapshot(tmp_path / "jinji.png", "--view", "120.66,31.28,120.76,31.34", "--basemap", str(bm),
                    "--plugins", "none")
    compare(out, "basemap_jinji.png")


def test_region_overview(tmp_path):
    compare(_snapshot(tmp_path / "region.png"), "region.png")


def test_shanghai_suzhou_jiaxing_border_with_plans(tmp_path):
    out = _snapshot(tmp_path / "border.png", "--view", "120.85,30.9,121.25,31.25")
    compare(out, "border_sh_sz_jx.png")


def test_plan_view_of_suzhou(tmp_path):
    """The 2D map (north up): lakes and the Yangtze as water, plans in their theme colours, names placed."""
    compare(_snapshot(tmp_path / "map.png", "--view", "Suzhou", "--map"), "map_suzhou.png")


def test_report_still(tmp_path):
    """A report's still of the Jiading–Taicang offset: both ends, the gap drawn and labelled, pin, scale."""
    import base64
    import re

    session, report = tmp_path / "s.json", tmp_path / "r.html"
    assert run_cli("review", "new", str(session)).returncode == 0
    r = run_cli("review", "report", str(session), "--out", str(report), "--size", "640x360")
    assert r.returncode == 0, r.stderr
    html = report.read_text(encoding="utf-8")
    stills = dict(zip(re.findall(r"<h3[^>]*>\d+\. ([a-z ]+) —", html),
                      re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html), strict=True))
    out = tmp_path / "offset.png"
    out.write_bytes(base64.b64decode(stills["offset"]))
    compare(out, "report_offset.png")
