"""Camera paths in scene metres (pure numpy): the fly-to between two views."""

from __future__ import annotations

import numpy as np

__all__ = ["fly_path"]


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
