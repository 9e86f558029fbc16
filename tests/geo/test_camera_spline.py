"""Flythrough camera splines: continuity, constant speed, slerp, no flip through the zenith."""

import math

import numpy as np
import pytest

from ydtwin.geo.camera import (
    CameraSpline,
    Key,
    catmull_rom,
    ease,
    look_rotation,
    quat_from_matrix,
    quat_to_matrix,
    slerp,
)


def _wiggly_keys(**kw):
    pts = [(0, 0, 900), (4000, 500, 1200), (6000, 5000, 700), (6200, 5400, 650), (12000, 3000, 2000)]
    return [Key(p, (p[0] + 3000, p[1] + 3000, 0.0), seconds=3.0 + i, **kw) for i, p in enumerate(pts)]


def test_centripetal_catmull_rom_passes_through_its_points_and_is_c1():
    p = [np.array(v, float) for v in ((0, 0, 0), (10, 0, 0), (10, 10, 5), (30, 12, 0))]
    a = catmull_rom(*p, [0.0, 1.0])
    assert np.allclose(a[0], p[1]) and np.allclose(a[1], p[2])
    spline = CameraSpline([Key(tuple(v), tuple(v + [0, 100, -50])) for v in p], closed=False)
    # the tangent direction is continuous at an inner keyframe
    eps = 1e-4
    left = spline.segment_points(0, [1 - eps, 1.0])
    right = spline.segment_points(1, [0.0, eps])
    t_left = (left[1] - left[0]) / np.linalg.norm(left[1] - left[0])
    t_right = (right[1] - right[0]) / np.linalg.norm(right[1] - right[0])
    assert t_left @ t_right > 0.999


def test_positions_are_continuous_in_time_through_every_keyframe():
    spline = CameraSpline(_wiggly_keys(ease="in-out"))
    t = np.linspace(0, spline.duration, 4001)
    eyes = np.array([spline.pose(x).eye for x in t])
    steps = np.linalg.norm(np.diff(eyes, axis=0), axis=1)
    dt = t[1] - t[0]
    lengths = [spline.segment_length(i) for i in range(spline.n_segments)]
    fastest = max(L / k.seconds for L, k in zip(lengths, spline.keys[:-1], strict=True)) * 1.5  # smoothstep peaks at 1.5×
    assert steps.max() <= fastest * dt * 1.05  # no jump anywhere
    for i, k in enumerate(spline.keys):  # the camera is exactly at each keyframe at its time
        t_key = sum(kk.hold + kk.seconds for kk in spline.keys[:i])
        assert np.allclose(spline.pose(t_key).eye, k.eye, atol=1e-6)


def test_constant_speed_within_two_percent():
    spline = CameraSpline(_wiggly_keys(ease="linear"))
    for i in range(spline.n_segments):
        start = sum(k.seconds for k in spline.keys[:i])
        secs = spline.keys[i].seconds
        t = start + np.linspace(0.02, 0.98, 200) * secs
        eyes = np.array([spline.pose(x).eye for x in t])
        speed = np.linalg.norm(np.diff(eyes, axis=0), axis=1) / np.diff(t)
        expected = spline.segment_length(i) / secs
        assert np.abs(speed / expected - 1).max() < 0.02, (i, speed.min(), speed.max(), expected)


def test_ease_in_out_starts_and_ends_at_rest():
    assert ease(0.0, "in-out") == 0.0 and ease(1.0, "in-out") == 1.0 and ease(0.5, "in-out") == 0.5
    spline = CameraSpline(_wiggly_keys(ease="in-out")[:2])
    d0 = np.linalg.norm(spline.pose(0.01).eye - spline.pose(0.0).eye)
    dmid = np.linalg.norm(spline.pose(1.51).eye - spline.pose(1.5).eye)
    assert d0 < dmid / 20
    with pytest.raises(ValueError):
        ease(0.5, "bounce")


