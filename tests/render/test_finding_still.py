"""Report stills of review findings: both sides of the link in the frame with a margin, the gap drawn and
labelled with its length, the scale and north true, the legend limited to what the frame shows."""

import io

import numpy as np
import pytest

pytestmark = pytest.mark.render

SIZE = (960, 540)


@pytest.fixture(scope="module")
def review():
    """Shanghai's and Suzhou's plans, their review, and an export view of the scene."""
    from ydtwin.render.export import Exporter
    from ydtwin.workspace import Workspace

    ws = Workspace.open(plugin_names=["shanghai", "suzhou"])
    result = ws.run_review()
    exporter = Exporter(ws.scene, size=SIZE)
    yield ws, result, exporter
    exporter.close()


def _record(finding) -> dict:
    from ydtwin.review.report import finding_view

    data = finding.to_json()
    return {"finding": data, "status": "open", "viewpoint": {"view": finding_view(data)}}


def _offset(result):
    """The deliberate case: Jiayi Road (Shanghai) and Loujiang Road (Suzhou) meet the border 350 m apart."""
    return next(f for f in result.findings if f.kind == "offset" and "shanghai.jiayi-road" in f.projects)


def _ends_px(exporter, ends):
    from ydtwin.render.finding_still import END_LIFT_M, _lifted
    from ydtwin.render.in_frame import projector

    return projector(exporter.renderer.GetActiveCamera(), SIZE)(_lifted(exporter.view, ends, END_LIFT_M))


def test_the_still_frames_both_ends_of_the_link_with_a_margin(review):
    """Both corridor ends, projected through the still's camera, lie inside the frame at least 15 % of its
    height from every edge, and the gap between them spans a good part of it (it is what the still is
    about); the scale bar's metres per pixel measure that gap as the check did, and north is up."""
    from ydtwin.render.finding_still import plan_viewpoint
    from ydtwin.workspace.review import finding_shot

    _ws, result, exporter = review
    shot = finding_shot(_record(_offset(result)))
    (a, b, text, sides), = shot.gaps
    assert text == "350 m" and sides == ("Shanghai", "Suzhou")
    plan_viewpoint(exporter.view, shot.framed(), SIZE, min_span_m=shot.min_span_m)
    px = _ends_px(exporter, [a, b])
    margin = 0.15 * SIZE[1]
    assert np.isfinite(px).all()
    assert (px[:, 0] >= margin).all() and (px[:, 0] <= SIZE[0] - margin).all(), px
    assert (px[:, 1] >= margin).all() and (px[:, 1] <= SIZE[1] - margin).all(), px
    gap_px = float(np.hypot(*(px[1] - px[0])))
    assert gap_px > 0.25 * SIZE[0], gap_px  # clearly visible, not a speck in a regional view
    content = exporter.overlay_content(SIZE)
    assert abs(content.north_deg) < 3
    assert gap_px * content.metres_per_pixel == pytest.approx(350, rel=0.08)


