"""Building a tile pack as a task graph on Dask: the same tasks run in this process (``sync``), on a local
cluster of worker processes (``local``, the default) or on a cluster given its scheduler's address.

The graph has two stages and a finish:

1. **partition** — one task per part of each input, read through the app's own readers: footprints
   (GeoParquet row groups, feature ranges of what GDAL reads, a whole file otherwise; height rules, CRS,
   quarantine), each building to the tile that holds its centre; point clouds (LAS/LAZ/COPC, ranges of
   points; CRS, reprojection), each point to its point tile; OpenStreetMap extracts also give their basemap
   (one task per extract: libosmium streams it), each feature to the basemap tile of its box's centre. Every
   task writes one shard per tile it touched;
2. **tile** — one task per tile of each kind: its shards in input order, then the buildings extruded with the
   app's kernel (``tiles/``), the points shuffled into an order whose prefixes are even samples
   (``points/``, :mod:`ydtwin.tiling.points`), the basemap's parts merged by category without the copies
   overlapping extracts share (``basemap/``, :mod:`ydtwin.tiling.basemap`);
3. **finish** — the basemap's manifest, then the pack's (``tiles.json``), written last.

Every task's output is a file written atomically, and every task first looks for its own output: a rerun
(after a crash, a kill, a failed task) skips the finished work and does the rest. Failed tasks are retried
(``retries``) and then reported; the tiles that did build are kept. Results do not depend on the scheduler:
tiles are byte-for-byte the same from ``sync`` and from a cluster.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ydtwin.errors import YdtwinError
from ydtwin.tiling.pack import MANIFEST, PACK_FORMAT, PACK_VERSION, Tile, read_tile, tile_file, tile_origin, write_tile

__all__ = ["BuildCancelled", "BuildReport", "TileJob", "build_pack", "build_tile", "make_job", "partition_chunk"]

log = logging.getLogger("ydtwin")

#: footprints per partition task (GeoParquet row groups are gathered up to this)
CHUNK_ROWS = 100_000
#: tile side (m): a few thousand buildings a tile in a dense city
TILE_SIZE_M = 2_000.0
WORK = ".work"


@dataclass(frozen=True)
class TileJob:
    """Everything a task needs (sent to the workers: small, picklable)."""

    out: str
    inputs: tuple[tuple[str, str | None], ...]  # (absolute path, CRS override)
    tile_size_m: float
    lon_0: float
    lat_0: float
    scale_factor: float
    geodetic_crs: str
    region_bbox: tuple[float, float, float, float]
    storey_height_m: float
    default_height_m: float
    key: str  # what the outputs were made from: inputs, options and code
    kernel_threads: int = 0  # numba threads a task may use (0: numba's default)
    point_tile_size_m: float = 500.0
    basemap_tile_size_m: float = 10_000.0
    basemap: bool = True  # OpenStreetMap extracts give their basemap too

    def kind(self, input_index: int) -> str:
        """What an input is read as: ``points`` (LAS/LAZ/COPC) or ``footprints``."""
        from ydtwin.io.pointcloud_read import is_point_cloud

        return "points" if is_point_cloud(self.inputs[input_index][0]) else "footprints"

    def projection(self):
        from ydtwin.geo.projection import SceneProjection

        return SceneProjection(self.lon_0, self.lat_0, self.scale_factor, self.geodetic_crs)

    @property
    def work(self) -> Path:
        return Path(self.out) / WORK


@dataclass
class BuildReport:
    """What a build did: tiles built and skipped (already built), tasks that failed after their retries."""

    out: Path
    scheduler: str
    tiles: int = 0  # building tiles (built and skipped)
    built: int = 0  # tiles of every kind built by this run
    skipped: int = 0  # … and found already built
    buildings: int = 0
    triangles: int = 0
    features: int = 0
    point_tiles: int = 0
    points: int = 0
    points_dropped: int = 0
    basemap_tiles: int = 0
    basemap_features: int = 0
    basemap_duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (task, one line)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def make_job(inputs: Iterable[tuple[str | os.PathLike[str], str | None]], out: str | os.PathLike[str], *,
             region, tile_size_m: float = TILE_SIZE_M, storey_height_m: float = 3.0,
             default_height_m: float = 10.0, kernel_threads: int = 0, point_tile_size_m: float = 500.0,
             basemap: bool = True) -> TileJob:
    """The job for ``inputs`` ((path, CRS override) pairs) into the folder ``out``, for ``region``'s scene
    projection; ReadError for an input that does not exist."""
    from ydtwin import __version__
    from ydtwin.errors import ReadError
    from ydtwin.geo import extrude as extrude_module
    from ydtwin.io import buildings as buildings_io
    from ydtwin.io import osm_basemap, pointcloud, pointcloud_read, vectorpack
    from ydtwin.io.derived_cache import digest, source_digest
    from ydtwin.tiling import basemap as basemap_module
    from ydtwin.tiling import build as build_module
    from ydtwin.tiling import pack as pack_module
    from ydtwin.tiling import points as points_module

    resolved = []
    parts: list = []
    for path, crs in inputs:
        p = Path(path).absolute()
        if not p.is_file():
            raise ReadError(p, "file not found" if not p.exists() else "not a file")
        st = p.stat()
        resolved.append((str(p), crs))
        parts += [str(p), str(st.st_size), str(st.st_mtime_ns), crs or ""]
    if not resolved:
        raise YdtwinError("no input files")
    if not (tile_size_m >= 100.0) or not (point_tile_size_m >= 50.0):
        raise YdtwinError(f"tile size {min(tile_size_m, point_tile_size_m):g} m: give 100 m or more "
                          "(50 m or more for points)")
    proj = region.projection
    parts += [repr((tile_size_m, point_tile_size_m, basemap)),
              repr((proj.lon_0, proj.lat_0, proj.scale_factor, proj.geodetic_crs)),
              repr(tuple(region.bbox)), repr((storey_height_m, default_height_m)), __version__,
              source_digest(build_module, pack_module, buildings_io, extrude_module, points_module, basemap_module,
                            pointcloud, pointcloud_read, osm_basemap, vectorpack)]
    return TileJob(str(Path(out).absolute()), tuple(resolved), float(tile_size_m), proj.lon_0, proj.lat_0,
                   proj.scale_factor, proj.geodetic_crs, tuple(float(v) for v in region.bbox),
                   float(storey_height_m), float(default_height_m), digest(parts), int(kernel_threads),
                   float(point_tile_size_m), 10_000.0, bool(basemap))


# --- the tasks (run on the workers) ---------------------------------------------------------------------------


def _marker(job: TileJob, input_index: int, chunk_index: int) -> Path:
    return job.work / "chunks" / f"{input_index}-{chunk_index}.json"


def done_marker(job: TileJob, marker: Path) -> dict | None:
    """What a task wrote in its ``marker`` when it finished for this build (the same key), else None."""
    try:
        done = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return done if isinstance(done, dict) and done.get("key") == job.key else None


def mark_done(job: TileJob, marker: Path, done: dict) -> dict:
    """Write a finished task's ``marker`` (its result with the build's key) → the result."""
    from ydtwin.atomic import write_text

    done = {"key": job.key, **done}
    write_text(marker, json.dumps(done, sort_keys=True))
    return done


def tile_runs(i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """Items with tile indices (``i``, ``j``) in tile order (stable: input order within a tile) → (the order,
    ``(tile key, start, end)`` of each tile's run in it)."""
    order = np.lexsort((j, i))
    if not len(order):
        return order, []
    keys = np.column_stack([i[order], j[order]])
    starts = np.flatnonzero(np.r_[True, (np.diff(keys, axis=0) != 0).any(axis=1)])
    ends = np.r_[starts[1:], len(order)]
    return order, [(f"{keys[s, 0]}_{keys[s, 1]}", int(s), int(e)) for s, e in zip(starts, ends, strict=True)]


def _shard(job: TileJob, key: str, input_index: int, chunk_index: int) -> Path:
    return job.work / "shards" / key / f"{input_index:04d}-{chunk_index:06d}.npz"


def _limit_threads(job: TileJob) -> None:
    if job.kernel_threads > 0:
        import numba

        numba.set_num_threads(min(job.kernel_threads, numba.config.NUMBA_NUM_THREADS))


def plan_tasks(job: TileJob) -> list[tuple[str, int, int, object]]:
    """(kind, input, part, descriptor) of every partition task: ``footprints`` (a footprint chunk),
    ``points`` (a range of points) or ``basemap`` (a whole extract)."""
    from ydtwin.io.buildings import footprint_chunks
    from ydtwin.tiling.basemap import is_extract
    from ydtwin.tiling.points import point_chunks

    out: list[tuple[str, int, int, object]] = []
    for k, (path, crs) in enumerate(job.inputs):
        if job.kind(k) == "points":
            out += [("points", k, c, r) for c, r in enumerate(point_chunks(path))]
            continue
        out += [("footprints", k, c, chunk) for c, chunk in enumerate(footprint_chunks(path, CHUNK_ROWS, crs=crs))]
        if job.basemap and is_extract(path):
            out.append(("basemap", k, 0, None))
    return out


def partition_task(job: TileJob, kind: str, input_index: int, chunk_index: int, descriptor) -> dict:
    """One partition task of any kind (see :func:`plan_tasks`)."""
    if kind == "points":
        from ydtwin.tiling.points import partition_points

        return partition_points(job, input_index, chunk_index, descriptor)
    if kind == "basemap":
        from ydtwin.tiling.basemap import partition_basemap

        return partition_basemap(job, input_index)
    return partition_chunk(job, input_index, chunk_index, descriptor)


def tile_task(job: TileJob, kind: str, key: str, parts: list) -> dict:
    """One tile task of any kind: ``buildings``, ``points`` or ``basemap``."""
    if kind == "points":
        from ydtwin.tiling.points import build_point_tile

        return build_point_tile(job, key, parts)
    if kind == "basemap":
        from ydtwin.tiling.basemap import build_basemap_tile

        return build_basemap_tile(job, key, parts)
    return build_tile(job, key, parts)


def partition_chunk(job: TileJob, input_index: int, chunk_index: int, chunk: dict | None) -> dict:
    """Read one part of one input and write its buildings as shards by tile → what it wrote
    (``{"tiles": {key: buildings}, "features": n, "rejected": {...}}``); done at once when its marker exists."""
    from ydtwin.io.buildings import HeightRules, read_buildings
    from ydtwin.io.npzfile import write_npz
    from ydtwin.tiling.pack import plain_arrays

    marker = _marker(job, input_index, chunk_index)
    done = done_marker(job, marker)
    if done is not None:
        return done
    from ydtwin.tiling.basemap import is_extract

    path, crs = job.inputs[input_index]
    rules = HeightRules(storey_height_m=job.storey_height_m, default_height_m=job.default_height_m)
    data, report = read_buildings(path, crs=crs, rules=rules, region_bbox=job.region_bbox, chunk=chunk,
                                  allow_empty=job.basemap and is_extract(path))
    tiles: dict[str, int] = {}
    if len(data):
        geom = data.scene_geometry(job.projection())
        i = np.floor(geom.centre[:, 0] / job.tile_size_m).astype(np.int64)
        j = np.floor(geom.centre[:, 1] / job.tile_size_m).astype(np.int64)
        order, runs = tile_runs(i, j)  # by tile, in file order within a tile
        by_tile = data.take(order)
        for key, s, e in runs:
            write_npz(_shard(job, key, input_index, chunk_index), plain_arrays(by_tile.slice(s, e)))
            tiles[key] = e - s
    return mark_done(job, marker, {"tiles": tiles, "features": report.features, "rejected": dict(report.rejected)})


def build_tile(job: TileJob, key: str, shards: list[tuple[int, int]]) -> dict:
    """Extrude one tile from its shards (``(input, part)`` pairs) and write it → its summary; skipped when the
    tile's file is already there, built from the same inputs."""
    import hashlib

    from ydtwin.geo.extrude import extrude
    from ydtwin.io.derived_cache import buildings_from_arrays
    from ydtwin.io.npzfile import read_npz
    from ydtwin.model.buildings import BuildingsData

    i, j = (int(v) for v in key.split("_"))
    path = tile_file(job.out, i, j)
    try:
        existing = read_tile(path)
    except ValueError:  # torn or foreign: built again
        existing = None
    if existing is not None and existing.build_key == job.key:
        raw = path.read_bytes()
        return {"i": i, "j": j, "buildings": len(existing.buildings), "triangles": int(len(existing.triangles)),
                "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw), "skipped": True}
    _limit_threads(job)
    parts = []
    for input_index, chunk_index in sorted(shards):
        stored = read_npz(_shard(job, key, input_index, chunk_index), 1 << 34)
        if stored is None:
            raise YdtwinError(f"tile {key}: shard {input_index}-{chunk_index} is missing (rerun the build)")
        parts.append(buildings_from_arrays(stored))
    data = BuildingsData.concatenate(parts)
    origin = tile_origin(i, j, job.tile_size_m)
    geom = data.scene_geometry(job.projection())
    mesh = extrude(geom.xy - origin[:2], geom.ring_offsets, geom.part_offsets, geom.base_z[geom.part_building],
                   geom.top_z[geom.part_building])
    tb = geom.part_building[mesh.triangle_part].astype(np.int32)
    raw = write_tile(path, Tile(i, j, data, origin, mesh.vertices, mesh.triangles, tb, job.key))
    return {"i": i, "j": j, "buildings": len(data), "triangles": int(mesh.n_triangles),
            "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw), "skipped": False}


def write_manifest(job: TileJob, tiles: list[dict], report: BuildReport, *, point_tiles: list[dict] = (),
                   point_crs: tuple[str, ...] = (), basemap_tiles: list[dict] = ()) -> Path:
    from ydtwin.atomic import write_text

    proj = job.projection()
    doc = {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "crs": "EPSG:4326",
        "scene_projection": {"lon_0": proj.lon_0, "lat_0": proj.lat_0, "scale_factor": proj.scale_factor,
                             "geodetic_crs": proj.geodetic_crs, "wkt": proj.crs_wkt},
        "tile_size_m": job.tile_size_m,
        "build_key": job.key,
        "inputs": [{"path": p, "crs": c} for p, c in job.inputs],
        "features": report.features,
        "rejected": dict(sorted(report.rejected.items())),
        "buildings": sum(t["buildings"] for t in tiles),
        "triangles": sum(t["triangles"] for t in tiles),
        "tiles": [{k: t[k] for k in ("i", "j", "buildings", "triangles", "bytes", "sha256")}
                  for t in sorted(tiles, key=lambda t: (t["i"], t["j"]))],
    }
    point_inputs = [k for k in range(len(job.inputs)) if job.kind(k) == "points"]
    if point_inputs:
        doc["points"] = {
            "tile_size_m": job.point_tile_size_m,
            "points": report.points, "dropped_not_finite": report.points_dropped,
            "source_crs": ", ".join(point_crs),
            "tiles": [{k: t[k] for k in ("i", "j", "points", "bytes", "sha256")}
                      for t in sorted(point_tiles, key=lambda t: (t["i"], t["j"]))],
        }
    if basemap_tiles:
        from ydtwin.tiling.basemap import BASEMAP

        doc["basemap"] = {
            "folder": BASEMAP, "tile_size_m": job.basemap_tile_size_m, "tiles": len(basemap_tiles),
            "features": report.basemap_features,
            "duplicates": report.basemap_duplicates,
            "parts": [{k: p[k] for k in ("file", "features", "sha256")}
                      for t in sorted(basemap_tiles, key=lambda t: (t["i"], t["j"])) for p in t["parts"]],
        }
    return write_text(Path(job.out) / MANIFEST, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


# --- running the graph -------------------------------------------------------------------------------------------

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


class _Runner:
    """Runs a stage's tasks (one function over many argument tuples) and yields (args, result or exception)."""

    name = "sync"

    def run(self, fn, calls: list[tuple], retries: int):
        import dask

        for args in calls:
            error: BaseException | None = None
            for _attempt in range(retries + 1):
                try:
                    # the dask task, on dask's synchronous scheduler: the same task the workers run
                    yield args, dask.delayed(fn, pure=False)(*args).compute(scheduler="sync")
                    break
                except (YdtwinError, OSError, ValueError, MemoryError) as exc:
                    error = exc
            else:
                yield args, error

    def close(self) -> None:
        pass


class _DaskRunner(_Runner):
    def __init__(self, client, name: str, cluster=None) -> None:
        self.client, self.name, self.cluster = client, name, cluster

    def run(self, fn, calls: list[tuple], retries: int):
        from distributed import as_completed

        futures = {}
        for args in calls:
            future = self.client.submit(fn, *args, retries=retries, pure=False)
            futures[future] = args
        for future in as_completed(futures):
            args = futures[future]
            try:
                yield args, future.result()
            except Exception as exc:  # noqa: BLE001 (a task's own error, or a worker lost for good)
                yield args, exc
            finally:
                future.release()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _runner(scheduler: str, workers: int | None) -> _Runner:
    if scheduler == "sync":
        return _Runner()
    from distributed import Client, LocalCluster

    if scheduler == "local":
        n = workers or max(1, min(os.cpu_count() or 1, 8))
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        return _DaskRunner(Client(cluster), f"local ({n} workers)", cluster)
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise YdtwinError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
    return _DaskRunner(client, f"cluster at {scheduler}")


def _finished(job: TileJob) -> dict | None:
    """The manifest of a finished build of ``job`` whose tiles are all there and unchanged, else None."""
    import hashlib

    from ydtwin.errors import ReadError
    from ydtwin.io.npzfile import read_raw
    from ydtwin.tiling.basemap import BASEMAP
    from ydtwin.tiling.pack import MAX_TILE_BYTES, read_manifest
    from ydtwin.tiling.points import MAX_POINT_TILE_BYTES, point_tile_file

    try:
        _folder, doc = read_manifest(job.out)
        if doc.get("build_key") != job.key:
            return None
        files = [(tile_file(job.out, t["i"], t["j"]), MAX_TILE_BYTES, t.get("sha256")) for t in doc["tiles"]]
        files += [(point_tile_file(job.out, t["i"], t["j"]), MAX_POINT_TILE_BYTES, t.get("sha256"))
                  for t in doc.get("points", {}).get("tiles", [])]
        files += [(Path(job.out) / BASEMAP / p["file"], MAX_TILE_BYTES, p.get("sha256"))
                  for p in doc.get("basemap", {}).get("parts", [])]
        for path, limit, sha in files:
            raw = read_raw(path, limit)
            if raw is None or hashlib.sha256(raw).hexdigest() != sha:
                return None
    except (ReadError, ValueError, OSError, KeyError, TypeError, AttributeError):
        return None
    return doc


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class BuildCancelled(YdtwinError):
    """The build was cancelled: what was finished is kept, and a rerun resumes from it."""


def build_pack(job: TileJob, *, scheduler: str = "local", workers: int | None = None, retries: int = 2,
               progress: ProgressFn | None = None, keep_work: bool = False,
               cancel: Callable[[], bool] | None = None) -> BuildReport:
    """Run the graph for ``job`` → the report. Finished parts and tiles are skipped; the manifest is written
    when every task succeeded (a failed task leaves the finished tiles and the work folder for a rerun).
    ``cancel()`` turning true stops the build after the task under way (:class:`BuildCancelled`)."""

    def check() -> None:
        if cancel is not None and cancel():
            raise BuildCancelled(f"{Path(job.out).name}: tile build cancelled; the finished tiles are kept "
                                 "(build again to resume)")

    t0 = time.perf_counter()
    out = Path(job.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tiles").mkdir(exist_ok=True)
    job.work.mkdir(exist_ok=True)
    (out / "points").mkdir(exist_ok=True)
    manifest = out / MANIFEST
    report = BuildReport(out, scheduler)
    finished = _finished(job)
    if finished is not None:  # built before from the same inputs, every tile as the manifest lists it
        report.tiles = report.skipped = len(finished["tiles"])
        report.buildings, report.triangles = int(finished["buildings"]), int(finished["triangles"])
        report.features, report.rejected = int(finished["features"]), dict(finished["rejected"])
        points, basemap = finished.get("points", {}), finished.get("basemap", {})
        report.point_tiles, report.points = len(points.get("tiles", [])), int(points.get("points", 0))
        report.points_dropped = int(points.get("dropped_not_finite", 0))
        report.basemap_tiles = int(basemap.get("tiles", 0))
        report.basemap_features = int(basemap.get("features", 0))
        report.basemap_duplicates = int(basemap.get("duplicates", 0))
        report.skipped += report.point_tiles + report.basemap_tiles
        report.scheduler = "none (already built)"
        report.seconds = time.perf_counter() - t0
        return report
    if manifest.exists() or manifest.is_symlink():
        manifest.unlink()  # the pack is being rebuilt: it is not finished until the new manifest is written
    tasks = plan_tasks(job)
    runner = _runner(scheduler, workers)
    report.scheduler = runner.name
    results: dict[str, list[dict]] = {"buildings": [], "points": [], "basemap": []}
    extracts: list[tuple[int, dict]] = []
    point_crs: dict[int, str] = {}
    try:
        # 1. partition
        shards: dict[str, dict[str, list]] = {"buildings": {}, "points": {}, "basemap": {}}
        done = 0
        for (_job, kind, k, c, _d), result in runner.run(partition_task, [(job, *t) for t in tasks], retries):
            done += 1
            check()
            name = Path(job.inputs[k][0]).name
            if isinstance(result, BaseException):
                what = {"footprints": f"partition {name} part {c + 1}", "points": f"points of {name} part {c + 1}",
                        "basemap": f"basemap of {name}"}[kind]
                report.failed.append((what, _one_line(result)))
            elif kind == "points":
                report.points += int(result["points"]) - int(result["dropped"])
                report.points_dropped += int(result["dropped"])
                point_crs[k] = str(result["crs"])
                for key in result["tiles"]:
                    shards["points"].setdefault(key, []).append((k, c))
            elif kind == "basemap":
                extracts.append((k, result))
                for key, items in result["tiles"].items():
                    shards["basemap"].setdefault(key, []).extend((k, cat, rel) for cat, rel in items)
            else:
                report.features += int(result["features"])
                for reason, n in result["rejected"].items():
                    report.rejected[reason] = report.rejected.get(reason, 0) + int(n)
                for key in result["tiles"]:
                    shards["buildings"].setdefault(key, []).append((k, c))
            if progress is not None:
                progress("partition", done, len(tasks))
        # 2. tiles (those of the parts that failed would be incomplete: none is built until every part is in)
        if not report.failed:
            calls = [(job, kind, key, sorted(parts)) for kind in ("buildings", "points", "basemap")
                     for key, parts in sorted(shards[kind].items())]
            done = 0
            for (_job, kind, key, _parts), result in runner.run(tile_task, calls, retries):
                done += 1
                check()
                if isinstance(result, BaseException):
                    what = {"buildings": "tile", "points": "point tile", "basemap": "basemap tile"}[kind]
                    report.failed.append((f"{what} {key}", _one_line(result)))
                else:
                    results[kind].append(result)
                if progress is not None:
                    progress("tiles", done, len(calls))
    finally:
        runner.close()
    tiles, point_tiles, basemap_tiles = results["buildings"], results["points"], results["basemap"]
    everything = tiles + point_tiles + basemap_tiles
    report.tiles = len(tiles)
    report.built = sum(not t["skipped"] for t in everything)
    report.skipped = sum(t["skipped"] for t in everything)
    report.buildings = sum(t["buildings"] for t in tiles)
    report.triangles = sum(t["triangles"] for t in tiles)
    report.point_tiles = len(point_tiles)
    report.basemap_tiles = len(basemap_tiles)
    report.basemap_features = sum(t["features"] for t in basemap_tiles)
    report.basemap_duplicates = sum(t["duplicates"] for t in basemap_tiles)
    if not report.failed:
        # 3. finish: stale tiles of an earlier build (other inputs) go, then the basemap's manifest, the pack's
        from ydtwin.tiling.basemap import BASEMAP, write_basemap_manifest
        from ydtwin.tiling.points import POINTS

        for folder, done_tiles in (("tiles", tiles), (POINTS, point_tiles)):
            keep = {f"{t['i']}_{t['j']}.npz" for t in done_tiles}
            for old in (out / folder).glob("*.npz") if (out / folder).is_dir() else ():
                if old.name not in keep:
                    old.unlink()
        if basemap_tiles:
            write_basemap_manifest(job, basemap_tiles, [e for _k, e in sorted(extracts, key=lambda e: e[0])])
        elif (out / BASEMAP).is_dir() and not (out / BASEMAP).is_symlink():
            shutil.rmtree(out / BASEMAP)  # an earlier build's
        write_manifest(job, tiles, report, point_tiles=point_tiles,
                       point_crs=tuple(dict.fromkeys(c for _k, c in sorted(point_crs.items()))),
                       basemap_tiles=basemap_tiles)
        if not keep_work:
            shutil.rmtree(job.work, ignore_errors=True)
    report.seconds = time.perf_counter() - t0
    return report
