"""The scale bar: round lengths, and a bar whose pixels match the camera's metres per pixel."""

import pytest

from ydtwin.render.decorations import format_length, nice_length

pytestmark = pytest.mark.render


@pytest.mark.parametrize("limit, expected", [(0.7, 0.5), (1.0, 1.0), (3.9, 2.0), (7.2, 5.0), (160, 100), (2600, 2000),
                                              (48_000, 20_000)])
def test_nice_lengths(limit, expected):
    assert nice_length(limit) == pytest.approx(expected)


def test_format():
    assert format_length(500) == "500 m" and format_length(2000) == "2 km" and format_length(2500) == "2.5 km"


def test_bar_follows_the_camera(region_data):
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.model.scene import Scene
    from ydtwin.render.decorations import ScaleBar
    from ydtwin.render.scene_view import SceneView

    region, layers = region_data
    scene = Scene(region)
    for layer in layers[:2]:  # terrain and coast are enough
        scene.add(layer)
    plotter = pv.Plotter(off_screen=True, window_size=[800, 600])
    view = SceneView(scene, plotter, request_render=lambda: None)
    bar = ScaleBar(plotter.renderer)
    sizes = []
    for name in ("region", "Zhoushan", "121.47,31.22,121.51,31.25"):
        view.set_view(name)
        plotter.screenshot(return_img=True)  # the first call opens the window
        plotter.render()
        assert 0 < bar.length_px <= ScaleBar.MAX_PX
        assert bar.length_m == pytest.approx(bar.length_px * bar.metres_per_pixel(), rel=1e-6)
        sizes.append(bar.length_m)
    assert sizes[0] > sizes[1] > sizes[2]  # zooming in shortens the bar's ground length
    bar.remove()
    view.close()
    plotter.close()
