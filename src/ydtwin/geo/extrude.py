"""Vectorised extrusion of building footprints into one triangle mesh per tile.

Input is a batch of polygons in the ragged layout of :class:`Footprints` (vertices → rings → parts),
already shifted to a tile-local float64 frame. One compiled pass (numba, parallel over parts) writes
into preallocated arrays:

- roof: ear clipping of the outer ring with its holes bridged in (``k + 2h - 2`` triangles for ``k``
  vertices and ``h`` holes, so ``k - 2`` for a hole-free ``k``-gon);
- walls: two triangles per ring edge, facing outwards;
- floor (optional): the roof's triangles reversed at the base, which closes the solid (watertight).

Roof and walls share their vertices (``2k`` per part: top ring, bottom ring), so a mesh with floors is
a closed 2-manifold. No normals are written: flat shading derives them per fragment.

Rings must be open (no repeated closing vertex), free of consecutive duplicates, the outer ring
counter-clockwise and holes clockwise — :func:`normalise_rings` makes them so, vectorised.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numba
import numpy as np

__all__ = ["ExtrudedMesh", "extrude", "normalise_rings", "part_counts", "ring_signed_areas", "warm_up"]

_KERNEL_LOCK = threading.Lock()


@dataclass(frozen=True)
class ExtrudedMesh:
    """float32 vertices (tile-local), int32 triangles, and the part each triangle belongs to."""

    vertices: np.ndarray  # (n, 3) float32
    triangles: np.ndarray  # (m, 3) int32
    triangle_part: np.ndarray  # (m,) int32: index of the part (polygon) in the input batch
    roof_triangles: int
    #: where each part's vertices and triangles start (n_parts + 1 each): a batch of several tiles is cut
    #: into tiles by these
    vertex_offsets: np.ndarray | None = None
    triangle_offsets: np.ndarray | None = None

    @property
    def n_triangles(self) -> int:
        return len(self.triangles)


# --- ragged helpers (numpy, vectorised) ---------------------------------------------------------------


def ring_signed_areas(xy: np.ndarray, ring_offsets: np.ndarray) -> np.ndarray:
    """Shoelace area per open ring (positive = counter-clockwise), one compiled pass."""
    ring_offsets = np.ascontiguousarray(ring_offsets, dtype=np.int64)
    out = np.zeros(len(ring_offsets) - 1)
    if len(xy):
        _ring_areas_kernel(np.ascontiguousarray(xy, dtype=np.float64), ring_offsets, out)
    return out


@numba.njit(cache=True, nogil=True)
def _ring_areas_kernel(xy, ring_offsets, out):
    for r in range(len(ring_offsets) - 1):
        a = ring_offsets[r]
        n = ring_offsets[r + 1] - a
        if n < 3:
            continue
        # relative to the ring's first vertex: keeps the products small
        ox = xy[a, 0]
        oy = xy[a, 1]
        s = 0.0
        for k in range(n):
            k2 = k + 1 if k + 1 < n else 0
            s += (xy[a + k, 0] - ox) * (xy[a + k2, 1] - oy) - (xy[a + k2, 0] - ox) * (xy[a + k, 1] - oy)
        out[r] = 0.5 * s


def normalise_rings(
    xy: np.ndarray, ring_offsets: np.ndarray, part_offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Drop closing and consecutive duplicate vertices, orient outer rings CCW and holes CW.

    Returns ``(xy, ring_offsets)``; ``part_offsets`` (rings per part) is unchanged. Rings left with fewer
    than three vertices keep what they have — callers drop such parts (see ``Footprints.validate``).
    One compiled pass over the vertices.
    """
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    ring_offsets = np.ascontiguousarray(ring_offsets, dtype=np.int64)
    n_rings = len(ring_offsets) - 1
    if n_rings == 0:
        return xy, ring_offsets
    is_outer = np.zeros(n_rings, dtype=np.bool_)
    is_outer[np.asarray(part_offsets[:-1], dtype=np.int64)] = True
    out = np.empty_like(xy)
    new_offsets = np.empty_like(ring_offsets)
    _normalise_kernel(xy, ring_offsets, is_outer, out, new_offsets)
    return out[: new_offsets[-1]], new_offsets


