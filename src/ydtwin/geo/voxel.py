"""Spatial level of detail for point clouds: one point per voxel, the voxel sized so the points fit a budget.

Thinning by voxels keeps coverage where a random or strided subset does not: a sparse edge of a survey keeps
its points while a dense patch (overlapping flight lines, a facade scanned close) gives up most of its own.

Vectorised, and linear where it can be: each try bins the cloud into a dense array of voxels when the grid is
small enough (one scatter, no sort), else by sorting the voxel keys; the voxel grows by a power law measured
on the cloud itself (occupied voxels ~ size^-d, d between 1 and 3), so a few tries reach the budget.
"""

from __future__ import annotations

import numpy as np

__all__ = ["voxel_keys", "voxel_subsample"]

#: tries at growing the voxel before the representatives are thinned at random to the budget
MAX_TRIES = 8
#: a dense voxel array is used while it has at most this many voxels per point (else keys are sorted)
DENSE_PER_POINT = 8


def voxel_keys(xyz: np.ndarray, size: float, lo: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """(one int64 key per point: the voxel of side ``size`` it falls in, the number of voxels of the grid)."""
    lo = xyz.min(axis=0) if lo is None else np.asarray(lo, dtype=np.float64)
    span = xyz.max(axis=0) - lo if len(xyz) else np.zeros(3)
    dims = (np.floor(span / size) + 1).astype(np.int64)
    total = float(dims[0]) * float(dims[1]) * float(dims[2])
    if total >= 2.0**62:
        raise ValueError(f"voxel size {size:g} is too small for the cloud's extent")
    inv = 1.0 / size
    key = ((xyz[:, 0] - lo[0]) * inv).astype(np.int64)  # ≥ 0: truncation is the floor
    for axis in (1, 2):
        key *= dims[axis]
        key += np.minimum(((xyz[:, axis] - lo[axis]) * inv).astype(np.int64), dims[axis] - 1)
    return key, int(total)


def _representatives(xyz: np.ndarray, size: float, lo: np.ndarray) -> np.ndarray:
    """Index of one point in each occupied voxel."""
    keys, total = voxel_keys(xyz, size, lo)
    if total <= max(DENSE_PER_POINT * len(keys), 1 << 20):
        rep = np.full(total, -1, dtype=np.int64)
        rep[keys] = np.arange(len(keys))  # any one point per voxel: whichever write lands
        return rep[rep >= 0]
    return np.unique(keys, return_index=True)[1]


def _search(xyz: np.ndarray, budget: int, size: float, lo: np.ndarray) -> tuple[float, np.ndarray]:
    """(a voxel size at which ``xyz`` occupies at most ``budget`` voxels, grown from ``size``; one point of each
    occupied voxel) — after ``MAX_TRIES`` the last try's, which may hold more."""
    dim, last = 2.0, None
    first = np.zeros(0, np.int64)
    for _ in range(MAX_TRIES):
        first = _representatives(xyz, size, lo)
        count = len(first)
        if count <= budget:
            break
        if last is not None and last[1] > count:  # occupied voxels ~ size^-dim: dim measured on the cloud
            dim = float(np.clip(np.log(last[1] / count) / np.log(size / last[0]), 1.0, 3.0))
        last = (size, count)
        size *= (count / budget) ** (1.0 / dim) * 1.02
    return size, first


def voxel_subsample(xyz: np.ndarray, budget: int, *, seed: int = 0) -> tuple[np.ndarray, float]:
    """Indices (ascending) of at most ``budget`` points, one per occupied voxel, and the voxel size used (0: all
    points kept). Deterministic: the same cloud gives the same subset."""
    xyz = np.asarray(xyz, dtype=np.float64)
    n = len(xyz)
    if budget < 1:
        raise ValueError("the point budget must be at least 1")
    if n <= budget:
        return np.arange(n), 0.0
    rng = np.random.default_rng(seed)
    lo = xyz.min(axis=0)
    span = np.ptp(xyz, axis=0)
    # a survey is a surface more than a volume: start from the spacing that spreads the budget over its area
    area = max(float(span[0] * span[1]), float(span.max()) ** 2 * 1e-6, 1e-12)
    size = max(float(np.sqrt(area / budget)), float(span.max()) * 1e-6, 1e-9)
    size, first = _search(xyz, budget, size, lo)
    if len(first) > budget:
        first = rng.choice(first, budget, replace=False)
    return np.sort(first), size
