"""Buildings on screen: they show, they are coloured by attribute, a click picks the right one, LOD works."""

import numpy as np
import pytest
import shapely

pytestmark = pytest.mark.render

LON, LAT = 120.585, 31.262  # open ground south of Suzhou's centre


@pytest.fixture(scope="module")
def plotter_scene(region_data):
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.model.buildings import BuildingsData, BuildingsLayer
    from ydtwin.model.layer import Provenance
    from ydtwin.model.scene import Scene
    from ydtwin.render.scene_view import SceneView

    region, layers = region_data
    scene = Scene(region)
    for layer in layers:
        scene.add(layer)
    d = 0.0012  # ~120 m squares
    geoms = np.array([shapely.box(LON + i * 0.003, LAT, LON + i * 0.003 + d, LAT + d) for i in range(3)], dtype=object)
    data = BuildingsData.from_geometries(
        geoms, height=np.array([300.0, 150.0, 60.0]), crs="EPSG:4326",
        attributes={"name": np.array(["west", "middle", "east"], dtype=object),
                    "use": np.array(["office", "hotel", "office"], dtype=object)},
    )
    layer = BuildingsLayer("test towers", data, provenance=Provenance("test", "CC0", nature="synthetic"),
                           color_by="use")
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    from ydtwin.geo.lod import TriangleBudget

    plotter = pv.Plotter(off_screen=True, window_size=[800, 600], theme=theme, lighting=None)
    # a fixed budget (as for stills): the selection depends on the view only, not on this box's frame times
    view = SceneView(scene, plotter, request_render=plotter.render, budget=TriangleBudget.fixed(5_000_000))
    view.set_view(f"{LON - 0.01},{LAT - 0.008},{LON + 0.016},{LAT + 0.01}")
    before = plotter.screenshot(return_img=True)
    scene.add(layer)
    after = plotter.screenshot(return_img=True)
    yield scene, view, plotter, layer, before, after
    scene.layers.remove(layer)  # restores the shared procedural layer's mask
    view.close()
    plotter.close()


def _display_xy(plotter, lon, lat, z, scene):
    x, y = scene.projection.to_scene(lon, lat)
    ren = plotter.renderer
    ren.SetWorldPoint(float(x), float(y), float(z), 1.0)
    ren.WorldToDisplay()
    dx, dy, _ = ren.GetDisplayPoint()
    return int(round(dx)), int(round(dy))


def test_buildings_change_the_picture_in_their_colours(plotter_scene):
    scene, view, plotter, layer, before, after = plotter_scene
    assert after.std() > 10  # not a blank frame
    diff = np.abs(after.astype(int) - before.astype(int)).sum(axis=2) > 40
    assert diff.sum() > 500
    # the first two categories of the palette colour the towers: office (2 of 3) then hotel
    from ydtwin.render.buildings import CATEGORY_COLOURS

    changed = after[diff].astype(float) / 255
    office = np.linalg.norm(changed - CATEGORY_COLOURS[0], axis=1) < 0.35
    assert office.sum() > 100
    assert ("use: office", tuple(CATEGORY_COLOURS[0])) in view.visuals[layer.id].legend_entries()


def test_click_picks_the_building_under_the_cursor(plotter_scene):
    scene, view, plotter, layer, _before, _after = plotter_scene
    for i, name in enumerate(["west", "middle", "east"]):
        h = layer.data.height[i]
        x, y = _display_xy(plotter, LON + i * 0.003 + 0.0006, LAT + 0.0006, h * 0.6, scene)
        info = view.pick(x, y)
        assert info is not None and info["name"] == name, (name, info)
        assert info["height_m"] == h and info["height_rule"] == "explicit"
    corner = view.pick(5, 5)  # the view's corner: terrain or a procedural block, not a test tower
    assert corner is None or corner.get("layer") != "test towers"


def test_colour_by_height_gives_a_scalar_bar(plotter_scene):
    scene, view, plotter, layer, _before, _after = plotter_scene
    layer.color_by = "height"
    img = plotter.screenshot(return_img=True)
    assert view.visuals[layer.id].scalar_bar() is not None
    assert any("test towers: height" in str(k) for k in plotter.scalar_bars.keys())
    assert img.std() > 10
    with pytest.raises(ValueError, match="no attribute"):
        layer.color_by = "nonsense"
    layer.color_by = "use"


def test_procedural_blocks_use_aggregates_from_afar_and_full_detail_close_up(plotter_scene):
    scene, view, plotter, layer, _before, _after = plotter_scene
    blocks = scene.layer("procedural-blocks")
    visual = view.visuals[blocks.id]
    view.set_view("region")
    plotter.render()
    far = list(visual.selected)
    assert far and sum(detail == "aggregate" for _, detail in far) > 0.8 * len(far)
    far_tris = visual.drawn_triangles
    view.set_view("121.47,31.22,121.51,31.25")  # central Shanghai
    plotter.render()
    assert any(detail == "full" for _, detail in visual.selected)
    full_all = sum(t.n_triangles for (n, d), t in visual.tiles.items() if d == "full")
    assert far_tris * 5 < full_all
    assert visual.drawn_triangles < full_all  # culled: only what the view needs


