"""Spatial level of detail for point clouds: one point per voxel, the voxel sized so the points fit a budget.

Thinning by voxels keeps coverage where a random or strided subset does not: a sparse edge of a survey keeps
its points while a dense patch (overlapping flight lines, a facade scanned close) gives up most of its own.
Vectorised: integer voxel keys and one ``np.unique`` per try; the voxel grows until the occupied voxels fit.
"""

from __future__ import annotations

import numpy as np

__all__ = ["voxel_keys", "voxel_subsample"]

#: tries at growing the voxel before the representatives are thinned at random to the budget
MAX_TRIES = 8


def voxel_keys(xyz: np.ndarray, size: float) -> np.ndarray:
    """One int64 key per point: the voxel of side ``size`` (same units as ``xyz``) it falls in."""
    lo = xyz.min(axis=0)
    idx = np.floor((xyz - lo) / size).astype(np.int64)
    dims = idx.max(axis=0) + 1
    if float(dims[0]) * float(dims[1]) * float(dims[2]) >= 2.0**62:
        raise ValueError(f"voxel size {size:g} is too small for the cloud's extent")
    return (idx[:, 0] * dims[1] + idx[:, 1]) * dims[2] + idx[:, 2]


def voxel_subsample(xyz: np.ndarray, budget: int, *, seed: int = 0) -> tuple[np.ndarray, float]:
    """Indices of at most ``budget`` points, one per occupied voxel, and the voxel size used (0: all points
    kept). The point kept in each voxel is drawn at random (seeded: the same cloud gives the same subset)."""
    xyz = np.asarray(xyz, dtype=np.float64)
    n = len(xyz)
    if budget < 1:
        raise ValueError("the point budget must be at least 1")
    if n <= budget:
        return np.arange(n), 0.0
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    shuffled = xyz[order]
    span = np.ptp(xyz, axis=0)
    # a survey is a surface more than a volume: start from the spacing that spreads the budget over its area
    area = max(float(span[0] * span[1]), float(span.max()) ** 2 * 1e-6, 1e-12)
    size = max(float(np.sqrt(area / budget)), float(span.max()) * 1e-6, 1e-9)
    first = None
    dim, last = 2.0, None
    for _ in range(MAX_TRIES):
        _keys, first = np.unique(voxel_keys(shuffled, size), return_index=True)
        count = len(first)
        if count <= budget:
            if last is not None and count < 0.8 * budget:  # one step back between the two last sizes
                between = float(np.sqrt(size * last[0]))
                _keys, closer = np.unique(voxel_keys(shuffled, between), return_index=True)
                if len(closer) <= budget:
                    first, size = closer, between
            break
        if last is not None and last[1] > count:  # occupied voxels ~ size^-dim: dim measured on the cloud
            dim = float(np.clip(np.log(last[1] / count) / np.log(size / last[0]), 1.0, 3.0))
        last = (size, count)
        size *= (count / budget) ** (1.0 / dim) * 1.02
    if len(first) > budget:
        first = rng.choice(first, budget, replace=False)
    return np.sort(order[first]), size
