"""Camera paths in scene metres (pure numpy): the fly-to between two views, and the splines of flythroughs.

Flythrough paths: positions on a centripetal Catmull-Rom spline (no cusps or self-intersections between
close keyframes), re-parametrised by arc length so the camera moves at constant speed within a segment;
orientations as unit quaternions interpolated by slerp; the up vector is explicit (a view straight down
takes its "up" from the previous keyframe instead of flipping).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CameraSpline",
    "Key",
    "Pose",
    "catmull_rom",
    "ease",
    "fly_path",
    "look_rotation",
    "quat_from_matrix",
    "quat_to_matrix",
    "slerp",
]


def fly_path(
    start_focal, start_eye, goal_focal, goal_eye, steps: int, *, start_angle: float = 30.0, goal_angle: float = 30.0
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """``steps`` frames (focal point, eye, view angle) after the start, ending exactly at the goal.

    The focal point moves with ease in/out (smoothstep), the viewing direction turns by normalised
    interpolation, and the distance changes geometrically, so zooming in from the region to a district
    feels as even as a short hop.
    """
    f0, e0 = np.asarray(start_focal, float), np.asarray(start_eye, float)
    f1, e1 = np.asarray(goal_focal, float), np.asarray(goal_eye, float)
    d0, d1 = max(np.linalg.norm(e0 - f0), 1e-9), max(np.linalg.norm(e1 - f1), 1e-9)
    u0, u1 = (e0 - f0) / d0, (e1 - f1) / d1
    frames = []
    steps = max(int(steps), 1)
    for k in range(1, steps + 1):
        t = k / steps
        t = t * t * (3 - 2 * t)
        focal = f0 + (f1 - f0) * t
        direction = u0 + (u1 - u0) * t
        direction /= max(np.linalg.norm(direction), 1e-9)
        dist = d0 * (d1 / d0) ** t
        frames.append((focal, focal + direction * dist, start_angle + (goal_angle - start_angle) * t))
    frames[-1] = (f1, e1, float(goal_angle))
    return frames


# --- flythrough splines --------------------------------------------------------------------------------

WORLD_UP = np.array([0.0, 0.0, 1.0])


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else v * 0.0


def look_rotation(eye, focal, *, roll_deg: float = 0.0, reference_right=None) -> np.ndarray:
    """The camera's rotation matrix, columns (right, up, back), looking from ``eye`` at ``focal`` with the
    world's +z up, turned by ``roll_deg`` about the viewing direction.

    Looking straight down (or up) the world's up says nothing about the heading: ``reference_right`` (the
    previous keyframe's right vector) keeps it, so a path through the zenith does not spin the view."""
    forward = _unit(np.asarray(focal, float) - np.asarray(eye, float))
    if not forward.any():
        raise ValueError("a camera's eye and focal point must differ")
    right = np.cross(forward, WORLD_UP)
    if np.linalg.norm(right) < 1e-6:  # looking along the vertical
        ref = np.array([1.0, 0.0, 0.0]) if reference_right is None else np.asarray(reference_right, float)
        right = ref - forward * float(ref @ forward)
        if np.linalg.norm(right) < 1e-6:
            right = np.array([0.0, 1.0, 0.0]) - forward * forward[1]
    right = _unit(right)
    up = np.cross(right, forward)
    if roll_deg:
        a = np.radians(roll_deg)
        right, up = right * np.cos(a) + up * np.sin(a), up * np.cos(a) - right * np.sin(a)
    return np.column_stack([right, up, -forward])


