"""Imported DEMs merge with the bundled terrain: a GeoTIFF in UTM 51N and a NetCDF bathymetry (both written
here) replace the values where they have data, with their provenance; hostile files are one clear line."""

from __future__ import annotations

import numpy as np
import pytest

rasterio = pytest.importorskip("rasterio")
from rasterio import shutil as rio_shutil  # noqa: E402
from rasterio.io import MemoryFile  # noqa: E402
from rasterio.transform import from_origin  # noqa: E402

from dem_synth import SHESHAN, write_utm_tif  # noqa: E402
from ydtwin.errors import YdtwinError  # noqa: E402
from ydtwin.workspace import Workspace  # noqa: E402

OFFSHORE = (122.6, 30.4)  # the sea east of Zhoushan (bundled depth synthetic)


@pytest.fixture()
def ws():
    return Workspace.open(plugin_names=[])


def write_netcdf(path, lon0, lat0, lon1, lat1, step, values_fn):
    """A lon/lat NetCDF grid (as GEBCO's): values_fn(lon, lat) → elevation (m, negative below sea level)."""
    lon = np.arange(lon0, lon1, step) + step / 2
    lat = np.arange(lat1, lat0, -step) - step / 2  # north first, as GDAL writes rows
    lo, la = np.meshgrid(lon, lat)
    data = values_fn(lo, la).astype(np.float32)
    with MemoryFile() as mf:
        with mf.open(driver="GTiff", width=len(lon), height=len(lat), count=1, dtype="float32", crs="EPSG:4326",
                     transform=from_origin(lon0, lat1, step, step), nodata=-32767.0) as m:
            m.write(data, 1)
        with mf.open() as m:
            rio_shutil.copy(m, path, driver="netCDF")
    return path


def test_utm_geotiff_replaces_the_bundled_values(ws, tmp_path):
    """A 30 m GeoTIFF in EPSG:32651 at 123 m over Sheshan: the terrain there reads 123 m, from that file; the
    terrain outside it keeps the bundled values and provenance."""
    terrain0 = ws.scene.layer("terrain")
    before_far = float(terrain0.elevation.sample([120.2], [30.9])[0])
    line = ws.open_dem(write_utm_tif(tmp_path / "survey.tif"))
    assert "survey.tif" in line and "EPSG:32651" in line
    terrain = ws.scene.layer("terrain")
    assert terrain is not terrain0
    assert terrain.elevation.sample([SHESHAN[0]], [SHESHAN[1]])[0] == pytest.approx(123.0)
    assert terrain.provenance_at(*SHESHAN).source.startswith("survey.tif")
    assert float(terrain.elevation.sample([120.2], [30.9])[0]) == pytest.approx(before_far)
    assert terrain.provenance_at(120.2, 30.9) is terrain.provenance


def test_netcdf_bathymetry_replaces_the_synthetic_sea_floor(ws, tmp_path):
    """A GEBCO-style NetCDF with depths (−45 m) over the sea east of Zhoushan: the sea floor there is −45 m and
    real (from the file); land and the sea elsewhere keep their sources; a file covering the whole sea makes
    the bathymetry real."""
    path = write_netcdf(tmp_path / "gebco.nc", 122.4, 30.2, 122.8, 30.6, 1 / 240, lambda lo, la: -45.0 + 0 * lo)
    line = ws.open_dem(path)
    assert "gebco.nc" in line
    terrain = ws.scene.layer("terrain")
    assert terrain.elevation.sample([OFFSHORE[0]], [OFFSHORE[1]])[0] == pytest.approx(-45.0)
    prov = terrain.provenance_at(*OFFSHORE)
    assert prov.nature == "real" and prov.source.startswith("gebco.nc")
    assert terrain.provenance_at(123.1, 29.0).nature == "synthetic"  # sea outside the file
    assert terrain.bathymetry_provenance.nature == "synthetic" and "gebco.nc" in terrain.bathymetry_provenance.notes
    whole = write_netcdf(tmp_path / "all.nc", 118.9, 28.7, 123.3, 32.9, 1 / 60,
                         lambda lo, la: np.where(lo > 122.0, -30.0, 5.0))
    ws.open_dem(whole)
    assert ws.scene.layer("terrain").bathymetry_provenance.nature == "real"


