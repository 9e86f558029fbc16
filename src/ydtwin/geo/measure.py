"""Measurements between geometry sets (used to check datums and outlines, not for display)."""

from __future__ import annotations

import numpy as np
import shapely

_KM_PER_DEG = 111.2


def approx_area_km2(polys: np.ndarray) -> np.ndarray:
    """Area of lon/lat polygons in km² (equirectangular at each polygon's latitude; <1 % error here)."""
    lat = shapely.get_coordinates(shapely.centroid(polys))[:, 1]
    return shapely.area(polys) * _KM_PER_DEG**2 * np.cos(np.radians(lat))


def boundary_offset(
    lines: np.ndarray,
    reference_points: np.ndarray,
    *,
    max_distance_deg: float = 0.01,
    tol_deg: float = 1e-7,
    max_iter: int = 100,
) -> dict:
    """Systematic offset (dlon, dlat) of ``lines`` relative to points that lie on the same outlines.

    Iterative closest point with a median: shift the reference points by the current estimate, take each
    point's vector to the nearest point of its line (pairs beyond ``max_distance_deg`` are outliers), and
    add the median vector, until the update is below ``tol_deg``. ``lines[i]`` is the outline that
    ``reference_points[i]`` should lie on. Works with generalised references, since a generalised
    outline's vertices still lie on the true line.
    """
    pts = np.asarray(reference_points, dtype=np.float64)
    lines = np.asarray(lines, dtype=object)
    t = np.zeros(2)
    used = 0
    for _ in range(max_iter):
        seg = shapely.shortest_line(shapely.points(pts + t), lines)
        c = shapely.get_coordinates(seg).reshape(-1, 2, 2)
        v = c[:, 1] - c[:, 0]
        ok = np.hypot(v[:, 0], v[:, 1]) < max_distance_deg
        used = int(ok.sum())
        if used == 0:
            return {"n": 0, "dlon": float("nan"), "dlat": float("nan")}
        step = np.median(v[ok], axis=0)
        t += step
        if np.all(np.abs(step) < tol_deg):
            break
    return {"n": used, "dlon": round(float(t[0]), 7), "dlat": round(float(t[1]), 7)}


def outline_offset(detailed: np.ndarray, reference: np.ndarray) -> dict:
    """Offset of detailed polygons against reference polygons of the same areas (paired by index)."""
    pts, lines = [], []
    for g, r in zip(detailed, reference, strict=True):
        v = shapely.get_coordinates(shapely.boundary(r))
        pts.append(v)
        lines.append(np.full(len(v), shapely.boundary(g), dtype=object))
    return boundary_offset(np.concatenate(lines), np.concatenate(pts))


def island_coast_offset(city: shapely.Geometry, land, *, min_km2: float = 0.3, max_km2: float = 2000.0) -> dict:
    """Offset of a city's island outlines against the coasts of the islands in ``land`` (GSHHS levels 1/3)."""
    level = land.attributes["level"]
    islands = shapely.get_parts(land.geometries[np.isin(level, (1, 3))])
    area = approx_area_km2(islands)
    islands = islands[(area >= min_km2) & (area <= max_km2)]
    islands = islands[shapely.intersects(islands, shapely.buffer(city, 0.01))]
    pts = shapely.get_coordinates(shapely.boundary(islands))
    result = boundary_offset(np.full(len(pts), shapely.boundary(city), dtype=object), pts)
    result["islands"] = int(len(islands))
    return result
