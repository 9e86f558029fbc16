"""Point clouds on screen: a synthetic UTM 51N survey of a Suzhou block shows in place, its roofs in the ASPRS
building colour above its ground; classes can be hidden; colours by elevation give a colour bar; the point
budget holds; `ydtwin snapshot --layer cloud.laz --color-by classification` draws it headless."""


import numpy as np
import pytest

from conftest import run_cli
from las_synth import BUILDINGS, GROUND_Z, SW, write_cloud

pytestmark = pytest.mark.render
RED = np.array([230, 64, 51])  # ASPRS building (class 6) in ydtwin's palette
BROWN = np.array([168, 122, 76])  # ground (class 2)


@pytest.fixture(scope="module", params=["splat", "actors"])
def cloud_view(request, region_data, tmp_path_factory):
    """The block's cloud over the region, drawn the software-GL way (splatted on the CPU) and the GPU way
    (VTK point actors): every test here holds for both."""
    from ydtwin.render.backend import prepare_offscreen
    from ydtwin.render.points import PointsVisual

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.model.scene import Scene
    from ydtwin.render.scene_view import SceneView
    from ydtwin.workspace.layers import LayerRequest, read_layer

    region, layers = region_data
    scene = Scene(region)
    for layer in layers:
        scene.add(layer)
    path = write_cloud(tmp_path_factory.mktemp("las") / "block.laz", n_ground=80_000)
    loaded = read_layer(LayerRequest(path), scene=scene)
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=[800, 600], theme=theme, lighting=None)
    view = SceneView(scene, plotter, request_render=plotter.render)
    PointsVisual.draw_override = request.param
    try:
        scene.add(loaded.layer)
        view.set_view("block")
        assert view.visuals[loaded.layer.id].splatting == (request.param == "splat")
        yield scene, view, plotter, loaded.layer
    finally:
        PointsVisual.draw_override = None
    scene.layers.remove(loaded.layer)
    view.close()
    plotter.close()


def _utm_display(view, plotter, x_rel, y_rel, z_rel):
    """Display pixel of a point of the block (metres from its south-west corner, height above its ground)."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(32651, 4326, always_xy=True).transform(SW[0] + x_rel, SW[1] + y_rel)
    x, y = view.scene.projection.to_scene(np.array([lon]), np.array([lat]))
    visual = view.visuals[[k for k, v in view.visuals.items() if v.layer.kind == "pointcloud"][0]]
    # the tile's ground sits at its origin's height (its actor's position when points are VTK actors)
    ground = visual._splat.tiles[0][2][2] if visual._splat is not None else visual.actors[0].position[2]
    z = ground + z_rel
    ren = plotter.renderer
    ren.SetWorldPoint(float(x[0]), float(y[0]), float(z), 1.0)
    ren.WorldToDisplay()
    dx, dy, _ = ren.GetDisplayPoint()
    return int(round(dx)), int(round(plotter.window_size[1] - dy))


def _share_near(img, col, row, colour, r=6, tol=45):
    patch = img[max(row - r, 0):row + r + 1, max(col - r, 0):col + r + 1, :3].astype(int)
    return float((np.abs(patch - colour).max(axis=2) < tol).mean())


def test_cloud_shows_in_place_coloured_by_class(cloud_view):
    """The tall building's roof (42 m) is drawn in the building colour where it stands; open ground in the
    ground colour; the legend lists the three classes present; the procedural blocks under it are hidden."""
    scene, view, plotter, layer = cloud_view
    img = plotter.screenshot(return_img=True)
    x0, y0, x1, y1, h = BUILDINGS[0]
    col, row = _utm_display(view, plotter, (x0 + x1) / 2, (y0 + y1) / 2, h)
    assert _share_near(img, col, row, RED) > 0.25
    col, row = _utm_display(view, plotter, 150.0, 30.0, 0.0)  # open ground, south edge
    assert _share_near(img, col, row, BROWN) > 0.2
    assert _share_near(img, col, row, RED) == 0.0
    visual = view.visuals[layer.id]
    assert [name for name, _c in visual.legend_entries()] == ["ground", "high vegetation", "building"]
    blocks = scene.layer("procedural-blocks") if any(x.role == "procedural-blocks" for x in scene.layers) else None
    if blocks is not None:
        assert blocks.hidden.any()
    assert visual.points_drawn == len(layer.data)


def test_hiding_a_class_and_colouring_by_elevation(cloud_view):
    """Hiding class 6 takes the roofs away (the workspace-level toggle); elevation colours come with a colour
    bar over the cloud's heights; a cloud without colours refuses --color-by rgb."""
    scene, view, plotter, layer = cloud_view
    x0, y0, x1, y1, h = BUILDINGS[0]
    try:
        layer.set_class_visible(6, False)
        img = plotter.screenshot(return_img=True)
        col, row = _utm_display(view, plotter, (x0 + x1) / 2, (y0 + y1) / 2, h)
        assert _share_near(img, col, row, RED) < 0.02
        assert "building" not in [n for n, _c in view.visuals[layer.id].legend_entries()]
    finally:
        layer.set_class_visible(6, True)
    try:
        layer.color_by = "elevation"
        title, (lo, hi), _cmap = view.visuals[layer.id].scalar_bar()
        assert "elevation" in title and lo == pytest.approx(GROUND_Z, abs=0.5) and hi > GROUND_Z + 30
    finally:
        layer.color_by = "classification"
    with pytest.raises(ValueError, match="rgb"):
        layer.color_by = "rgb"


