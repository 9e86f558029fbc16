"""Tiles with float64 origins: the precision contract between the model and the GPU.

The model keeps float64 scene coordinates. VTK stores points as float32, whose spacing at 250 km from
the origin is ~1.6 cm and grows with distance; a quadtree cell of ≤ 64 km keeps every local float32
coordinate below 32 km from its origin (spacing ≤ 2 mm). Each tile carries its own float64 origin; the
renderer subtracts it before the cast and positions the actor at the origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TileGrid:
    """A regular grid of square tiles over the scene extent (float64 scene metres)."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    tile_size: float = 50_000.0

    def __post_init__(self) -> None:
        if not (self.xmax > self.xmin and self.ymax > self.ymin and self.tile_size > 0):
            raise ValueError("TileGrid needs a non-empty extent and a positive tile size")

    @property
    def shape(self) -> tuple[int, int]:
        nx = int(np.ceil((self.xmax - self.xmin) / self.tile_size))
        ny = int(np.ceil((self.ymax - self.ymin) / self.tile_size))
        return max(nx, 1), max(ny, 1)

    def index_of(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        nx, ny = self.shape
        i = np.clip(np.floor((np.asarray(x, float) - self.xmin) / self.tile_size), 0, nx - 1).astype(np.int64)
        j = np.clip(np.floor((np.asarray(y, float) - self.ymin) / self.tile_size), 0, ny - 1).astype(np.int64)
        return i, j

    def origin(self, i: int, j: int) -> np.ndarray:
        """float64 origin (tile centre, z = 0) of tile (i, j)."""
        return np.array(
            [self.xmin + (i + 0.5) * self.tile_size, self.ymin + (j + 0.5) * self.tile_size, 0.0],
            dtype=np.float64,
        )

    def origin_for(self, x: float, y: float) -> np.ndarray:
        i, j = self.index_of(x, y)
        return self.origin(int(i), int(j))


def to_local(points: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """float64 scene points → float32 coordinates relative to a float64 origin."""
    return (np.asarray(points, dtype=np.float64) - np.asarray(origin, dtype=np.float64)).astype(np.float32)


def from_local(local: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """float32 local coordinates → float64 scene points."""
    return np.asarray(local, dtype=np.float64) + np.asarray(origin, dtype=np.float64)


def split_by_tiles(geoms: np.ndarray, grid: TileGrid) -> dict[tuple[int, int], np.ndarray]:
    """Clip scene-coordinate geometries to the tiles they touch → {(i, j): clipped geometries}.

    Lines and polygons that cross tile borders are cut there, so every vertex ends up within one tile of
    its float64 origin. Empty results are left out.
    """
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    out: dict[tuple[int, int], np.ndarray] = {}
    if len(geoms) == 0:
        return out
    bounds = shapely.bounds(geoms)
    nx, ny = grid.shape
    for j in range(ny):
        y0 = grid.ymin + j * grid.tile_size
        y1 = y0 + grid.tile_size
        for i in range(nx):
            x0 = grid.xmin + i * grid.tile_size
            x1 = x0 + grid.tile_size
            hit = (bounds[:, 0] <= x1) & (bounds[:, 2] >= x0) & (bounds[:, 1] <= y1) & (bounds[:, 3] >= y0)
            if not hit.any():
                continue
            clipped = shapely.clip_by_rect(geoms[hit], x0, y0, x1, y1)
            clipped = clipped[~shapely.is_empty(clipped)]
            if len(clipped):
                out[(i, j)] = clipped
    return out
