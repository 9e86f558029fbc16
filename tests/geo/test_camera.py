"""Fly-to paths: exact end, eased start, even (geometric) zoom."""

import numpy as np
import pytest

from ydtwin.geo.camera import fly_path


def test_path_ends_at_the_goal_and_eases_in():
    frames = fly_path((0, 0, 0), (0, -400_000, 400_000), (50_000, 20_000, 0), (50_000, 19_000, 1_000), 30)
    assert len(frames) == 30
    focal, eye, angle = frames[-1]
    assert np.allclose(focal, (50_000, 20_000, 0)) and np.allclose(eye, (50_000, 19_000, 1_000)) and angle == 30
    moves = [np.linalg.norm(frames[k + 1][0] - frames[k][0]) for k in range(len(frames) - 1)]
    assert moves[0] < moves[len(moves) // 2] > moves[-1]  # slow, fast, slow


def test_distance_changes_geometrically():
    frames = fly_path((0, 0, 0), (0, 0, 100_000), (0, 0, 0), (0, 0, 1_000), 4)
    d = [np.linalg.norm(eye - focal) for focal, eye, _ in frames]
    # t = smoothstep(k/4): distances are 100 km × 0.01^t
    ts = [(k / 4) ** 2 * (3 - 2 * k / 4) for k in range(1, 5)]
    assert d == pytest.approx([100_000 * 0.01**t for t in ts], rel=1e-9)
