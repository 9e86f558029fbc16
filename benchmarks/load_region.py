#!/usr/bin/env python3
"""Start-up cost of the region data: the compact packs vs the same layers as GeoJSON.

Prints one JSON object: seconds to load the bundled region (all layers, median of --repeat runs), the
bytes on disk, and the baseline — the same vector layers written to GeoJSON in this run and read back
with ydtwin's GeoJSON reader (what loading "plain" files would cost) — with the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ydtwin.io.geojson import read_geojson  # noqa: E402
from ydtwin.io.region import load_region, read_region_file  # noqa: E402
from ydtwin.model import VectorLayer  # noqa: E402


def _median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rf = read_region_file()
    load_region()  # warm imports and caches once
    t_pack = _median_seconds(load_region, args.repeat)
    _, layers = load_region()
    vectors = [layer for layer in layers if isinstance(layer, VectorLayer)]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k, layer in enumerate(vectors):
            feats = [{"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(g))}
                     for g in layer.data.geometries]
            p = Path(tmp) / f"{k}.geojson"
            p.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
            paths.append(p)
        geojson_bytes = sum(p.stat().st_size for p in paths)
        t_geojson = _median_seconds(lambda: [read_geojson(p) for p in paths], args.repeat)
    t_pack_vectors = _median_seconds(
        lambda: [__import__("ydtwin.io.vectorpack", fromlist=["read"]).read(rf.file(k))
                 for k in ("land", "rivers", "cities", "districts")], args.repeat)
    print(json.dumps({
        "benchmark": "load_region",
        "region": rf.region.id,
        "load_region_s": round(t_pack, 4),
        "asset_bytes": sum(p.stat().st_size for p in rf.files.values()),
        "vector_packs_s": round(t_pack_vectors, 4),
        "baseline_geojson_s": round(t_geojson, 4),
        "baseline_geojson_bytes": geojson_bytes,
        "speedup_vs_geojson": round(t_geojson / t_pack_vectors, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
