"""Sea-level and storm-surge scenarios on a terrain grid: which land is under a given water level.

The model is the "connected bathtub" planners use for first screening: a land cell is flooded when its
elevation is at or below the level AND water can reach it from the sea through cells that are also at or
below the level. Low pockets inland that no such path reaches stay dry. Neighbours are the 8 around a cell
by default (water passes a corner where two cells meet, as in NOAA's sea-level-rise viewer); ``connectivity=4``
is the stricter reading. Sea defences (sea walls, dikes, sluices), tides, waves and the duration of a surge are
not modelled: the result says where the ground is low enough and open to the sea, not where water will be.

The sea is the non-land cells connected to the edge of the grid (the open sea reaches the box edge); a
non-land cell enclosed by land (a lake the land mask leaves out) does not start a flood.

Cell areas are exact on the CRS's ellipsoid for lon/lat grids (the area of the lon/lat quadrangle around each
grid value, from the authalic latitude), so per-city areas are equal-area sums, not degrees² × a constant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba
import numpy as np

from ydtwin.geo.grid import GridData

__all__ = [
    "LEVEL_RANGE_M", "CityArea", "InundationResult", "cell_areas_km2", "cell_rectangles", "cells_within",
    "city_index", "flooded_land", "inundation", "sea_cells", "water_cells",
]

#: levels (m above the DEM's datum) a scenario may ask for: below −10 m or above +20 m is not a sea-level or
#: storm-surge question for this region
LEVEL_RANGE_M = (-10.0, 20.0)

_OFFSETS_4 = np.array([(-1, 0), (1, 0), (0, -1), (0, 1)], dtype=np.int64)
_OFFSETS_8 = np.array([(-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)], dtype=np.int64)


@numba.njit(cache=True, nogil=True)
def _fill(passable: np.ndarray, seeds: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Cells of ``passable`` reachable from the ``seeds`` (flat indices) through passable neighbours."""
    ny, nx = passable.shape
    out = np.zeros((ny, nx), dtype=np.bool_)
    stack = np.empty(ny * nx, dtype=np.int64)
    top = 0
    for k in range(seeds.size):
        s = seeds[k]
        j, i = s // nx, s % nx
        if passable[j, i] and not out[j, i]:
            out[j, i] = True
            stack[top] = s
            top += 1
    while top > 0:
        top -= 1
        s = stack[top]
        j, i = s // nx, s % nx
        for k in range(offsets.shape[0]):
            jj, ii = j + offsets[k, 0], i + offsets[k, 1]
            if 0 <= jj < ny and 0 <= ii < nx and passable[jj, ii] and not out[jj, ii]:
                out[jj, ii] = True
                stack[top] = jj * nx + ii
                top += 1
    return out


def _offsets(connectivity: int) -> np.ndarray:
    if connectivity not in (4, 8):
        raise ValueError("connectivity must be 4 or 8")
    return _OFFSETS_4 if connectivity == 4 else _OFFSETS_8


def sea_cells(land: np.ndarray, *, connectivity: int = 8) -> np.ndarray:
    """The open sea: non-land cells connected (through non-land cells) to the edge of the grid."""
    water = ~np.asarray(land, dtype=bool)
    edge = np.zeros_like(water)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    seeds = np.flatnonzero(edge & water)
    return _fill(np.ascontiguousarray(water), seeds, _offsets(connectivity))


def flooded_land(elevation: np.ndarray, land: np.ndarray, level_m: float, *, connectivity: int = 8,
                 sea: np.ndarray | None = None) -> np.ndarray:
    """Land cells at or below ``level_m`` that water from the sea reaches through cells at or below it."""
    level_m = float(level_m)
    if not math.isfinite(level_m):
        raise ValueError("the water level must be a finite number of metres")
    elevation = np.asarray(elevation)
    land = np.asarray(land, dtype=bool)
    if elevation.shape != land.shape or elevation.ndim != 2:
        raise ValueError("elevation and land mask must be 2-D grids of the same shape")
    sea = sea_cells(land, connectivity=connectivity) if sea is None else sea
    low = land & (np.nan_to_num(elevation, nan=np.inf) <= level_m)
    reached = _fill(np.ascontiguousarray(sea | low), np.flatnonzero(sea), _offsets(connectivity))
    return reached & low


def _authalic_q(lat_rad: np.ndarray, e: float) -> np.ndarray:
    """Snyder's q(φ): the area of the ellipsoid zone from the equator to φ over Δλ radians is a²·Δλ·q/2."""
    s = np.sin(lat_rad)
    if e < 1e-12:
        return 2.0 * s
    return (1 - e * e) * (s / (1 - (e * s) ** 2) - np.log((1 - e * s) / (1 + e * s)) / (2 * e))