def test_slerp_is_unit_length_shortest_arc_and_constant_rate():
    q0 = quat_from_matrix(look_rotation((0, 0, 0), (0, 1, 0)))
    q1 = quat_from_matrix(look_rotation((0, 0, 0), (1, 0, 0)))
    qs = [slerp(q0, q1, t) for t in np.linspace(0, 1, 11)]
    assert all(abs(np.linalg.norm(q) - 1) < 1e-12 for q in qs)
    angles = [2 * math.degrees(math.acos(min(1.0, abs(float(a @ b))))) for a, b in zip(qs, qs[1:], strict=False)]
    assert np.allclose(angles, 9.0, atol=1e-6)  # 90° in ten equal steps
    # -q is the same rotation: slerp takes the short way anyway
    mid = slerp(q0, -q1, 0.5)
    assert np.allclose(np.abs(mid), np.abs(slerp(q0, q1, 0.5)))


def test_rotation_round_trip_and_roll():
    m = look_rotation((0, 0, 100), (50, 80, 0), roll_deg=20.0)
    assert np.allclose(quat_to_matrix(quat_from_matrix(m)), m, atol=1e-12)
    plain = look_rotation((0, 0, 100), (50, 80, 0))
    angle = math.degrees(math.acos(np.clip(m[:, 1] @ plain[:, 1], -1, 1)))
    assert abs(angle - 20.0) < 1e-9 and np.allclose(m[:, 2], plain[:, 2])


def test_no_flip_through_the_zenith():
    """The camera pitches over the top: looking north, then straight down, then south. The up vector turns
    smoothly; it never jumps (a look-at camera with a fixed world up flips by 180° at the vertical)."""
    keys = [
        Key((0, -3000, 3000), (0, 0, 0), seconds=3.0),   # looking north-down
        Key((0, 0, 4000), (0, 0, 0), seconds=3.0),        # straight down
        Key((0, 3000, 3000), (0, 0, 0), seconds=3.0),     # over the top: looking south-down
    ]
    spline = CameraSpline(keys)
    t = np.linspace(0, spline.duration, 3001)
    ups = np.array([spline.pose(x).up for x in t])
    fwd = np.array([(spline.pose(x).focal - spline.pose(x).eye) for x in t])
    fwd /= np.linalg.norm(fwd, axis=1)[:, None]
    turn = np.degrees(np.arccos(np.clip((ups[1:] * ups[:-1]).sum(axis=1), -1, 1)))
    assert turn.max() < 1.0  # degrees per step (3000 steps over 9 s)
    assert np.allclose(np.abs((ups * fwd).sum(axis=1)), 0, atol=1e-9)  # up stays perpendicular to the view
    # straight down the "up" of the view is the heading it came with (north), not an arbitrary one
    down = spline.pose(3.0)
    assert np.allclose(down.focal - down.eye, [0, 0, -4000], atol=1e-6) and down.up[1] > 0.99


def test_orbit_is_closed_and_keeps_its_centre():
    from ydtwin.flythrough.path import Sampler
    from ydtwin.flythrough.presets import orbit
    from ydtwin.geo.projection import SceneProjection

    proj = SceneProjection(lon_0=121.0, lat_0=31.0)
    path = orbit(proj, 121.47, 31.23, seconds=12.0, radius_m=8000.0)
    sampler = Sampler(path, proj)
    assert sampler.duration == pytest.approx(12.0)
    a, b = sampler.state(0.0).pose, sampler.state(12.0).pose
    assert np.allclose(a.eye, b.eye, atol=1e-6) and np.allclose(a.up, b.up, atol=1e-9)
    cx, cy = proj.to_scene(121.47, 31.23)
    for t in np.linspace(0, 12, 49):
        pose = sampler.state(float(t)).pose
        radius = math.hypot(pose.eye[0] - cx, pose.eye[1] - cy)
        assert abs(radius - 8000.0) < 8000.0 * 0.01
        # the camera looks at the centre: its focal point stays within 1 % of the radius of it
        assert math.hypot(pose.focal[0] - cx, pose.focal[1] - cy) < 80.0
