"""Exported labels are never cut by the frame's edge: a label whose anchor is in the frame but whose box runs
off an edge slides inside; one anchored outside, or larger than the frame, is left out."""

import numpy as np
import pytest

from ydtwin.render.overlay import OverlayContent, OverlayOptions, _Painter, draw_overlays, fit_in_frame, place_labels

SIZE = (640, 360)
NAME = "Metro Line 17 western extension to the Water Town Living Room"
WHITE = (1.0, 1.0, 1.0)
ONLY_LABELS = OverlayOptions(legend=False, scale_bar=False, north_arrow=False, labels=True, attribution=False)


def _drawn(labels):
    """(columns, rows) of the pixels the labels changed on a flat grey frame."""
    base = np.full((SIZE[1], SIZE[0], 3), 128, np.uint8)
    out = draw_overlays(base.copy(), ONLY_LABELS, OverlayContent(labels=labels))
    rows, cols = np.nonzero(np.abs(out.astype(int) - base.astype(int)).sum(axis=2) > 0)
    return cols, rows


def _box_width() -> int:
    p = _Painter(SIZE, max(SIZE[1] / 1080, 0.6))
    x0, _y0, x1, _y1 = p.text_rect((0, 0), NAME, 17, bold=True, anchor="mm", pad=4)
    return x1 - x0


@pytest.mark.parametrize("anchor_x, side", [(12.0, "left"), (SIZE[0] - 12.0, "right")])
def test_a_label_running_off_an_edge_slides_inside_whole(anchor_x, side):
    cols, rows = _drawn([(anchor_x, 150.0, NAME, WHITE)])
    width = _box_width()
    assert 200 < width < SIZE[0]  # long enough to run off: its anchor is 12 px from the edge
    assert cols.min() >= 1 and cols.max() <= SIZE[0] - 2  # inside, with a margin
    assert cols.max() - cols.min() + 1 >= width - 2  # the whole box: nothing cut
    if side == "left":
        assert cols.min() <= 4  # moved only as far as needed
    else:
        assert cols.max() >= SIZE[0] - 5
    assert abs((rows.min() + rows.max()) / 2 - 150) <= 2  # at its anchor's height


def test_labels_anchored_outside_or_larger_than_the_frame_are_left_out():
    cols, _ = _drawn([(-4.0, 150.0, NAME, WHITE), (100.0, SIZE[1] + 3.0, NAME, WHITE),
                      (320.0, 100.0, " ".join([NAME] * 3), WHITE)])
    assert len(cols) == 0


def test_a_label_slid_inside_may_then_cover_an_earlier_one_and_is_left_out():
    """Overlaps are weighed where labels are drawn, after sliding: an earlier label wins the place."""
    p = _Painter(SIZE, max(SIZE[1] / 1080, 0.6))
    first = (10.0, 150.0, "Suzhou", WHITE)  # short: stays at its anchor
    second = (5.0, 150.0, NAME, WHITE)  # slides right, over the first
    third = (SIZE[0] - 8.0, 40.0, NAME, WHITE)  # slides left, free
    placed = place_labels(p, [first, second, third], SIZE)
    assert [text for _xy, text, _c, _a in placed] == ["Suzhou", NAME]
    (x, y), _t, _c, _a = placed[1]
    assert x < SIZE[0] - 8.0 and y == 40.0


def test_fit_in_frame_numbers():
    anchors = np.array([[5.0, 50.0], [95.0, 50.0], [50.0, 2.0], [np.nan, 10.0], [50.0, 50.0]])
    boxes = np.array([[-20.0, -5.0, 20.0, 5.0]] * 4 + [[-60.0, -5.0, 60.0, 5.0]])
    moved, kept = fit_in_frame(anchors, boxes, (100, 100), margin=1.0)
    assert kept.tolist() == [True, True, True, False, False]
    assert moved[:3].tolist() == [[21.0, 50.0], [79.0, 50.0], [50.0, 6.0]]


def test_no_label_is_drawn_under_the_legend_or_the_credits():
    """The furniture is laid out first; a label whose place it takes is left out, the others drawn."""
    base = np.full((SIZE[1], SIZE[0], 3), 128, np.uint8)
    options = OverlayOptions(legend=True, scale_bar=False, north_arrow=False, labels=True, attribution=True)
    legend = [("Transportation", (0.9, 0.2, 0.4)), ("Tourism", (0.9, 0.9, 0.3))]
    free = (400.0, 150.0, "Suzhou", WHITE)

    def drawn(labels):
        return draw_overlays(base.copy(), options, OverlayContent(legend=legend, labels=labels,
                                                                  attribution="© somebody"))

    under_legend, under_credits = (30.0, 30.0, "Kunshan", WHITE), (30.0, SIZE[1] - 18.0, "Taicang", WHITE)
    assert np.array_equal(drawn([free, under_legend, under_credits]), drawn([free]))
    assert not np.array_equal(drawn([free]), drawn([]))
