"""Shadows and hours of direct sun with known answers: a 100 m tower's shadow is h / tan(elevation) long and
points away from the sun; a point north of a wall gets the hours an exact shadow-polygon construction gives; a
facade facing north gets no winter sun; courtyards stay open; short runs of sun are left out when asked."""

import datetime as dt
import math

import numpy as np
import pytest
import shapely

from ydtwin.geo.shadow import facade_samples, field_of, march_hours, sunlit
from ydtwin.geo.sun import sun_window
from ydtwin.model.buildings import BuildingsData

#: Shanghai (Lujiazui)
LON, LAT = 121.50, 31.24


def _field(polys, heights, box, cell=1.0):
    d = BuildingsData.from_geometries(np.array(polys, dtype=object), height=np.asarray(heights, float), crs="scene")
    return field_of(box, cell, footprints=(d.xy, d.ring_offsets, d.part_offsets, d.height[d.part_building])), d


def _solstice(window=(540, 900), step=1.0):
    return sun_window(dt.date(2026, 12, 22), window, LON, LAT, step_min=step)


def test_tower_shadow_length_at_noon():
    """A 100 m tower in Shanghai at true solar noon on the winter solstice (sun due south at 35.35°): its shadow
    reaches 100 / tan(35.35°) = 141.1 m north of its north face (to within a cell), and nothing south of it is
    shaded."""
    noon = _solstice((719, 721), 2.0)
    e, az = float(noon.elevation_deg[0]), float(noon.azimuth_deg[0])
    assert e == pytest.approx(35.35, abs=0.05)
    fine, _d = _field([shapely.box(-10, -10, 10, 10)], [100.0], (-300, -300, 300, 300))
    y = np.arange(10.25, 250, 0.5)
    lit = sunlit(np.zeros_like(y), y, np.zeros_like(y), az, e, fine)[:, 0]
    length = y[~lit].max() - 10
    assert length == pytest.approx(100 / math.tan(math.radians(e)), abs=1.0)
    assert lit[y > 10 + 100 / math.tan(math.radians(e)) + 1].all()
    south = sunlit(np.zeros(50), -np.arange(11, 61), np.zeros(50), az, e, fine)[:, 0]
    assert south.all()


def test_tower_shadow_points_away_from_the_sun():
    """At 10:00 true solar time the sun is in the south-east: the tower's shadow falls north-west, and its
    length along that line is again h / tan(e)."""
    ten = _solstice((599, 601), 2.0)
    e, az = float(ten.elevation_deg[0]), float(ten.azimuth_deg[0])
    assert 140 < az < 160
    fine, _d = _field([shapely.box(-5, -5, 5, 5)], [100.0], (-400, -400, 400, 400))
    away = math.radians(az + 180)
    d = np.arange(6.0, 300.0, 0.5)
    x, y = np.sin(away) * d, np.cos(away) * d
    lit = sunlit(x, y, np.zeros_like(x), az, e, fine)[:, 0]
    # the ray from the farthest shaded point grazes the tower's far top edge: along the shadow line the edge is
    # between 5 and 5·√2 m from the centre
    reach = d[~lit].max()
    expected = 100 / math.tan(math.radians(e))
    assert expected + 4.5 <= reach <= expected + 5 * math.sqrt(2) + 1.0
    # the opposite side (toward the sun) is in full sun
    assert sunlit(-x, -y, np.zeros_like(x), az, e, fine)[:, 0].all()


def _hours_by_shadow_polygons(wall: shapely.Polygon, height: float, points: np.ndarray, w) -> np.ndarray:
    """The exact answer, independently: at each sun position the wall's shadow is the hull of its footprint and
    the footprint moved away from the sun by height / tan(e); a point's hours are the samples it lies outside."""
    hours = np.zeros(len(points))
    pts = shapely.points(points)
    for az, e, weight in zip(w.azimuth_deg, w.elevation_deg, w.weight_h, strict=True):
        if e <= 0:
            continue
        L = height / math.tan(math.radians(e))
        dx, dy = -math.sin(math.radians(az)) * L, -math.cos(math.radians(az)) * L
        moved = shapely.affinity.translate(wall, dx, dy)
        shadow = shapely.convex_hull(shapely.union(wall, moved))
        hours += np.where(shapely.contains(shadow, pts), 0.0, weight)
    return hours


def test_hours_north_of_a_wall():
    """Points 10–80 m north of a 20 m high, 400 m long east–west wall on the winter solstice (9:00–15:00 true solar
    time): the ray march gives the hours of the exact shadow construction to within two minutes; close to the wall
    (10 m) there is no sun at all, far away (80 m) the whole six hours."""
    wall = shapely.box(-200, -1, 200, 1)
    fine, _d = _field([wall], [20.0], (-600, -200, 600, 200))
    w = _solstice(step=2.0)
    dist = np.array([10.0, 20.0, 25.0, 30.0, 35.0, 40.0, 50.0, 80.0])
    pts = np.column_stack([np.zeros_like(dist), 1.0 + dist])
    hours, _m = march_hours(pts[:, 0], pts[:, 1], np.zeros(len(pts)), w.azimuth_deg, w.elevation_deg, w.weight_h,
                            fine)
    expected = _hours_by_shadow_polygons(wall, 20.0, pts, w)
    assert hours == pytest.approx(expected, abs=2 / 60 + 1e-9)
    assert hours[0] == 0.0 and hours[-1] == pytest.approx(6.0)
    assert np.all(np.diff(hours) >= -1e-9)  # farther from the wall, never less sun
    # the noon test by hand: the point sees the sun over the wall iff tan(e) ≥ 20 / distance
    noon = float(_solstice((719, 721), 2.0).elevation_deg[0])
    assert (hours[dist * math.tan(math.radians(noon)) < 20] < 6).all()


