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
    # the credits at the bottom, wrapped to a narrow view, would run under the bar: it rises above them
    plotter.window_size = [520, 500]
    view.set_view("region")
    plotter.render()
    boxes = view.bottom_boxes()
    assert boxes and boxes[0][1] > 520 - ScaleBar.MARGIN_PX[0]  # the credits reach under the bar's place
    bar = ScaleBar(plotter.renderer, keep_clear_of=view.bottom_boxes)
    plotter.render()
    bar_y = bar.points.GetPoint(0)[1]
    assert bar_y - 5 > boxes[0][3]  # the bar's ticks clear the credits' top
    bar.remove()
    view.close()
    plotter.close()


def test_a_numeric_colouring_gets_a_colour_bar_in_exports():
    """`--color-by height` in a still: a colour bar from low to high with its title and values at the right,
    in the colormap the buildings use; the legend's swatches have a light edge that reads on the dark box."""
    import numpy as np

    from ydtwin.render.overlay import OverlayContent, OverlayOptions, draw_overlays

    base = np.full((540, 960, 3), 90, np.uint8)
    options = OverlayOptions(legend=True, scale_bar=False, north_arrow=False, labels=False, attribution=False)
    plain = draw_overlays(base.copy(), options, OverlayContent(legend=[("built", (0.1, 0.1, 0.1))]))
    barred = draw_overlays(base.copy(), options, OverlayContent(legend=[("built", (0.1, 0.1, 0.1))],
                                                                colour_bar=("fp: height", (10.0, 88.0), "plasma")))
    right = barred[:, 700:].astype(int)
    assert (plain[:, 700:] == 90).all() and (right != 90).any()
    yellow = (right[..., 0] > 220) & (right[..., 1] > 200) & (right[..., 2] < 80)  # plasma's high end
    purple = (right[..., 0] < 60) & (right[..., 2] > 120)  # plasma's low end
    ys_yellow, ys_purple = np.nonzero(yellow)[0], np.nonzero(purple)[0]
    assert len(ys_yellow) > 20 and len(ys_purple) > 20 and ys_yellow.mean() < ys_purple.mean()  # high on top
    # the dark swatch has a light edge (no label text here: the light pixels are the edge's)
    swatch = draw_overlays(base.copy(), options, OverlayContent(legend=[(" ", (0.1, 0.1, 0.1))]))
    assert (swatch[:100, :200] > 180).all(axis=-1).sum() > 20


@pytest.mark.parametrize("size", [(640, 360), (1280, 720), (3840, 2160)])
def test_the_legend_never_covers_more_than_its_share(size):
    """Thirteen long legend rows (every theme, status and nature of the region) cover at most
    LEGEND_MAX_SHARE of a 640×360 video frame or a 4K still; on a small frame the text shrinks first, then the
    last rows fold into "+N more"."""
    import numpy as np

    from ydtwin.render.overlay import LEGEND_MAX_SHARE, OverlayContent, OverlayOptions, draw_overlays

    w, h = size
    rows = [(f"Blue-green ecological corridors, theme {i}", (0.3 + 0.05 * i, 0.6, 0.4)) for i in range(13)]
    options = OverlayOptions(legend=True, scale_bar=False, north_arrow=False, labels=False, attribution=False)
    out = draw_overlays(np.full((h, w, 3), 90, np.uint8), options, OverlayContent(legend=rows))
    ys, xs = np.nonzero((out != 90).any(axis=-1))
    share = (ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1) / (w * h)
    assert 0.005 < share <= LEGEND_MAX_SHARE, share


def test_labels_in_exports_never_cover_one_another():
    """A pile of labels (findings at region zoom) keeps the first ones whole and leaves out those that would
    cover them; labels apart from each other are all kept."""
    import numpy as np

    from ydtwin.render.overlay import _overlaps, _Painter, place_labels

    p = _Painter((960, 540), 0.6)
    pile = [(480 + 6 * i, 270 + 4 * i, f"! offset at the border {i}", (1.0, 0.35, 0.25)) for i in range(12)]
    apart = [(100 + 180 * i, 80 + 90 * (i % 2), f"城市 {i}", (1.0, 1.0, 1.0)) for i in range(4)]
    kept = place_labels(p, apart + pile, (960, 540))
    assert [t for _xy, t, _c, _a in kept][:4] == [t for _x, _y, t, _c in apart]  # every separate label stays
    assert 1 <= len(kept) - 4 < len(pile)  # the pile shows its first label(s), not all twelve stacked
    rects = [p.text_rect(xy, t, 17, bold=True, anchor="mm", pad=4) for xy, t, _c, _a in kept]
    assert not any(_overlaps(a, b, 0) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert np.isfinite(np.array([xy for xy, _t, _c, _a in kept])).all()
