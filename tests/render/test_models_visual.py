"""3D models on screen: a textured model shows its texture, a coloured one its colour, standing in place; picking
a part gives its attributes (an IFC product's class and storey); the level drawn follows the triangle budget and
a still export draws the model whole."""

from __future__ import annotations

import numpy as np
import pytest

import model_synth as ms

pytestmark = pytest.mark.render
ANCHOR = (121.5047, 31.2336)


@pytest.fixture
def view_of(tmp_path):
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.io.region import read_region_file
    from ydtwin.model.scene import Scene
    from ydtwin.render.scene_view import SceneView
    from ydtwin.workspace.layers import LayerRequest, read_layer

    plotters = []

    def make(path, anchor: str | None):
        scene = Scene(read_region_file().region)  # the model alone: nothing in front of it
        loaded = read_layer(LayerRequest(path, anchor=anchor), scene=scene)
        scene.add(loaded.layer)
        theme = pv.themes.Theme()
        theme.multi_samples = 0
        plotter = pv.Plotter(off_screen=True, window_size=[640, 480], theme=theme, lighting=None)
        plotters.append(plotter)
        view = SceneView(scene, plotter, request_render=plotter.render)
        view.set_view(loaded.layer.name)
        plotter.render()
        return view, loaded.layer

    yield make
    for p in plotters:
        p.close()


def test_a_textured_model_shows_its_texture_where_it_stands(view_of, tmp_path):
    path = ms.write(tmp_path / "tower.gltf", ms.tower(textured=True))
    view, layer = view_of(path, f"{ANCHOR[0]},{ANCHOR[1]},0,heading=20")
    rgb = view.plotter.screenshot(return_img=True).astype(int)
    glass = (rgb[..., 2] > rgb[..., 0] + 40) & (rgb[..., 2] > 70) & (rgb[..., 1] < rgb[..., 2] - 20)  # its blue
    bands = (rgb.min(axis=2) > 90) & (np.ptp(rgb, axis=2) < 12)  # its pale floor bands, lit grey
    assert glass.mean() > 0.02 and bands.sum() > 50
    # the model is in the middle of the view it was framed in
    ys, xs = np.nonzero(glass)
    assert 0.2 < xs.mean() / rgb.shape[1] < 0.8


def test_picking_an_ifc_part_gives_its_class_and_storey(view_of, tmp_path):
    from ydtwin.render.models import ModelVisual

    path = ms.write_ifc(tmp_path / "walls.ifc")
    view, layer = view_of(path, f"{ANCHOR[0]},{ANCHOR[1]},0")
    visual = next(v for v in view.visuals.values() if isinstance(v, ModelVisual))
    actor = visual.levels[0][1][0]
    seen = {visual.describe_pick(actor, c)["storey"] for c in range(actor._ydtwin_mesh.n_cells)}
    assert seen == {"Level 0", "Level 1"}
    info = visual.describe_pick(actor, 0)
    assert info["ifc_class"] == "IfcWall" and info["model"] == "IFC" and len(info["global_id"]) == 22


def test_the_level_follows_the_budget_and_a_still_draws_it_whole(view_of, tmp_path):
    import trimesh

    from ydtwin.render.models import ModelVisual

    dome = trimesh.creation.icosphere(subdivisions=7, radius=60.0)  # 327,680 triangles
    dome.visual.face_colors = (200, 120, 60, 255)
    path = ms.write(tmp_path / "dome.glb", dome, up="y")
    view, layer = view_of(path, f"{ANCHOR[0]},{ANCHOR[1]},60")
    visual = next(v for v in view.visuals.values() if isinstance(v, ModelVisual))
    counts = [n for n, _a in visual.levels]
    assert len(counts) >= 3
    view.ctx.budget_shares = 1
    for budget, level in ((counts[2] + 1, 2), (counts[1] + 1, 1), (counts[0] + 1, 0), (10, len(counts) - 1)):
        view.ctx.budget.budget = budget  # the finest level within it (the coarsest when none fits)
        view.plotter.render_window.Render()
        assert visual.level == level and visual.triangles == counts[level]
        shown = [a.GetVisibility() for _n, actors in visual.levels for a in actors]
        assert sum(shown) == len(visual.levels[level][1])
    view.ctx.error_px_lock = {}  # a still export: the model whole, whatever the budget
    view.plotter.render_window.Render()
    assert visual.level == 0 and visual.triangles == counts[0]
