"""Extrusion throughput: ydtwin's vectorised engine vs trimesh's per-polygon extrude, same run.

Synthetic footprints (convex and concave, 4–12 vertices, 10 % with a hole). Each size runs in its own
process so ``peak_rss_mb`` is that size's peak. One JSON object per size on its own line:

    python benchmarks/extrude.py            # 10k, 100k, 1M
    python benchmarks/extrude.py --n 100000

Keys: n, footprints_per_s (closed solids with floors, like trimesh's; best of 3 timed runs after one
warm-up on the same data), footprints_per_s_without_floors (what the renderer draws),
first_run_s (the warm-up, incl. page faults), normalise_s (ring clean-up/orientation, done once at
load), naive_footprints_per_s (trimesh.creation.extrude_polygon per footprint on a 10k sample),
speedup, triangles_per_footprint, naive_triangles_per_footprint, peak_rss_mb, threads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

NAIVE_SAMPLE = 10_000


def run(n: int, seed: int) -> dict:
    import numba
    import shapely
    import trimesh

    from ydtwin.geo.extrude import extrude, normalise_rings
    from ydtwin.geo.synthetic import synthetic_footprints

    fp = synthetic_footprints(n, seed=seed)
    t0 = time.perf_counter()
    xy, rings = normalise_rings(fp.xy, fp.ring_offsets, fp.part_offsets)
    normalise_s = time.perf_counter() - t0
    # compile (or load the cached kernel) outside the timing
    extrude(xy[:4], np.array([0, 4]), np.array([0, 1]), 0.0, 1.0, floors=True)

    def timed(floors: bool) -> tuple[float, float, int]:
        t0 = time.perf_counter()
        mesh = extrude(xy, rings, fp.part_offsets, 0.0, fp.height, floors=floors)
        first = time.perf_counter() - t0
        del mesh
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            mesh = extrude(xy, rings, fp.part_offsets, 0.0, fp.height, floors=floors)
            times.append(time.perf_counter() - t0)
            tris = mesh.n_triangles
            del mesh
        return min(times), first, tris

    # closed solids (with floors), like trimesh's: the like-for-like figure
    best, first, tris = timed(True)
    # what the renderer draws: no floors under buildings standing on the ground
    best_open, _first_open, tris_open = timed(False)

    # the naive way: one shapely polygon and one trimesh.extrude_polygon call per footprint
    sample = synthetic_footprints(min(n, NAIVE_SAMPLE), seed=seed)
    polys = shapely.from_ragged_array(
        shapely.GeometryType.POLYGON, sample.xy, (sample.ring_offsets, sample.part_offsets)
    )
    t0 = time.perf_counter()
    naive_tris = 0
    for poly, h in zip(polys, sample.height, strict=True):
        naive_tris += len(trimesh.creation.extrude_polygon(poly, float(h)).faces)
    naive = time.perf_counter() - t0
    naive_rate = len(polys) / naive

    rate = n / best
    return {
        "n": n,
        "footprints_per_s": round(rate),
        "seconds": round(best, 4),
        "first_run_s": round(first, 4),
        "normalise_s": round(normalise_s, 4),
        "naive_sample": len(polys),
        "naive_footprints_per_s": round(naive_rate, 1),
        "speedup": round(rate / naive_rate, 1),
        "triangles_per_footprint": round(tris / n, 3),
        "footprints_per_s_without_floors": round(n / best_open),
        "triangles_per_footprint_without_floors": round(tris_open / n, 3),
        "naive_triangles_per_footprint": round(naive_tris / len(polys), 3),
        "holes_share": round(float((np.diff(fp.part_offsets) > 1).mean()), 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "threads": numba.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "floors": True,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="run one size in this process")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.n:
        print(json.dumps(run(args.n, args.seed)), flush=True)
        return
    for n in (10_000, 100_000, 1_000_000):
        subprocess.run([sys.executable, __file__, "--n", str(n), "--seed", str(args.seed)], check=True)


if __name__ == "__main__":
    main()
