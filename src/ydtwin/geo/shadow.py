"""Shadows and hours of direct sun: a height field (terrain and building roofs) and rays marched toward the sun.

The obstacles are rasterised into a *height field* (a digital surface model, DSM) in scene metres: every cell
holds the highest thing standing on it — the terrain, or the roof of a building whose footprint covers the cell's
centre (a scanline fill of the footprints, holes kept). For each point and each sun position, a ray goes from the
point toward the sun and is marched through the field; the point is in shadow when the field rises above the ray
anywhere before the ray has climbed over the field's highest cell (``(top − z) / tan(elevation)`` metres away):
the ray visits every cell it crosses, at its height where it enters the cell (exact for the rasterised field).
Blocks of 8 × 8 and 64 × 64 cells keep their highest value, and the ray skips a whole block when it passes above
it, so a ray across open ground or low roofs costs a few steps per block instead of one per cell.

Two fields are marched: a fine one (buildings and terrain, ~1 m cells) around the points, and a coarse one of the
terrain alone reaching tens of kilometres (hills far away), started beyond the fine field's reach of a few coarse
cells so that a point's own slope never shades it.

Everything is compiled (numba), parallel over the points. Facade points carry the outward normal of their wall:
the sun counts only while it is in front of the wall.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np

from ydtwin.geo.extrude import _KERNEL_LOCK  # numba's thread pool is entered from one thread at a time

__all__ = ["BLOCK", "HeightField", "facade_samples", "field_of", "march_hours", "sunlit"]

#: cells per side of the blocks whose highest value lets a ray skip them
BLOCK = 8
#: the terrain in the fine field is lowered by this much (m), so that a point on the ground is not shaded by the
#: terrain of its own cell sampled a little higher
TERRAIN_TOLERANCE_M = 0.5


@dataclass(frozen=True)
class HeightField:
    """Absolute heights (m) on a regular grid in scene metres: rows from north to south, columns west to east;
    cell (r, c) covers x0 + c·cell … x0 + (c+1)·cell, y1 − (r+1)·cell … y1 − r·cell."""

    z: np.ndarray  # (ny, nx) float32
    x0: float  # west edge
    y1: float  # north edge
    cell: float
    blocks: np.ndarray  # (ceil(ny/BLOCK), ceil(nx/BLOCK)) float32: the highest value of each block
    big: np.ndarray  # the same for blocks of BLOCK² cells

    @property
    def top(self) -> float:
        return float(self.z.max()) if self.z.size else -math.inf

    @property
    def box(self) -> tuple[float, float, float, float]:
        ny, nx = self.z.shape
        return self.x0, self.y1 - ny * self.cell, self.x0 + nx * self.cell, self.y1

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """(x of each column's centres, y of each row's centres)."""
        ny, nx = self.z.shape
        return self.x0 + (np.arange(nx) + 0.5) * self.cell, self.y1 - (np.arange(ny) + 0.5) * self.cell

    def at(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The field's value in the cell under each (x, y) (NaN outside)."""
        ny, nx = self.z.shape
        c = np.floor((np.asarray(x) - self.x0) / self.cell).astype(np.int64)
        r = np.floor((self.y1 - np.asarray(y)) / self.cell).astype(np.int64)
        ok = (c >= 0) & (c < nx) & (r >= 0) & (r < ny)
        out = np.full(np.shape(c), np.nan, dtype=np.float64)
        out[ok] = self.z[r[ok], c[ok]]
        return out


