"""A profile along a line: the terrain, the buildings it crosses and the planned corridors it crosses or follows,
sampled by distance along the ground (geodesic), with a corridor's grade per segment. Pure: heights come from a
callable (the scene's terrain surface), footprints and corridors as shapely geometries in scene metres.

Distances along the line are geodesic (the ellipsoid, as :mod:`ydtwin.geo.geodesic` measures them): the samples
lie on the geodesic between the line's vertices, no further than the step apart, and every vertex, building edge
and crossing is a sample of its own, so a roof's step and a crossing stand where they are, not at the nearest
step. Where a footprint's edges cross the line is found in the scene projection (metres) and carried over to the
geodesic distance through the samples (the two differ by the projection's scale, ≤ 0.05 %, smoothly).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely

from ydtwin.geo.geodesic import geodesic_points

__all__ = ["MAX_SAMPLES", "Profile", "ProfileBuilding", "ProfileCrossing", "along", "grade_pct", "sample_line"]

#: at most this many samples in a profile (a 400 km line at 2 m): more is refused before any work
MAX_SAMPLES = 200_000


@dataclass(frozen=True)
class ProfileBuilding:
    """A building the line passes through: from ``start_m`` to ``end_m`` along it, its ground and roof (m above
    the DEM's datum: the ground at its centre, as the scene stands it, plus its height)."""

    start_m: float
    end_m: float
    ground_m: float
    roof_m: float
    layer: str
    index: int
    name: str = ""


@dataclass(frozen=True)
class ProfileCrossing:
    """A planned corridor the line crosses: where along it, and the corridor's elevation there (its own height
    where the plan gives one — ``heights_from`` "given" —, else the terrain's: "terrain")."""

    distance_m: float
    lon: float
    lat: float
    id: str
    title: str
    kind: str
    elevation_m: float
    heights_from: str
    declared_grade: str = ""


@dataclass(frozen=True)
class Profile:
    """Samples along a line or a corridor, by distance from its start (m), with what stands there.

    ``terrain_m`` is the terrain's elevation (NaN outside it); ``roof_m`` the roof of the building a sample is in
    (NaN outside buildings); ``corridor_m`` the followed corridor's elevation — its given heights, or the terrain
    where it has none (``corridor_heights``) — and ``grade_pct`` its grade on each segment between samples
    (n − 1 values). Lengths in metres, grades in per cent."""

    title: str
    step_m: float
    distance_m: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    terrain_m: np.ndarray
    roof_m: np.ndarray
    buildings: tuple[ProfileBuilding, ...] = ()
    crossings: tuple[ProfileCrossing, ...] = ()
    corridor_id: str = ""
    corridor_kind: str = ""
    #: the plan's declared vertical alignment at its border (at_grade, bridge, tunnel) or ""
    declared_grade: str = ""
    corridor_m: np.ndarray | None = None
    corridor_heights: str = ""
    grade_pct: np.ndarray | None = None
    #: where the terrain's heights come from (the DEM's provenance) and samples on cells no DEM gives
    terrain_source: str = ""
    terrain_filled: np.ndarray | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def length_m(self) -> float:
        return float(self.distance_m[-1]) if len(self.distance_m) else 0.0

    def max_grade(self) -> tuple[float, float] | None:
        """(the steepest grade %, signed; the distance m of the middle of its segment), or None."""
        if self.grade_pct is None or not np.isfinite(self.grade_pct).any():
            return None
        k = int(np.nanargmax(np.abs(self.grade_pct)))
        return float(self.grade_pct[k]), float((self.distance_m[k] + self.distance_m[k + 1]) / 2)


def sample_line(lon, lat, step_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Samples along the geodesics between the vertices of (lon, lat), no further than ``step_m`` apart, every
    vertex included → (lon, lat, distance from the start m)."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    out_lon, out_lat, out_d = [lon[:1]], [lat[:1]], [np.zeros(1)]
    start = 0.0
    for k in range(len(lon) - 1):
        a, b, d = geodesic_points(lon[k], lat[k], lon[k + 1], lat[k + 1], step_m)
        out_lon.append(a[1:])
        out_lat.append(b[1:])
        out_d.append(start + d[1:])
        start += float(d[-1])
    return np.concatenate(out_lon), np.concatenate(out_lat), np.concatenate(out_d)


def along(line_xy: np.ndarray, distance_m: np.ndarray, points_xy: np.ndarray) -> np.ndarray:
    """Distance along the line (geodesic m, as ``distance_m`` of its samples ``line_xy``) of points on it given
    in scene metres: their position along the projected line, carried over through the samples."""
    seg = np.hypot(*np.diff(line_xy, axis=0).T)
    scene_d = np.concatenate([[0.0], np.cumsum(seg)])
    line = shapely.LineString(line_xy)
    pos = shapely.line_locate_point(line, shapely.points(np.asarray(points_xy).reshape(-1, 2)))
    return np.interp(pos, scene_d, distance_m)


def insert_samples(distance_m: np.ndarray, lon: np.ndarray, lat: np.ndarray, extra_m) -> tuple[np.ndarray, ...]:
    """The samples with more at the distances ``extra_m`` (lon/lat interpolated between the samples around each:
    they are at most a step apart on a geodesic, along which lon/lat change smoothly) → (distance, lon, lat)."""
    extra = np.unique(np.clip(np.asarray(extra_m, dtype=np.float64), 0.0, distance_m[-1]))
    extra = extra[~np.isin(extra, distance_m)]
    if not len(extra):
        return distance_m, lon, lat
    d = np.concatenate([distance_m, extra])
    order = np.argsort(d, kind="stable")
    return (d[order], np.concatenate([lon, np.interp(extra, distance_m, lon)])[order],
            np.concatenate([lat, np.interp(extra, distance_m, lat)])[order])


def footprint_spans(line_xy: np.ndarray, distance_m: np.ndarray, polygons: np.ndarray) -> list[tuple[int, float, float]]:
    """Where the line (samples ``line_xy`` in scene metres, at ``distance_m``) runs inside each polygon →
    [(polygon index, from m, to m)], one per stretch inside (a line through a courtyard leaves and enters)."""
    if not len(polygons):
        return []
    line = shapely.LineString(line_xy)
    hit = np.flatnonzero(shapely.intersects(polygons, line))
    out = []
    for k in hit:
        inside = shapely.intersection(line, polygons[k])
        for part in shapely.get_parts(inside):
            if shapely.get_type_id(part) != 1 or part.length <= 0:  # a touch at a corner is not a crossing
                continue
            ends = np.asarray(part.coords)[[0, -1], :2]
            a, b = sorted(along(line_xy, distance_m, ends))
            if b > a:
                out.append((int(k), float(a), float(b)))
    return out


def line_crossings(line_xy: np.ndarray, distance_m: np.ndarray, corridor) -> list[tuple[float, np.ndarray]]:
    """Where the line crosses a corridor (a shapely line in scene metres, 2D or with heights) → [(distance m
    along the line, the crossing point x, y, z — z NaN where the corridor has no heights)]. A stretch the line
    shares with the corridor counts once, at its middle."""
    line = shapely.LineString(line_xy)
    meet = shapely.intersection(line, corridor)
    out = []
    for part in shapely.get_parts(meet):
        tid = shapely.get_type_id(part)
        if tid == 0:
            pt = np.asarray(part.coords)[0, :2]
        elif tid == 1 and part.length > 0:
            pt = np.asarray(shapely.line_interpolate_point(part, 0.5, normalized=True).coords)[0, :2]
        else:
            continue
        z = np.nan
        if shapely.has_z(corridor):
            at = shapely.line_locate_point(corridor, shapely.Point(pt))
            z = float(np.asarray(shapely.line_interpolate_point(corridor, at).coords)[0][2])
        out.append((float(along(line_xy, distance_m, pt[None])[0]), np.array([pt[0], pt[1], z])))
    return out


def grade_pct(distance_m: np.ndarray, elevation_m: np.ndarray) -> np.ndarray:
    """The grade of each segment between samples (rise over run, %): n − 1 values, NaN where a height is
    unknown or two samples coincide."""
    run = np.diff(distance_m)
    rise = np.diff(elevation_m)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(run > 1e-6, 100.0 * rise / run, np.nan)


def heights_along(corridor_xyz: np.ndarray, line_xy: np.ndarray) -> np.ndarray:
    """A corridor's given heights at the line's samples (the corridor followed: its own vertices in scene metres
    with z), interpolated by position along it."""
    corridor = shapely.LineString(corridor_xyz)
    pos = shapely.line_locate_point(corridor, shapely.points(line_xy))
    seg = np.hypot(*np.diff(corridor_xyz[:, :2], axis=0).T)
    at = np.concatenate([[0.0], np.cumsum(seg)])
    return np.interp(pos, at, corridor_xyz[:, 2])


def terrain_profile(lon, lat, step_m: float, *, to_scene: Callable, elevation: Callable) -> dict:
    """The samples of a line and the terrain under them: ``to_scene(lon, lat)`` → scene x, y; ``elevation(x, y)``
    → m (NaN outside) → {distance_m, lon, lat, xy, terrain_m}."""
    s_lon, s_lat, dist = sample_line(lon, lat, step_m)
    x, y = to_scene(s_lon, s_lat)
    xy = np.column_stack([x, y])
    return {"distance_m": dist, "lon": s_lon, "lat": s_lat, "xy": xy, "terrain_m": np.asarray(elevation(x, y))}
