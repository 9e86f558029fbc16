"""Planned projects as surfaces for 3D exports (glTF, OBJ, 3D Tiles): a corridor as a band of its width
along its line, a zone as its area, a facility as a disc — triangulated per project (ear clipping), so every
triangle knows its project. Pure geometry in scene metres; the caller drapes the vertices on the ground.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from ydtwin.geo.drape import polygon_triangles

__all__ = ["BAND_WIDTH_M", "FACILITY_RADIUS_M", "PlanSurfaces", "plan_surfaces"]

#: a corridor's band width (m) by kind: about its real width (a road's carriageways, a railway's formation),
#: never under 10 m
BAND_WIDTH_M = {"rail": 30.0, "metro": 20.0, "road": 30.0, "green": 60.0, "pipe": 10.0, "power": 10.0,
                "fibre": 10.0}
DEFAULT_BAND_M = 20.0
#: a facility's disc radius (m)
FACILITY_RADIUS_M = 60.0
#: bands and outlines get a vertex at least this often (m), so that they follow the ground when draped
DENSIFY_M = 100.0


@dataclass(frozen=True)
class PlanSurfaces:
    """Vertices (n, 2) scene metres, triangles (m, 3), the project (feature index) of each triangle."""

    vertices: np.ndarray
    triangles: np.ndarray
    feature: np.ndarray

    @property
    def n_triangles(self) -> int:
        return len(self.triangles)


def plan_surfaces(geoms: np.ndarray, kinds: np.ndarray | None = None) -> PlanSurfaces:
    """Plan geometries (scene metres) → their surfaces. ``kinds``: each project's kind (rail, road …),
    which sets a corridor's band width."""
    geoms = np.asarray(geoms, dtype=object)
    kinds = np.full(len(geoms), "", dtype=object) if kinds is None else np.asarray(kinds, dtype=object)
    types = shapely.get_type_id(geoms)
    areas = geoms.copy()
    line = np.isin(types, (1, 2, 5))
    point = np.isin(types, (0, 4))
    if line.any():
        width = np.array([BAND_WIDTH_M.get(str(k), DEFAULT_BAND_M) for k in kinds[line]])
        areas[line] = shapely.buffer(geoms[line], width / 2, cap_style="flat", join_style="round", quad_segs=4)
    if point.any():
        areas[point] = shapely.buffer(geoms[point], FACILITY_RADIUS_M, quad_segs=6)
    areas = shapely.segmentize(shapely.make_valid(areas), DENSIFY_M)
    verts, tris, feature = [], [], []
    base = 0
    for i, area in enumerate(areas):
        if area is None or area.is_empty:
            continue
        v, t = polygon_triangles(np.array([area], dtype=object))
        if not len(t):
            continue
        verts.append(v)
        tris.append(t + base)
        feature.append(np.full(len(t), i, dtype=np.int64))
        base += len(v)
    if not verts:
        return PlanSurfaces(np.empty((0, 2)), np.empty((0, 3), dtype=np.int64), np.empty(0, dtype=np.int64))
    return PlanSurfaces(np.concatenate(verts), np.concatenate(tris), np.concatenate(feature))
