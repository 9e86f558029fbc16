"""Basemap build from an OpenStreetMap extract: ydtwin's streamed build vs a naive whole-file loop, same run.

The extract is a real one (default: the shared fixture ``pbf/test.osm.pbf``, OpenStreetMap data of Kouvola,
Finland; or ``--extract``). To give the build something to chew on it is enlarged: its objects are copied
``--copies`` times onto a grid of shifted positions with new ids (real features, synthetic arrangement; the
output says so). Each build runs in its own process, so ``peak_rss_mb`` is that build's own peak.

- ``ydtwin``: :func:`ydtwin.io.osm_basemap.build_basemap` — a reading child process (so that the build can be
  watched and cancelled), libosmium filtering by key in C++, WKB geometries, bounded buffers written out as
  tiled packs. Its time includes starting the child.
- ``naive``: every object of the file through Python (``dict(tags)``), the same classification, a shapely
  geometry built from each way's node coordinates, everything kept in lists until the end, then one pack per
  category.

One JSON object per load (idle; and with the other core kept busy by a spinning process)::

    python benchmarks/basemap.py                       # idle and busy
    python benchmarks/basemap.py --copies 400 --extract path/to/extract.osm.pbf

Keys: load, extract, copies, objects_in_file, features, ydtwin_features_per_s, naive_features_per_s, speedup,
ydtwin_peak_rss_mb, naive_peak_rss_mb (the process's peak), ydtwin_build_mb, naive_build_mb (the peak above
the process's size once its modules are imported: what the build itself holds), memory_ratio (naive/ydtwin of
the latter), ydtwin_s, naive_s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EXTRACT = ROOT.parent / "shared" / "fixtures" / "pbf" / "test.osm.pbf"


def enlarge(src: Path, out: Path, copies: int, step_deg: float = 0.05) -> int:
    """Copy every object of ``src`` ``copies`` times onto a grid, shifted by ``step_deg``, with new ids."""
    import osmium

    objs = {"n": [], "w": [], "r": []}
    for o in osmium.FileProcessor(str(src)):
        if o.is_node():
            objs["n"].append((o.id, o.location.lon, o.location.lat, dict(o.tags)))
        elif o.is_way():
            objs["w"].append((o.id, [n.ref for n in o.nodes], dict(o.tags)))
        elif o.is_relation():
            objs["r"].append((o.id, [(m.type, m.ref, m.role) for m in o.members], dict(o.tags)))
    span = 1 + max(max((x[0] for x in v), default=0) for v in objs.values())
    side = int(copies ** 0.5) + 1
    writer = osmium.SimpleWriter(str(out))
    count = 0
    try:
        for kind in ("n", "w", "r"):
            for c in range(copies):
                off = c * span
                dx, dy = (c % side) * step_deg, (c // side) * step_deg
                for item in objs[kind]:
                    if kind == "n":
                        i, lon, lat, tags = item
                        writer.add_node(osmium.osm.mutable.Node(id=i + off, location=(lon + dx, lat + dy), tags=tags))
                    elif kind == "w":
                        i, refs, tags = item
                        writer.add_way(osmium.osm.mutable.Way(id=i + off, nodes=[r + off for r in refs], tags=tags))
                    else:
                        i, members, tags = item
                        writer.add_relation(osmium.osm.mutable.Relation(
                            id=i + off, members=[(t, r + off, role) for t, r, role in members], tags=tags))
                    count += 1
    finally:
        writer.close()
    return count


def build_ydtwin(extract: str, out: str) -> dict:
    from ydtwin.io.osm_basemap import build_basemap

    t0 = time.perf_counter()
    stats = build_basemap(extract, out, bbox=(-180.0, -85.0, 180.0, 85.0))
    return {"s": time.perf_counter() - t0, "features": stats.total}


def build_naive(extract: str, out: str) -> dict:
    import numpy as np
    import osmium
    import shapely

    from ydtwin.io import vectorpack
    from ydtwin.io.osm_basemap import CATEGORIES, classify_area, classify_way
    from ydtwin.model.layer import Provenance, VectorData

    t0 = time.perf_counter()
    kept: dict[str, list] = {c: [] for c in CATEGORIES}
    for o in osmium.FileProcessor(extract).with_areas():
        tags = dict(o.tags)
        try:
            if o.is_way():
                kind = classify_way(tags)
                if kind is None:
                    continue
                geom = shapely.LineString([(n.lon, n.lat) for n in o.nodes if n.location.valid()])
            elif o.is_area():
                kind = classify_area(tags)
                if kind is None:
                    continue
                polys = []
                for outer in o.outer_rings():
                    holes = [[(n.lon, n.lat) for n in inner] for inner in o.inner_rings(outer)]
                    polys.append(shapely.Polygon([(n.lon, n.lat) for n in outer], holes))
                geom = shapely.MultiPolygon(polys)
            else:
                continue
        except (osmium.InvalidLocationError, ValueError, shapely.errors.GEOSException):
            continue
        if geom.is_empty:
            continue
        kept[kind[0]].append((geom, kind[1], tags.get("name", "")))
    os.makedirs(out)
    n = 0
    for cat, rows in kept.items():
        if not rows:
            continue
        n += len(rows)
        data = VectorData(np.array([r[0] for r in rows], dtype=object), "EPSG:4326",
                          {"class": np.array([r[1] for r in rows], dtype=object),
                           "name": np.array([r[2] for r in rows], dtype=object)})
        vectorpack.write(Path(out) / f"{cat}.ydv.npz", data, name=cat,
                         provenance=Provenance(source="OpenStreetMap", licence="ODbL-1.0"))
    return {"s": time.perf_counter() - t0, "features": n}


def _child(which: str, extract: str, out: str) -> None:
    import numpy  # noqa: F401  (imports outside the figure: the same for both)
    import osmium  # noqa: F401
    import psutil
    import shapely  # noqa: F401

    from ydtwin.io import osm_basemap, vectorpack  # noqa: F401

    base = psutil.Process().memory_info().rss / 2**20
    result = (build_ydtwin if which == "ydtwin" else build_naive)(extract, out)
    # ydtwin reads the extract in a child process: the peak is the larger of the two
    result["peak_rss_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    result["build_mb"] = result["peak_rss_mb"] - base
    print(json.dumps(result))


def _spin(stop) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def measure(extract: Path, copies: int, load: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "enlarged.osm.pbf"
        objects = enlarge(extract, big, copies)
        file_mb = round(big.stat().st_size / 2**20, 1)
        stop = mp.Event()
        spinner = mp.Process(target=_spin, args=(stop,), daemon=True) if load == "busy" else None
        if spinner:
            spinner.start()
        try:
            res = {}
            for which in ("ydtwin", "naive"):
                r = subprocess.run([sys.executable, __file__, "--child", which, str(big), str(Path(tmp) / which)],
                                   capture_output=True, text=True, check=True)
                res[which] = json.loads(r.stdout.strip().splitlines()[-1])
        finally:
            if spinner:
                stop.set()
                spinner.join()
    y, n = res["ydtwin"], res["naive"]
    return {
        "load": load, "extract": f"{extract.name} (real OpenStreetMap data) x{copies} copies at shifted positions",
        "copies": copies, "objects_in_file": objects, "file_mb": file_mb,
        "features": y["features"], "naive_features": n["features"],
        "ydtwin_features_per_s": round(y["features"] / y["s"]), "naive_features_per_s": round(n["features"] / n["s"]),
        "speedup": round((y["features"] / y["s"]) / (n["features"] / n["s"]), 2),
        "ydtwin_peak_rss_mb": round(y["peak_rss_mb"], 1), "naive_peak_rss_mb": round(n["peak_rss_mb"], 1),
        "ydtwin_build_mb": round(y["build_mb"], 1), "naive_build_mb": round(n["build_mb"], 1),
        "memory_ratio": round(n["build_mb"] / max(y["build_mb"], 1.0), 2),
        "ydtwin_s": round(y["s"], 2), "naive_s": round(n["s"], 2),
    }


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(*sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extract", type=Path, default=DEFAULT_EXTRACT)
    ap.add_argument("--copies", type=int, default=300)
    ap.add_argument("--load", choices=("idle", "busy", "both"), default="both")
    args = ap.parse_args()
    if not args.extract.is_file():
        sys.exit(f"{args.extract}: no such extract (give --extract PATH.osm.pbf)")
    for load in ("idle", "busy") if args.load == "both" else (args.load,):
        print(json.dumps(measure(args.extract, args.copies, load)), flush=True)


if __name__ == "__main__":
    main()
