"""An imported DEM's detail: the file warped into the scene CRS at about its own resolution, as terrain tiles.

``ydtwin.io.dem.resample_onto`` averages a DEM into the region grid's ~1 km cells (scenarios, provenance); this
keeps the file's relief for drawing and for what stands on the terrain (``ydtwin.geo.terrain_detail``):

- ``warp_detail``: GDAL's warper (bilinear; ``average`` when the grid had to be coarsened; every core; the file's
  own decompression threaded too) straight from the file into a north-up grid of posts in the scene CRS, spaced
  at the file's resolution rounded to two significant digits and aligned on multiples of it, clipped to the
  region. More than ``MAX_DETAIL_CELLS`` posts (256 MB of float32) are not held: the spacing grows until they
  fit, and the note says so.
- ``merge_detail``: a later import's data cuts an earlier one's detail (the later file wins, as in the region
  grid; one post of overlap is kept so that no seam opens between them), and which cells of the region grid the
  detail covers wholly is measured (GDAL ``average`` of the coverage onto those cells): those are not drawn
  coarse.
"""

from __future__ import annotations

import math
import os

import numpy as np

from ydtwin.geo.grid import GridData
from ydtwin.geo.terrain_detail import DetailGrid, TerrainDetail
from ydtwin.io.dem import DemInfo, _heights, _rasterio

__all__ = ["DETAIL_FINER_THAN", "MAX_DETAIL_CELLS", "merge_detail", "warp_detail"]

#: posts of detail held per import at most (float32: 256 MB); a finer or bigger file is coarsened to fit
MAX_DETAIL_CELLS = 64 * 2**20
#: a file gets detail tiles when its cells are at most this share of the region grid's (GEBCO's 15″ on a 30″
#: grid does not: averaging it loses little)
DETAIL_FINER_THAN = 1 / 3


def _nice(value: float, *, up: bool = False) -> float:
    """``value`` to two significant digits (rounded up with ``up``)."""
    e = 10 ** (math.floor(math.log10(value)) - 1)
    return (math.ceil(value / e - 1e-9) if up else max(round(value / e), 1)) * e


def _scene_crs(crs):
    from rasterio.crs import CRS

    return CRS.from_wkt(crs if isinstance(crs, str) else crs.to_wkt())


def native_spacing(info: DemInfo, scene_crs) -> float:
    """The file's cell size in scene metres (GDAL's suggested warp output resolution)."""
    from rasterio.warp import calculate_default_transform

    tr, _w, _h = calculate_default_transform(info.crs, _scene_crs(scene_crs), info.width, info.height, *info.bounds)
    return float(math.sqrt(abs(tr.a * tr.e)))


def warp_detail(info: DemInfo, scene_crs, extent: tuple[float, float, float, float], *,
                max_cells: int = MAX_DETAIL_CELLS) -> tuple[DetailGrid | None, str]:
    """The DEM as detail in the scene CRS, clipped to ``extent`` (scene xmin, ymin, xmax, ymax) → (the grid with
    its pyramid, or None when the file has no data in the region; a note on how it was warped)."""
    rasterio = _rasterio()
    from affine import Affine
    from rasterio.warp import Resampling, reproject, transform_bounds

    dst_crs = _scene_crs(scene_crs)
    native = native_spacing(info, dst_crs)
    spacing = _nice(native)
    bx0, by0, bx1, by1 = transform_bounds(info.crs, dst_crs, *info.bounds, densify_pts=21)
    bx0, by0 = max(bx0, extent[0]), max(by0, extent[1])
    bx1, by1 = min(bx1, extent[2]), min(by1, extent[3])

    def posts(s: float) -> tuple[float, float, int, int]:
        x0, y0 = math.ceil(bx0 / s) * s, math.ceil(by0 / s) * s
        return x0, y0, int(math.floor((bx1 - x0) / s + 1e-9)) + 1, int(math.floor((by1 - y0) / s + 1e-9)) + 1

    x0, y0, nx, ny = posts(spacing)
    if nx < 2 or ny < 2:
        return None, ""
    note = f"kept at {spacing:g} m as terrain tiles (GDAL warp, bilinear)"
    if nx * ny > max_cells:
        spacing = _nice(spacing * math.sqrt(nx * ny / max_cells), up=True)
        x0, y0, nx, ny = posts(spacing)
        while nx * ny > max_cells:
            spacing = _nice(spacing * 1.01, up=True)
            x0, y0, nx, ny = posts(spacing)
        note = (f"kept at {spacing:g} m as terrain tiles, coarsened from {native:.3g} m to hold at most "
                f"{max_cells / 2**20:.0f} M cells (GDAL warp, average)")
    resampling = Resampling.bilinear if spacing < 1.5 * native else Resampling.average
    out = np.full((ny, nx), np.nan, dtype=np.float32)
    top = y0 + (ny - 1) * spacing
    dst_transform = Affine(spacing, 0.0, x0 - spacing / 2, 0.0, -spacing, top + spacing / 2)
    with rasterio.Env(CPL_LOG_ERRORS="OFF", GDAL_NUM_THREADS="ALL_CPUS"), rasterio.open(info.dataset) as src:
        nodata = src.nodata
        scale = float(src.scales[0] or 1.0)
        offset = float(src.offsets[0] or 0.0)
        reproject(source=rasterio.band(src, 1), destination=out, src_crs=info.crs, dst_transform=dst_transform,
                  dst_crs=dst_crs, resampling=resampling, src_nodata=nodata, dst_nodata=np.nan,
                  num_threads=os.cpu_count() or 1, warp_mem_limit=64)
    heights = _heights(out, scale, offset)
    if not np.isfinite(heights).any():
        return None, ""
    wkt = scene_crs if isinstance(scene_crs, str) else scene_crs.to_wkt()  # as the scene states it
    return DetailGrid.from_posts(heights, x0, y0, spacing, wkt, source=info.path.name), note