def quat_from_matrix(m: np.ndarray) -> np.ndarray:
    """Unit quaternion (w, x, y, z) of a rotation matrix."""
    m = np.asarray(m, float)
    tr = m[0, 0] + m[1, 1] + m[2, 2]
    if tr > 0:
        s = 2.0 * np.sqrt(tr + 1.0)
        q = [0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = [(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s]
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = [(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s]
    else:
        s = 2.0 * np.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = [(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s]
    q = np.array(q)
    return q / np.linalg.norm(q)


def quat_to_matrix(q: np.ndarray) -> np.ndarray:
    w, x, y, z = np.asarray(q, float) / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def slerp(q0: np.ndarray, q1: np.ndarray, t: float) -> np.ndarray:
    """Spherical linear interpolation of unit quaternions along the shorter arc."""
    q0, q1 = np.asarray(q0, float), np.asarray(q1, float)
    d = float(q0 @ q1)
    if d < 0.0:
        q1, d = -q1, -d
    if d > 0.9995:  # nearly the same rotation: linear, renormalised
        q = q0 + (q1 - q0) * t
        return q / np.linalg.norm(q)
    theta = np.arccos(min(d, 1.0))
    return (np.sin((1 - t) * theta) * q0 + np.sin(t * theta) * q1) / np.sin(theta)


def catmull_rom(p0, p1, p2, p3, u, *, alpha: float = 0.5) -> np.ndarray:
    """Points of the centripetal (alpha 0.5) Catmull-Rom segment from ``p1`` to ``p2`` at ``u`` in [0, 1]
    (Barry–Goldman pyramidal form)."""
    p0, p1, p2, p3 = (np.asarray(p, float) for p in (p0, p1, p2, p3))
    u = np.atleast_1d(np.asarray(u, float))[:, None]

    def knot(a, b):
        return max(float(np.linalg.norm(b - a)) ** alpha, 1e-6)

    t0 = 0.0
    t1 = t0 + knot(p0, p1)
    t2 = t1 + knot(p1, p2)
    t3 = t2 + knot(p2, p3)
    t = t1 + (t2 - t1) * u
    a1 = (t1 - t) / (t1 - t0) * p0 + (t - t0) / (t1 - t0) * p1
    a2 = (t2 - t) / (t2 - t1) * p1 + (t - t1) / (t2 - t1) * p2
    a3 = (t3 - t) / (t3 - t2) * p2 + (t - t2) / (t3 - t2) * p3
    b1 = (t2 - t) / (t2 - t0) * a1 + (t - t0) / (t2 - t0) * a2
    b2 = (t3 - t) / (t3 - t1) * a2 + (t - t1) / (t3 - t1) * a3
    return (t2 - t) / (t2 - t1) * b1 + (t - t1) / (t2 - t1) * b2


EASES = ("linear", "in", "out", "in-out")


def ease(s: float, kind: str = "linear") -> float:
    """Time fraction → progress fraction: linear, ease in, ease out, or both (cubic smoothstep)."""
    s = min(max(float(s), 0.0), 1.0)
    if kind == "in":
        return s * s
    if kind == "out":
        return 1.0 - (1.0 - s) * (1.0 - s)
    if kind == "in-out":
        return s * s * (3.0 - 2.0 * s)
    if kind != "linear":
        raise ValueError(f"unknown ease {kind!r} (one of {', '.join(EASES)})")
    return s


@dataclass(frozen=True)
class Key:
    """A keyframe in scene metres: eye, focal point, view angle (degrees), roll (degrees); ``seconds`` is
    how long the segment that starts here lasts, ``hold`` how long the camera stays here first, ``ease`` how
    that segment accelerates."""

    eye: tuple[float, float, float]
    focal: tuple[float, float, float]
    view_angle: float = 30.0
    roll: float = 0.0
    seconds: float = 4.0
    hold: float = 0.0
    ease: str = "in-out"


@dataclass(frozen=True)
class Pose:
    eye: np.ndarray
    focal: np.ndarray
    up: np.ndarray
    view_angle: float


class CameraSpline:
    """A camera moving through keyframes: eye on a centripetal Catmull-Rom spline at constant speed within
    each segment (arc-length re-parametrisation), orientation by slerp, distance to the focal point
    geometrically, view angle linearly; each segment's time eased as its key says. ``closed`` joins the
    last keyframe back to the first (an orbit)."""

    SAMPLES = 512  # arc-length table entries per segment

    def __init__(self, keys: list[Key], *, closed: bool = False) -> None:
        if not keys:
            raise ValueError("a camera path needs at least one keyframe")
        for k in keys:
            if k.seconds < 0 or k.hold < 0:
                raise ValueError("keyframe durations must not be negative")
            ease(0.5, k.ease)
        self.keys = list(keys)
        self.closed = closed and len(keys) > 2
        self.eyes = np.array([k.eye for k in keys], float)
        self.dist = np.array([max(np.linalg.norm(np.subtract(k.focal, k.eye)), 1e-3) for k in keys])
        quats = []
        right = None
        for k in keys:
            m = look_rotation(k.eye, k.focal, roll_deg=k.roll, reference_right=right)
            right = m[:, 0]
            q = quat_from_matrix(m)
            if quats and float(q @ quats[-1]) < 0:  # the same rotation, on the side nearer the previous one
                q = -q
            quats.append(q)
        self.quats = np.array(quats)
        n = len(keys)
        self.n_segments = n if self.closed else n - 1
        # timeline: per key [hold][segment]
        starts, t = [], 0.0
        for i in range(self.n_segments):
            starts.append((t, t + keys[i].hold))
            t += keys[i].hold + keys[i].seconds
        last_hold = 0.0 if self.closed else keys[-1].hold
        self.segment_times = starts
        self.duration = t + last_hold
        self._tables = [self._arc_table(i) for i in range(self.n_segments)]

    def _control(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n = len(self.eyes)
        if self.closed:
            return tuple(self.eyes[(i + d) % n] for d in (-1, 0, 1, 2))  # type: ignore[return-value]
        p1, p2 = self.eyes[i], self.eyes[i + 1]
        p0 = self.eyes[i - 1] if i > 0 else 2 * p1 - p2  # ends: reflected neighbours
        p3 = self.eyes[i + 2] if i + 2 < n else 2 * p2 - p1
        return p0, p1, p2, p3

    def _arc_table(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        u = np.linspace(0.0, 1.0, self.SAMPLES + 1)
        pts = self.segment_points(i, u)
        s = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))]
        return u, s

    def segment_points(self, i: int, u) -> np.ndarray:
        p0, p1, p2, p3 = self._control(i)
        if np.allclose(p1, p2):
            return np.repeat(p1[None, :], len(np.atleast_1d(u)), axis=0)
        return catmull_rom(p0, p1, p2, p3, u)

    def segment_length(self, i: int) -> float:
        return float(self._tables[i][1][-1])

    def locate(self, t: float) -> tuple[int, float]:
        """(segment, progress fraction along it) at time ``t`` seconds; progress is eased."""
        t = min(max(float(t), 0.0), self.duration)
        if self.n_segments == 0:
            return -1, 0.0
        for i, (_start, move) in enumerate(self.segment_times):
            end = move + self.keys[i].seconds
            if t < end or i == self.n_segments - 1:
                if t <= move:
                    return i, 0.0
                secs = self.keys[i].seconds
                frac = 1.0 if secs <= 0 else min((t - move) / secs, 1.0)
                return i, ease(frac, self.keys[i].ease)
        return self.n_segments - 1, 1.0

    def pose(self, t: float) -> Pose:
        i, p = self.locate(t)
        if i < 0:
            k = self.keys[0]
            m = quat_to_matrix(self.quats[0])
            return Pose(self.eyes[0], self.eyes[0] - m[:, 2] * self.dist[0], m[:, 1], k.view_angle)
        j = (i + 1) % len(self.keys)
        u_tab, s_tab = self._tables[i]
        length = s_tab[-1]
        if length > 1e-9:  # constant speed: progress is a fraction of the arc length
            u = float(np.interp(p * length, s_tab, u_tab))
            eye = self.segment_points(i, [u])[0]
        else:
            eye = self.eyes[i].copy()
        q = slerp(self.quats[i], self.quats[j], p)
        m = quat_to_matrix(q)
        dist = float(self.dist[i] * (self.dist[j] / self.dist[i]) ** p)
        angle = self.keys[i].view_angle + (self.keys[j].view_angle - self.keys[i].view_angle) * p
        return Pose(eye, eye - m[:, 2] * dist, m[:, 1], float(angle))
