"""Simplified levels of big meshes (3D models) through fast-simplification (quadric edge collapse).

``simplify`` keeps a share of a mesh's triangles and says, for every vertex of the input, which vertex of the
output it was collapsed into, so that per-vertex attributes (colours, texture coordinates) follow.
``level_targets`` gives the triangle counts of a model's levels: a quarter of the one before, down to a few
thousand triangles, so that whatever the frame's triangle budget one level fits it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LEVEL_RATIO", "MIN_LEVEL_TRIANGLES", "MIN_PART_TRIANGLES", "level_targets", "simplify"]

#: each level keeps this share of the triangles of the one before
LEVEL_RATIO = 0.25
#: no level is made below this many triangles (a model that small is drawn whole)
MIN_LEVEL_TRIANGLES = 20_000
#: parts with fewer triangles are kept whole in every level (a door, a window)
MIN_PART_TRIANGLES = 2_000


def level_targets(n_triangles: int) -> list[int]:
    """Triangle counts of the simplified levels of a model of ``n_triangles`` (finest first; none for a small
    model)."""
    out = []
    n = n_triangles * LEVEL_RATIO
    while n >= MIN_LEVEL_TRIANGLES:
        out.append(int(n))
        n *= LEVEL_RATIO
    return out


def simplify(vertices: np.ndarray, faces: np.ndarray, keep: float, *, mapping: bool = True
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(vertices, faces, mapping) of the mesh with about ``keep`` (0–1) of its triangles: ``mapping[i]`` is the
    output vertex input vertex ``i`` became (−1: dropped). Without ``mapping`` (no per-vertex attributes to
    carry) it is None, and the simplification costs half as much (the collapses are not replayed)."""
    import fast_simplification

    if not 0.0 < keep < 1.0 or len(faces) < 4:
        return vertices, faces, np.arange(len(vertices)) if mapping else None
    origin = vertices.mean(axis=0)
    pts = np.ascontiguousarray(vertices - origin, dtype=np.float32)  # float32 near the middle: mm over km
    tri = np.ascontiguousarray(faces, dtype=np.int64)
    if not mapping:
        out_pts, out_faces = fast_simplification.simplify(pts, tri, target_reduction=1.0 - keep)
        return np.asarray(out_pts, dtype=np.float64) + origin, np.asarray(out_faces, dtype=np.int64), None
    _p, _f, collapses = fast_simplification.simplify(pts, tri, target_reduction=1.0 - keep, return_collapses=True)
    out_pts, out_faces, index = fast_simplification.replay_simplification(pts, tri, collapses)
    index = np.asarray(index, dtype=np.int64)
    if len(index) != len(vertices):
        index = np.full(len(vertices), -1, dtype=np.int64)
    return np.asarray(out_pts, dtype=np.float64) + origin, np.asarray(out_faces, dtype=np.int64), index