def _north_up(values: np.ndarray, x0: float, y0: float, dx: float, dy: float):
    """A grid of values (row 0 south, value (j, i) at x0 + i·dx, y0 + j·dy) → (its rows north first, the GDAL
    transform whose pixels are centred on the values)."""
    from affine import Affine

    ny = values.shape[0]
    return values[::-1], Affine(dx, 0.0, x0 - dx / 2, 0.0, -dy, y0 + (ny - 1) * dy + dy / 2)


def _erode(mask: np.ndarray) -> np.ndarray:
    """``mask`` where it and its 8 neighbours are set."""
    out = mask.copy()
    out[1:, :] &= mask[:-1, :]
    out[:-1, :] &= mask[1:, :]
    tmp = out.copy()
    out[:, 1:] &= tmp[:, :-1]
    out[:, :-1] &= tmp[:, 1:]
    return out


def _cut(grid: DetailGrid, values: np.ndarray, transform, crs) -> DetailGrid | None:
    """``grid`` with its posts removed where a later file has data (``values``: 1 where it has, north up, on
    ``transform`` in ``crs``), but for one post along the edge (neighbours overlap, no seam opens)."""
    from rasterio.warp import Resampling, reproject

    ny, nx = grid.shape
    hit = np.zeros((ny, nx), dtype=np.float32)
    _dst, dst_transform = _north_up(hit, grid.x0, grid.y0, grid.spacing, grid.spacing)
    reproject(source=values, destination=hit, src_transform=transform, src_crs=crs, dst_transform=dst_transform,
              dst_crs=_scene_crs(grid.crs), resampling=Resampling.nearest, src_nodata=None, dst_nodata=0.0,
              num_threads=os.cpu_count() or 1)
    cut = _erode(hit[::-1] > 0.5)
    if not cut.any():
        return grid
    posts = grid.levels[0].copy()
    posts[cut] = np.nan
    return grid.with_posts(posts) if np.isfinite(posts).any() else None