def cell_areas_km2(grid: GridData) -> np.ndarray:
    """Area (km²) of the cell around each grid value, per row (shape (ny, 1)) for lon/lat grids, else one value.

    A value at (x0 + i·dx, y0 + j·dy) stands for the cell ±dx/2, ±dy/2 around it. On a geographic CRS the
    area is the ellipsoidal quadrangle's (exact, equal-area); on a projected CRS, |dx·dy| in its units².
    """
    from pyproj import CRS

    crs = CRS.from_user_input(grid.crs)
    ny, _ = grid.shape
    if not crs.is_geographic:
        factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
        return np.full((ny, 1), abs(grid.dx * grid.dy) * factor * factor / 1e6)
    ell = crs.ellipsoid
    a = ell.semi_major_metre
    inv_f = ell.inverse_flattening
    f = 0.0 if not inv_f else 1.0 / inv_f
    e = math.sqrt(f * (2 - f))
    lat = grid.y0 + np.arange(ny) * grid.dy
    half = abs(grid.dy) / 2
    lo = np.radians(np.clip(lat - half, -90, 90))
    hi = np.radians(np.clip(lat + half, -90, 90))
    area_m2 = a * a * math.radians(abs(grid.dx)) * (_authalic_q(hi, e) - _authalic_q(lo, e)) / 2
    return (area_m2 / 1e6)[:, None]


@dataclass(frozen=True)
class CityArea:
    """One row of the per-city table: flooded land and all land of a city (km²)."""

    name: str
    name_zh: str
    adcode: str
    flooded_km2: float
    land_km2: float
    #: of the flooded land, what lies on cells whose height the DEM does not give (a filled default height)
    unknown_km2: float = 0.0

    @property
    def share(self) -> float:
        """Flooded share of the city's land (0–1)."""
        return self.flooded_km2 / self.land_km2 if self.land_km2 > 0 else 0.0


@dataclass(frozen=True)
class InundationResult:
    """A scenario: the level, the flooded land cells of the terrain grid and the area per city."""

    level_m: float
    connectivity: int
    grid: GridData
    flooded: np.ndarray  # bool (ny, nx), land cells under the level and connected to the sea
    sea: np.ndarray  # bool (ny, nx), the open sea
    rows: tuple[CityArea, ...] = field(default=())
    #: flooded land outside every city outline (other places in the region's box)
    outside_km2: float = 0.0
    #: of all the flooded land, what lies on cells of unknown (filled) height
    unknown_km2: float = 0.0

    @property
    def total_km2(self) -> float:
        return sum(r.flooded_km2 for r in self.rows) + self.outside_km2

    def table(self) -> list[dict]:
        """The per-city table as plain rows (what the CLI writes as CSV or JSON)."""
        out = [{"city": r.name, "city_zh": r.name_zh, "adcode": r.adcode, "flooded_km2": round(r.flooded_km2, 3),
                "land_km2": round(r.land_km2, 3), "flooded_share": round(r.share, 5),
                "unknown_height_km2": round(r.unknown_km2, 3)} for r in self.rows]
        listed = sum(r.unknown_km2 for r in self.rows)
        out.append({"city": "outside the cities", "city_zh": "区域内其他", "adcode": "",
                    "flooded_km2": round(self.outside_km2, 3), "land_km2": None, "flooded_share": None,
                    "unknown_height_km2": round(max(self.unknown_km2 - listed, 0.0), 3)})
        out.append({"city": "total", "city_zh": "合计", "adcode": "", "flooded_km2": round(self.total_km2, 3),
                    "land_km2": None, "flooded_share": None, "unknown_height_km2": round(self.unknown_km2, 3)})
        return out


