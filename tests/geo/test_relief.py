"""Hillshade: slopes facing the sun are bright, slopes facing away dark, flat land at sin(altitude)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ydtwin.geo.grid import GridData
from ydtwin.geo.relief import hillshade


def ridge(crs: str = "EPSG:32651", step: float = 100.0) -> GridData:
    """A north–south ridge at x = 2 km: 0.5 m up per metre eastwards, then down (x = column × step)."""
    x = np.arange(41) * step
    z = np.tile(np.where(x <= 2000, x, 4000 - x) * 0.5, (21, 1)).astype(np.float32)
    return GridData(x0=0.0, y0=0.0, dx=step, dy=step, values=z, crs=crs)


def test_sunlit_and_shaded_sides():
    """Sun in the west (azimuth 270): the west-facing slope is lit, the east-facing one in shadow."""
    shade = hillshade(ridge(), azimuth_deg=270.0, altitude_deg=45.0)
    sun = np.array([-math.cos(math.radians(45)), 0.0, math.sin(math.radians(45))])
    faces_west = np.array([-0.5, 0.0, 1.0]) / math.sqrt(1.25)  # x < 2 km: rising eastwards
    faces_east = np.array([0.5, 0.0, 1.0]) / math.sqrt(1.25)
    assert shade[10, 10] == pytest.approx(float(faces_west @ sun), abs=1e-6)  # 0.95
    assert shade[10, 30] == pytest.approx(float(faces_east @ sun), abs=1e-6)  # 0.32
    assert shade[10, 10] > 0.9 and shade[10, 30] < 0.35


def test_flat_land_is_lit_by_the_altitude():
    flat = GridData(0.0, 0.0, 100.0, 100.0, np.zeros((5, 5), dtype=np.float32), "EPSG:32651")
    assert np.allclose(hillshade(flat, altitude_deg=30.0), 0.5, atol=1e-6)


def test_lon_lat_cells_are_measured_in_metres():
    """The same ridge in degrees (≈100 m cells at 31° N) shades like the projected one."""
    r = ridge()
    deg = GridData(x0=121.0, y0=31.0, dx=100.0 / (111_320.0 * math.cos(math.radians(31.0))), dy=100.0 / 110_574.0,
                   values=r.values, crs="EPSG:4326")
    assert np.allclose(hillshade(deg)[10, 5:35], hillshade(r)[10, 5:35], atol=0.02)
