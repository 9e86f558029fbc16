"""A fine DEM on screen: its relief is drawn as detail tiles (visibly different from the 1 km terrain, with no
holes, seams or coarse cells showing through), fine near the camera and coarse far away; what stands on the
terrain takes the detail's heights; at the coast the sea surface lies over the detail's sea."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("rasterio")

from dem_synth import SHESHAN, hills, write_utm_tif  # noqa: E402

pytestmark = pytest.mark.render

HILLS_BOX = "121.05,31.0,121.33,31.2"  # the 18 km square of hills and the plain around it
NANHUI = (121.93, 30.90)  # the coast south-east of Shanghai


def _view(scene, size=(960, 540)):
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.geo.lod import TriangleBudget
    from ydtwin.render.export import EXPORT_BUDGET
    from ydtwin.render.scene_view import SceneView

    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=list(size), theme=theme, lighting=None)
    view = SceneView(scene, plotter, request_render=lambda: None, budget=TriangleBudget.fixed(EXPORT_BUDGET))
    return plotter, view


def _terrain_visual(view):
    return next(v for v in view.visuals.values() if v.layer.role == "terrain")


@pytest.fixture(scope="module")
def hills_ws(tmp_path_factory):
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    ws.open_dem(write_utm_tif(tmp_path_factory.mktemp("dem") / "hills.tif", fill=hills()))
    return ws


def test_fine_relief_is_drawn_without_holes(hills_ws, tmp_path):
    """The still over the hills: not blank, clearly different from the same view of the 1 km terrain (the hills'
    furrows), and no pixel of a hole or a seam (nothing in this scene is black; a crack between tiles or a
    coarse cell missing would show the background or an unlit face)."""
    from PIL import Image

    from ydtwin.workspace.terrain import terrain_layer, without_detail

    ws = hills_ws
    images, block_triangles = {}, {}
    fine = terrain_layer(ws.scene)
    for name, layer in (("coarse", without_detail(fine)), ("detail", fine)):
        ws.add_terrain(layer)
        plotter, view = _view(ws.scene)
        try:
            view.set_view(HILLS_BOX)
            images[name] = plotter.screenshot(str(tmp_path / f"hills_{name}.png"), return_img=True)[..., :3]
            terrain = _terrain_visual(view)
            assert (terrain.detail is not None and bool(terrain.detail.shown)) == (name == "detail")
            block_triangles[name] = sum(b[4][0] for b in terrain.blocks)
            if name == "detail":  # where the highest hill's top is on screen
                g = fine.detail.grids[0]
                j, i = np.unravel_index(np.nanargmax(g.levels[0]), g.levels[0].shape)
                ren = plotter.renderer
                ren.SetWorldPoint(g.x0 + i * g.spacing, g.y0 + j * g.spacing,
                                  float(g.levels[0][j, i]) * ws.scene.vertical_exaggeration, 1.0)
                ren.WorldToDisplay()
                dx, dy, _ = ren.GetDisplayPoint()
                peak = (int(round(539 - dy)), int(round(dx)))
        finally:
            view.close()
            plotter.close()
    ws.add_terrain(fine)
    a, b = images["coarse"].astype(int), images["detail"].astype(int)
    scene_rows = slice(60, 480)  # below the legend, above the attribution
    d = np.abs(a - b).sum(axis=2)[scene_rows]
    assert b[scene_rows].std() > 10  # not blank
    changed = d > 60
    assert changed.mean() > 0.01 and d.mean() > 2, (changed.mean(), d.mean())  # the hills change clearly
    # around the highest hill the detail draws its furrows: far more pixel-to-pixel contrast than the 1 km hill
    row, col = peak
    box = (slice(row - 50, row + 50), slice(col - 70, col + 70))

    def contrast(img):
        grey = img.sum(axis=2).astype(float)[box]
        return np.abs(np.diff(grey, axis=0)).mean() + np.abs(np.diff(grey, axis=1)).mean()

    assert contrast(b) > 1.5 * contrast(a), (contrast(b), contrast(a))
    assert int((b[scene_rows].sum(axis=2) < 40).sum()) == 0  # no black pixel: no crack, no unlit skirt
    bg = np.array([0.10, 0.13, 0.20]) * 255
    assert int((np.abs(b[scene_rows] - bg).sum(axis=2) < 12).sum()) == 0  # no sky showing through the ground
    assert Image.open(tmp_path / "hills_detail.png").size == (960, 540)
    # the 1 km blocks lost their cells under the detail
    assert block_triangles["detail"] < block_triangles["coarse"]


def test_level_of_detail_fine_near_and_coarse_far(hills_ws):
    """Looking along the hills from low over their southern edge: the tiles near the camera are drawn at the
    finest level, the far ones coarser; from high above the whole square is a few coarse tiles."""
    ws = hills_ws
    plotter, view = _view(ws.scene, size=(320, 180))  # a small window: cells reach 3 px sooner
    try:
        x, y = ws.scene.projection.to_scene([SHESHAN[0]], [SHESHAN[1]])
        cam = plotter.camera
        cam.position = (x[0], y[0] - 9500.0, 900.0)
        cam.focal_point = (x[0], y[0] + 9000.0, 0.0)
        cam.up = (0.0, 0.0, 1.0)
        plotter.renderer.ResetCameraClippingRange()
        plotter.render_window.Render()
        detail = _terrain_visual(view).detail
        index = detail.indexes[0]
        shown = np.array([n for _g, n in detail.shown])
        levels = index.level[shown]
        near = np.hypot(index.bounds[shown, 0:2].mean(axis=1) - x[0], index.bounds[shown, 2:4].mean(axis=1)
                        - (y[0] - 9500.0))
        assert levels[np.argmin(near)] == 0
        assert levels.max() >= 2
        assert levels[np.argmax(near)] > 0
        cam.position = (x[0], y[0] - 1.0, 400_000.0)
        cam.focal_point = (x[0], y[0], 0.0)
        plotter.renderer.ResetCameraClippingRange()
        plotter.render_window.Render()
        far = index.level[np.array([n for _g, n in detail.shown])]
        assert far.min() >= len(index.grid.levels) - 2
    finally:
        view.close()
        plotter.close()


def test_what_stands_on_the_terrain_takes_the_detail_heights(hills_ws):
    """The view's surface (buildings, draped lines, point clouds stand on it) gives the drawn detail height on a
    hill, where the 1 km grid alone would put things tens of metres lower."""
    ws = hills_ws
    plotter, view = _view(ws.scene)
    try:
        surface = view.ctx.surface
        detail = ws.scene.layer("terrain").detail
        g = detail.grids[0]
        j, i = np.unravel_index(np.nanargmax(g.levels[0]), g.levels[0].shape)
        x, y = np.array([g.x0 + i * g.spacing]), np.array([g.y0 + j * g.spacing])
        top = float(g.levels[0][j, i])
        assert top > 150
        exag = ws.scene.vertical_exaggeration
        assert surface.z(x, y, 0.0)[0] == pytest.approx(top * exag, rel=1e-4)
        lon, lat = ws.scene.projection.from_scene(x, y)
        assert ws.scene.layer("terrain").elevation.sample(lon, lat)[0] < top - 40
    finally:
        view.close()
        plotter.close()


def _coast_dem(path, scene, size=400, res=30.0):
    """A 12 km square at the Nanhui coast: land (inside the region's coastline) 3–5 m, the sea −5 m."""
    import shapely
    from pyproj import Transformer

    cx, cy = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True).transform(*NANHUI)
    xs = cx - size * res / 2 + (np.arange(size) + 0.5) * res
    ys = cy + size * res / 2 - (np.arange(size) + 0.5) * res
    xx, yy = np.meshgrid(xs, ys)
    lon, lat = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True).transform(xx, yy)
    land = shapely.contains_xy(shapely.union_all(scene.layer("coast").data.geometries), lon, lat)
    z = np.where(land, 3.0 + np.sin(xx / 300.0) * np.cos(yy / 250.0), -5.0).astype(np.float32)
    return write_utm_tif(path, fill=z, size=size, res=res, centre=NANHUI), lon, lat, land


