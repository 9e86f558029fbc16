"""Label placement (pure): most important first, never overlapping, moved labels marked for a leader line,
names faded by distance."""

import numpy as np
import pytest

from ydtwin.geo.labels import CITY, DISTRICT, FINDING, MAX_DISTANCE_M, PROJECT, place, zoom_opacity


def _overlap(a, b) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _box(w: float, h: float):
    return (-w / 2, -h, w / 2, 0.0)  # centred above its anchor, as the view draws them


def test_a_pile_of_findings_never_overlaps_and_a_city_always_wins():
    rng = np.random.default_rng(7)
    anchors = np.vstack([[400.0, 300.0], 400 + rng.normal(0, 25, (40, 2))])
    classes = np.r_[CITY, np.full(40, FINDING)]
    boxes = np.array([_box(120, 22)] + [_box(150, 18)] * 40)
    got = place(anchors, boxes, classes, (800, 600))
    assert got.shown[0] and not got.leader[0]  # the city on its anchor
    assert got.offset[0].tolist() == [0.0, 0.0]
    rects = got.rects[got.shown]
    assert all(not _overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert 3 <= got.shown[1:].sum() < 40  # some findings legible, the rest left out, not stacked
    # the moved ones lie off their anchors, each flagged for a leader line
    moved = got.shown & got.leader
    assert moved.any()
    assert (np.abs(got.offset[moved]).sum(axis=1) > 0).all()


def test_priority_beats_order_given():
    """A finding listed first still yields to a project, which yields to a district and a city."""
    anchors = np.full((4, 2), 200.0)
    classes = [FINDING, PROJECT, DISTRICT, CITY]
    got = place(anchors, [_box(100, 20)] * 4, classes, (400, 400), movable=[False] * 4)
    assert got.shown.tolist() == [False, False, False, True]
    got = place(anchors, [_box(100, 20)] * 4, classes, (400, 400))
    assert got.shown.all()  # with room to move, everyone finds a place nearby
    assert not got.leader[3] and got.leader[:3].all()


def test_labels_off_the_frame_and_over_reserved_boxes_are_hidden():
    anchors = np.array([[-10.0, 50.0], [50.0, np.nan], [60.0, 40.0], [300.0, 200.0]])
    got = place(anchors, [_box(40, 10)] * 4, CITY, (400, 300), reserved=[(0, 0, 150, 100)])
    assert got.shown.tolist() == [False, False, False, True]
    assert np.isnan(got.rects[~got.shown]).all()


def test_a_moved_label_stays_inside_the_frame():
    anchors = np.array([[5.0, 5.0], [5.0, 5.0]])
    got = place(anchors, [_box(60, 12)] * 2, FINDING, (200, 200))
    assert got.shown.all()
    x0, y0, x1, y1 = got.rects[1]
    assert x0 >= 0 and y0 >= 0 and x1 <= 200 and y1 <= 200


@pytest.mark.parametrize("cls", [PROJECT, DISTRICT])
def test_names_fade_with_distance(cls):
    limit = MAX_DISTANCE_M[cls]
    d = np.array([0.0, 0.5 * limit, 0.85 * limit, limit, 2 * limit])
    k = zoom_opacity(d, cls)
    assert k[0] == k[1] == 1.0 and 0.0 < k[2] < 1.0 and k[3] == k[4] == 0.0
    assert np.all(np.diff(k) <= 0)


def test_cities_and_findings_show_at_every_distance():
    assert zoom_opacity([1e3, 1e6, 1e8], [CITY, FINDING, CITY]).tolist() == [1.0, 1.0, 1.0]


def test_crowded_cities_all_show_the_moved_ones_with_a_leader():
    """Cities close together (the 26-city delta at region zoom): each takes its own place first, so a city
    moved aside never takes a later city's place; those with no room at their place move next to it."""
    anchors = np.array([[200.0, 200.0], [230.0, 205.0], [400.0, 100.0], [215.0, 230.0]])
    got = place(anchors, [_box(80, 20)] * 4, CITY, (600, 400))
    assert got.shown.all()
    assert got.leader.tolist() == [False, True, False, False] or got.leader.tolist() == [False, True, False, True]
    assert not got.leader[0] and not got.leader[2]
    rects = got.rects
    assert all(not _overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1:])
    # held in place (the old rule for cities) the second is hidden instead
    held = place(anchors, [_box(80, 20)] * 4, CITY, (600, 400), movable=False)
    assert not held.shown[1] and held.shown[0]