@numba.njit(cache=True, nogil=True)
def _normalise_kernel(xy, ring_offsets, is_outer, out, new_offsets):
    n_rings = len(ring_offsets) - 1
    w = 0
    new_offsets[0] = 0
    for r in range(n_rings):
        a = ring_offsets[r]
        b = ring_offsets[r + 1]
        start = w
        for i in range(a, b):
            x = xy[i, 0]
            y = xy[i, 1]
            if w > start and out[w - 1, 0] == x and out[w - 1, 1] == y:
                continue
            out[w, 0] = x
            out[w, 1] = y
            w += 1
        while w - start > 1 and out[w - 1, 0] == out[start, 0] and out[w - 1, 1] == out[start, 1]:
            w -= 1
        # shoelace relative to the first vertex
        area = 0.0
        n = w - start
        if n >= 3:
            ox = out[start, 0]
            oy = out[start, 1]
            for k in range(n):
                k2 = k + 1 if k + 1 < n else 0
                x0 = out[start + k, 0] - ox
                y0 = out[start + k, 1] - oy
                x1 = out[start + k2, 0] - ox
                y1 = out[start + k2, 1] - oy
                area += x0 * y1 - x1 * y0
        if (is_outer[r] and area < 0) or (not is_outer[r] and area > 0):
            i = start
            j = w - 1
            while i < j:
                tx = out[i, 0]
                ty = out[i, 1]
                out[i, 0] = out[j, 0]
                out[i, 1] = out[j, 1]
                out[j, 0] = tx
                out[j, 1] = ty
                i += 1
                j -= 1
        new_offsets[r + 1] = w


def part_counts(ring_offsets: np.ndarray, part_offsets: np.ndarray, floors: bool) -> tuple[np.ndarray, ...]:
    """Per part: vertices, holes, roof triangles and all triangles."""
    ring_offsets = np.asarray(ring_offsets, dtype=np.int64)
    part_offsets = np.asarray(part_offsets, dtype=np.int64)
    nverts = ring_offsets[part_offsets[1:]] - ring_offsets[part_offsets[:-1]]
    nholes = np.diff(part_offsets) - 1
    roof = np.maximum(nverts + 2 * nholes - 2, 0)
    total = roof * (2 if floors else 1) + 2 * nverts
    return nverts, nholes, roof, total


# --- the compiled kernel --------------------------------------------------------------------------------


@numba.njit(inline="always")
def _area2(ax, ay, bx, by, cx, cy):
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


