"""Building a basemap from an OpenStreetMap extract: existing roads, railways, power lines, water and land use.

The extract (``.osm.pbf``, the China extract planners download, or any part of it) is streamed once by
libosmium (two passes when areas are assembled: relations first, then everything). Only objects with the keys
below reach Python; each becomes a WKB geometry and a few attributes, kept in small per-category buffers that
are written out as tiled packs (:mod:`ydtwin.io.vectorpack`, lon/lat in WGS84) whenever they fill. Memory stays
bounded by the buffer size and libosmium's node-location index (a file on disk for big extracts), whatever the
size of the extract.

The result is a folder::

    basemap.json            the manifest: source, date, box, counts, the parts and their bounds
    roads/<i>_<j>-<k>.ydv.npz   …one folder per category, parts named by tile (i, j) and sequence k

written under a hidden partial name and renamed into place when complete, so a killed build never leaves a
folder that looks finished.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import ReadError, YdtwinError
from ydtwin.model.layer import Provenance, VectorData

__all__ = [
    "BASEMAP_FORMAT", "CATEGORIES", "BasemapCancelled", "BuildStats", "build_basemap", "classify_area",
    "classify_way", "deck_height_m", "stream_parts",
]

BASEMAP_FORMAT = "ydtwin-basemap"
BASEMAP_VERSION = 1
MANIFEST = "basemap.json"
OSM_LICENCE = "ODbL-1.0 (© OpenStreetMap contributors)"

#: the categories of a basemap and the geometry each holds
CATEGORIES = {
    "roads": "lines", "rail": "lines", "power": "lines", "waterways": "lines",
    "tunnels": "lines", "water": "areas", "landuse": "areas",
}
#: the OSM keys that can make an object part of the basemap; everything else never reaches Python
KEYS = ("highway", "railway", "power", "waterway", "natural", "water", "landuse", "leisure")

#: OSM highway values kept (their ``_link`` roads too) → the class a basemap feature carries
ROAD_CLASSES = {"motorway": "motorway", "trunk": "trunk road", "primary": "primary road",
                "secondary": "secondary road", "tertiary": "tertiary road"}
_RAIL = {"rail": "railway", "narrow_gauge": "railway", "subway": "metro", "light_rail": "light rail",
         "monorail": "light rail", "tram": "tram"}
_WATER_CLASSES = {"river": "river", "canal": "canal", "lake": "lake", "reservoir": "reservoir", "pond": "pond",
                  "oxbow": "lake", "lagoon": "lake", "basin": "basin", "fishpond": "pond", "moat": "canal",
                  "stream_pool": "pond", "wastewater": "basin", "lock": "canal", "ditch": "canal", "drain": "canal"}
_LANDUSE = {
    "residential": "residential", "commercial": "commercial", "retail": "commercial",
    "industrial": "industrial", "port": "industrial", "railway": "industrial", "construction": "construction",
    "farmland": "agriculture", "orchard": "agriculture", "farmyard": "agriculture", "meadow": "agriculture",
    "greenhouse_horticulture": "agriculture", "aquaculture": "agriculture", "plant_nursery": "agriculture",
    "forest": "green", "grass": "green", "recreation_ground": "green", "village_green": "green",
    "cemetery": "green",
}
_LEISURE = {"park": "green", "garden": "green", "nature_reserve": "green", "golf_course": "green"}
_NATURAL_GREEN = {"wood": "green", "scrub": "green", "grassland": "green", "heath": "green"}
#: approximate height of a bridge deck per OSM ``layer`` step (m); OSM rarely says a deck's height
DECK_STEP_M = 6.0
#: features buffered per category before they are written out as parts
CHUNK = 20_000
#: extracts bigger than this keep libosmium's node locations in a file rather than in memory
FILE_INDEX_BYTES = 256 * 1024 * 1024
_LAYER = re.compile(r"-?\d+")


class BasemapCancelled(YdtwinError):
    """The build was cancelled: nothing was written."""


def _layer(tags) -> int:
    m = _LAYER.search(tags.get("layer", "") or "")
    return int(np.clip(int(m.group()), -5, 5)) if m else 0


def _yes(value: str | None) -> bool:
    return value is not None and value not in ("no", "false", "0")


def deck_height_m(bridge: bool, layer: int) -> float:
    """Height (m) a line is drawn above the ground: bridges and viaducts at ``DECK_STEP_M`` per layer (at least
    one step), everything else on the ground (tunnels are a category of their own)."""
    return DECK_STEP_M * max(layer, 1) if bridge else 0.0


def classify_way(tags) -> tuple[str, str] | None:
    """(category, class) of a way drawn as a line, or None when it is not part of the basemap."""
    hw = tags.get("highway")
    if hw:
        base = hw[:-5] if hw.endswith("_link") else hw
        if base in ROAD_CLASSES:
            return ("tunnels" if _yes(tags.get("tunnel")) else "roads"), ROAD_CLASSES[base]
    rw = tags.get("railway")
    if rw in _RAIL:
        cls = "high-speed railway" if rw == "rail" and _yes(tags.get("highspeed")) else _RAIL[rw]
        if rw == "subway" and not _yes(tags.get("bridge")) and tags.get("tunnel") is None and _layer(tags) < 0:
            return "tunnels", cls
        return ("tunnels" if _yes(tags.get("tunnel")) else "rail"), cls
    pw = tags.get("power")
    if pw in ("line", "minor_line"):
        return "power", "power line" if pw == "line" else "minor power line"
    ww = tags.get("waterway")
    if ww in ("river", "canal"):
        return "waterways", ww
    return None


def classify_area(tags) -> tuple[str, str] | None:
    """(category, class) of an area (closed way or multipolygon), or None."""
    natural = tags.get("natural")
    if natural == "water" or tags.get("waterway") == "riverbank":
        if tags.get("waterway") == "riverbank":
            return "water", "river"
        return "water", _WATER_CLASSES.get(tags.get("water", ""), "lake")
    lu = tags.get("landuse")
    if lu in ("reservoir", "basin"):
        return "water", lu
    if lu in _LANDUSE:
        return "landuse", _LANDUSE[lu]
    leisure = tags.get("leisure")
    if leisure in _LEISURE:
        return "landuse", _LEISURE[leisure]
    if natural in _NATURAL_GREEN:
        return "landuse", _NATURAL_GREEN[natural]
    return None


@dataclass
class BuildStats:
    """What a build read and wrote."""

    features: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    skipped: dict[str, int] = field(default_factory=lambda: {"incomplete": 0, "invalid": 0, "outside": 0})
    seconds: float = 0.0
    out: Path | None = None

    @property
    def total(self) -> int:
        return sum(self.features.values())


class _Writer:
    """Per-category buffers written out as tile parts when full."""

    def __init__(self, folder: Path, bbox: tuple[float, float, float, float], tile_deg: float,
                 stats: BuildStats, tile_of: Callable | None = None) -> None:
        self.folder = folder
        self.bbox = bbox
        self.tile_deg = tile_deg
        self.tile_of = tile_of  # (lon, lat) of box centres → (i, j) tile arrays: another grid than tile_deg's
        self.stats = stats
        self.buffers: dict[str, list] = {c: [] for c in CATEGORIES}
        self.parts: dict[str, list[dict]] = {c: [] for c in CATEGORIES}
        self.seq: dict[tuple[str, int, int], int] = {}

    def add(self, category: str, wkb: bytes, attrs: tuple) -> None:
        buf = self.buffers[category]
        buf.append((wkb, attrs))
        if len(buf) >= CHUNK:
            self.flush(category)

    def flush(self, category: str) -> None:
        from ydtwin.io import vectorpack

        buf = self.buffers[category]
        if not buf:
            return
        self.buffers[category] = []
        geoms = shapely.from_wkb(np.array([b for b, _ in buf], dtype=object), on_invalid="ignore")
        attrs = [a for _, a in buf]
        if CATEGORIES[category] == "areas":
            bad = shapely.is_missing(geoms) | ~shapely.is_valid(geoms)
            geoms = np.where(bad, shapely.make_valid(geoms), geoms)
            geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        ok &= shapely.get_type_id(geoms) == (6 if CATEGORIES[category] == "areas" else 1)
        b = shapely.bounds(geoms)
        x0, y0, x1, y1 = self.bbox
        inside = ok & (b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0)
        self.stats.skipped["invalid"] += int((~ok).sum())
        self.stats.skipped["outside"] += int((ok & ~inside).sum())
        idx = np.flatnonzero(inside)
        if not len(idx):
            return
        cx, cy = (b[idx, 0] + b[idx, 2]) / 2, (b[idx, 1] + b[idx, 3]) / 2
        # a feature is filed under the tile of its box's centre (a centre outside the box: the nearest tile);
        # the manifest keeps each part's true bounds, which is what readers select by
        if self.tile_of is not None:
            ti, tj = (np.asarray(v, dtype=np.int64) for v in self.tile_of(cx, cy))
        else:
            nx = max(1, int(np.ceil((x1 - x0) / self.tile_deg)))
            ny = max(1, int(np.ceil((y1 - y0) / self.tile_deg)))
            ti = np.clip(np.floor((cx - x0) / self.tile_deg), 0, nx - 1).astype(np.int64)
            tj = np.clip(np.floor((cy - y0) / self.tile_deg), 0, ny - 1).astype(np.int64)
        names = ("class", "name", "name_zh", "ref", "bridge", "layer", "osm_id")
        (self.folder / category).mkdir(exist_ok=True)
        for i, j in np.unique(np.column_stack([ti, tj]), axis=0).tolist():
            sel = idx[(ti == i) & (tj == j)]
            k = self.seq.get((category, i, j), 0)
            self.seq[(category, i, j)] = k + 1
            rows = [attrs[s] for s in sel]
            columns = {n: np.array([r[c] for r in rows], dtype=object) for c, n in enumerate(names)}
            columns["bridge"] = columns["bridge"].astype(bool)
            columns["layer"] = columns["layer"].astype(np.int64)
            columns["osm_id"] = columns["osm_id"].astype(np.int64)
            data = VectorData(geometries=geoms[sel], crs="EPSG:4326", attributes=columns)
            rel = f"{category}/{i}_{j}-{k}.ydv.npz"
            vectorpack.write(self.folder / rel, data, name=category, provenance=Provenance(
                source="OpenStreetMap", licence=OSM_LICENCE, transformations=("osmium area assembly",)))
            pb = shapely.total_bounds(data.geometries)
            self.parts[category].append({"file": rel, "features": len(sel), "bounds": [float(v) for v in pb]})
            self.stats.features[category] += len(sel)

    def close(self) -> None:
        for category in CATEGORIES:
            self.flush(category)


def _polygonal(g):
    """The polygonal part of a (repaired) geometry as a MultiPolygon, or None."""
    if g is None or g.is_empty:
        return None
    if g.geom_type == "MultiPolygon":
        return g
    if g.geom_type == "Polygon":
        return shapely.MultiPolygon([g])
    polys = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.MultiPolygon(polys) if polys else None


def _header_timestamp(path: Path) -> str:
    import osmium

    try:
        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        try:
            header = reader.header()
            return header.get("osmosis_replication_timestamp", "") or header.get("timestamp", "")
        finally:
            reader.close()
    except (RuntimeError, OSError):
        return ""


def build_basemap(extract: str | os.PathLike[str], out: str | os.PathLike[str], *,
                  bbox: tuple[float, float, float, float], tile_deg: float = 0.25,
                  progress: Callable[[float, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None, index: str | None = None) -> BuildStats:
    """Stream ``extract`` into a basemap folder ``out`` (new or empty) for the lon/lat box ``bbox``.

    The extract is read in a child process: libosmium spends most of a big extract's time in C++ (nodes that
    never reach Python), so only another process can be watched and stopped at any moment. ``progress(fraction,
    features)`` is called a few times a second from the bytes the child has read; ``cancel()`` returning true
    stops it (:class:`BasemapCancelled`), as does Ctrl+C; nothing is left behind. ``index`` is libosmium's
    node-location storage (default: in memory for small extracts, a file beside the output for big ones)."""
    import multiprocessing as mp

    from ydtwin.atomic import fsync_folder, write_text
    from ydtwin.io.outputs import check_output_path, clean_partials, partial_path

    src = Path(extract)
    try:
        size = src.stat().st_size
    except OSError as exc:
        raise ReadError(src, f"cannot be read ({exc.strerror or exc})") from None
    if not src.is_file():
        raise ReadError(src, "is not a file", "give an OpenStreetMap extract (.osm.pbf)")
    if not str(src.name).lower().endswith((".pbf", ".osm", ".osm.bz2", ".osm.gz", ".o5m")):
        raise ReadError(src, "is not an OpenStreetMap extract", "give a .osm.pbf file")
    target = check_output_path(out, inputs=[src], kind="folder")
    clean_partials(target.parent)
    work = partial_path(target)
    work.mkdir()
    t0 = time.perf_counter()
    ctx = mp.get_context("spawn")  # no fork of a process with threads (Qt, libosmium's pool)
    features = ctx.Value("q", 0, lock=False)
    result = work / "result.json"
    child = ctx.Process(target=_child_build, name="ydtwin-basemap", daemon=True,
                        args=(str(src), str(work), tuple(bbox), tile_deg,
                              index or ("sparse_file_array," + str(work / "nodes.idx") if size > FILE_INDEX_BYTES
                                        else "flex_mem"), features))
    try:
        child.start()
        _watch(child, size, features, progress, cancel, src)
        if cancel is not None and cancel():  # asked while the child was finishing
            raise BasemapCancelled(f"{src.name}: basemap build cancelled; nothing was written")
        done = json.loads(result.read_text(encoding="utf-8")) if result.is_file() else None
        if child.exitcode != 0 or done is None or "error" in done:
            why = (done or {}).get("error") or f"the reader stopped (exit status {child.exitcode})"
            raise ReadError(src, f"cannot be read as an OpenStreetMap extract ({why})")
        result.unlink()
        stats = BuildStats(features=done["features"], skipped=done["skipped"])
        if progress is not None:
            progress(1.0, stats.total)
        (work / "nodes.idx").unlink(missing_ok=True)
        stats.seconds = time.perf_counter() - t0
        manifest = {
            "format": BASEMAP_FORMAT, "version": BASEMAP_VERSION, "crs": "EPSG:4326",
            "source": {"file": src.name, "bytes": size, "osm_timestamp": _header_timestamp(src),
                       "licence": OSM_LICENCE},
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "bbox": list(bbox), "tile_deg": tile_deg, "features": stats.features, "skipped": stats.skipped,
            "parts": done["parts"],
        }
        write_text(work / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        fsync_folder(work)
        if target.is_dir() and not target.is_symlink():
            target.rmdir()  # check_output_path let it through only when empty
        os.replace(work, target)
        fsync_folder(target.parent)
    except BaseException:
        import shutil

        if child.is_alive():
            child.terminate()
        child.join(5.0)
        shutil.rmtree(work, ignore_errors=True)
        raise
    stats.out = target
    return stats


def _watch(child, size: int, features, progress, cancel, src: Path) -> None:
    """Wait for the reading child, reporting progress from the bytes it has read and stopping it on cancel."""
    import psutil

    try:
        proc = psutil.Process(child.pid)
    except psutil.Error:
        proc = None
    while child.is_alive():
        child.join(0.2)
        if cancel is not None and cancel():
            raise BasemapCancelled(f"{src.name}: basemap build cancelled; nothing was written")
        if progress is not None and child.is_alive():
            try:
                io = proc.io_counters() if proc is not None else None
                read = int(getattr(io, "read_chars", 0) or io.read_bytes) if io is not None else 0
            except (psutil.Error, AttributeError, OSError):
                read = 0
            # areas take two passes over the file
            progress(min(0.99, read / max(2 * size, 1)), int(features.value))


def stream_parts(extract: str | os.PathLike[str], folder: str | os.PathLike[str], *,
                 bbox: tuple[float, float, float, float], tile_of: Callable, index: str | None = None
                 ) -> tuple[BuildStats, dict[str, list[dict]]]:
    """Stream ``extract`` into basemap parts under ``folder`` in this process, filed by ``tile_of`` (lon, lat of
    each feature's box centre → tile (i, j) arrays) → (what was read, the parts by category). A tile build's
    task: the worker process it runs in is watched by its scheduler instead of by :func:`build_basemap`."""
    src = Path(extract)
    try:
        size = src.stat().st_size
    except OSError as exc:
        raise ReadError(src, f"cannot be read ({exc.strerror or exc})") from None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stats = BuildStats()
    writer = _Writer(folder, tuple(bbox), 1.0, stats, tile_of=tile_of)
    storage = index or ("sparse_file_array," + str(folder / "nodes.idx") if size > FILE_INDEX_BYTES else "flex_mem")
    import osmium

    try:
        _stream(osmium, src, writer, stats, storage, tuple(bbox))
        writer.close()
    except (RuntimeError, OSError, ValueError) as exc:
        why = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise ReadError(src, f"cannot be read as an OpenStreetMap extract ({why})") from None
    finally:
        (folder / "nodes.idx").unlink(missing_ok=True)
    return stats, writer.parts


def _child_build(src: str, work: str, bbox, tile_deg: float, storage: str, features) -> None:
    """The reading process: stream the extract into parts under ``work``; what it wrote (or why it could not)
    goes to ``work/result.json``."""
    import osmium

    stats = BuildStats()
    out = Path(work) / "result.json"
    try:
        writer = _Writer(Path(work), tuple(bbox), tile_deg, stats)
        _stream(osmium, Path(src), writer, stats, storage, tuple(bbox), features)
        writer.close()
        features.value = stats.total
        doc = {"features": stats.features, "skipped": stats.skipped, "parts": writer.parts}
    except (RuntimeError, OSError, ValueError) as exc:
        doc = {"error": str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}
    out.write_text(json.dumps(doc), encoding="utf-8")


def _stream(osmium, src: Path, writer: _Writer, stats: BuildStats, storage: str,
            bbox: tuple[float, float, float, float], features=None) -> None:
    factory = osmium.geom.WKBFactory()
    fp = (osmium.FileProcessor(str(src)).with_locations(storage).with_areas(osmium.filter.KeyFilter(*KEYS))
          .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY | osmium.osm.AREA))
          .with_filter(osmium.filter.KeyFilter(*KEYS)))
    # the first node of a way is checked against the box (with a margin: a long way may start outside)
    margin = 0.5
    x0, y0, x1, y1 = bbox[0] - margin, bbox[1] - margin, bbox[2] + margin, bbox[3] + margin
    seen = 0
    for obj in fp:
        seen += 1
        if features is not None and seen % 4096 == 0:
            features.value = stats.total + sum(len(b) for b in writer.buffers.values())
        tags = obj.tags
        try:
            if obj.is_way():
                kind = classify_way(tags)
                if kind is None:
                    continue
                nodes = obj.nodes
                loc = next((n.location for n in nodes if n.location.valid()), None)
                if loc is None or not (x0 <= loc.lon <= x1 and y0 <= loc.lat <= y1):
                    stats.skipped["outside" if loc is not None else "incomplete"] += 1
                    continue
                try:
                    wkb = factory.create_linestring(obj)
                except osmium.InvalidLocationError:
                    # a way cut by the extract's edge: the part whose nodes the extract holds
                    xy = [(n.lon, n.lat) for n in nodes if n.location.valid()]
                    if len(xy) < 2:
                        raise
                    wkb = shapely.to_wkb(shapely.LineString(xy))
                oid = obj.id
            else:
                kind = classify_area(tags)
                if kind is None:
                    continue
                wkb = factory.create_multipolygon(obj)
                oid = obj.orig_id()
        except (osmium.InvalidLocationError, RuntimeError):
            stats.skipped["incomplete"] += 1
            continue
        category, cls = kind
        layer = _layer(tags)
        writer.add(category, wkb, (cls, tags.get("name", "") or "", tags.get("name:zh", "") or "",
                                   tags.get("ref", "") or "", _yes(tags.get("bridge")), layer, oid))
