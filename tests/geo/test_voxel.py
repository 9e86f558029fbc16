"""Voxel level of detail keeps a cloud within its point budget and keeps its coverage: a sparse edge keeps its
points while a dense patch gives up most of its own."""

import numpy as np
import pytest

from ydtwin.geo.voxel import voxel_subsample


def _cloud(n: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    xyz = np.column_stack([rng.uniform(0, 2000, n), rng.uniform(0, 1000, n), rng.uniform(0, 30, n)])
    xyz[: n * 3 // 4, :2] *= 0.1  # three quarters of the points in one corner (overlapping flight lines)
    return xyz


def test_budget_kept_and_coverage_kept():
    """At most the budget, no point twice, every 100 m cell that had points still has some, and the dense
    corner no longer holds most of the points."""
    xyz = _cloud(400_000)
    budget = 40_000
    idx, size = voxel_subsample(xyz, budget)
    assert 0.4 * budget < len(idx) <= budget and size > 0
    assert len(np.unique(idx)) == len(idx)
    cells = lambda p: {tuple(c) for c in np.floor(p[:, :2] / 100).astype(int)}  # noqa: E731
    assert cells(xyz[idx]) == cells(xyz)
    dense = (xyz[idx, 0] < 200) & (xyz[idx, 1] < 100)
    assert dense.mean() < 0.2  # was 0.75


def test_small_clouds_untouched_and_same_subset_each_time():
    xyz = _cloud(1_000)
    idx, size = voxel_subsample(xyz, 5_000)
    assert np.array_equal(idx, np.arange(1_000)) and size == 0.0
    big = _cloud(50_000)
    assert np.array_equal(voxel_subsample(big, 5_000)[0], voxel_subsample(big, 5_000)[0])
    with pytest.raises(ValueError):
        voxel_subsample(big, 0)