def test_point_budget_holds(cloud_view):
    """Over its budget the visual draws at most the budget, spread over the whole block."""
    from ydtwin.render.points import PointsVisual

    scene, view, plotter, layer = cloud_view
    visual = view.visuals[layer.id]
    try:
        PointsVisual.budget_override = 10_000
        visual.rebuild()
        assert 4_000 < visual.points_drawn <= 10_000 and visual.voxel_m > 0
        if visual.splatting:
            spans = [np.ptp(local, axis=0)[:2] for local, _rgb, _origin in visual._splat.tiles]
        else:
            spans = [np.ptp(np.asarray(a._ydtwin_mesh.points), axis=0)[:2] for a in visual.actors]
        assert max(s.max() for s in spans) > 250  # still covers the 300 m block
    finally:
        PointsVisual.budget_override = None
        visual.rebuild()


@pytest.mark.slow
def test_snapshot_cli_draws_a_cloud_by_class(tmp_path):
    """`ydtwin snapshot --layer cloud.laz --color-by classification` draws it headless; a colouring the cloud
    cannot have is one line and exit 2."""
    from PIL import Image

    path = write_cloud(tmp_path / "cloud.laz", n_ground=30_000)
    out = tmp_path / "cloud.png"
    proc = run_cli("snapshot", "--out", str(out), "--size", "640x400", "--layer", str(path), "--view", "cloud",
                   "--color-by", "classification", "--plugins", "none", no_display=True)
    assert proc.returncode == 0, proc.stderr
    assert "loaded cloud.laz: 3" in proc.stdout and "UTM zone 51N" in proc.stdout
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    assert (np.abs(img - RED).max(axis=2) < 40).sum() > 200
    proc = run_cli("snapshot", "--out", str(out), "--layer", str(path), "--color-by", "rgb", "--plugins", "none",
                   no_display=True)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "rgb" in proc.stderr


def test_budget_follows_the_renderer():
    """5 M points on a GPU, 1 M in software GL and when the renderer cannot be told yet."""
    from ydtwin.render.points import GPU_POINT_BUDGET, SOFTWARE_POINT_BUDGET, point_budget

    class Window:
        def __init__(self, report):
            self.report = report

        def ReportCapabilities(self):  # noqa: N802 - VTK's name
            return self.report

    gpu = "OpenGL vendor string:  NVIDIA Corporation\nOpenGL renderer string:  NVIDIA H200/PCIe/SSE2\n"
    soft = "OpenGL vendor string:  Mesa\nOpenGL renderer string:  llvmpipe (LLVM 15.0.6, 256 bits)\n"
    assert point_budget(Window(gpu)) == GPU_POINT_BUDGET == 5_000_000
    assert point_budget(Window(soft)) == SOFTWARE_POINT_BUDGET == 1_000_000
    assert point_budget(Window("")) == SOFTWARE_POINT_BUDGET


def test_shaded_points_are_lit_spheres(cloud_view):
    """Shading (instead of eye-dome lighting) draws the cloud's points as lit spheres, and only its points."""
    scene, view, plotter, layer = cloud_view
    try:
        layer.point_size = 4
        layer.shaded = True
        for actor in view.visuals[layer.id].actors:
            assert actor.prop.render_points_as_spheres and actor.prop.lighting and actor.prop.point_size == 4
    finally:
        layer.shaded = False
        layer.point_size = 2
    with pytest.raises(ValueError):
        layer.point_size = 50