def _city_of_cells(grid: GridData, cells: np.ndarray, cities, cities_crs: str) -> np.ndarray:
    """Index of the city outline holding each cell's centre (``cells``: flat indices), −1 for none."""
    import shapely

    _, nx = grid.shape
    x = grid.x0 + (cells % nx) * grid.dx
    y = grid.y0 + (cells // nx) * grid.dy
    if cities_crs != grid.crs:
        from pyproj import Transformer

        x, y = Transformer.from_crs(grid.crs, cities_crs, always_xy=True).transform(x, y)
    out = np.full(len(cells), -1, dtype=np.int64)
    if len(cells) == 0 or len(cities) == 0:
        return out
    tree = shapely.STRtree(np.asarray(cities, dtype=object))
    pt_idx, city_idx = tree.query(shapely.points(x, y), predicate="within")
    # a point on a shared border (or where outlines overlap) counts once, for the first city
    order = np.lexsort((city_idx, pt_idx))
    pt_idx, city_idx = pt_idx[order], city_idx[order]
    first = np.r_[True, pt_idx[1:] != pt_idx[:-1]] if len(pt_idx) else np.zeros(0, dtype=bool)
    out[pt_idx[first]] = city_idx[first]
    return out


def inundation(grid: GridData, land: np.ndarray, level_m: float, *, cities=None, connectivity: int = 8,
               sea: np.ndarray | None = None, land_by_city: np.ndarray | None = None,
               unknown: np.ndarray | None = None, lakes: np.ndarray | None = None) -> InundationResult:
    """The scenario at ``level_m``: flooded land and, with ``cities`` (a VectorData of outlines with ``name``,
    ``name_zh``, ``adcode``), the flooded and total land area per city.

    ``sea`` and ``land_by_city`` (the city index of every land cell, as ``city_index`` returns) may be passed
    in when several levels are computed on the same terrain. ``unknown`` marks land cells whose height the DEM
    does not give (a filled default): what floods there is reported apart, as ``unknown_km2``. ``lakes`` marks
    land-mask cells that are lakes (``cells_within``): water passes through them like land at their height,
    but they are neither land nor flooded land in the areas, and not drawn as flood (they are water already).
    """
    lo, hi = LEVEL_RANGE_M
    if not (math.isfinite(float(level_m)) and lo <= float(level_m) <= hi):
        raise ValueError(f"the water level must be between {lo:g} and {hi:+g} m, not {level_m}")
    sea = sea_cells(land, connectivity=connectivity) if sea is None else sea
    flooded = flooded_land(grid.values, land, level_m, connectivity=connectivity, sea=sea)
    if lakes is not None:
        flooded &= ~lakes
        land = land & ~lakes
    area = np.broadcast_to(cell_areas_km2(grid), grid.shape)
    rows: list[CityArea] = []
    outside = float(area[flooded].sum())
    doubtful = flooded & unknown if unknown is not None else np.zeros_like(flooded)
    if cities is not None and len(cities):
        attrs = cities.attributes
        if land_by_city is None:
            land_by_city = city_index(grid, land, cities)
        n = len(cities)
        on_land = (land_by_city >= 0) & land.ravel()
        land_area = np.bincount(land_by_city[on_land], weights=area.ravel()[on_land], minlength=n)
        f = flooded.ravel() & (land_by_city >= 0)
        flooded_area = np.bincount(land_by_city[f], weights=area.ravel()[f], minlength=n)
        u = doubtful.ravel() & (land_by_city >= 0)
        unknown_area = np.bincount(land_by_city[u], weights=area.ravel()[u], minlength=n)
        for k in range(n):
            rows.append(CityArea(
                name=str(attrs.get("name", [f"city {i}" for i in range(n)])[k]),
                name_zh=str(attrs["name_zh"][k]) if "name_zh" in attrs else "",
                adcode=str(attrs["adcode"][k]) if "adcode" in attrs else "",
                flooded_km2=float(flooded_area[k]), land_km2=float(land_area[k]),
                unknown_km2=float(unknown_area[k])))
        outside -= float(flooded_area.sum())
    return InundationResult(level_m=float(level_m), connectivity=connectivity, grid=grid, flooded=flooded, sea=sea,
                            rows=tuple(rows), outside_km2=max(outside, 0.0),
                            unknown_km2=float(area[doubtful].sum()))


def cells_within(grid: GridData, mask: np.ndarray, polygons) -> np.ndarray:
    """Bool grid: the cells of ``mask`` whose centre lies in any of ``polygons`` (a VectorData, e.g. lakes)."""
    out = np.zeros(mask.size, dtype=bool)
    cells = np.flatnonzero(np.asarray(mask, dtype=bool))
    out[cells] = _city_of_cells(grid, cells, polygons.geometries, polygons.crs) >= 0
    return out.reshape(mask.shape)


def city_index(grid: GridData, land: np.ndarray, cities) -> np.ndarray:
    """Flat array over the grid: the index of the city outline holding each land cell's centre, −1 elsewhere."""
    flat = np.full(land.size, -1, dtype=np.int64)
    cells = np.flatnonzero(np.asarray(land, dtype=bool))
    flat[cells] = _city_of_cells(grid, cells, cities.geometries, cities.crs)
    return flat


def water_cells(nodes: np.ndarray) -> np.ndarray:
    """Mesh cells (between four grid values) with water at any corner: (ny − 1, nx − 1) from (ny, nx)."""
    w = np.asarray(nodes, dtype=bool)
    return w[:-1, :-1] | w[1:, :-1] | w[:-1, 1:] | w[1:, 1:]


def cell_rectangles(cells: np.ndarray, step: int = 16) -> np.ndarray:
    """Rectangles covering the True cells of a (h, w) mask: one per step × step tile that is all True, one per
    remaining cell → int array (k, 4) of (j0, i0, j1, i1) corner indices (j1, i1 exclusive cell ends)."""
    cells = np.asarray(cells, dtype=bool)
    h, w = cells.shape
    th, tw = h // step, w // step
    full = np.zeros((th, tw), dtype=bool)
    if th and tw:
        full = cells[: th * step, : tw * step].reshape(th, step, tw, step).all(axis=(1, 3))
    covered = np.zeros_like(cells)
    covered[: th * step, : tw * step] = np.repeat(np.repeat(full, step, axis=0), step, axis=1)
    tj, ti = np.nonzero(full)
    big = np.column_stack([tj * step, ti * step, tj * step + step, ti * step + step])
    sj, si = np.nonzero(cells & ~covered)
    small = np.column_stack([sj, si, sj + 1, si + 1])
    return np.concatenate([big, small]).astype(np.int64).reshape(-1, 4)