def test_a_scenario_follows_the_imported_terrain(ws, tmp_path):
    """Raising the land of Chongming to 10 m removes its flooding at +2 m."""
    first = ws.set_sea_level(2.0)
    before = {r.name: r.flooded_km2 for r in first.rows}
    path = write_netcdf(tmp_path / "chongming.nc", 121.15, 31.4, 122.05, 31.9, 1 / 240,
                        lambda lo, la: np.full(lo.shape, 10.0))
    ws.open_dem(path)
    second = ws.inundation(2.0)
    after = {r.name: r.flooded_km2 for r in second.rows}
    assert after["Shanghai"] < before["Shanghai"] - 50
    assert second.unknown_km2 < first.unknown_km2  # the file gives heights where the bundled DEM had none
    assert [lyr.level_m for lyr in ws.scene.layers if lyr.role == "inundation"] == [2.0]


def test_hostile_dems_are_one_line(ws, tmp_path):
    nan_only = write_utm_tif(tmp_path / "nan.tif", fill=np.full((600, 600), np.nan, dtype=np.float32))
    with pytest.raises(YdtwinError, match="no elevation values"):
        ws.open_dem(nan_only)
    huge = tmp_path / "huge.tif"
    with rasterio.open(huge, "w", driver="GTiff", width=100_000, height=100_000, count=1, dtype="int16",
                       crs="EPSG:4326", transform=from_origin(120, 31, 1e-5, 1e-5), tiled=True,
                       sparse_ok=True):
        pass
    assert huge.stat().st_size < 10_000_000
    with pytest.raises(YdtwinError, match="claims 100000×100000 cells"):
        ws.open_dem(huge)
    # UTM coordinates labelled as degrees: nowhere on Earth / outside the region
    wrong = tmp_path / "wrong.tif"
    with rasterio.open(wrong, "w", driver="GTiff", width=50, height=50, count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(300_000, 3_450_000, 30, 30)) as dst:
        dst.write(np.ones((50, 50), dtype=np.float32), 1)
    with pytest.raises(YdtwinError) as exc:
        ws.open_dem(wrong)
    assert "wrong.tif" in str(exc.value) and "\n" not in str(exc.value)
    no_crs = tmp_path / "nocrs.tif"
    with rasterio.open(no_crs, "w", driver="GTiff", width=50, height=50, count=1, dtype="float32",
                       transform=from_origin(121, 31, 0.01, 0.01)) as dst:
        dst.write(np.ones((50, 50), dtype=np.float32), 1)
    with pytest.raises(YdtwinError, match="no coordinate system"):
        ws.open_dem(no_crs)
    text = tmp_path / "notes.tif"
    text.write_text("not a raster")
    with pytest.raises(YdtwinError, match="notes.tif"):
        ws.open_dem(text)
    assert ws.scene.layer("terrain").imported == ()  # nothing half-merged