def cell_cover(grids: tuple[DetailGrid, ...], terrain: GridData) -> tuple[np.ndarray, np.ndarray]:
    """Per mesh cell of ``terrain`` (the quad between values (j, i) and (j+1, i+1)): (wholly under detail data;
    partly under detail at or below 0 m — sea or shore the detail draws)."""
    from affine import Affine
    from rasterio.warp import Resampling, reproject, transform_bounds

    ny, nx = terrain.shape
    share = np.zeros((2, ny - 1, nx - 1), dtype=np.float32)
    for grid in grids:
        b = transform_bounds(_scene_crs(grid.crs), terrain.crs, *grid.bounds, densify_pts=21)
        i0 = max(int(math.floor((b[0] - terrain.x0) / terrain.dx)) - 1, 0)
        i1 = min(int(math.ceil((b[2] - terrain.x0) / terrain.dx)) + 1, nx - 1)
        j0 = max(int(math.floor((b[1] - terrain.y0) / terrain.dy)) - 1, 0)
        j1 = min(int(math.ceil((b[3] - terrain.y0) / terrain.dy)) + 1, ny - 1)
        if i0 >= i1 or j0 >= j1:
            continue
        window = np.zeros((2, j1 - j0, i1 - i0), dtype=np.float32)
        # cells, not values: the quad (j, i) spans x0 + i·dx … x0 + (i+1)·dx
        dst_transform = Affine(terrain.dx, 0.0, terrain.x0 + i0 * terrain.dx, 0.0, -terrain.dy,
                               terrain.y0 + j1 * terrain.dy)
        # the posts' coverage in blocks of f × f posts (at most an eighth of a cell of the terrain): a block counts
        # as covered only when all its posts have data (a cell is then covered a little more cautiously), and
        # as sea for the share of its posts at or below 0 m; GDAL then averages ~f² fewer pixels
        cell_m = _grid_cell_m(terrain)
        f = max(int(cell_m / grid.spacing / 8), 1)
        s = grid.spacing * f
        # a margin of no data around them, a cell of the terrain wide: GDAL averages only the source pixels that
        # exist, so a cell reaching past the raster's edge would otherwise count as wholly covered
        m = int(math.ceil(cell_m / s)) + 2
        posts = grid.levels[0]
        by, bx = -(-posts.shape[0] // f), -(-posts.shape[1] // f)
        padded = np.full((by * f, bx * f), np.nan, dtype=np.float32)
        padded[: posts.shape[0], : posts.shape[1]] = posts
        blocks = padded.reshape(by, f, bx, f)
        masks = np.zeros((2, by + 2 * m, bx + 2 * m), dtype=np.float32)
        masks[0, m:-m, m:-m] = np.isfinite(blocks).all(axis=(1, 3))
        with np.errstate(invalid="ignore"):
            masks[1, m:-m, m:-m] = (blocks <= 0).mean(axis=(1, 3))
        # block (J, I) is centred (f − 1)/2 posts beyond its first post
        _src, src_transform = _north_up(masks[0], grid.x0 + (f - 1) / 2 * grid.spacing - m * s,
                                        grid.y0 + (f - 1) / 2 * grid.spacing - m * s, s, s)
        reproject(source=np.ascontiguousarray(masks[:, ::-1]), destination=window, src_transform=src_transform,
                  src_crs=_scene_crs(grid.crs), dst_transform=dst_transform, dst_crs=terrain.crs,
                  resampling=Resampling.average, src_nodata=None, dst_nodata=0.0,
                  num_threads=os.cpu_count() or 1)
        share[:, j0:j1, i0:i1] += window[:, ::-1]
    return share[0] >= 0.999, share[1] > 0.01


def merge_detail(old: TerrainDetail | None, info: DemInfo, terrain: GridData, window: tuple[slice, slice],
                 have: np.ndarray, scene_crs, extent: tuple[float, float, float, float]) -> TerrainDetail | None:
    """The detail of a terrain after importing ``info`` (whose values cover ``have`` over ``window`` of the
    ``terrain`` grid): earlier detail cut where the file has data, the file's own detail when it is finer than a
    third of the grid's cells, and the cells of the grid wholly under detail."""
    grids = list(old.grids) if old is not None else []
    notes = list(old.notes) if old is not None else []
    new, note = None, ""
    cell_m = _grid_cell_m(terrain)
    if native_spacing(info, scene_crs) <= DETAIL_FINER_THAN * cell_m:
        new, note = warp_detail(info, scene_crs, extent)
    if grids:
        if new is not None:
            src, src_transform = _north_up(np.isfinite(new.levels[0]).astype(np.float32), new.x0, new.y0,
                                           new.spacing, new.spacing)
            src_crs = _scene_crs(new.crs)
        else:
            rows, cols = window
            src, src_transform = _north_up(have.astype(np.float32), terrain.x0 + cols.start * terrain.dx,
                                           terrain.y0 + rows.start * terrain.dy, terrain.dx, terrain.dy)
            src_crs = terrain.crs
        grids = [g for g in (_cut(g, np.ascontiguousarray(src), src_transform, src_crs) for g in grids)
                 if g is not None]
    if new is not None:
        grids.append(new)
        notes.append(f"{info.path.name}: {note}")
    if not grids:
        return None
    grids_t = tuple(grids)
    covered, sea = cell_cover(grids_t, terrain)
    return TerrainDetail(grids_t, covered, sea, tuple(notes))


def _grid_cell_m(grid: GridData) -> float:
    """The smaller side of the grid's cells in metres (a lon/lat grid's at its middle latitude)."""
    from pyproj import CRS

    if CRS.from_user_input(grid.crs).is_geographic:
        lat = grid.y0 + grid.dy * grid.shape[0] / 2
        return float(min(abs(grid.dx) * 111_320.0 * math.cos(math.radians(lat)), abs(grid.dy) * 110_574.0))
    return float(min(abs(grid.dx), abs(grid.dy)))