def test_identify_a_point(cloud_view):
    """A click on the tall roof identifies a building-class point of the cloud, with its height."""
    scene, view, plotter, layer = cloud_view
    x0, y0, x1, y1, h = BUILDINGS[0]
    col, row = _utm_display(view, plotter, (x0 + x1) / 2, (y0 + y1) / 2, h)
    info = None
    for dx, dy in [(0, 0), (1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, -1), (2, 0), (0, 2)]:
        info = view.pick(col + dx, plotter.window_size[1] - (row + dy), highlight=False)
        if info is not None:
            break
    assert info is not None and info["layer"] == "block" and info["class"] == "6 building"
    assert info["elevation_m"] == pytest.approx(GROUND_Z + h, abs=0.3)


def test_a_moving_camera_draws_an_even_share_then_the_whole_cloud(cloud_view):
    """While the camera moves, the cloud draws the share of its points the interactive budget allows (the
    largest 1/√2 step within it), from the same point arrays, still covering the block with its roofs in
    the building colour; the frame after the camera stops draws every point again."""
    from PIL import Image

    scene, view, plotter, layer = cloud_view
    visual = view.visuals[layer.id]
    whole = visual.points_drawn
    whole_mesh = None if visual.splatting else visual.actors[0]._ydtwin_mesh
    try:
        view.ctx.point_budget.points = whole // 5
        view.set_interacting(True)
        plotter.render()
        assert 0.7 * whole / 5 <= visual.points_shown <= whole / 5
        if visual.splatting:  # the first points of each tile (in random order: an even share of it)
            assert sum(visual._splat.counts) == visual.points_shown
            assert 0 < visual._splat.points_splatted <= visual.points_shown
            for (local, _rgb, _origin), count in zip(visual._splat.tiles, visual._splat.counts, strict=True):
                assert np.ptp(local[:count], axis=0)[:2].min() > 250  # the first share covers the 300 m block
        else:
            shown = [a for a in visual.actors if a.GetVisibility()]
            assert shown and all(a._ydtwin_mesh is not whole_mesh for a in shown)
            for actor in shown:  # one copy of the points: the lighter actor draws the first of the same array
                assert np.shares_memory(np.asarray(actor._ydtwin_mesh.points), np.asarray(whole_mesh.points))
                span = np.ptp(np.asarray(actor._ydtwin_mesh.points)[: actor._ydtwin_mesh.n_verts], axis=0)
                assert span[:2].min() > 250  # the first share covers the whole 300 m block
        img = np.asarray(Image.fromarray(plotter.screenshot(return_img=True)).convert("RGB")).astype(int)
        assert (np.abs(img - RED).max(axis=2) < 45).sum() > 50
        assert visual.triangles == 0  # points do not count against the buildings' triangle budget
    finally:
        view.set_interacting(False)
    plotter.render()
    assert visual.points_shown == whole
    if visual.splatting:
        assert visual._splat.counts == [len(t[0]) for t in visual._splat.tiles]
    else:
        assert [a for a in visual.actors if a.GetVisibility()] == [visual.actors[0]]


def test_clouds_shown_share_the_still_budget(cloud_view, tmp_path):
    """Two clouds, each thinned to the whole budget on its own: a still frame draws about half of each, the
    budget between them; hiding one gives the other its whole budget back."""
    from ydtwin.render.points import PointsVisual
    from ydtwin.workspace.layers import LayerRequest, read_layer

    scene, view, plotter, layer = cloud_view
    second = read_layer(LayerRequest(write_cloud(tmp_path / "second.laz", n_ground=20_000)), scene=scene).layer
    first = view.visuals[layer.id]
    try:
        PointsVisual.budget_override = 10_000
        first.rebuild()
        scene.add(second)
        other = view.visuals[second.id]
        plotter.render_window.Render()  # (pyvista's render() waits for a first show)
        assert first.points_drawn > 8_000 and other.points_drawn > 8_000  # each thinned to the budget alone
        shown = first.points_shown + other.points_shown
        assert 0.7 * 10_000 <= shown <= 10_000 and min(first.points_shown, other.points_shown) > 3_000
        second.visible = False
        plotter.render_window.Render()  # (pyvista's render() waits for a first show)
        assert first.points_shown == first.points_drawn and other.points_shown == 0
    finally:
        PointsVisual.budget_override = None
        if second in scene.layers:
            scene.layers.remove(second)
        first.rebuild()
        plotter.render_window.Render()  # (pyvista's render() waits for a first show)