def test_real_aster_heights_merge_as_cell_averages(ws, tmp_path, shared_fixtures):
    """138k real ASTER GDEM heights around Suzhou (20″ spacing), written as a GeoTIFF with no-data between
    them: every region cell they cover takes the average of the ASTER heights in it (within 1 m, the warp
    weights by overlap), and names the file as its source; cells they do not cover keep the bundled DEM."""
    import json

    doc = json.loads((shared_fixtures / "dem" / "suzhou_aster_dem_points.json").read_text())
    pts = np.asarray(doc["points"], dtype=float)
    step = 1 / 180
    ix = np.round((pts[:, 0] - 119.0) / step).astype(int)
    iy = np.round((33.0 - pts[:, 1]) / step).astype(int)  # row 0 at 33° N
    data = np.full((iy.max() + 1, ix.max() + 1), -9999.0, dtype=np.float32)
    data[iy, ix] = pts[:, 2]
    path = tmp_path / "aster.tif"
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype="float32", crs="EPSG:4326", nodata=-9999.0,
                       transform=from_origin(119.0 - step / 2, 33.0 + step / 2, step, step)) as dst:
        dst.write(data, 1)
    before = ws.scene.layer("terrain").elevation.values.copy()
    ws.open_dem(path)
    terrain = ws.scene.layer("terrain")
    g = terrain.elevation
    # what each region cell should hold: the ASTER heights under its 30″ cell weighted by their overlap
    ny, nx = g.shape
    lon_c = g.x0 + np.arange(nx) * g.dx
    lat_c = g.y0 + np.arange(ny) * g.dy
    col_i, col_w = _overlaps(lon_c, g.dx, 119.0, step)
    row_i, row_w = _overlaps(33.0 - lat_c, g.dy, 0.0, step)  # ASTER rows count down from 33° N
    valid = data != -9999.0
    num = np.zeros((ny, nx))
    den = np.zeros((ny, nx))
    for a in range(row_i.shape[1]):
        for b in range(col_i.shape[1]):
            r = np.clip(row_i[:, a], 0, data.shape[0] - 1)[:, None]
            c = np.clip(col_i[:, b], 0, data.shape[1] - 1)[None, :]
            ok = valid[r, c] & ((row_i[:, a] >= 0) & (row_i[:, a] < data.shape[0]))[:, None] \
                & ((col_i[:, b] >= 0) & (col_i[:, b] < data.shape[1]))[None, :]
            w = row_w[:, a][:, None] * col_w[:, b][None, :] * ok
            num += w * np.where(ok, data[r, c], 0.0)
            den += w
    # cells wholly under ASTER data: every overlapping 20″ cell has a height
    covered = (terrain.origin == 1) & (den >= 0.999 * (g.dx / step) * (g.dy / step))
    full = covered.ravel()
    assert full.sum() > 10_000
    expected = (num / np.where(den > 0, den, 1)).ravel()[full]
    merged = g.values.ravel()[full]
    assert float(np.median(np.abs(merged - expected))) < 0.05
    assert float(np.percentile(np.abs(merged - expected), 99)) < 0.5
    j, i = np.unravel_index(np.flatnonzero(full)[0], g.shape)
    assert terrain.provenance_at(g.x0 + i * g.dx, g.y0 + j * g.dy).source.startswith("aster.tif")
    untouched = terrain.origin == 0
    assert np.array_equal(g.values[untouched], before[untouched])


def _overlaps(centres, size, origin, step):
    """For cells of ``size`` at ``centres`` along one axis: the indices of the source cells (width ``step``,
    centred on origin + k·step) they overlap and the overlap as a share of one source cell → (n, 4), (n, 4)."""
    first = np.floor((centres - size / 2 - origin) / step + 0.5).astype(int)
    idx = first[:, None] + np.arange(4)[None, :]
    lo = np.maximum(centres[:, None] - size / 2, origin + (idx - 0.5) * step)
    hi = np.minimum(centres[:, None] + size / 2, origin + (idx + 0.5) * step)
    return idx, np.clip(hi - lo, 0.0, None) / step


@pytest.mark.render
def test_rendered_attribution_names_imported_dems(ws, tmp_path):
    """Stills credit the imported DEM beside the bundled sources."""
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.render.scene_view import SceneView

    ws.open_dem(write_utm_tif(tmp_path / "survey.tif"))
    plotter = pv.Plotter(off_screen=True, window_size=[320, 200])
    view = SceneView(ws.scene, plotter, request_render=lambda: None)
    try:
        data_line = view.attribution().splitlines()[-1]
        assert "survey.tif" in data_line and "meteva" in data_line
    finally:
        view.close()
        plotter.close()


def test_info_describes_a_dem_without_reading_its_cells(tmp_path, capsys):
    """`ydtwin info` on a GeoTIFF DEM: kind, cells, CRS and WGS84 bounds; a broken one is one line, exit 2."""
    from ydtwin.cli import main

    path = write_utm_tif(tmp_path / "survey.tif")
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "DEM raster" in out and "360,000" in out and "EPSG:32651" in out and "121.09405 E 31.01748 N" in out
    (tmp_path / "broken.tif").write_bytes(b"II*\x00garbage")
    assert main(["info", str(tmp_path / "broken.tif")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "broken.tif" in err
