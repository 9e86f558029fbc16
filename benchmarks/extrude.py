"""Extrusion throughput: ydtwin's vectorised engine vs trimesh's per-polygon extrude, same run.

Synthetic footprints (convex and concave, 4–12 vertices, 10 % with a hole). Each size runs in its own
process so ``peak_rss_mb`` is that size's peak, idle and with a spinning process that this script starts on
the other core (``--load``). One JSON object per size and load on its own line:

    python benchmarks/extrude.py            # 10k, 100k, 1M; idle and busy
    python benchmarks/extrude.py --n 100000 --load busy

Keys: n, load, footprints_per_s (closed solids with floors, like trimesh's; best of 3 timed runs after one
warm-up on the same data), footprints_per_s_without_floors (what the renderer draws), cold_first_call_s (the
very first call in the process: the compiled kernel loaded from numba's cache, fresh memory touched),
first_run_s (the call after the cold one, before the 3 timed: the warm-up), normalise_s (ring
clean-up/orientation, done once at load), naive_footprints_per_s (trimesh.creation.extrude_polygon per
footprint on a 10k sample, under the same load), speedup, speedup_cold (the cold call against the same naive
rate), tiles_s / tiles_s_one_call_per_leaf (the quadtree's tiles: full meshes of the leaves extruded in batches
of leaves, against one kernel call per leaf as before; aggregates included in both), leaves,
triangles_per_footprint, naive_triangles_per_footprint, peak_rss_mb, threads.
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


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def run(n: int, seed: int) -> dict:
    import numba
    import shapely
    import trimesh

    from ydtwin.geo import lod
    from ydtwin.geo.extrude import extrude, normalise_rings
    from ydtwin.geo.synthetic import synthetic_footprints
    from ydtwin.model.buildings import BuildingsData

    fp = synthetic_footprints(n, seed=seed)
    t0 = time.perf_counter()
    xy, rings = normalise_rings(fp.xy, fp.ring_offsets, fp.part_offsets)
    normalise_s = time.perf_counter() - t0
    # cold: the first call of the process (the kernel loaded from numba's cache, fresh memory)
    t0 = time.perf_counter()
    mesh = extrude(xy, rings, fp.part_offsets, 0.0, fp.height, floors=True)
    cold = time.perf_counter() - t0
    del mesh

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

    # the quadtree's tiles, as the app builds them: leaves batched, against one kernel call per leaf
    data = BuildingsData(fp.xy, fp.ring_offsets, fp.part_offsets, np.arange(n), fp.height, np.zeros(n),
                         np.zeros(n, np.uint8), np.zeros(n, np.uint8), "scene")

    class Flat:  # synthetic footprints are scene metres already
        @staticmethod
        def to_scene(x, y, crs):
            return np.asarray(x), np.asarray(y)

    geom = data.scene_geometry(Flat())
    tree = lod.Quadtree(geom.centre)
    tiles_s = {}
    for mode, batch in (("batched", lod.BATCH_VERTICES), ("per_leaf", 0)):
        saved, lod.BATCH_VERTICES = lod.BATCH_VERTICES, batch
        try:
            times = []
            for _ in range(2):
                t0 = time.perf_counter()
                tiles = lod.build_tiles(tree, geom)
                times.append(time.perf_counter() - t0)
                del tiles
        finally:
            lod.BATCH_VERTICES = saved
        tiles_s[mode] = min(times)

    rate = n / best
    return {
        "n": n,
        "cold_first_call_s": round(cold, 4),
        "speedup_cold": round(n / cold / naive_rate, 1),
        "tiles_s": round(tiles_s["batched"], 3),
        "tiles_s_one_call_per_leaf": round(tiles_s["per_leaf"], 3),
        "leaves": int(sum(node.is_leaf for node in tree.nodes)),
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
    parser.add_argument("--load", choices=("idle", "busy", "both"), default="both",
                        help="busy: a process spinning on the other core meanwhile")
    args = parser.parse_args()
    loads = ("idle", "busy") if args.load == "both" else (args.load,)
    sizes = (args.n,) if args.n else (10_000, 100_000, 1_000_000)
    if args.n and len(loads) == 1 and os.environ.get("YDTWIN_BENCH_CHILD"):
        print(json.dumps({**run(args.n, args.seed), "load": loads[0]}), flush=True)
        return
    import multiprocessing as mp

    for load in loads:
        stop = mp.Event()
        spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
        if spinner:
            spinner.start()
        try:
            for n in sizes:
                subprocess.run([sys.executable, __file__, "--n", str(n), "--seed", str(args.seed), "--load", load],
                               check=True, env={**os.environ, "YDTWIN_BENCH_CHILD": "1"})
        finally:
            if spinner:
                stop.set()
                spinner.join()


if __name__ == "__main__":
    main()
