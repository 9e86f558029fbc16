"""Labels in the 3D view, read back from VTK after rendering: no two shown labels overlap, cities always
show, findings are decluttered at region zoom, project names appear only at close zoom."""

import numpy as np
import pytest

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def view_with_findings():
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    import pyvista as pv

    from ydtwin.model.layer import LabelLayer, PointData, Provenance, Style
    from ydtwin.render.scene_view import SceneView
    from ydtwin.workspace import Workspace

    ws = Workspace.open()  # the region with every plugin's plans
    rng = np.random.default_rng(11)
    # 60 findings: a tight pile on the Suzhou–Shanghai border and a spread over the region
    lon = np.r_[rng.normal(120.95, 0.03, 30), rng.normal(121.1, 0.35, 30)]
    lat = np.r_[rng.normal(31.15, 0.03, 30), rng.normal(31.2, 0.3, 30)]
    names = np.array([f"! offset at the border {i}" for i in range(60)], dtype=object)
    ws.scene.add(LabelLayer("Findings", PointData(lon, lat, "EPSG:4326", {"name": names}), pins=True,
                            role="review-findings", style=Style(color=(1.0, 0.35, 0.25), font_size=13),
                            provenance=Provenance("review checks", "computed", nature="illustrative")))
    theme = pv.themes.Theme()
    theme.multi_samples = 0
    plotter = pv.Plotter(off_screen=True, window_size=[1280, 720], theme=theme, lighting=None)
    view = SceneView(ws.scene, plotter, request_render=lambda: None)
    yield view, plotter
    view.close()
    plotter.close()


def _frame(plotter):
    """Render a frame and read it (a screenshot alone may return the last frame)."""
    plotter.render()
    return plotter.screenshot(return_img=True)


def _shown_boxes(plotter):
    """(class, text, box x0, y0, x1, y1 in display pixels) of every label drawn with some opacity, from what
    VTK itself computed for the last frame: where it put the text (its anchor moved by the display offset
    the placer gave) and the text's extent."""
    from ydtwin.render import _vtk
    from ydtwin.render.visuals import label_props

    out = []
    dpi = plotter.render_window.GetDPI()
    for actor in label_props(plotter):
        prop = actor.GetTextProperty()
        if not actor.GetVisibility() or prop.GetOpacity() <= 0.0:
            continue
        ax, ay = actor.GetAnchorDC()[:2]  # the display offset included
        bbox = [0, 0, 0, 0]
        _vtk.vtkTextRenderer.GetInstance().GetBoundingBox(prop, actor.GetInput(), bbox, dpi)
        out.append((actor._ydtwin_label_class, actor.GetInput(),
                    (ax + bbox[0], ay + bbox[2], ax + bbox[1], ay + bbox[3])))
    return out


def _overlapping(boxes):
    return [(a[1], b[1]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if not (a[2][2] <= b[2][0] or b[2][2] <= a[2][0] or a[2][3] <= b[2][1] or b[2][3] <= a[2][1])]


def test_region_view_labels_never_overlap(view_with_findings, tmp_path):
    from PIL import Image

    from ydtwin.geo.labels import CITY, FINDING, PROJECT

    view, plotter = view_with_findings
    view.set_view("region")
    Image.fromarray(_frame(plotter)).save(tmp_path / "region-labels.png")
    boxes = _shown_boxes(plotter)
    assert _overlapping(boxes) == []
    classes = [c for c, _t, _b in boxes]
    assert classes.count(CITY) == 8  # every city named
    assert 5 <= classes.count(FINDING) < 60  # findings legible, not an unreadable stack
    assert classes.count(PROJECT) == 0  # project names wait for a closer view
    # each label moved off its anchor has its leader line, and only those
    placer = plotter._ydtwin_label_placer
    moved = sum(1 for a, shown, _r in placer.last if shown and tuple(a.GetDisplayOffset()) != (0, 0))
    assert moved > 0 and placer._leaders.GetNumberOfLines() == moved


def test_city_view_names_projects_without_overlaps(view_with_findings):
    from ydtwin.geo.labels import PROJECT

    view, plotter = view_with_findings
    view.set_view("Suzhou")
    _frame(plotter)
    boxes = _shown_boxes(plotter)
    assert _overlapping(boxes) == []
    assert sum(c == PROJECT for c, _t, _b in boxes) >= 5
    # the legend stays clear of labels
    legend = view._legend_actor
    ren = plotter.renderer
    (x0, y0), (x1, y1) = (legend.GetPositionCoordinate().GetComputedDisplayValue(ren),
                          legend.GetPosition2Coordinate().GetComputedDisplayValue(ren))
    assert _overlapping(boxes + [(-1, "legend", (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))]) == []


def test_labels_are_placed_again_when_the_camera_moves(view_with_findings):
    view, plotter = view_with_findings
    view.set_view("region")
    _frame(plotter)
    before = {a.GetInput() for a, shown, _r in plotter._ydtwin_label_placer.last if shown}
    view.set_view("121.40,31.15,121.60,31.30")
    _frame(plotter)
    after = {a.GetInput() for a, shown, _r in plotter._ydtwin_label_placer.last if shown}
    assert before != after
    assert _overlapping(_shown_boxes(plotter)) == []
