"""Where generated buildings cannot stand: in water, on a road or on a railway.

Procedural city blocks are drawn where no real footprints are known; they must never stand in a lake or a
river, or across an existing road or railway. :func:`blocked` tests each footprint (its whole polygon, not
only its corners: a pond smaller than a block is caught too) against water areas and against road and rail
centre lines widened by their class's half width, in scene metres.
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["OBSTACLE_HALF_WIDTH_M", "WATER_ROLES", "NETWORK_ROLES", "blocked", "obstacle_geometries"]

#: half widths (m) of the corridors that generated buildings keep clear of, by class (carriageway, verges)
OBSTACLE_HALF_WIDTH_M = {
    "motorway": 18.0, "trunk road": 15.0, "primary road": 12.0, "secondary road": 9.0, "tertiary road": 6.0,
    "railway": 10.0, "high-speed railway": 12.0, "metro": 8.0, "light rail": 6.0, "tram": 4.0,
}
#: layer roles whose polygons are water
WATER_ROLES = ("lakes", "basemap-water", "river-areas")
#: layer roles whose lines are roads and railways (class attribute → half width)
NETWORK_ROLES = ("basemap-roads", "basemap-rail")


def obstacle_geometries(layers, to_scene) -> np.ndarray:
    """Water polygons and widened road/rail lines of ``layers`` (those with the roles above), in scene metres.
    ``to_scene(coords, crs)`` maps lon/lat (n, 2) to scene x/y."""
    out: list[np.ndarray] = []
    for layer in layers:
        role = getattr(layer, "role", "")
        if role not in WATER_ROLES + NETWORK_ROLES or not len(layer.data):
            continue
        crs = layer.data.crs
        geoms = shapely.transform(layer.data.geometries, lambda c, crs=crs: to_scene(c, crs))
        if role in WATER_ROLES:
            types = shapely.get_type_id(geoms)
            out.append(geoms[np.isin(types, (3, 6))])
            continue
        classes = np.asarray(layer.data.attributes.get("class", np.full(len(geoms), "")), dtype=str)
        half = np.array([OBSTACLE_HALF_WIDTH_M.get(c, 0.0) for c in classes])
        # bridges and viaducts span what is under them: blocks may stand below a deck, not across a road
        keep = half > 0
        out.append(shapely.buffer(geoms[keep], half[keep], quad_segs=2, cap_style="flat"))
    return np.concatenate(out) if out else np.empty(0, dtype=object)


def blocked(footprints: np.ndarray, obstacles: np.ndarray) -> np.ndarray:
    """Bool per footprint (scene-metre polygons): does it touch any obstacle?"""
    hit = np.zeros(len(footprints), dtype=bool)
    if not len(footprints) or not len(obstacles):
        return hit
    tree = shapely.STRtree(footprints)
    _, idx = tree.query(obstacles, predicate="intersects")
    hit[np.unique(idx)] = True
    return hit