def test_the_still_shows_the_gap_its_length_and_both_sides(review):
    """The rendered still is a picture (not blank); along the segment between the ends the dimension line's
    yellow is drawn, and the box of its length label, beside the middle, holds the yellow text on its
    dark box (not a uniform patch); a still without the finding's marks has none of that yellow there."""
    from PIL import Image

    from ydtwin.render.finding_still import GAP_RGB, finding_stills
    from ydtwin.render.overlay import OverlayOptions
    from ydtwin.workspace.review import finding_shot

    ws, result, exporter = review
    shot = finding_shot(_record(_offset(result)))
    stills = finding_stills(ws.scene, [shot], size=SIZE)
    (png,) = stills.images
    # the plans are credited as illustrative, with the plugins they come from
    assert "plan layers: ILLUSTRATIVE" in stills.sources
    assert "shanghai 0.1.0" in stills.sources and "suzhou 0.1.0" in stills.sources
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    assert img.shape[:2] == (SIZE[1], SIZE[0]) and img.std() > 5

    # the same camera here: where the ends are in that still
    from ydtwin.render.finding_still import plan_viewpoint

    plan_viewpoint(exporter.view, shot.framed(), SIZE, min_span_m=shot.min_span_m)
    (x0, y0), (x1, y1) = _ends_px(exporter, [shot.gaps[0][0], shot.gaps[0][1]])

    def yellow(patch):
        return (np.abs(patch - np.array(GAP_RGB)).sum(axis=-1) < 60).mean()

    along = [img[int(round(y0 + t * (y1 - y0))), int(round(x0 + t * (x1 - x0)))] for t in np.linspace(0.2, 0.8, 25)]
    assert yellow(np.array(along)) > 0.6
    # the label: beside the middle, across the line (below it), where draw_finding puts it
    ux, uy = (x1 - x0), (y1 - y0)
    n = np.array([-uy, ux]) / np.hypot(ux, uy)
    n = -n if n[1] < 0 else n
    scale = max(SIZE[1] / 1080, 0.6)
    cx, cy = (np.array([(x0 + x1) / 2, (y0 + y1) / 2]) + n * 34 * scale).round().astype(int)
    box = img[cy - 8:cy + 8, cx - 22:cx + 22]
    assert box.std() > 25 and yellow(box) > 0.05 and (box.sum(axis=-1) < 120).mean() > 0.3
    # the same view without the finding's marks has no such yellow there: it is the drawn gap
    plain, _tiles = exporter.image(SIZE, OverlayOptions())
    assert yellow(plain[cy - 8:cy + 8, cx - 22:cx + 22].astype(int)) == 0
    assert yellow(np.array([plain[int(round(y0 + t * (y1 - y0))), int(round(x0 + t * (x1 - x0)))]
                            for t in np.linspace(0.2, 0.8, 25)]).astype(int)) < 0.1


def test_the_legend_of_a_still_lists_only_what_is_in_its_frame(review):
    """The offset's still, in the fields at the Shanghai–Suzhou border, lists the transportation theme and
    the planned phase of the two roads there; the themes, phases and city blocks of the rest of the two
    cities' plans — listed for the whole region — are not in it."""
    from ydtwin.render.finding_still import plan_viewpoint
    from ydtwin.workspace.review import finding_shot

    _ws, result, exporter = review
    everything = [label for label, _c in exporter.view.legend_rows()[0]]
    assert {"Transportation", "Ecological protection", "built", "City blocks (procedural)"} <= set(everything)
    shot = finding_shot(_record(_offset(result)))
    plan_viewpoint(exporter.view, shot.framed(), SIZE, min_span_m=shot.min_span_m)
    shown = [label for label, _c in exporter.overlay_content(SIZE).legend]
    assert shown == ["Transportation", "planned"]
    # a frame over the old town of Suzhou: its city blocks are there, and no planned project
    exporter.set_view("120.60,31.28,120.64,31.31", SIZE)
    town = [label for label, _c in exporter.overlay_content(SIZE).legend]
    assert "City blocks (procedural)" in town and "Transportation" not in town and "planned" not in town


def test_a_finding_with_malformed_ends_falls_back_to_its_box():
    """Ends from a session file a planner opened are checked: anything that is not two finite [lon, lat]
    gives no gap (the still then uses the finding's box), and never an error."""
    from ydtwin.review.report import finding_links, finding_points, finding_view
    from ydtwin.workspace.review import finding_shot

    base = {"id": "offset:x", "kind": "offset", "severity": "warning", "cities": [], "projects": [],
            "location": [121.0, 31.0], "message": "m"}
    for ends in ([[121.0, 31.0]] * 3, [[121.0, float("nan")], [121.0, 31.0]], [["a", 31], [121, 31]],
                 [[121.0, 95.0], [121.0, 31.0]], "121,31", [[True, 31.0], [121.0, 31.0]]):
        f = {**base, "details": {"ends": ends, "distance_m": 5}}
        assert finding_links(f) == [] and finding_points(f) == []
        shot = finding_shot({"finding": f, "viewpoint": None})
        assert shot.gaps == () and shot.view == finding_view(f)
    good = {**base, "details": {"ends": [[121.0, 31.0], [121.0, 31.001]], "sides": ["A", "B"]}}
    ((a, b, metres, sides),) = finding_links(good)
    assert sides == ("A", "B") and metres == pytest.approx(111.2, abs=0.5)  # measured when not given
    lon0, lat0, lon1, lat1 = (float(v) for v in finding_view(good).split(","))
    assert lon0 < 121.0 < lon1 and lat0 < 31.0 < 31.001 < lat1
