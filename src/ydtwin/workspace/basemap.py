"""The basemap use cases: build one from an OpenStreetMap extract, add one to the scene.

``ydtwin basemap build`` and the window's File ▸ Build basemap… call :func:`build_basemap`; ``--basemap DIR``
and File ▸ Add basemap… call :func:`read_basemap` (safe in a worker thread) and ``Workspace.add_basemap``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ydtwin.errors import YdtwinError

__all__ = ["LoadedBasemap", "basemap_summary", "build_basemap", "build_summary", "parse_bbox", "read_basemap"]


@dataclass
class LoadedBasemap:
    """A basemap's layers, read and checked, ready to be added to the scene."""

    folder: Path
    layers: list
    manifest: dict


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``lon_min,lat_min,lon_max,lat_max`` → the box, or one error line."""
    try:
        lon0, lat0, lon1, lat1 = (float(v) for v in text.split(","))
    except ValueError:
        raise YdtwinError(f"--bbox {text}: a box is four numbers lon_min,lat_min,lon_max,lat_max") from None
    if not (-180 <= lon0 < lon1 <= 180 and -90 <= lat0 < lat1 <= 90):
        raise YdtwinError(f"--bbox {text}: needs lon_min < lon_max and lat_min < lat_max, in degrees")
    return lon0, lat0, lon1, lat1


def _extract_box(path: Path) -> tuple[float, float, float, float] | None:
    """The box an extract's header declares (None when it declares none)."""
    import osmium

    try:
        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    except (RuntimeError, OSError) as exc:
        raise YdtwinError(f"{path}: cannot be read as an OpenStreetMap extract ({exc})") from None
    try:
        box = reader.header().box()
    finally:
        reader.close()
    if not box.valid():
        return None
    return box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat


def build_basemap(extract: str | os.PathLike[str], out: str | os.PathLike[str], *,
                  region_bbox: tuple[float, float, float, float], bbox: tuple[float, float, float, float] | None = None,
                  progress: Callable[[float, int], None] | None = None, cancel: Callable[[], bool] | None = None):
    """Build a basemap folder ``out`` from ``extract`` for ``bbox`` (default: the region's box) → BuildStats.
    An extract whose declared box misses the box is refused before any work."""
    from ydtwin.io.osm_basemap import build_basemap as build

    src = Path(extract)
    if not src.is_file():
        raise YdtwinError(f"{src}: no such file" if not src.exists() else f"{src}: is not a file")
    box = bbox or region_bbox
    declared = _extract_box(src)
    if declared is not None and (declared[2] < box[0] or declared[0] > box[2] or declared[3] < box[1]
                                 or declared[1] > box[3]):
        raise YdtwinError(f"{src}: the extract covers {declared[0]:.2f}–{declared[2]:.2f} E, {declared[1]:.2f}–"
                          f"{declared[3]:.2f} N, outside the box {box[0]:g}–{box[2]:g} E, {box[1]:g}–{box[3]:g} N "
                          "— give an extract of the region (e.g. the China extract), or --bbox")
    return build(src, out, bbox=box, progress=progress, cancel=cancel)


def build_summary(stats) -> str:
    parts = ", ".join(f"{n:,} {cat}" for cat, n in stats.features.items() if n)
    skipped = stats.skipped.get("incomplete", 0)
    note = f"; {skipped:,} cut by the extract's edge and left out" if skipped else ""
    return (f"wrote basemap {stats.out}: {stats.total:,} features ({parts or 'none in the box'}) in "
            f"{stats.seconds:.1f} s{note}")


def read_basemap(folder: str | os.PathLike[str], scene) -> LoadedBasemap:
    """Read a basemap's layers for the scene's region (safe in a worker thread: nothing shared is changed;
    what the layers will hide of the procedural blocks is computed here too)."""
    from ydtwin.errors import ReadError
    from ydtwin.io.basemap import read_basemap as read
    from ydtwin.tiling.basemap import BASEMAP
    from ydtwin.tiling.pack import MANIFEST, is_pack

    folder = Path(folder)
    if folder.name == MANIFEST:
        folder = folder.parent
    if is_pack(folder):  # a tile pack (ydtwin tiles build): the basemap it holds
        if not (folder / BASEMAP).is_dir():
            raise YdtwinError(f"{folder}: the tile pack holds no basemap (build it from an OpenStreetMap extract)")
        folder = folder / BASEMAP
    try:
        layers, manifest = read(folder, bbox=scene.region.bbox)
    except ReadError as exc:
        raise YdtwinError(str(exc)) from None
    if not layers:
        raise YdtwinError(f"{folder}: the basemap has no features in the region "
                          f"({', '.join(f'{v:g}' for v in scene.region.bbox)})")
    scene.prepare_replacements(layers)
    return LoadedBasemap(folder, layers, manifest)


def basemap_summary(loaded: LoadedBasemap) -> str:
    counts = ", ".join(f"{layer.name.lower()} {len(layer.data):,}" for layer in loaded.layers)
    src = loaded.manifest.get("source", {})
    date = str(src.get("osm_timestamp") or "")[:10] or "undated"
    return f"basemap {loaded.folder.name} (OpenStreetMap, {date}): {counts}"
