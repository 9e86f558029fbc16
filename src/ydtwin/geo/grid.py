"""Regular grids of values (DEM, bathymetry) with bilinear sampling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GridData:
    """A regular lon/lat (or x/y) grid of values; ``values[j, i]`` at (x0 + i*dx, y0 + j*dy); NaN = no data."""

    x0: float
    y0: float
    dx: float
    dy: float
    values: np.ndarray  # float32 (ny, nx)
    crs: str
    units: str = "m"

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        ny, nx = self.values.shape
        return self.x0 + np.arange(nx) * self.dx, self.y0 + np.arange(ny) * self.dy

    def sample(self, x, y) -> np.ndarray:
        """Bilinear interpolation at (x, y); NaN outside the grid or next to no-data cells."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        ny, nx = self.values.shape
        fx = (x - self.x0) / self.dx
        fy = (y - self.y0) / self.dy
        inside = (fx >= 0) & (fx <= nx - 1) & (fy >= 0) & (fy <= ny - 1)
        i0 = np.clip(np.floor(fx).astype(np.int64), 0, max(nx - 2, 0))
        j0 = np.clip(np.floor(fy).astype(np.int64), 0, max(ny - 2, 0))
        tx = np.clip(fx - i0, 0.0, 1.0)
        ty = np.clip(fy - j0, 0.0, 1.0)
        v = self.values
        i1 = np.minimum(i0 + 1, nx - 1)
        j1 = np.minimum(j0 + 1, ny - 1)
        out = (
            v[j0, i0] * (1 - tx) * (1 - ty)
            + v[j0, i1] * tx * (1 - ty)
            + v[j1, i0] * (1 - tx) * ty
            + v[j1, i1] * tx * ty
        )
        return np.where(inside, out, np.nan).astype(np.float64)


def grid_triangles(nx: int, ny: int) -> np.ndarray:
    """Triangles (two per cell, int64) of a grid of ``ny`` rows of ``nx`` points, numbered row by row."""
    a = (np.arange(ny - 1)[:, None] * nx + np.arange(nx - 1)[None, :]).ravel()
    tris = np.empty((2 * len(a), 3), dtype=np.int64)
    tris[0::2] = np.column_stack([a, a + 1, a + nx + 1])
    tris[1::2] = np.column_stack([a, a + nx + 1, a + nx])
    return tris