def test_facades_face_their_own_way():
    """On a lone slab in winter the south facade gets the whole window, the north facade none (the sun never
    stands in front of it), east and west about half each."""
    slab = shapely.box(-20, -6, 20, 6)
    fine, d = _field([slab], [12.0], (-200, -200, 200, 200))
    s = facade_samples(d.xy, d.ring_offsets, d.part_offsets, d.part_building, d.height, spacing_m=5.0)
    assert set(np.unique(s["floor"])) == {0, 1, 2, 3}  # sills at 0.9, 3.9, 6.9, 9.9 m under a 12 m roof
    w = _solstice(step=2.0)
    hours, _m = march_hours(s["x"], s["y"], s["h"], w.azimuth_deg, w.elevation_deg, w.weight_h, fine,
                            normal=np.column_stack([s["nx"], s["ny"]]))
    facing = np.round(s["wall_azimuth"]).astype(int) % 360
    assert set(np.unique(facing)) == {0, 90, 180, 270}
    assert hours[facing == 180] == pytest.approx(6.0)
    assert (hours[facing == 0] == 0).all()
    assert 2.5 < hours[facing == 90].mean() < 3.5 and 2.5 < hours[facing == 270].mean() < 3.5
    # every sample stands 1 m out from its wall
    assert shapely.distance(shapely.points(s["x"], s["y"]), slab.boundary) == pytest.approx(1.0)


def test_courtyards_stay_open():
    """A footprint with a hole: the roof covers the ring and not the courtyard; the filled area matches the
    polygon's."""
    ring = shapely.Polygon(shapely.box(0, 0, 60, 40).exterior.coords, [shapely.box(15, 10, 45, 30).exterior.coords])
    fine, _d = _field([ring], [30.0], (-10, -10, 70, 50), cell=0.5)
    assert (fine.z > 29).sum() * 0.25 == pytest.approx(ring.area, rel=0.02)
    assert fine.at(np.array([30.0]), np.array([20.0]))[0] < 1  # the courtyard
    assert fine.at(np.array([5.0]), np.array([20.0]))[0] == 30.0


def test_short_runs_of_sun_can_be_left_out():
    """A thin 60 m pole 30 m south of a point shades it for a few minutes around noon: every minute of sun counts
    by default; counting only runs of at least 4 hours leaves nothing (both runs are about 3 hours)."""
    fine, _d = _field([shapely.box(-1, -31, 1, -29)], [60.0], (-200, -200, 200, 200), cell=0.5)
    w = _solstice(step=1.0)
    args = (np.array([0.0]), np.array([0.0]), np.array([0.0]), w.azimuth_deg, w.elevation_deg, w.weight_h, fine)
    every, mask = march_hours(*args, keep_mask=True)
    assert 5.5 < every[0] < 6.0
    shaded = np.flatnonzero(~mask[0])
    assert np.all(np.diff(shaded) == 1)  # one spell of shade
    only_long, _m = march_hours(*args, min_run_h=4.0)
    assert only_long[0] == 0.0
    assert march_hours(*args, min_run_h=2.0)[0][0] == pytest.approx(every[0])


def test_terrain_far_away_casts_shadows():
    """A ridge 150 m high 2 km south of a point (on the coarse terrain field only) hides the low winter sun; the
    same point without the ridge sees it."""
    def ridge(x, y):
        return np.where((y < -1500) & (y > -2500), 150.0, 0.0)

    coarse = field_of((-20_000, -20_000, 20_000, 20_000), 100.0, ground=ridge, ground_step_m=100.0,
                      terrain_tolerance_m=0.0)
    fine = field_of((-400, -400, 400, 400), 1.0)
    w = _solstice((719, 721), 2.0)  # noon: 150 m at ≥ 1.5 km needs tan(e) < 0.1 to hide... it does not
    args = (np.array([0.0]), np.array([0.0]), np.array([0.0]), w.azimuth_deg, w.elevation_deg, w.weight_h, fine)
    assert march_hours(*args, coarse=coarse, coarse_from_m=300.0, coarse_reach_m=20_000.0)[0][0] > 0
    low = _solstice((540, 542), 2.0)  # 9:00: the sun at ~20° in the south-east
    along = math.radians(float(low.azimuth_deg[0]))

    def ridge_toward_sun(x, y):
        d = x * math.sin(along) + y * math.cos(along)
        return np.where((d > 1000) & (d < 1500), 600.0, 0.0)

    coarse = field_of((-20_000, -20_000, 20_000, 20_000), 100.0, ground=ridge_toward_sun, ground_step_m=100.0,
                      terrain_tolerance_m=0.0)
    args = (np.array([0.0]), np.array([0.0]), np.array([0.0]), low.azimuth_deg, low.elevation_deg, low.weight_h, fine)
    assert march_hours(*args, coarse=coarse, coarse_from_m=300.0, coarse_reach_m=20_000.0)[0][0] == 0.0
    assert march_hours(*args)[0][0] > 0
