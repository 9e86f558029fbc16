"""Import a DEM (GeoTIFF, NetCDF such as GEBCO: land heights and/or sea depths, any CRS) onto a terrain grid.

rasterio (GDAL) reads the file; ``resample_onto`` averages its cells into each cell of the target grid
(GDAL's warper, ``average``: a 30 m DEM's ~1,100 cells per 1 km cell all count, not one sample), in the
target grid's CRS. Values are metres above (negative: below) the vertical datum of the file; scale and
offset from the file are applied; no-data and non-finite cells are left out. NetCDF files without a grid
mapping are taken as WGS84 lon/lat, as GEBCO's are.

Checks before any allocation: the declared size (refused above ``MAX_CELLS``), a CRS (declared or the
NetCDF lon/lat convention), bounds that PROJ can place on Earth and that overlap the target grid.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ydtwin.errors import ReadError
from ydtwin.geo.grid import GridData

__all__ = ["DEM_SUFFIXES", "MAX_CELLS", "DemInfo", "open_dem_info", "resample_onto"]

#: cells a DEM may declare (40 000 × 40 000: a 30 m DEM of 1,200 km square); beyond that the file is refused
MAX_CELLS = 1_600_000_000
DEM_SUFFIXES = (".tif", ".tiff", ".nc", ".nc4", ".grd")
#: names of the elevation variable in a NetCDF with several (GEBCO: ``elevation``; GMT grids: ``z``)
_NETCDF_NAMES = ("elevation", "z", "Band1", "height", "altitude", "topo", "bathymetry", "depth", "dem")


@dataclass(frozen=True)
class DemInfo:
    """What the file holds, as checked: the GDAL dataset name to read, size, CRS and bounds."""

    path: Path
    dataset: str
    width: int
    height: int
    crs: str
    bounds: tuple[float, float, float, float]
    driver: str

    @property
    def resolution_label(self) -> str:
        return f"{self.width}×{self.height} cells, {self.driver}, {self.crs}"


def _rasterio():
    try:
        import rasterio
    except ImportError as exc:  # a soft dependency fails at use, with what to install
        raise ReadError("DEM", "reading DEMs needs rasterio (pip install rasterio)") from exc
    return rasterio


def open_dem_info(path: str | os.PathLike[str]) -> DemInfo:
    """Open and check a DEM file without reading its cells → DemInfo (one ReadError line otherwise)."""
    rasterio = _rasterio()
    from rasterio.errors import RasterioIOError

    path = Path(path)
    if not path.is_file():
        raise ReadError(path, "no such file")
    dataset = os.fspath(path)
    try:
        with rasterio.Env(CPL_LOG_ERRORS="OFF"), rasterio.open(dataset) as src:
            subs = list(src.subdatasets)
            if src.count == 0 and subs:  # a NetCDF with several variables: the elevation one
                names = {s.rsplit(":", 1)[-1]: s for s in subs}
                pick = next((names[n] for n in _NETCDF_NAMES if n in names), None)
                if pick is None:
                    raise ReadError(path, f"no elevation variable among {', '.join(sorted(names))}",
                                    f"name it one of {', '.join(_NETCDF_NAMES)}")
                dataset = pick
        with rasterio.Env(CPL_LOG_ERRORS="OFF"), rasterio.open(dataset) as src:
            width, height, count = src.width, src.height, src.count
            if count < 1 or width < 2 or height < 2:
                raise ReadError(path, f"not a DEM: {count} bands of {width}×{height} cells")
            if width * height > MAX_CELLS:
                raise ReadError(path, f"claims {width}×{height} cells, more than the {MAX_CELLS:,} a DEM may have",
                                "cut it to the area you need")
            driver = src.driver
            crs = src.crs.to_string() if src.crs else ""
            bounds = tuple(float(v) for v in src.bounds)
            if not crs and driver == "netCDF" and -180.5 <= bounds[0] < bounds[2] <= 360.5 \
                    and -90.5 <= min(bounds[1], bounds[3]) and max(bounds[1], bounds[3]) <= 90.5:
                crs = "EPSG:4326"  # GEBCO and most lon/lat NetCDF grids declare no grid mapping
            if not crs:
                raise ReadError(path, "declares no coordinate system", "save it with its CRS (e.g. EPSG:32651)")
            if src.transform.b or src.transform.d:
                raise ReadError(path, "is a rotated grid", "warp it north-up first (gdalwarp)")
    except RasterioIOError as exc:
        raise ReadError(path, f"not a raster GDAL can read ({str(exc).splitlines()[0][:160]})") from None
    return DemInfo(path=path, dataset=dataset, width=width, height=height, crs=crs,
                   bounds=bounds, driver=driver)  # type: ignore[arg-type]


def _target_window(info: DemInfo, grid: GridData) -> tuple[slice, slice]:
    """The rows and columns of ``grid`` the DEM's bounds cover (one ReadError line when none)."""
    from pyproj import Transformer
    from pyproj.exceptions import ProjError

    b = info.bounds
    try:
        t = Transformer.from_crs(info.crs, grid.crs, always_xy=True)
        x0, y0, x1, y1 = t.transform_bounds(*b, densify_pts=21)
    except (ProjError, ValueError) as exc:
        raise ReadError(info.path, f"its coordinate system {info.crs} cannot be used ({exc})") from None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        raise ReadError(info.path, f"its bounds {b} are not places in {info.crs}",
                        "is the coordinate system right (metres read as degrees)?")
    ny, nx = grid.shape
    i0 = max(int(math.floor((x0 - grid.x0) / grid.dx)), 0)
    i1 = min(int(math.ceil((x1 - grid.x0) / grid.dx)) + 1, nx)
    j0 = max(int(math.floor((y0 - grid.y0) / grid.dy)), 0)
    j1 = min(int(math.ceil((y1 - grid.y0) / grid.dy)) + 1, ny)
    if i0 >= i1 or j0 >= j1:
        raise ReadError(info.path, f"lies outside the region (bounds {', '.join(f'{v:.6g}' for v in b)} in "
                        f"{info.crs})", "is the coordinate system right?")
    return slice(j0, j1), slice(i0, i1)


