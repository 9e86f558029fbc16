"""Draping: heights for lines and fills that lie on the terrain, in scene metres (float64)."""

from __future__ import annotations

import mapbox_earcut
import numpy as np
import shapely

from ydtwin.geo.grid import GridData
from ydtwin.geo.projection import SceneProjection
from ydtwin.geo.terrain_detail import drawn_heights

__all__ = ["SurfaceHeights", "polygon_triangles", "line_arrays"]


class SurfaceHeights:
    """Height of the drawn surface (terrain above sea, sea level over water) at scene x/y: the terrain's detail
    tiles where an imported DEM gave them (``ElevationGrid.detail``), else its grid."""

    def __init__(self, grid: GridData | None, projection: SceneProjection, exaggeration: float) -> None:
        self.grid = grid
        self.projection = projection
        self.exaggeration = float(exaggeration)
        #: the finer heights of imported DEMs (ydtwin.geo.terrain_detail.TerrainDetail), or None
        self.detail = getattr(grid, "detail", None)

    def _heights(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(true elevation (m), where it comes from the detail or None when there is none)."""
        if self.grid is None:
            return np.zeros(np.shape(x)), None
        lon, lat = self.projection.from_scene(x, y)
        e = self.grid.sample(lon, lat)
        if self.detail is None:
            return e, None
        fine = self.detail.sample(x, y)
        have = np.isfinite(fine)
        return np.where(have, fine, e), have

    def elevation(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """True elevation (m) at scene x/y; NaN outside the grid."""
        return self._heights(x, y)[0]

    def z(self, x: np.ndarray, y: np.ndarray, offset: float) -> np.ndarray:
        """Scene z of a drape ``offset`` metres (screen-true, not exaggerated) above the surface."""
        e, fine = self._heights(x, y)
        e = np.nan_to_num(e, nan=0.0)
        if fine is not None:  # where the detail is drawn: at its drawn heights (low land lifted, as on the grid)
            e = np.where(fine, drawn_heights(e), e)
        return np.maximum(e, 0.0) * self.exaggeration + offset


def line_arrays(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lines → (points (n, 2) float64, offsets (m+1,)) of their linestrings.

    Callers turn polygons into outlines first (before any tile cut, so cuts add no edges).
    """
    lines = np.asarray(geoms, dtype=object)
    if len(lines) == 0:
        return np.empty((0, 2)), np.zeros(1, dtype=np.int64)
    parts = shapely.get_parts(lines)
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    coords, index = shapely.get_coordinates(parts, return_index=True)
    counts = np.bincount(index, minlength=len(parts))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return coords, offsets


def polygon_triangles(polys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Polygons (with holes) → (vertices (n, 2) float64, triangles (t, 3) int64) by ear clipping."""
    verts: list[np.ndarray] = []
    tris: list[np.ndarray] = []
    base = 0
    parts = shapely.get_parts(np.asarray(polys, dtype=object))
    for poly in parts:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        rings = [np.asarray(poly.exterior.coords)[:-1]] + [np.asarray(r.coords)[:-1] for r in poly.interiors]
        rings = [r for r in rings if len(r) >= 3]
        if not rings:
            continue
        v = np.concatenate(rings)
        ends = np.cumsum([len(r) for r in rings]).astype(np.uint32)
        idx = mapbox_earcut.triangulate_float64(v, ends).reshape(-1, 3)
        if len(idx):
            verts.append(v)
            tris.append(idx.astype(np.int64) + base)
            base += len(v)
    if not verts:
        return np.empty((0, 2)), np.empty((0, 3), dtype=np.int64)
    return np.concatenate(verts), np.concatenate(tris)
