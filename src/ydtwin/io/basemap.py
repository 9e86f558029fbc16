"""Reading a basemap folder (built by :mod:`ydtwin.io.osm_basemap`) as layers of the scene.

A basemap is untrusted input like any file a planner is handed: the manifest is read through
:func:`ydtwin.atomic.open_regular` (no symbolic links, a size limit), every part it names must be a plain file
inside the folder with a part's name, and the features read are capped.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import ReadError
from ydtwin.io.osm_basemap import BASEMAP_FORMAT, BASEMAP_VERSION, CATEGORIES, MANIFEST, OSM_LICENCE, deck_height_m
from ydtwin.model.layer import Provenance, Style, VectorData, VectorLayer

__all__ = ["BASEMAP_GROUP", "MAX_FEATURES", "WATER_SURFACE", "is_basemap",
           "read_basemap", "read_manifest"]

BASEMAP_GROUP = "Basemap (OpenStreetMap)"
#: features a basemap may bring into one scene (a whole-region OSM basemap is a few million)
MAX_FEATURES = 6_000_000
_MANIFEST_LIMIT = 16 * 1024 * 1024
_PART = re.compile(r"^(?P<cat>[a-z]+)/-?\d{1,6}_-?\d{1,6}-\d{1,9}\.ydv\.npz$")

#: water areas look like the sea seen from above (the sea's colour over a shallow floor, as drawn)
WATER_SURFACE = (0.26, 0.44, 0.60)
# existing networks in neutral tones, so that the planned projects (in colour) stand out on them
_ROADS = (("motorway", (1.0, 0.93, 0.78), 3.5), ("trunk road", (0.98, 0.95, 0.88), 3.0),
          ("primary road", (0.95, 0.95, 0.93), 2.4), ("secondary road", (0.88, 0.88, 0.86), 1.8),
          ("tertiary road", (0.80, 0.80, 0.78), 1.2))
_RAIL = (("high-speed railway", (0.12, 0.12, 0.14), 3.0), ("railway", (0.22, 0.22, 0.25), 2.4),
         ("metro", (0.36, 0.30, 0.40), 2.2), ("light rail", (0.42, 0.38, 0.44), 1.8),
         ("tram", (0.48, 0.46, 0.50), 1.4))
_POWER = (("power line", (0.62, 0.58, 0.50), 1.2), ("minor power line", (0.66, 0.64, 0.58), 0.8))
_LANDUSE = (("residential", (0.82, 0.78, 0.74), 0.6), ("commercial", (0.86, 0.74, 0.70), 0.6),
            ("industrial", (0.74, 0.70, 0.78), 0.6), ("construction", (0.78, 0.74, 0.62), 0.6),
            ("agriculture", (0.84, 0.86, 0.62), 0.6), ("green", (0.52, 0.70, 0.44), 0.6))
_WATERWAYS = (("river", WATER_SURFACE, 1.8), ("canal", WATER_SURFACE, 1.2))


def is_basemap(folder: str | os.PathLike[str]) -> bool:
    return (Path(folder) / MANIFEST).is_file()


def read_manifest(folder: str | os.PathLike[str]) -> dict:
    """The checked manifest of a basemap folder, or :class:`ReadError` saying what is wrong."""
    from ydtwin.atomic import LinkRefused, open_regular, read_fd

    folder = Path(folder)
    if not folder.is_dir():
        raise ReadError(folder, "is not a basemap folder", "build one with: ydtwin basemap build EXTRACT --out DIR")
    path = folder / MANIFEST
    try:
        fd = open_regular(path, os.O_RDONLY)
    except FileNotFoundError:
        raise ReadError(folder, f"has no {MANIFEST}: not a basemap folder",
                        "build one with: ydtwin basemap build EXTRACT --out DIR") from None
    except LinkRefused as exc:
        raise ReadError(path, str(exc)) from None
    except OSError as exc:
        raise ReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        raw = read_fd(fd, _MANIFEST_LIMIT, what="basemap manifest")
    except ValueError as exc:
        raise ReadError(path, str(exc)) from None
    finally:
        os.close(fd)
    try:
        m = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ReadError(path, f"is not valid JSON ({exc})") from None
    if not isinstance(m, dict) or m.get("format") != BASEMAP_FORMAT:
        raise ReadError(path, "is not a ydtwin basemap manifest")
    if m.get("version") != BASEMAP_VERSION:
        raise ReadError(path, f"is basemap version {m.get('version')!r}; this ydtwin reads {BASEMAP_VERSION}",
                        "rebuild it with this version")
    parts = m.get("parts")
    if not isinstance(parts, dict) or not set(parts) <= set(CATEGORIES):
        raise ReadError(path, "has no valid list of parts")
    total = 0
    for cat, items in parts.items():
        if not isinstance(items, list):
            raise ReadError(path, f"parts of {cat!r} are not a list")
        for item in items:
            ok = isinstance(item, dict) and isinstance(item.get("file"), str)
            match = _PART.match(item["file"]) if ok else None
            bounds = item.get("bounds") if ok else None
            if not (match and match["cat"] == cat and isinstance(bounds, list) and len(bounds) == 4
                    and all(isinstance(v, int | float) and np.isfinite(v) for v in bounds)
                    and isinstance(item.get("features"), int) and item["features"] >= 0):
                raise ReadError(path, f"has a malformed part entry in {cat!r}: {str(item)[:80]}")
            total += item["features"]
    if total > MAX_FEATURES:
        raise ReadError(path, f"holds {total:,} features; at most {MAX_FEATURES:,} are read into one scene",
                        "build a basemap of a smaller area (--bbox)")
    return m


def _read_parts(folder: Path, items: list[dict], bbox) -> VectorData | None:
    from ydtwin.atomic import check_regular
    from ydtwin.io import vectorpack

    datas = []
    for item in items:
        b = item["bounds"]
        if bbox is not None and (b[0] > bbox[2] or b[2] < bbox[0] or b[1] > bbox[3] or b[3] < bbox[1]):
            continue
        path = folder / item["file"]
        if path.parent.is_symlink() or not path.parent.is_dir():
            raise ReadError(path.parent, "is not a folder of the basemap (a symbolic link is never followed)")
        try:
            if check_regular(path) is None:
                raise ReadError(path, "is missing from the basemap", "rebuild the basemap")
        except OSError as exc:
            raise ReadError(path, str(exc)) from None
        data, _prov, _name = vectorpack.read(path)
        if data.crs not in ("EPSG:4326", "OGC:CRS84"):
            raise ReadError(path, f"is in {data.crs}; basemap parts are WGS84 lon/lat")
        datas.append(data)
    if not datas:
        return None
    keys = set(datas[0].attributes)
    if any(set(d.attributes) != keys for d in datas):
        raise ReadError(folder, "has parts with different attributes")
    return VectorData(np.concatenate([d.geometries for d in datas]), "EPSG:4326",
                      {k: np.concatenate([np.asarray(d.attributes[k]) for d in datas]) for k in keys})


def read_basemap(folder: str | os.PathLike[str], *, bbox: tuple[float, float, float, float] | None = None
                 ) -> tuple[list[VectorLayer], dict]:
    """The layers of a basemap folder (those with features in the lon/lat ``bbox``, when given) → (layers in
    drawing order, manifest)."""
    folder = Path(folder)
    m = read_manifest(folder)
    src = m.get("source") if isinstance(m.get("source"), dict) else {}
    date = str(src.get("osm_timestamp") or "")[:10] or "undated"
    provenance = Provenance(
        # said whole in the attribution line of every image (which keeps a source up to its first " (")
        source=f"© OpenStreetMap contributors, ODbL · extract {str(src.get('file', '?'))[:120]} of {date}",
        licence=OSM_LICENCE,
        transformations=("areas assembled by libosmium", "bridges and viaducts lifted 6 m per OSM layer step "
                         "(approximate: OSM rarely gives deck heights)"),
    )
    specs = (
        ("landuse", "Land use", "basemap-landuse", Style(classes=_LANDUSE, fill=True, drape_offset=3.0,
                                                         color=_LANDUSE[0][1]), False, 0.45),
        ("water", "Water areas", "basemap-water", Style(color=WATER_SURFACE, fill=True, line_width=1.0,
                                                        drape_offset=4.0), True, 1.0),
        ("waterways", "Rivers and canals (lines)", "basemap-waterways",
         Style(classes=_WATERWAYS, color=WATER_SURFACE, drape_offset=6.0), True, 1.0),
        ("tunnels", "Tunnels", "basemap-tunnels",
         Style(classes=_ROADS + _RAIL, color=(0.6, 0.6, 0.6), drape_offset=2.0), False, 0.5),
        ("power", "Power lines", "basemap-power", Style(classes=_POWER, drape_offset=25.0), True, 0.8),
        ("rail", "Railways", "basemap-rail", Style(classes=_RAIL, drape_offset=10.0, height_field="deck_m"),
         True, 1.0),
        ("roads", "Roads", "basemap-roads", Style(classes=_ROADS, drape_offset=8.0, height_field="deck_m"),
         True, 1.0),
    )
    layers = []
    for cat, name, role, style, visible, opacity in specs:
        data = _read_parts(folder, m["parts"].get(cat, []), bbox)
        if data is None or not len(data):
            continue
        if "bridge" in data.attributes and "layer" in data.attributes:
            bridge = np.asarray(data.attributes["bridge"], dtype=bool)
            level = np.asarray(data.attributes["layer"], dtype=np.int64)
            deck = np.array([deck_height_m(b, int(k)) for b, k in zip(bridge, level, strict=True)])
            data = VectorData(data.geometries, data.crs, {**data.attributes, "deck_m": deck})
        if bbox is not None:
            b = shapely.bounds(data.geometries)
            keep = (b[:, 0] <= bbox[2]) & (b[:, 2] >= bbox[0]) & (b[:, 1] <= bbox[3]) & (b[:, 3] >= bbox[1])
            data = VectorData(data.geometries[keep], data.crs, {k: v[keep] for k, v in data.attributes.items()})
        layers.append(VectorLayer(name, data, provenance=provenance, group=BASEMAP_GROUP, role=role, style=style,
                                  visible=visible, opacity=opacity))
    return layers, m
