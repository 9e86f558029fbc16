"""The view's legend is the exports' legend (one painter): at most a fixed share of the view at any size, not
growing with the window, and laid out again when the window's size changes."""

import numpy as np
import pytest

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def workspace():
    from ydtwin.workspace import Workspace

    return Workspace.open()


@pytest.mark.parametrize("size", [(640, 360), (1280, 720), (2560, 1440)])
def test_legend_share_and_size(workspace, size):
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.render.overlay import LEGEND_MAX_SHARE
    from ydtwin.render.scene_view import SceneView

    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=list(size), theme=theme, lighting=None)
    view = SceneView(workspace.scene, plotter, request_render=lambda: None)
    try:
        view.set_view("region")
        img = plotter.screenshot(return_img=True)
        w, h = view._legend_actor.GetMapper().GetInput().GetDimensions()[:2]
        assert len(view._legend_rows) >= 10
        assert w * h <= LEGEND_MAX_SHARE * size[0] * size[1]
        assert h <= 300  # a fixed text size: a big window does not get a big legend
        # drawn at the top left: the legend's dark box is there, with light text on it
        m = view.LEGEND_MARGIN_PX
        box = img[m + 2:m + h - 2, m + 2:m + w - 2].astype(int)
        assert box.mean() < 90 and (box.min(axis=2) > 170).mean() > 0.01
        # resized: laid out again for the new size
        plotter.window_size = [size[0] // 2, size[1] // 2]
        plotter.render()
        assert view._legend_for == (size[0] // 2, size[1] // 2)
    finally:
        view.close()
        plotter.close()


def test_legend_image_keeps_to_its_share_with_many_rows():
    from ydtwin.render.overlay import LEGEND_MAX_SHARE, legend_image

    rows = [(f"theme {i}", (i / 40, 0.5, 1 - i / 40)) for i in range(40)]
    for frame in ((640, 360), (1920, 1080)):
        img = legend_image(rows, frame)
        assert img.shape[2] == 4 and img.shape[0] * img.shape[1] <= LEGEND_MAX_SHARE * frame[0] * frame[1]
    assert legend_image([], (640, 360)).size == 0
    assert np.asarray(legend_image(rows[:3], (640, 360)))[..., 3].max() > 200
