"""Hillshade of a terrain grid: the cartographic relief shading (sun from the north-west, 45° up)."""

from __future__ import annotations

import math

import numpy as np

from ydtwin.geo.grid import GridData

__all__ = ["TERRAIN_COLOURINGS", "hillshade", "shade_from_slopes"]

#: how the terrain may be coloured: hypsometric tints by elevation, or grey relief shading
TERRAIN_COLOURINGS = ("elevation", "hillshade")

#: metres per degree of latitude, and of longitude at the equator (WGS84, enough for shading)
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0


def hillshade(grid: GridData, *, azimuth_deg: float = 315.0, altitude_deg: float = 45.0,
              z_factor: float = 1.0) -> np.ndarray:
    """Illumination 0–1 per grid value of a surface lit from ``azimuth_deg`` (clockwise from north) and
    ``altitude_deg`` above the horizon; heights × ``z_factor``. Cell sizes in metres from a lon/lat grid's
    degrees (cos latitude for longitude); a projected grid's own units. No-data counts as flat."""
    from pyproj import CRS

    z = np.nan_to_num(np.asarray(grid.values, dtype=np.float64), nan=0.0) * z_factor
    ny, _ = z.shape
    if CRS.from_user_input(grid.crs).is_geographic:
        lat = grid.y0 + np.arange(ny) * grid.dy
        dx = (abs(grid.dx) * _M_PER_DEG_LON * np.cos(np.radians(lat)))[:, None]
        dy = abs(grid.dy) * _M_PER_DEG_LAT
    else:
        dx, dy = abs(grid.dx), abs(grid.dy)
    dz_dy, dz_dx = np.gradient(z)
    gx = dz_dx / dx * np.sign(grid.dx)  # slope eastwards
    gy = dz_dy / dy * np.sign(grid.dy)  # slope northwards
    return shade_from_slopes(gx, gy, azimuth_deg=azimuth_deg, altitude_deg=altitude_deg)


def shade_from_slopes(gx, gy, *, azimuth_deg: float = 315.0, altitude_deg: float = 45.0) -> np.ndarray:
    """Illumination 0–1 of a surface whose slopes eastwards and northwards (dz/dx, dz/dy) are ``gx``, ``gy``,
    lit as in :func:`hillshade`."""
    gx = np.asarray(gx, dtype=np.float64)
    gy = np.asarray(gy, dtype=np.float64)
    az = math.radians(azimuth_deg)
    alt = math.radians(altitude_deg)
    # unit vector towards the sun (east, north, up) against the surface normal (−gx, −gy, 1)
    sun = np.array([math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt)])
    shade = (-gx * sun[0] - gy * sun[1] + sun[2]) / np.sqrt(1.0 + gx * gx + gy * gy)
    return np.clip(shade, 0.0, 1.0).astype(np.float32)