def test_the_sea_surface_lies_over_the_detail_sea_at_the_coast(tmp_path):
    """A 30 m DEM across the coast: seen from above, the detail's sea is under the sea surface (sea blue, also in
    the grid cells the 1 km land mask calls land) and its land is land-green."""
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=[])
    for layer in ws.scene.layers:  # the terrain and its sea only, so that probes see nothing else
        layer.visible = layer.role == "terrain"
    path, lon, lat, land = _coast_dem(tmp_path / "coast.tif", ws.scene)
    ws.open_dem(path)
    terrain = ws.scene.layer("terrain")
    assert terrain.detail.sea.any()
    plotter, view = _view(ws.scene, size=(800, 800))
    try:
        view.set_map(True, f"{NANHUI[0] - 0.06},{NANHUI[1] - 0.05},{NANHUI[0] + 0.06},{NANHUI[1] + 0.05}")
        img = plotter.screenshot(str(tmp_path / "coast.png"), return_img=True)[..., :3].astype(int)
        ren = plotter.renderer
        g = terrain.elevation
        # probes a few cells from the coast on either side, inside the DEM
        inner = np.zeros_like(land)
        inner[40:-40, 40:-40] = True
        k = 8  # 240 m from any post of the other kind
        near_sea = inner.copy()
        near_land = inner.copy()
        for dj in range(-k, k + 1, 2):
            for di in range(-k, k + 1, 2):
                shifted = np.roll(np.roll(land, dj, axis=0), di, axis=1)
                near_sea &= ~shifted
                near_land &= shifted
        rgb = {}
        for name, mask in (("sea", near_sea), ("land", near_land)):
            pick = np.flatnonzero(mask.ravel())[:: max(int(mask.sum()) // 40, 1)]
            x, y = ws.scene.projection.to_scene(lon.ravel()[pick], lat.ravel()[pick])
            out = []
            for px, py in zip(x, y, strict=True):
                ren.SetWorldPoint(px, py, 0.0, 1.0)
                ren.WorldToDisplay()
                dx, dy, _ = ren.GetDisplayPoint()
                out.append(img[int(round(799 - dy)), int(round(dx))])
            rgb[name] = np.array(out)
        sea, green = rgb["sea"], rgb["land"]
        assert len(sea) >= 10 and len(green) >= 10
        assert (sea[:, 2] > sea[:, 1]).all() and (sea[:, 2] > sea[:, 0] + 30).all()  # water
        assert (green[:, 1] > green[:, 2]).all()  # land
        # some of the sea probes lie in cells the 1 km land mask calls land: the detail's coast, not the grid's
        ci = np.round((lon - g.x0) / g.dx).astype(int)
        cj = np.round((lat - g.y0) / g.dy).astype(int)
        assert terrain.land_mask[cj[near_sea], ci[near_sea]].any()
    finally:
        view.close()
        plotter.close()


def test_tiles_come_in_slices_when_the_host_can_defer(hills_ws, monkeypatch):
    """In the window a frame makes new tiles for a few milliseconds only: where a tile is not made yet its
    nearest coarser tile stands in (never both), the rest are made on later turns of the event loop, and a new
    frame is asked for when they are ready; that frame draws what the view asked for."""
    from ydtwin.render.terrain_detail import DetailTiles

    monkeypatch.setattr(DetailTiles, "CREATE_SLICE_S", 0.0)  # one tile a frame, one a turn
    ws = hills_ws
    plotter, view = _view(ws.scene, size=(480, 270))
    turns, ready = [], []
    try:
        view.set_view(HILLS_BOX)
        view.ctx.defer = turns.append
        view.ctx.visual_ready = ready.append
        terrain = _terrain_visual(view)
        detail = terrain.detail
        detail.remove()  # start with nothing made
        detail._removed = False
        plotter.render_window.Render()
        index = detail.indexes[0]
        first = set(detail.shown)
        assert turns and not ready
        for _g, n in first:  # no tile drawn together with one of its ancestors
            k = index.parent[n]
            while k >= 0:
                assert (0, int(k)) not in first
                k = index.parent[k]
        while turns:
            turns.pop(0)()
        assert ready == [terrain]
        plotter.render_window.Render()
        assert not turns  # everything asked for is made
        chosen, _px = detail_selection(detail, plotter)
        assert set(detail.shown) == chosen
    finally:
        view.close()
        plotter.close()


def detail_selection(detail, plotter):
    """What the view asks for now, as (grid, tile) keys."""
    from ydtwin.geo.terrain_detail import select_within_budget
    from ydtwin.render.export import EXPORT_BUDGET
    from ydtwin.render.terrain_detail import DETAIL_SHARE, frame_camera

    ids, px = select_within_budget(detail.indexes, frame_camera(plotter.renderer), int(EXPORT_BUDGET * DETAIL_SHARE))
    return {(g, int(n)) for g, sel in enumerate(ids) for n in sel}, px