@numba.njit(cache=True, nogil=True)
def _bridge_holes(px, py, nxt, prv, vid, hole_first, hole_len, nholes, node_count):
    """Splice every hole into the outer ring (node 0's loop) through a mutually visible vertex pair."""
    # holes in order of decreasing max x: each bridge then goes to the right, away from unmerged holes
    order = np.arange(nholes)
    hmax = np.empty(nholes)
    hnode = np.empty(nholes, dtype=np.int64)
    for h in range(nholes):
        best = hole_first[h]
        for k in range(hole_first[h], hole_first[h] + hole_len[h]):
            if px[k] > px[best] or (px[k] == px[best] and py[k] < py[best]):
                best = k
        hmax[h] = px[best]
        hnode[h] = best
    for a in range(1, nholes):  # insertion sort, h is small
        k = order[a]
        b = a - 1
        while b >= 0 and hmax[order[b]] < hmax[k]:
            order[b + 1] = order[b]
            b -= 1
        order[b + 1] = k
    for oi in range(nholes):
        h = order[oi]
        m = hnode[h]
        mx, my = px[m], py[m]
        # nearest edge of the merged ring hit by the ray from M towards +x
        best_x = np.inf
        cand = -1
        p = 0
        while True:
            q = nxt[p]
            if (py[p] <= my <= py[q] or py[q] <= my <= py[p]) and py[p] != py[q]:
                xi = px[p] + (my - py[p]) * (px[q] - px[p]) / (py[q] - py[p])
                if mx <= xi < best_x:
                    best_x = xi
                    if xi == px[p] and my == py[p]:
                        cand = p
                    elif xi == px[q] and my == py[q]:
                        cand = q
                    else:
                        cand = p if px[p] > px[q] else q
            elif py[p] == my and px[p] >= mx and px[p] < best_x:
                best_x = px[p]
                cand = p
            p = q
            if p == 0:
                break
        if cand < 0:
            continue  # hole outside its shell: left out (its triangles stay degenerate)
        # a reflex vertex inside triangle (M, I, P) would hide P: take the one closest in angle to the ray
        ix = best_x
        cx, cy = px[cand], py[cand]
        if not (cx == ix and cy == my):
            sign = 1.0 if cy >= my else -1.0
            best_tan = np.inf
            best_d = np.inf
            chosen = cand
            p = 0
            while True:
                if p != cand and px[p] >= mx and px[p] <= max(ix, cx):
                    a_ = prv[p]
                    c_ = nxt[p]
                    reflex = _area2(px[a_], py[a_], px[p], py[p], px[c_], py[c_]) < 0
                    if reflex:
                        # inside or on the triangle M, I, P
                        d1 = _area2(mx, my, ix, my, px[p], py[p]) * sign
                        d2 = _area2(ix, my, cx, cy, px[p], py[p]) * sign
                        d3 = _area2(cx, cy, mx, my, px[p], py[p]) * sign
                        if d1 >= 0 and d2 >= 0 and d3 >= 0:
                            dx = px[p] - mx
                            t = abs(py[p] - my) / dx if dx > 0 else np.inf
                            d = dx * dx + (py[p] - my) ** 2
                            if t < best_tan or (t == best_tan and d < best_d):
                                best_tan = t
                                best_d = d
                                chosen = p
                p = nxt[p]
                if p == 0:
                    break
            cand = chosen
        # splice: P → M … (around the hole) … M' → P' → next(P)
        pn = nxt[cand]
        mp = prv[m]
        m2 = node_count
        p2 = node_count + 1
        node_count += 2
        px[m2], py[m2], vid[m2] = px[m], py[m], vid[m]
        px[p2], py[p2], vid[p2] = px[cand], py[cand], vid[cand]
        nxt[cand] = m
        prv[m] = cand
        nxt[mp] = m2
        prv[m2] = mp
        nxt[m2] = p2
        prv[p2] = m2
        nxt[p2] = pn
        prv[pn] = p2
    return node_count


@numba.njit(cache=True, nogil=True)
def _is_ear(px, py, nxt, prv, a, b, c, allow_flat):
    ax, ay, bx, by, cx, cy = px[a], py[a], px[b], py[b], px[c], py[c]
    area = _area2(ax, ay, bx, by, cx, cy)
    if area < 0 or (area == 0 and not allow_flat):
        return False
    p = nxt[c]
    while p != a:
        qx, qy = px[p], py[p]
        if not ((qx == ax and qy == ay) or (qx == bx and qy == by) or (qx == cx and qy == cy)):
            if (
                _area2(ax, ay, bx, by, qx, qy) >= 0
                and _area2(bx, by, cx, cy, qx, qy) >= 0
                and _area2(cx, cy, ax, ay, qx, qy) >= 0
            ):
                return False
        p = nxt[p]
    return True