def _block_max(z: np.ndarray) -> np.ndarray:
    """The highest value of each BLOCK × BLOCK block (the last ones padded)."""
    ny, nx = z.shape
    by, bx = -(-ny // BLOCK), -(-nx // BLOCK)
    padded = np.full((by * BLOCK, bx * BLOCK), -np.inf, dtype=np.float32)
    padded[:ny, :nx] = z
    return padded.reshape(by, BLOCK, bx, BLOCK).max(axis=(1, 3))


def _pyramid(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    blocks = _block_max(z)
    return blocks, _block_max(blocks)


def _ground_lattice(ground: Callable | None, box, cell: float, shape, step_m: float) -> np.ndarray:
    """The ground's height at every cell centre: sampled every ``step_m`` and interpolated bilinearly between."""
    ny, nx = shape
    if ground is None:
        return np.zeros(shape, dtype=np.float32)
    x0, _y0, _x1, y1 = box
    k = max(1, int(step_m // cell))
    cols = np.unique(np.r_[np.arange(0, nx, k), nx - 1])
    rows = np.unique(np.r_[np.arange(0, ny, k), ny - 1])
    gx = x0 + (cols + 0.5) * cell
    gy = y1 - (rows + 0.5) * cell
    xx, yy = np.meshgrid(gx, gy)
    g = np.nan_to_num(np.asarray(ground(xx.ravel(), yy.ravel()), dtype=np.float64), nan=0.0).reshape(len(rows), -1)
    # separable linear interpolation: along x for each sampled row, then along y for every column
    along_x = np.empty((len(rows), nx), dtype=np.float32)
    every_col = np.arange(nx)
    for i in range(len(rows)):
        along_x[i] = np.interp(every_col, cols, g[i])
    out = np.empty(shape, dtype=np.float32)
    every_row = np.arange(ny)
    for j in range(nx):
        out[:, j] = np.interp(every_row, rows, along_x[:, j])
    return out


@numba.njit(cache=True, nogil=True)
def _fill_parts(xy, ring_offsets, part_offsets, part_top, x0, y1, cell, z):
    """Scanline fill of each part (outer ring and holes, even-odd) into ``z`` (keeping the higher value): a cell
    is covered when its centre lies inside."""
    ny, nx = z.shape
    xs = np.empty(256, dtype=np.float64)
    for p in range(len(part_offsets) - 1):
        r0, r1 = part_offsets[p], part_offsets[p + 1]
        v0, v1 = ring_offsets[r0], ring_offsets[r1]
        if v1 - v0 < 3:
            continue
        ymin, ymax = xy[v0, 1], xy[v0, 1]
        for v in range(v0, v1):
            ymin = min(ymin, xy[v, 1])
            ymax = max(ymax, xy[v, 1])
        row_a = max(0, int(math.floor((y1 - ymax) / cell - 0.5)))
        row_b = min(ny - 1, int(math.ceil((y1 - ymin) / cell - 0.5)))
        top = part_top[p]
        for row in range(row_a, row_b + 1):
            yc = y1 - (row + 0.5) * cell
            n = 0
            for r in range(r0, r1):
                a, b = ring_offsets[r], ring_offsets[r + 1]
                for v in range(a, b):
                    w = v + 1 if v + 1 < b else a
                    ya, yb = xy[v, 1], xy[w, 1]
                    if (ya <= yc) != (yb <= yc):
                        if n == len(xs):
                            grown = np.empty(2 * n, dtype=np.float64)
                            grown[:n] = xs
                            xs = grown
                        xs[n] = xy[v, 0] + (yc - ya) / (yb - ya) * (xy[w, 0] - xy[v, 0])
                        n += 1
            if n < 2:
                continue
            cuts = np.sort(xs[:n])
            for k in range(0, n - 1, 2):
                c0 = max(0, int(math.ceil((cuts[k] - x0) / cell - 0.5)))
                c1 = min(nx - 1, int(math.ceil((cuts[k + 1] - x0) / cell - 0.5)) - 1)
                for c in range(c0, c1 + 1):
                    if z[row, c] < top:
                        z[row, c] = top


def field_of(box: tuple[float, float, float, float], cell: float, *, ground: Callable | None = None,
             footprints=None, ground_step_m: float = 20.0, terrain_tolerance_m: float = TERRAIN_TOLERANCE_M) -> HeightField:
    """A height field over ``box`` (scene metres, snapped outward to whole cells): the ground (``ground(x, y)``
    → m, vectorised; None: 0) lowered by ``terrain_tolerance_m``, and the roofs of ``footprints`` — ``(xy,
    ring_offsets, part_offsets, part_top)`` in scene metres with each part's absolute roof height (m), rings as
    :class:`ydtwin.model.buildings.BuildingsData` holds them."""
    x0, y0, x1, y1 = box
    x0 = math.floor(x0 / cell) * cell
    y1 = math.ceil(y1 / cell) * cell
    nx = max(1, int(math.ceil((x1 - x0) / cell)))
    ny = max(1, int(math.ceil((y1 - y0) / cell)))
    snapped = (x0, y1 - ny * cell, x0 + nx * cell, y1)
    z = _ground_lattice(ground, snapped, cell, (ny, nx), ground_step_m) - np.float32(terrain_tolerance_m)
    if footprints is not None:
        xy, rings, parts, top = footprints
        if len(parts) > 1:
            _fill_parts(np.ascontiguousarray(xy, dtype=np.float64), np.asarray(rings, dtype=np.int64),
                        np.asarray(parts, dtype=np.int64), np.asarray(top, dtype=np.float64), float(x0), float(y1),
                        float(cell), z)
    return HeightField(z, float(x0), float(y1), float(cell), *_pyramid(z))


@numba.njit(cache=True, nogil=True, inline="always")
def _exit_t(fc, fr, cx, cy, size):
    """How far (m) a ray at cell coordinates (fc, fr), moving (cx, cy) cells per metre, goes before it leaves its
    block of ``size`` × ``size`` cells."""
    bc = int(fc) // size
    br = int(fr) // size
    tx = 1e30
    if cx > 1e-12:
        tx = ((bc + 1) * size - fc) / cx
    elif cx < -1e-12:
        tx = (bc * size - fc) / cx
    ty = 1e30
    if cy > 1e-12:
        ty = ((br + 1) * size - fr) / cy
    elif cy < -1e-12:
        ty = (br * size - fr) / cy
    return min(tx, ty)


@numba.njit(cache=True, nogil=True, inline="always")
def _blocked_in(px, py, pz, dx, dy, tan_e, t0, reach, z, blocks, big, x0, y1, cell, top, kc=0.0, s0=0.0, sgn=1.0):
    """Whether the ray from (px, py, pz) toward (dx, dy) rising at ``tan_e`` meets the field between t0 and
    min(reach, the distance at which it clears the field's top). ``blocks`` / ``big``: the highest value of each
    block of BLOCK / BLOCK² cells; the ray jumps over a block it passes above (it only rises).

    ``kc`` > 0 (lines of sight, ``ydtwin.geo.viewshed``): the field at s metres from an observer is lowered by
    kc·s² (the Earth's curvature less refraction), s = s0 + sgn·t along the ray; a cell then blocks when its
    lowered value rises above the ray where the ray enters or leaves it (the blocks stay unlowered: never lower)."""
    tmax = (top - pz) / tan_e
    if tmax > reach:
        tmax = reach
    if tmax <= t0:
        return False
    ny, nx = z.shape
    # the ray's motion in cells per metre: columns grow eastward, rows southward
    cx = dx / cell
    cy = -dy / cell
    nudge = 1e-3 * cell
    t = t0
    while t <= tmax:
        fc = (px + dx * t - x0) / cell
        fr = (y1 - (py + dy * t)) / cell
        if fc < 0.0 or fr < 0.0 or fc >= nx or fr >= ny:
            return False
        c = int(fc)
        r = int(fr)
        zr = pz + t * tan_e
        if big[r // (BLOCK * BLOCK), c // (BLOCK * BLOCK)] <= zr:
            t += _exit_t(fc, fr, cx, cy, BLOCK * BLOCK) + nudge
            continue
        if blocks[r // BLOCK, c // BLOCK] <= zr:
            t += _exit_t(fc, fr, cx, cy, BLOCK) + nudge
            continue
        step = _exit_t(fc, fr, cx, cy, 1)
        if z[r, c] > zr:  # the ray is at its lowest in this cell where it entered it
            if kc == 0.0:
                return True
            s_in = s0 + sgn * t
            t_out = min(t + step, reach)
            s_out = s0 + sgn * t_out
            if z[r, c] - kc * s_in * s_in > zr or z[r, c] - kc * s_out * s_out > pz + t_out * tan_e:
                return True
        t += step + nudge  # on to the next cell the ray crosses
    return False


@numba.njit(parallel=True, cache=True, nogil=True)
def _hours_kernel(px, py, pz, nxv, nyv, sdx, sdy, tan_e, weight, min_run_h,
                  fz, fblocks, fbig, fx0, fy1, fcell, ftop,
                  cz, cblocks, cbig, cx0, cy1, ccell, ctop, c_t0, c_reach,
                  hours, mask, keep_mask):
    n = len(px)
    k_n = len(sdx)
    for i in numba.prange(n):
        total = 0.0
        run = 0.0
        for k in range(k_n):
            lit = tan_e[k] > 0.0
            if lit and (nxv[i] != 0.0 or nyv[i] != 0.0):
                lit = nxv[i] * sdx[k] + nyv[i] * sdy[k] > 0.0  # the sun in front of the wall
            if lit:
                lit = not _blocked_in(px[i], py[i], pz[i], sdx[k], sdy[k], tan_e[k], 0.0, 1e30,
                                      fz, fblocks, fbig, fx0, fy1, fcell, ftop)
            if lit and c_reach > 0.0:
                lit = not _blocked_in(px[i], py[i], pz[i], sdx[k], sdy[k], tan_e[k], c_t0, c_reach,
                                      cz, cblocks, cbig, cx0, cy1, ccell, ctop)
            if keep_mask:
                mask[i, k] = lit
            if lit:
                run += weight[k]
            else:
                if run >= min_run_h:
                    total += run
                run = 0.0
        if run >= min_run_h:
            total += run
        hours[i] = total


def _directions(azimuth_deg, elevation_deg) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit horizontal vectors toward the sun on the scene's grid (azimuths already on the grid) and tan(e)."""
    az = np.radians(np.asarray(azimuth_deg, dtype=np.float64))
    el = np.radians(np.asarray(elevation_deg, dtype=np.float64))
    tan_e = np.where(el > 0, np.tan(np.clip(el, 1e-9, np.pi / 2 - 1e-9)), -1.0)
    return np.sin(az), np.cos(az), tan_e


_EMPTY = HeightField(np.zeros((1, 1), np.float32), 0.0, 0.0, 1.0, *_pyramid(np.zeros((1, 1), np.float32)))


def march_hours(x, y, z, azimuth_deg, elevation_deg, weight_h, fine: HeightField, *, coarse: HeightField | None = None,
                coarse_from_m: float = 0.0, coarse_reach_m: float = 0.0, normal=None, min_run_h: float = 0.0,
                keep_mask: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Hours of direct sun at each point (x, y scene metres, z absolute metres): the sum of ``weight_h`` over the
    sun positions (grid azimuth, apparent elevation) it sees, counting only runs of at least ``min_run_h`` hours.
    ``normal`` ((n, 2), zeros for ground points): the outward normal of a facade point's wall. → (hours, the
    (n, k) lit mask when ``keep_mask``)."""
    px = np.ascontiguousarray(x, dtype=np.float64)
    py = np.ascontiguousarray(y, dtype=np.float64)
    pz = np.ascontiguousarray(z, dtype=np.float64)
    n = len(px)
    nrm = np.zeros((n, 2)) if normal is None else np.asarray(normal, dtype=np.float64)
    sdx, sdy, tan_e = _directions(azimuth_deg, elevation_deg)
    w = np.ascontiguousarray(weight_h, dtype=np.float64)
    hours = np.zeros(n, dtype=np.float64)
    mask = np.zeros((n, len(sdx)) if keep_mask else (0, 0), dtype=np.bool_)
    c = coarse if coarse is not None else _EMPTY
    reach = float(coarse_reach_m) if coarse is not None else 0.0
    if n:
        with _KERNEL_LOCK:
            _hours_kernel(px, py, pz, np.ascontiguousarray(nrm[:, 0]), np.ascontiguousarray(nrm[:, 1]), sdx, sdy,
                          tan_e, w, float(min_run_h),
                          fine.z, fine.blocks, fine.big, fine.x0, fine.y1, fine.cell, fine.top,
                          c.z, c.blocks, c.big, c.x0, c.y1, c.cell, c.top, float(coarse_from_m), reach,
                          hours, mask, keep_mask)
    return hours, (mask if keep_mask else None)


def sunlit(x, y, z, azimuth_deg, elevation_deg, fine: HeightField, **options) -> np.ndarray:
    """(n, k) bool: does each point see the sun at each position? (See :func:`march_hours`.)"""
    k = len(np.atleast_1d(azimuth_deg))
    _hours, mask = march_hours(x, y, z, np.atleast_1d(azimuth_deg), np.atleast_1d(elevation_deg), np.ones(k), fine,
                               keep_mask=True, **options)
    return mask


def facade_samples(xy: np.ndarray, ring_offsets: np.ndarray, part_offsets: np.ndarray, part_building: np.ndarray,
                   height: np.ndarray, *, spacing_m: float, storey_m: float = 3.0, sill_m: float = 0.9,
                   offset_m: float = 1.0, max_floors: int | None = None) -> dict[str, np.ndarray]:
    """Points on the walls of buildings (scene metres, rings as BuildingsData holds them: outer rings
    counter-clockwise, holes clockwise): along every wall every ``spacing_m`` (at least one per wall, at the
    middle of equal pieces), ``offset_m`` out from the wall, on the window sill of every storey (``sill_m`` above
    each ``storey_m`` floor) below the roof (the lowest ``max_floors`` storeys when given) → arrays ``x``, ``y``,
    ``h`` (height above the building's ground), ``nx``, ``ny`` (the outward normal), ``building``, ``floor``
    (0 = ground floor) and ``wall_azimuth`` (degrees from grid north the wall faces)."""
    ring_offsets = np.asarray(ring_offsets, dtype=np.int64)
    part_offsets = np.asarray(part_offsets, dtype=np.int64)
    counts = np.diff(ring_offsets)
    start = np.repeat(ring_offsets[:-1], counts)
    idx = np.arange(len(xy))
    nxt = idx + 1
    last = np.repeat(ring_offsets[1:] - 1, counts)
    nxt[idx == last] = start[idx == last]
    a, b = xy, xy[nxt]
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    ring_part = np.repeat(np.arange(len(part_offsets) - 1), np.diff(part_offsets))
    edge_building = np.repeat(part_building[ring_part], counts)
    good = length > 1e-6
    a, d, length, edge_building = a[good], d[good], length[good], edge_building[good]
    per_edge = np.maximum(1, np.round(length / spacing_m)).astype(np.int64)
    e = np.repeat(np.arange(len(length)), per_edge)
    first = np.repeat(np.cumsum(per_edge) - per_edge, per_edge)
    frac = (np.arange(len(e)) - first + 0.5) / per_edge[e]
    unit = d / length[:, None]
    out_n = np.column_stack([unit[:, 1], -unit[:, 0]])  # right of travel: away from the solid
    px = a[e, 0] + d[e, 0] * frac + out_n[e, 0] * offset_m
    py = a[e, 1] + d[e, 1] * frac + out_n[e, 1] * offset_m
    bld = edge_building[e]
    floors = np.floor((np.asarray(height, dtype=np.float64)[bld] - sill_m) / storey_m).astype(np.int64) + 1
    floors = np.maximum(floors, 0)
    if max_floors is not None:
        floors = np.minimum(floors, max_floors)
    s = np.repeat(np.arange(len(px)), floors)
    f_first = np.repeat(np.cumsum(floors) - floors, floors)
    floor = np.arange(len(s)) - f_first
    normal = out_n[e][s]
    return {"x": px[s], "y": py[s], "h": sill_m + floor * storey_m, "nx": normal[:, 0], "ny": normal[:, 1],
            "building": bld[s], "floor": floor,
            "wall_azimuth": np.mod(np.degrees(np.arctan2(normal[:, 0], normal[:, 1])), 360.0)}
