"""The basemap (existing roads, railways, power lines, water, land use) of OpenStreetMap extracts in a tile pack.

An extract given to ``ydtwin tiles build`` brings its buildings and its basemap. The partition task streams
one extract through the app's own basemap reader (libosmium, the same classes and checks as ``ydtwin basemap
build``) and files each feature under the pack tile holding its box's centre (``basemap_tile_size_m``, in the
scene projection); the tile task merges a tile's parts from every extract into one part per category, in input
order, dropping the copies that overlapping extracts both hold (same OSM id, same geometry). The finish writes
``basemap/basemap.json``: the pack's ``basemap`` folder is a basemap folder like any other (``--basemap``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import numpy as np

__all__ = ["BASEMAP", "build_basemap_tile", "is_extract", "partition_basemap", "write_basemap_manifest"]

BASEMAP = "basemap"
_EXTRACT_SUFFIXES = (".osm.pbf", ".pbf")
_PART_NAME = re.compile(r"^(-?\d+)_(-?\d+)-(\d+)\.ydv\.npz$")


def is_extract(path: str) -> bool:
    return Path(path).name.lower().endswith(_EXTRACT_SUFFIXES)


def _provenance():
    from ydtwin.io.osm_basemap import OSM_LICENCE
    from ydtwin.model.layer import Provenance

    return Provenance(source="OpenStreetMap", licence=OSM_LICENCE, transformations=("osmium area assembly",))


def partition_basemap(job, input_index: int) -> dict:
    """Stream one extract into basemap parts filed by pack tile → what it wrote (``{"tiles": {key: [[category,
    part], …]}, "features": n, "skipped": {…}}``); done at once when its marker exists."""
    from ydtwin.io.osm_basemap import _header_timestamp, stream_parts
    from ydtwin.tiling.build import done_marker, mark_done

    marker = job.work / "chunks" / f"basemap-{input_index}.json"
    done = done_marker(job, marker)
    if done is not None:
        return done
    path, _crs = job.inputs[input_index]
    folder = job.work / "basemap-parts" / str(input_index)
    shutil.rmtree(folder, ignore_errors=True)  # what a killed attempt left
    proj = job.projection()
    size = job.basemap_tile_size_m

    def tile_of(lon, lat):
        x, y = proj.to_scene(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
        return np.floor(x / size).astype(np.int64), np.floor(y / size).astype(np.int64)

    stats, parts = stream_parts(path, folder, bbox=job.region_bbox, tile_of=tile_of)
    tiles: dict[str, list[list[str]]] = {}
    for category, items in parts.items():
        for item in items:
            # the writer's part name: <category>/<i>_<j>-<sequence>.ydv.npz (i, j may be negative)
            m = _PART_NAME.match(item["file"].split("/", 1)[1])
            tiles.setdefault(f"{int(m[1])}_{int(m[2])}", []).append([category, item["file"]])
    return mark_done(job, marker, {"tiles": tiles, "features": stats.total, "skipped": dict(stats.skipped),
                                   "file": Path(path).name, "bytes": Path(path).stat().st_size,
                                   "osm_timestamp": _header_timestamp(Path(path))})


def _part_order(item: tuple[int, str, str]) -> tuple:
    k, category, rel = item
    return k, category, int(_PART_NAME.match(rel.split("/", 1)[1])[3])


def build_basemap_tile(job, key: str, parts: list[tuple[int, str, str]]) -> dict:
    """Merge one tile's basemap parts ((input, category, part) triples) into one part per category → its
    summary; skipped when an earlier attempt of the same build wrote it and its files are unchanged."""
    import shapely

    from ydtwin.atomic import write_bytes
    from ydtwin.io import vectorpack
    from ydtwin.io.osm_basemap import CATEGORIES
    from ydtwin.model.layer import VectorData
    from ydtwin.tiling.build import done_marker, mark_done

    i, j = (int(v) for v in key.split("_"))
    marker = job.work / "done" / f"basemap-{key}.json"
    out = Path(job.out) / BASEMAP
    done = done_marker(job, marker)
    try:
        if done is not None and all(
                hashlib.sha256((out / p["file"]).read_bytes()).hexdigest() == p["sha256"] for p in done["parts"]):
            return {**done["summary"], "skipped": True}
    except (OSError, KeyError, TypeError):
        pass
    written, features, duplicates = [], 0, 0
    for category in CATEGORIES:
        items = sorted((p for p in parts if p[1] == category), key=_part_order)
        if not items:
            continue
        datas = [vectorpack.read(job.work / "basemap-parts" / str(k) / rel)[0] for k, _c, rel in items]
        geoms = np.concatenate([d.geometries for d in datas])
        attrs = {name: np.concatenate([np.asarray(d.attributes[name]) for d in datas]) for name in datas[0].attributes}
        # overlapping extracts hold the same objects: the first copy is kept
        seen, keep = set(), np.zeros(len(geoms), dtype=bool)
        for n, (oid, wkb) in enumerate(zip(attrs["osm_id"].tolist(), shapely.to_wkb(geoms).tolist(), strict=True)):
            if (oid, wkb) not in seen:
                seen.add((oid, wkb))
                keep[n] = True
        duplicates += int((~keep).sum())
        data = VectorData(geoms[keep], "EPSG:4326", {name: v[keep] for name, v in attrs.items()})
        rel = f"{category}/{i}_{j}-0.ydv.npz"
        raw = vectorpack.pack_bytes(data, provenance=_provenance(), name=category)
        (out / category).mkdir(parents=True, exist_ok=True)
        write_bytes(out / rel, raw)
        written.append({"file": rel, "features": len(data), "sha256": hashlib.sha256(raw).hexdigest(),
                        "bounds": [float(v) for v in shapely.total_bounds(data.geometries)]})
        features += len(data)
    summary = {"i": i, "j": j, "parts": written, "features": features, "duplicates": duplicates}
    mark_done(job, marker, {"parts": written, "summary": summary})
    return {**summary, "skipped": False}


def write_basemap_manifest(job, tiles: list[dict], extracts: list[dict]) -> Path:
    """``basemap/basemap.json`` of the pack (what makes its ``basemap`` folder a basemap); stale parts of an
    earlier build are removed first."""
    from ydtwin.atomic import write_text
    from ydtwin.io.osm_basemap import BASEMAP_FORMAT, BASEMAP_VERSION, CATEGORIES, MANIFEST, OSM_LICENCE

    out = Path(job.out) / BASEMAP
    out.mkdir(parents=True, exist_ok=True)
    keep = {p["file"] for t in tiles for p in t["parts"]}
    for category in CATEGORIES:
        for old in (out / category).glob("*.ydv.npz") if (out / category).is_dir() else ():
            if f"{category}/{old.name}" not in keep:
                old.unlink()
    parts: dict[str, list[dict]] = {c: [] for c in CATEGORIES}
    counts = dict.fromkeys(CATEGORIES, 0)
    for t in sorted(tiles, key=lambda t: (t["i"], t["j"])):
        for p in t["parts"]:
            category = p["file"].split("/", 1)[0]
            parts[category].append({k: p[k] for k in ("file", "features", "bounds", "sha256")})
            counts[category] += p["features"]
    skipped: dict[str, int] = {}
    for e in extracts:
        for reason, n in e["skipped"].items():
            skipped[reason] = skipped.get(reason, 0) + int(n)
    skipped["duplicate"] = sum(t["duplicates"] for t in tiles)
    stamps = sorted(e["osm_timestamp"] for e in extracts if e.get("osm_timestamp"))
    doc = {
        "format": BASEMAP_FORMAT, "version": BASEMAP_VERSION, "crs": "EPSG:4326",
        "source": {"file": ", ".join(e["file"] for e in extracts), "bytes": sum(e["bytes"] for e in extracts),
                   "osm_timestamp": stamps[0] if stamps else "", "licence": OSM_LICENCE},
        "bbox": list(job.region_bbox), "tile_m": job.basemap_tile_size_m, "features": counts, "skipped": skipped,
        "parts": {c: v for c, v in parts.items() if v},
    }
    return write_text(out / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
