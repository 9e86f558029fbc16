"""Synthetic footprints for benchmarks and tests (labelled synthetic wherever they are shown).

Star-shaped polygons around random centres: convex ones (equal radii) and concave ones (alternating
radii), 4–12 vertices, a share with one square hole — all generated as ragged arrays without a Python
loop per polygon, so generating a million takes a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RaggedPolygons:
    """Polygons as GeoArrow-like ragged arrays: vertices → rings → parts (one part per polygon)."""

    xy: np.ndarray  # (n_vertices, 2) float64, open rings, outer CCW, holes CW
    ring_offsets: np.ndarray  # (n_rings + 1,) int64
    part_offsets: np.ndarray  # (n_parts + 1,) int64, into rings
    height: np.ndarray  # (n_parts,) float64 metres

    def __len__(self) -> int:
        return len(self.part_offsets) - 1


def synthetic_footprints(
    n: int,
    *,
    seed: int = 0,
    extent: float = 20_000.0,
    hole_share: float = 0.10,
    concave_share: float = 0.5,
    min_vertices: int = 4,
    max_vertices: int = 12,
) -> RaggedPolygons:
    """``n`` footprints scattered over a square of side ``extent`` metres centred on (0, 0)."""
    rng = np.random.default_rng(seed)
    k = rng.integers(min_vertices, max_vertices + 1, n)
    concave = rng.random(n) < concave_share
    # concave polygons need an even count of at least 6 for alternating radii to make them concave
    k = np.where(concave, np.maximum(k + (k % 2), 6), k)
    k = np.minimum(k, max(max_vertices, 6))
    has_hole = rng.random(n) < hole_share
    centre = rng.uniform(-extent / 2, extent / 2, (n, 2))
    radius = rng.uniform(6.0, 30.0, n)
    height = np.round(rng.lognormal(np.log(18.0), 0.6, n), 1).clip(3.0, 400.0)
    phase = rng.uniform(0, 2 * np.pi, n)

    owner = np.repeat(np.arange(n), k)
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    j = np.arange(int(k.sum())) - first[owner]
    step = 2 * np.pi / k[owner]
    ang = phase[owner] + step * (j + rng.uniform(-0.3, 0.3, len(j)))
    r = radius[owner] * np.where(concave[owner] & (j % 2 == 1), rng.uniform(0.45, 0.7, len(j)), 1.0)
    outer = centre[owner] + np.column_stack([r * np.cos(ang), r * np.sin(ang)])

    # holes: squares of a quarter of the inner radius, clockwise
    nh = int(has_hole.sum())
    hole_owner = np.repeat(np.flatnonzero(has_hole), 4)
    hang = phase[hole_owner] - np.tile(np.arange(4), nh) * (np.pi / 2)
    hr = 0.25 * radius[hole_owner] * np.where(concave[hole_owner], 0.45, 1.0)
    holes = centre[hole_owner] + np.column_stack([hr * np.cos(hang), hr * np.sin(hang)])

    # interleave: polygon i's outer ring, then its hole (if any)
    rings_per = 1 + has_hole.astype(np.int64)
    ring_len = np.empty(int(rings_per.sum()), dtype=np.int64)
    ring_first = np.concatenate([[0], np.cumsum(rings_per)[:-1]])
    ring_len[ring_first] = k
    ring_len[ring_first[has_hole] + 1] = 4
    ring_offsets = np.concatenate([[0], np.cumsum(ring_len)]).astype(np.int64)
    xy = np.empty((int(ring_offsets[-1]), 2))
    outer_pos = ring_offsets[ring_first][owner] + j
    xy[outer_pos] = outer
    hole_start = ring_offsets[ring_first[has_hole] + 1]
    xy[np.repeat(hole_start, 4) + np.tile(np.arange(4), nh)] = holes
    part_offsets = np.concatenate([[0], np.cumsum(rings_per)]).astype(np.int64)
    return RaggedPolygons(xy, ring_offsets, part_offsets, height)
