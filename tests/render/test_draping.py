"""Draped vectors stay in front of the terrain they lie on: no land showing through a lake's fill."""

import numpy as np
import pytest
import shapely

pytestmark = pytest.mark.render


def _lake_pixels(region_data, fill_offset, monkeypatch) -> tuple[float, int]:
    """Share of points well inside the region's largest lake whose pixel has the lake's colour (Suzhou view)."""
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    import ydtwin.render.visuals as visuals
    from ydtwin.model.scene import Scene
    from ydtwin.render.scene_view import SceneView

    monkeypatch.setattr(visuals, "DRAPED_FILL_OFFSET", fill_offset)
    region, layers = region_data
    scene = Scene(region)
    lakes = next(layer for layer in layers if layer.name == "Lakes")
    for layer in layers:
        if layer.name in ("Terrain", "Lakes"):
            scene.add(layer)
    w, h = 1200, 675
    plotter = pv.Plotter(off_screen=True, window_size=[w, h], lighting=None)
    view = SceneView(scene, plotter, request_render=lambda: None)
    view.set_view("Suzhou")
    plotter.screenshot(return_img=True)  # the first call opens the window
    plotter.render()
    image = plotter.screenshot(return_img=True)[..., :3].astype(float) / 255.0

    # the largest lake (Taihu) in scene metres, 1.5 km in from its shore, sampled on a 600 m grid
    geoms = shapely.transform(lakes.data.geometries, lambda c: np.column_stack(
        scene.projection.to_scene(c[:, 0], c[:, 1], lakes.data.crs)))
    lake = max(shapely.get_parts(geoms), key=lambda g: g.area).buffer(-1500.0)
    x0, y0, x1, y1 = lake.bounds
    gx, gy = np.meshgrid(np.arange(x0, x1, 600.0), np.arange(y0, y1, 600.0))
    inside = shapely.contains_xy(lake, gx, gy)
    px, py = gx[inside], gy[inside]
    pz = view.ctx.surface.z(px, py, lakes.style.drape_offset * 0.5)
    ren = plotter.renderer
    hits = []
    for p in zip(px, py, pz, strict=True):
        ren.SetWorldPoint(*p, 1.0)
        ren.WorldToDisplay()
        dx, dy, _ = ren.GetDisplayPoint()
        col, row = int(round(dx)), h - 1 - int(round(dy))
        if 0 <= col < w and 0 <= row < h:
            hits.append(np.abs(image[row, col] - np.array(lakes.style.color)).max() < 0.06)
    view.close()
    plotter.close()
    return float(np.mean(hits)), len(hits)


def test_lake_fill_hides_the_terrain_under_it(region_data, monkeypatch):
    import ydtwin.render.visuals as visuals

    share, n = _lake_pixels(region_data, visuals.DRAPED_FILL_OFFSET, monkeypatch)
    print(f"lake colour at {share * 100:.2f} % of {n} points")
    assert n > 500  # the lake is on screen, densely sampled
    assert share > 0.995, f"{(1 - share) * 100:.1f} % of the lake shows something else"


def test_without_the_offset_the_terrain_shows_through(region_data, monkeypatch):
    """The check above can fail: with no depth offset, coarse terrain blocks pierce the fill."""
    share, _n = _lake_pixels(region_data, (0.0, 0.0), monkeypatch)
    print(f"without the offset: lake colour at {share * 100:.2f} %")
    assert share < 0.99