@numba.njit(parallel=True, cache=True, nogil=True)
def _extrude_kernel(xy, ring_offsets, part_offsets, zb, zt, vert_off, tri_off, roof_n, floors, verts, tris):
    n_parts = len(part_offsets) - 1
    for pi in numba.prange(n_parts):
        r0 = part_offsets[pi]
        r1 = part_offsets[pi + 1]
        v0 = ring_offsets[r0]
        nv = ring_offsets[r1] - v0
        if nv == 0:
            continue
        nh = r1 - r0 - 1
        vo = vert_off[pi]
        t = tri_off[pi]
        top = np.float32(zt[pi])
        bot = np.float32(zb[pi])
        for k in range(nv):
            verts[vo + k, 0] = np.float32(xy[v0 + k, 0])
            verts[vo + k, 1] = np.float32(xy[v0 + k, 1])
            verts[vo + k, 2] = top
            verts[vo + nv + k, 0] = np.float32(xy[v0 + k, 0])
            verts[vo + nv + k, 1] = np.float32(xy[v0 + k, 1])
            verts[vo + nv + k, 2] = bot
        # walls: each ring edge i → j as two outward-facing triangles
        for r in range(r0, r1):
            a0 = ring_offsets[r] - v0
            a1 = ring_offsets[r + 1] - v0
            for i in range(a0, a1):
                j = i + 1 if i + 1 < a1 else a0
                tris[t, 0] = vo + nv + i
                tris[t, 1] = vo + nv + j
                tris[t, 2] = vo + j
                tris[t + 1, 0] = vo + nv + i
                tris[t + 1, 1] = vo + j
                tris[t + 1, 2] = vo + i
                t += 2
        # roof: linked-list ear clipping over the outer ring with holes bridged in
        nroof = roof_n[pi]
        if nroof <= 0:
            continue
        n_nodes = nv + 2 * nh
        px = np.empty(n_nodes)
        py = np.empty(n_nodes)
        nxt = np.empty(n_nodes, dtype=np.int64)
        prv = np.empty(n_nodes, dtype=np.int64)
        vid = np.empty(n_nodes, dtype=np.int64)
        # local coordinates relative to the first vertex keep the orientation tests well conditioned
        ox = xy[v0, 0]
        oy = xy[v0, 1]
        for r in range(r0, r1):
            a0 = ring_offsets[r] - v0
            a1 = ring_offsets[r + 1] - v0
            for i in range(a0, a1):
                px[i] = xy[v0 + i, 0] - ox
                py[i] = xy[v0 + i, 1] - oy
                vid[i] = i
                nxt[i] = i + 1 if i + 1 < a1 else a0
                prv[i] = i - 1 if i > a0 else a1 - 1
        remaining = ring_offsets[r0 + 1] - v0
        if nh > 0:
            hole_first = np.empty(nh, dtype=np.int64)
            hole_len = np.empty(nh, dtype=np.int64)
            for h in range(nh):
                hole_first[h] = ring_offsets[r0 + 1 + h] - v0
                hole_len[h] = ring_offsets[r0 + 2 + h] - ring_offsets[r0 + 1 + h]
            used = _bridge_holes(px, py, nxt, prv, vid, hole_first, hole_len, nh, nv)
            # count the nodes actually in the merged ring
            remaining = 1
            p = nxt[0]
            while p != 0:
                remaining += 1
                p = nxt[p]
            _ = used
        t_roof = t
        emitted = 0
        cur = 0
        stall = 0
        mode = 0  # 0: strict ears, 1: accept flat ears, 2: clip whatever is next (degenerate input)
        while remaining > 3 and emitted < nroof - 1:
            a = prv[cur]
            c = nxt[cur]
            ok = mode == 2 or _is_ear(px, py, nxt, prv, a, cur, c, mode == 1)
            if ok:
                tris[t, 0] = vo + vid[a]
                tris[t, 1] = vo + vid[cur]
                tris[t, 2] = vo + vid[c]
                t += 1
                emitted += 1
                nxt[a] = c
                prv[c] = a
                remaining -= 1
                cur = c
                stall = 0
                mode = 0
            else:
                cur = c
                stall += 1
                if stall > remaining:
                    mode += 1
                    stall = 0
        if remaining >= 3 and emitted < nroof:
            a = prv[cur]
            c = nxt[cur]
            tris[t, 0] = vo + vid[a]
            tris[t, 1] = vo + vid[cur]
            tris[t, 2] = vo + vid[c]
            t += 1
            emitted += 1
        # unbridgeable holes leave slots: fill them with degenerate triangles so counts stay exact
        while emitted < nroof:
            tris[t, 0] = vo
            tris[t, 1] = vo
            tris[t, 2] = vo
            t += 1
            emitted += 1
        if floors:
            for k in range(nroof):
                tris[t + k, 0] = tris[t_roof + k, 0] + nv
                tris[t + k, 1] = tris[t_roof + k, 2] + nv
                tris[t + k, 2] = tris[t_roof + k, 1] + nv


