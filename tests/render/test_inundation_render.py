"""A sea-level scenario on screen: flooded land is drawn as water at the level, low land inland that the sea
cannot reach stays land, and the sea surface is at the level (× exaggeration)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.render

BOX = (120.0, 31.7, 120.3, 31.9)  # west of Wuxi: land under +3 m both connected to the sea and cut off from it


@pytest.fixture(scope="module")
def flooded_view(region_data):
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.model.scene import Scene
    from ydtwin.render.scene_view import SceneView
    from ydtwin.workspace import Workspace

    region, layers = region_data
    scene = Scene(region)
    for layer in layers:
        scene.add(layer)
    shown = {layer.id: layer.visible for layer in layers}  # the region's layers are shared by other tests
    for layer in scene.layers:  # only the terrain, the sea and the flood, so that probes see nothing else
        layer.visible = layer.role == "terrain"
    ws = Workspace(scene, plugin_names=[])
    result = ws.set_sea_level(3.0)
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=[960, 640], theme=theme, lighting=None)
    view = SceneView(scene, plotter, request_render=lambda: None)
    view.set_map(True, ",".join(str(v) for v in BOX))
    img = plotter.screenshot(return_img=True)
    yield scene, view, plotter, img, result
    view.close()
    plotter.close()
    for layer in layers:
        layer.visible = shown[layer.id]


def _cells(result, mask):
    """lon/lat of the cells of ``mask`` inside BOX whose 3 × 3 neighbourhood is all in ``mask``."""
    g = result.grid
    ny, nx = g.shape
    m = mask.copy()
    core = m.copy()
    for dj in range(-1, 2):
        for di in range(-1, 2):
            core &= np.roll(np.roll(m, dj, axis=0), di, axis=1)
    j, i = np.nonzero(core)
    lon, lat = g.x0 + i * g.dx, g.y0 + j * g.dy
    inside = (lon > BOX[0] + 0.02) & (lon < BOX[2] - 0.02) & (lat > BOX[1] + 0.02) & (lat < BOX[3] - 0.02)
    return lon[inside], lat[inside]


def _rgb(plotter, scene, img, lon, lat, z):
    x, y = scene.projection.to_scene(lon, lat)
    ren = plotter.renderer
    ren.SetWorldPoint(float(x), float(y), float(z), 1.0)
    ren.WorldToDisplay()
    dx, dy, _ = ren.GetDisplayPoint()
    row, col = int(round(plotter.window_size[1] - 1 - dy)), int(round(dx))
    return img[row, col][:3].astype(int)


def test_flooded_land_is_water_and_cut_off_low_land_is_dry(flooded_view):
    scene, view, plotter, img, result = flooded_view
    terrain = scene.layer("terrain")
    low = terrain.land_mask & (terrain.elevation.values <= 3.0)
    wet_lon, wet_lat = _cells(result, result.flooded)
    dry_lon, dry_lat = _cells(result, low & ~result.flooded)
    assert len(wet_lon) >= 3 and len(dry_lon) >= 3  # the box holds both kinds
    z = 3.0 * scene.vertical_exaggeration
    for lon, lat in list(zip(wet_lon, wet_lat, strict=True))[:5]:
        r, g, b = _rgb(plotter, scene, img, lon, lat, z)
        assert b > g + 40 and b > r + 80, f"flooded land at {lon:.3f}, {lat:.3f} is water: {(r, g, b)}"
    for lon, lat in list(zip(dry_lon, dry_lat, strict=True))[:5]:
        r, g, b = _rgb(plotter, scene, img, lon, lat, 2.0 * scene.vertical_exaggeration)
        assert g > b and g > r, f"cut-off low land at {lon:.3f}, {lat:.3f} stays land: {(r, g, b)}"


def test_sea_surface_at_the_level(flooded_view):
    scene, view, _plotter, _img, _result = flooded_view
    terrain = next(v for v in view.visuals.values() if v.layer.role == "terrain")
    seas = [a for a in terrain._sea_actors if a is not None]
    assert seas and all(a.position[2] == pytest.approx(3.0 * scene.vertical_exaggeration) for a in seas)
    flood = next(v for v in view.visuals.values() if v.layer.role == "inundation")
    assert flood.actors and all(a.position[2] == pytest.approx(3.0 * scene.vertical_exaggeration)
                                for a in flood.actors)
    scene.sea_level = 0.0
    assert all(a.position[2] == 0.0 for a in seas)
    scene.sea_level = 3.0