def resample_onto(info: DemInfo, grid: GridData) -> tuple[np.ndarray, tuple[slice, slice]]:
    """The DEM averaged into the cells of ``grid`` it covers → (values (rows, cols) float32, NaN where it has
    no data; the window of ``grid`` they are for)."""
    rasterio = _rasterio()
    from affine import Affine
    from rasterio.warp import Resampling, reproject

    rows, cols = _target_window(info, grid)
    h, w = rows.stop - rows.start, cols.stop - cols.start
    top = grid.y0 + (rows.stop - 1) * grid.dy + grid.dy / 2  # row 0 of the warp is the northern edge
    dst_transform = Affine(grid.dx, 0.0, grid.x0 + cols.start * grid.dx - grid.dx / 2, 0.0, -grid.dy, top)
    out = np.full((h, w), np.nan, dtype=np.float32)
    with rasterio.Env(CPL_LOG_ERRORS="OFF"), rasterio.open(info.dataset) as src:
        nodata = src.nodata
        scale = float(src.scales[0] or 1.0)
        offset = float(src.offsets[0] or 0.0)
        reproject(source=rasterio.band(src, 1), destination=out, src_crs=info.crs, dst_transform=dst_transform,
                  dst_crs=grid.crs, resampling=Resampling.average, src_nodata=nodata, dst_nodata=np.nan,
                  num_threads=2)
    return _heights(out, scale, offset), (rows, cols)


def _heights(out: np.ndarray, scale: float, offset: float) -> np.ndarray:
    """Warped values (row 0 north) → heights in metres, row 0 south, NaN where they are not elevations."""
    out = out[::-1]  # the grid's row 0 is its southern edge
    if scale != 1.0 or offset != 0.0:
        out = out * np.float32(scale) + np.float32(offset)
    out = np.ascontiguousarray(out, dtype=np.float32)
    out[~np.isfinite(out) | (np.abs(out) > 12_000)] = np.nan  # deeper than the deepest trench: not an elevation
    return out