def extrude(
    xy: np.ndarray,
    ring_offsets: np.ndarray,
    part_offsets: np.ndarray,
    base: np.ndarray,
    top: np.ndarray,
    *,
    floors: bool = False,
) -> ExtrudedMesh:
    """Extrude polygons (tile-local float64 ``xy``, normalised rings) from ``base`` to ``top`` per part.

    Triangle order per part: walls, roof, then floor. ``triangle_part`` maps every triangle back to its
    part; the caller maps parts to buildings.
    """
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    ring_offsets = np.ascontiguousarray(ring_offsets, dtype=np.int64)
    part_offsets = np.ascontiguousarray(part_offsets, dtype=np.int64)
    n_parts = len(part_offsets) - 1
    base = np.ascontiguousarray(np.broadcast_to(base, n_parts), dtype=np.float64)
    top = np.ascontiguousarray(np.broadcast_to(top, n_parts), dtype=np.float64)
    nverts, _nholes, roof, total = part_counts(ring_offsets, part_offsets, floors)
    vert_off = np.zeros(n_parts + 1, dtype=np.int64)
    np.cumsum(2 * nverts, out=vert_off[1:])
    tri_off = np.zeros(n_parts + 1, dtype=np.int64)
    np.cumsum(total, out=tri_off[1:])
    n_vertices = int(vert_off[-1])
    if n_vertices >= 2**31:
        raise ValueError("too many vertices for one mesh: split the batch (by tile)")
    verts = np.empty((n_vertices, 3), dtype=np.float32)
    tris = np.empty((int(tri_off[-1]), 3), dtype=np.int32)
    if n_parts:
        # numba's default (workqueue) thread pool must not be entered from two threads at once; meshes are
        # prepared in worker threads, so parallel kernel calls are serialised
        with _KERNEL_LOCK:
            _extrude_kernel(xy, ring_offsets, part_offsets, base, top, vert_off, tri_off, roof.astype(np.int64),
                            floors, verts, tris)
    tri_part = np.repeat(np.arange(n_parts, dtype=np.int32), total)
    return ExtrudedMesh(verts, tris, tri_part, int(roof.sum()), vert_off, tri_off)


_warm = False


def warm_up() -> None:
    """Compile (or load from the cache) every kernel now, on the calling thread.

    Call it on the UI thread before kernels run in workers: loading compiled code initialises LLVM, and
    doing that in a worker while a software-GL driver (Mesa llvmpipe, LLVM too) compiles shaders on the UI
    thread crashes the process.
    """
    global _warm
    if _warm:
        return
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    rings = np.array([0, 4], dtype=np.int64)
    parts = np.array([0, 1], dtype=np.int64)
    xy, rings = normalise_rings(xy, rings, parts)
    ring_signed_areas(xy, rings)
    extrude(xy, rings, parts, 0.0, 1.0, floors=True)
    _warm = True
