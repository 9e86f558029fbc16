"""Point clouds (LAS/LAZ/COPC) in a tile pack: partitioned by tile on the cluster, read back as one layer.

A pack's points lie on their own square grid (``point_tile_size_m``, finer than the buildings' grid: a
dense survey holds millions of points per square kilometre) in the same scene projection::

    points/I_J.npz      one tile: float32 positions relative to the tile's float64 origin, the LAS
                        attributes planners colour by, in an order whose every prefix is an even sample

The partition task reads one range of a file's points through the app's own reader (CRS, reprojection to
the scene, checks against the header) and writes them as shards by tile; the tile task puts a tile's shards
together (in input order) and shuffles them with a generator seeded by the tile's index, so that a viewer
that may keep only some of the points reads the first share of every tile and still sees all of the survey
evenly, and so that the same inputs give the same bytes whatever ran the build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ydtwin.errors import ReadError, YdtwinError

__all__ = ["MAX_POINT_TILE_BYTES", "POINTS", "build_point_tile", "partition_points", "point_chunks",
           "point_tile_file", "read_pack_points", "read_point_tile"]

POINTS = "points"
#: points per partition task
CHUNK_POINTS = 2_000_000
#: a point tile file larger than this is refused
MAX_POINT_TILE_BYTES = 4 * 1024**3
_FIELDS = ("classification", "intensity", "return_number")


def point_tile_file(folder, i: int, j: int) -> Path:
    return Path(folder) / POINTS / f"{int(i)}_{int(j)}.npz"


def point_chunks(path: str) -> list[tuple[int, int]]:
    """(start, count) of the partition tasks of one file (its header checked first)."""
    from ydtwin.io.pointcloud import check_point_cloud

    n = check_point_cloud(path).point_count
    return [(s, min(CHUNK_POINTS, n - s)) for s in range(0, n, CHUNK_POINTS)] or [(0, 0)]


def _shard(job, key: str, input_index: int, chunk_index: int) -> Path:
    return job.work / "point-shards" / key / f"{input_index:04d}-{chunk_index:06d}.npz"


def partition_points(job, input_index: int, chunk_index: int, point_range: tuple[int, int]) -> dict:
    """Read one range of one point cloud in scene metres and write its points as shards by tile → what it
    wrote (``{"tiles": {key: points}, "points": n, "dropped": n, "crs": name}``); done at once when its
    marker exists."""
    from ydtwin.io.npzfile import write_npz
    from ydtwin.io.pointcloud_read import read_point_cloud
    from ydtwin.tiling.build import done_marker, mark_done, tile_runs

    marker = job.work / "chunks" / f"points-{input_index}-{chunk_index}.json"
    done = done_marker(job, marker)
    if done is not None:
        return done
    path, crs = job.inputs[input_index]
    data, report = read_point_cloud(path, crs=crs, projection=job.projection(), region_bbox=job.region_bbox,
                                    point_range=tuple(point_range))
    size = job.point_tile_size_m
    i = np.floor(data.xyz[:, 0] / size).astype(np.int64)
    j = np.floor(data.xyz[:, 1] / size).astype(np.int64)
    order, runs = tile_runs(i, j)  # by tile, in file order within a tile
    tiles: dict[str, int] = {}
    for key, s, e in runs:
        sel = order[s:e]
        arrays = {"xyz": data.xyz[sel]}
        arrays.update({f: getattr(data, f)[sel] for f in _FIELDS})
        if data.rgb is not None:
            arrays["rgb"] = data.rgb[sel]
        write_npz(_shard(job, key, input_index, chunk_index), arrays)
        tiles[key] = e - s
    return mark_done(job, marker, {"tiles": tiles, "points": report.read_points,
                                   "dropped": report.dropped_not_finite, "crs": report.crs})


def build_point_tile(job, key: str, shards: list[tuple[int, int]]) -> dict:
    """Put one point tile together from its shards and write it → its summary; skipped when the tile's file is
    already there, built from the same inputs."""
    from ydtwin.atomic import write_bytes
    from ydtwin.io.npzfile import npz_bytes, read_npz

    i, j = (int(v) for v in key.split("_"))
    path = point_tile_file(job.out, i, j)
    try:
        existing = read_point_tile(path)
    except ValueError:
        existing = None
    if existing is not None and str(existing["tile:build_key"]) == job.key:
        raw = path.read_bytes()
        return {"i": i, "j": j, "points": len(existing["xyz"]), "sha256": hashlib.sha256(raw).hexdigest(),
                "bytes": len(raw), "skipped": True}
    parts = []
    for input_index, chunk_index in sorted(shards):
        stored = read_npz(_shard(job, key, input_index, chunk_index), 1 << 34)
        if stored is None:
            raise YdtwinError(f"point tile {key}: shard {input_index}-{chunk_index} is missing (rerun the build)")
        parts.append(stored)
    rgb = all("rgb" in p for p in parts)
    n = sum(len(p["xyz"]) for p in parts)
    # every prefix an even sample of the tile, the same permutation for the same tile whatever ran it
    perm = np.random.default_rng([i & 0xFFFFFFFF, j & 0xFFFFFFFF, n]).permutation(n)
    origin = np.array([(i + 0.5) * job.point_tile_size_m, (j + 0.5) * job.point_tile_size_m, 0.0])
    xyz = np.concatenate([p["xyz"] for p in parts])[perm]
    arrays = {"xyz": (xyz - origin).astype(np.float32)}
    for f in _FIELDS:
        arrays[f] = np.concatenate([p[f] for p in parts])[perm]
    if rgb:
        arrays["rgb"] = np.concatenate([p["rgb"] for p in parts])[perm]
    arrays.update({"tile:ij": np.array([i, j], dtype=np.int64), "tile:origin": origin,
                   "tile:build_key": np.array(job.key)})
    raw = npz_bytes(arrays)
    write_bytes(path, raw)
    return {"i": i, "j": j, "points": n, "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw),
            "skipped": False}


def read_point_tile(path: Path, *, sha256: str | None = None) -> dict | None:
    """The arrays of the point tile at ``path`` (None when there is none), checked; ValueError when it is
    damaged or inconsistent, or when its SHA-256 is not ``sha256``."""
    from ydtwin.io.npzfile import parse_npz, read_raw

    raw = read_raw(path, MAX_POINT_TILE_BYTES)
    if raw is None:
        return None
    if sha256 is not None and hashlib.sha256(raw).hexdigest() != sha256:
        raise ValueError("not the tile the manifest lists (its checksum differs)")
    a = parse_npz(raw)
    need = ("xyz", *_FIELDS, "tile:ij", "tile:origin", "tile:build_key")
    missing = [k for k in need if k not in a]
    if missing:
        raise ValueError(f"lacks {', '.join(missing)}")
    xyz, n = a["xyz"], len(a["xyz"])
    if xyz.dtype != np.float32 or xyz.ndim != 2 or xyz.shape[1] != 3 or not np.isfinite(xyz).all():
        raise ValueError("the tile's points are not finite float32 (n, 3)")
    if a["tile:origin"].shape != (3,) or not np.isfinite(a["tile:origin"]).all() or a["tile:ij"].shape != (2,):
        raise ValueError("the tile's index or origin is malformed")
    dtypes = {"classification": np.uint8, "intensity": np.uint16, "return_number": np.uint8}
    for f, dt in dtypes.items():
        if a[f].dtype != dt or a[f].shape != (n,):
            raise ValueError(f"the tile's {f} is not {np.dtype(dt).name} ({n},)")
    if "rgb" in a and (a["rgb"].dtype != np.uint8 or a["rgb"].shape != (n, 3)):
        raise ValueError("the tile's colours are not uint8 (n, 3)")
    return a


def read_pack_points(path, projection, *, max_points: int | None = None, progress=None, cancel=None):
    """The points of a tile pack (its folder, its manifest, or its ``points`` folder) in the scene of
    ``projection`` → (PointCloudData, manifest). Every tile is checked against the manifest; when the pack
    holds more than ``max_points``, the same share of every tile is kept (an even sample: see above)."""
    from ydtwin.geo.projection import SceneProjection
    from ydtwin.io.buildings import Cancelled
    from ydtwin.io.pointcloud_read import MAX_RESIDENT_POINTS
    from ydtwin.model.pointcloud import PointCloudData
    from ydtwin.tiling.pack import read_manifest

    path = Path(path)
    folder, doc = read_manifest(path.parent if path.name == POINTS else path)
    section = doc.get(POINTS)
    if not isinstance(section, dict) or not isinstance(section.get("tiles"), list) or not section["tiles"]:
        raise ReadError(folder, "the tile pack holds no point cloud")
    tiles = section["tiles"]
    if not all(isinstance(t, dict) and isinstance(t.get("i"), int) and isinstance(t.get("j"), int)
               and isinstance(t.get("points"), int) for t in tiles):
        raise ReadError(folder, "the manifest's point tile list is malformed")
    total = sum(t["points"] for t in tiles)
    limit = MAX_RESIDENT_POINTS if max_points is None else max_points
    share = min(1.0, limit / max(total, 1))
    sp = doc.get("scene_projection", {})
    try:
        built = SceneProjection(float(sp["lon_0"]), float(sp["lat_0"]), float(sp["scale_factor"]),
                                str(sp["geodetic_crs"]))
    except (KeyError, TypeError, ValueError):
        raise ReadError(folder, "the manifest's scene projection is malformed") from None
    same = (built.lon_0, built.lat_0, built.scale_factor, built.geodetic_crs) == (
        projection.lon_0, projection.lat_0, projection.scale_factor, projection.geodetic_crs)
    parts = []
    for k, entry in enumerate(tiles):
        if cancel is not None and cancel():
            raise Cancelled(folder)
        file = point_tile_file(folder, entry["i"], entry["j"])
        try:
            a = read_point_tile(file, sha256=str(entry.get("sha256", "")))
            if a is None:
                raise ValueError("missing")
        except (ValueError, OSError) as exc:
            raise ReadError(file, f"point tile {entry['i']}_{entry['j']}: {exc}",
                            "rebuild the pack: ydtwin tiles build … (finished tiles are kept)") from None
        m = len(a["xyz"]) if share >= 1.0 else int(round(len(a["xyz"]) * share))
        xyz = a["xyz"][:m].astype(np.float64) + a["tile:origin"]
        if not same:  # built for another region's scene: through lon/lat into this one
            lon, lat = built.from_scene(xyz[:, 0], xyz[:, 1])
            xyz[:, 0], xyz[:, 1] = projection.to_scene(lon, lat)
        parts.append((xyz, a["classification"][:m], a["intensity"][:m], a["return_number"][:m],
                      a["rgb"][:m] if "rgb" in a else None))
        if progress is not None:
            progress(k + 1, len(tiles))
    rgb = None if any(p[4] is None for p in parts) else np.concatenate([p[4] for p in parts])
    note = ""
    if share < 1.0:
        note = f"thinned evenly to {share:.1%} of the pack's points (at most {limit:,} in memory)"
    data = PointCloudData(np.concatenate([p[0] for p in parts]), projection.crs_wkt,
                          np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts]),
                          np.concatenate([p[3] for p in parts]), rgb, str(section.get("source_crs", "")),
                          total, note)
    return data, doc
