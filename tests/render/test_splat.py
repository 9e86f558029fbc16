"""Points splatted on the CPU (software GL) land where VTK would draw them, with VTK's depth: a point behind a
tower is hidden by it, one in front of it hides it, and a cloud splatted looks like the same cloud drawn as VTK
point actors."""

import numpy as np
import pytest

pytestmark = pytest.mark.render
CAMERA = [(1400.0, -600.0, 700.0), (500.0, 500.0, 0.0), (0.0, 0.0, 1.0)]


@pytest.fixture()
def plotter():
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    theme = pv.themes.Theme()
    theme.multi_samples = 0
    p = pv.Plotter(off_screen=True, window_size=[640, 400], theme=theme)
    p.add_mesh(pv.Plane(center=(500, 500, 0), i_size=1200, j_size=1200), color="tan")
    # a tower 200 × 200 × 400 m
    p.add_mesh(pv.Cube(center=(500, 500, 200), x_length=200, y_length=200, z_length=400), color="steelblue")
    p.camera_position = CAMERA
    yield p
    p.close()


def _splat(plotter, xyz, rgb, origin=(0.0, 0.0, 0.0), size=5):
    from ydtwin.render.splat import SplatLayer

    origin = np.asarray(origin, dtype=float)
    local = (np.asarray(xyz, dtype=float) - origin).astype(np.float32)
    lo, hi = xyz.min(axis=0), xyz.max(axis=0)
    layer = SplatLayer(plotter, (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]), point_size=size, name="splat-test")
    layer.set_tiles([(local, np.asarray(rgb, dtype=np.uint8), origin)])
    return layer


def _display(plotter, xyz):
    ren = plotter.renderer
    ren.SetWorldPoint(*(float(v) for v in xyz), 1.0)
    ren.WorldToDisplay()
    return ren.GetDisplayPoint()


def test_a_tower_hides_the_point_behind_it_and_not_the_one_in_front(plotter):
    behind, front = np.array([300.0, 750.0, 100.0]), np.array([550.0, 350.0, 200.0])
    # tile coordinates far from the origin: the float64 origin carries the offset
    layer = _splat(plotter, np.array([behind, front]), [[255, 0, 0], [0, 255, 0]], origin=(250.0, 300.0, 0.0))
    plotter.show(auto_close=False)
    img = plotter.screenshot(return_img=True)
    h = plotter.window_size[1]
    bx, by, _ = _display(plotter, behind)
    fx, fy, fz = _display(plotter, front)
    assert tuple(img[h - 1 - int(fy), int(fx)]) == (0, 255, 0)  # in front of the tower: drawn
    hidden = img[h - 1 - int(by), int(bx)]
    assert hidden[0] < 100 and hidden[2] > 60  # behind it: the tower's blue-grey, not red
    # the depth written is VTK's depth of that point (24-bit steps between the frame's nearest and farthest)
    z = plotter.render_window.GetZbufferDataAtPoint(int(fx), int(fy))
    assert z == pytest.approx(fz, abs=2e-5)
    assert layer.points_splatted == 2
    # identify: the pixel of the green point gives it back, with its distance along the view axis
    tile, i, distance = layer.pick(int(fx), int(fy))
    assert (tile, i) == (0, 1)
    eye = np.array(plotter.camera.position)
    axis = np.array(plotter.camera.focal_point) - eye
    assert distance == pytest.approx(float((front - eye) @ axis / np.linalg.norm(axis)), rel=1e-5)
    layer.detach()


def test_a_splatted_cloud_looks_like_the_same_cloud_drawn_by_vtk(plotter):
    import pyvista as pv

    rng = np.random.default_rng(3)
    n = 30_000
    xyz = np.column_stack([rng.uniform(0, 1000, n), rng.uniform(0, 1000, n), rng.uniform(0, 80, n)])
    rgb = np.tile(np.array([[230, 64, 51]], np.uint8), (n, 1))
    plotter.show(auto_close=False)
    bare = plotter.screenshot(return_img=True).astype(int)
    layer = _splat(plotter, xyz, rgb, origin=(500.0, 500.0, 0.0), size=2)
    plotter.render()
    splatted = plotter.screenshot(return_img=True).astype(int)
    layer.actor.SetVisibility(False)
    cloud = pv.PolyData(xyz)
    cloud.point_data["rgb"] = rgb
    plotter.add_mesh(cloud, scalars="rgb", rgb=True, point_size=2, lighting=False, reset_camera=False)
    plotter.render()
    drawn = plotter.screenshot(return_img=True).astype(int)
    a = np.abs(splatted - bare).max(axis=2) > 30
    b = np.abs(drawn - bare).max(axis=2) > 30
    assert a.sum() > 10_000 and b.sum() > 10_000
    assert (a & b).sum() / (a | b).sum() > 0.85  # the same pixels (within rasterisation rounding)
    assert 0.9 < a.sum() / b.sum() < 1.1
    layer.detach()