def test_loaded_footprints_hide_the_procedural_blocks_under_them(plotter_scene):
    scene, view, plotter, layer, _before, _after = plotter_scene
    blocks = scene.layer("procedural-blocks")
    c = blocks.data.centres()
    x, y = scene.projection.to_scene(c[:, 0], c[:, 1])
    tx, ty = scene.projection.to_scene(LON, LAT)
    near = np.hypot(x - tx, y - ty) < 300
    assert blocks.hidden[near].all() if near.any() else True
    assert not blocks.hidden[np.hypot(x - tx, y - ty) > 2000].any()
    layer.replaces = "city"
    scene.update_replacements()
    suzhou = blocks.data.attributes["city"] == "Suzhou"
    assert blocks.hidden[suzhou].all() and not blocks.hidden[~suzhou].any()
    layer.replaces = "area"
    scene.update_replacements()


def test_every_tile_is_coloured_by_its_own_buildings(plotter_scene, monkeypatch):
    """With one building per quadtree leaf, each tower is its own tile (actors copied from a template):
    the 300 m tower takes the top of the colour ramp and the 60 m one the bottom."""
    from ydtwin.model.buildings import BuildingsData, BuildingsLayer
    from ydtwin.model.layer import Provenance
    from ydtwin.render.buildings import BuildingsVisual

    scene, view, plotter, _layer, _before, _after = plotter_scene
    monkeypatch.setattr(BuildingsVisual, "quadtree_max_items", 1)
    monkeypatch.setattr(BuildingsVisual, "lod_enabled", False)  # every leaf in full: three copied actors
    lon0, lat0, step, d = LON + 0.02, LAT - 0.02, 0.012, 0.002  # towers ~1.1 km apart: one leaf each
    geoms = np.array([shapely.box(lon0 + i * step, lat0, lon0 + i * step + d, lat0 + d) for i in range(3)],
                     dtype=object)
    data = BuildingsData.from_geometries(geoms, height=np.array([300.0, 150.0, 60.0]), crs="EPSG:4326")
    layer = BuildingsLayer("spread towers", data, provenance=Provenance("test", "CC0", nature="synthetic"),
                           color_by="height", replaces="none")
    scene.add(layer)
    try:
        visual = view.visuals[layer.id]
        assert len([k for k in visual.tiles if k[1] == "full"]) == 3
        view.set_view(f"{lon0 - 0.01},{lat0 - 0.01},{lon0 + 2 * step + 0.01},{lat0 + 0.01}")
        plotter.render()
        img = plotter.screenshot(return_img=True).astype(float)
        assert all(k[1] == "full" for k in visual.selected) and len(visual.selected) == 3
        h = plotter.window_size[1]
        colours = []
        for i in range(3):
            x, y = _display_xy(plotter, lon0 + i * step + d / 2, lat0 + d / 2, data.height[i] * 0.5, scene)
            colours.append(img[h - 1 - y, x])
        west, _middle, east = colours
        assert west[0] + west[1] > 2.5 * west[2], colours  # plasma's top: yellow
        assert east[2] > east[1] and east[2] > 0.8 * east[0], colours  # plasma's bottom: blue-violet
    finally:
        scene.layers.remove(layer)


def test_replacements_prepared_ahead_are_what_adding_the_layer_applies(plotter_scene):
    """A worker computes what a new layer will hide; adding it on the UI thread only applies the result."""
    from ydtwin.model.buildings import BuildingsData, BuildingsLayer
    from ydtwin.model.layer import Provenance

    scene, _view, _plotter, _layer, _before, _after = plotter_scene
    blocks = scene.layer("procedural-blocks")
    lon, lat = 120.65, 31.32  # central Suzhou: generated blocks stand there
    geoms = np.array([shapely.box(lon + i * 0.002, lat, lon + i * 0.002 + 0.001, lat + 0.001) for i in range(5)],
                     dtype=object)
    data = BuildingsData.from_geometries(geoms, height=np.full(5, 20.0), crs="EPSG:4326")
    extra = BuildingsLayer("extra", data, provenance=Provenance("test", "CC0", nature="synthetic"))
    before = blocks.hidden.copy()
    scene.prepare_replacements(extra)
    assert (blocks.hidden == before).all()  # preparing edits no layer
    computed = []
    original = scene.replacement_masks.__func__

    def spy(self, real, generated):
        computed.append(len(self._replacements))
        return original(self, real, generated)

    scene.replacement_masks = spy.__get__(scene)
    try:
        cached = len(scene._replacements)
        scene.add(extra)
        assert computed == [cached]  # the prepared entry was found: nothing new was computed
        assert len(scene._replacements) == cached
        assert blocks.hidden.sum() > before.sum()
        newly = blocks.hidden & ~before
        c = blocks.data.centres()[newly]
        assert (np.abs(c[:, 0] - lon) < 0.03).all() and (np.abs(c[:, 1] - lat) < 0.03).all()
    finally:
        del scene.replacement_masks
        scene.layers.remove(extra)
    assert (blocks.hidden == before).all()


def test_frames_are_lighter_while_the_host_is_busy(plotter_scene):
    scene, view, plotter, layer, _before, _after = plotter_scene
    from ydtwin.render.scene_view import BUSY_DETAIL

    plotter.renderer.SetUseFXAA(True)
    plotter.render()
    assert view.ctx.detail == 1.0 and plotter.renderer.GetUseFXAA()
    view.set_host_busy(True)
    plotter.render()
    assert view.ctx.detail == BUSY_DETAIL and not plotter.renderer.GetUseFXAA()
    view.set_host_busy(False)
    plotter.render()
    assert view.ctx.detail == 1.0 and plotter.renderer.GetUseFXAA()
    plotter.renderer.SetUseFXAA(False)
