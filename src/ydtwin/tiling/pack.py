"""Tile packs: building footprints prepared by tile, and their extruded meshes, in a folder the app opens.

Layout of a pack folder::

    tiles.json          the manifest (written last: a folder without it is not a finished pack)
    tiles/I_J.npz       one tile: its footprints (WGS84 ragged arrays, attributes) and its mesh
    .work/              what a build in progress keeps to resume (removed when the build is complete)

Tiles form a square grid in the scene projection of the region the pack was built for: tile (I, J) covers
``[I·s, (I+1)·s) × [J·s, (J+1)·s)`` metres east and north of the projection's centre (``s`` = ``tile_size_m``);
a building belongs to the tile holding its centre. A tile's mesh is in float32 metres relative to the tile's
float64 origin (its centre at z = 0): walls and roof from the building's base (``min_height``) to its roof
(``height``) above the ground, made by the app's own extrusion kernel (``ydtwin.geo.extrude``).

Files are written so that the same inputs give the same bytes, whatever ran the build.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ydtwin.errors import ReadError
from ydtwin.model.buildings import BuildingsData

__all__ = ["MANIFEST", "MAX_TILE_BYTES", "PACK_FORMAT", "PACK_VERSION", "Tile", "is_pack", "read_manifest",
           "read_pack", "read_tile", "tile_file", "tile_origin", "write_tile"]

PACK_FORMAT = "ydtwin-tiles"
PACK_VERSION = 1
MANIFEST = "tiles.json"
#: a tile file larger than this is refused (a tile of 2 km holds a few hundred MB at the very most)
MAX_TILE_BYTES = 2 * 1024**3
#: a manifest larger than this is refused
MAX_MANIFEST_BYTES = 64 * 1024**2


@dataclass(frozen=True)
class Tile:
    """One tile read back: its footprints and its mesh."""

    i: int
    j: int
    buildings: BuildingsData
    origin: np.ndarray  # (3,) float64 scene metres
    vertices: np.ndarray  # (n, 3) float32, relative to origin
    triangles: np.ndarray  # (m, 3) int32
    triangle_building: np.ndarray  # (m,) int32, index into buildings
    build_key: str


def tile_file(folder: str | os.PathLike[str], i: int, j: int) -> Path:
    return Path(folder) / "tiles" / f"{int(i)}_{int(j)}.npz"


def tile_origin(i: int, j: int, size_m: float) -> np.ndarray:
    return np.array([(i + 0.5) * size_m, (j + 0.5) * size_m, 0.0], dtype=np.float64)


def plain_arrays(data: BuildingsData) -> dict[str, np.ndarray]:
    """``data`` as plain arrays (``ydtwin.io.derived_cache.buildings_arrays``); an attribute that is neither
    numbers nor text throughout (a file's mixed or nested values, missing ones as None) is kept as text, a
    missing value as ""."""
    from ydtwin.io.derived_cache import buildings_arrays

    arrays = buildings_arrays(data)
    if arrays is None:
        attrs = {k: (v if np.asarray(v).dtype.kind in "biufU" else
                     np.array(["" if x is None else str(x) for x in v], dtype=object))
                 for k, v in data.attributes.items()}
        arrays = buildings_arrays(BuildingsData(data.xy, data.ring_offsets, data.part_offsets, data.part_building,
                                                data.height, data.min_height, data.height_rule, data.flags,
                                                data.crs, attrs))
    return arrays


def write_tile(path: Path, tile: Tile) -> bytes:
    """Write ``tile`` atomically → the bytes written (the same tile gives the same bytes)."""
    from ydtwin.atomic import write_bytes
    from ydtwin.io.npzfile import npz_bytes

    arrays = plain_arrays(tile.buildings)
    arrays.update({
        "tile:ij": np.array([tile.i, tile.j], dtype=np.int64),
        "tile:origin": np.asarray(tile.origin, dtype=np.float64),
        "tile:vertices": np.asarray(tile.vertices, dtype=np.float32),
        "tile:triangles": np.asarray(tile.triangles, dtype=np.int32),
        "tile:triangle_building": np.asarray(tile.triangle_building, dtype=np.int32),
        "tile:build_key": np.array(tile.build_key),
    })
    raw = npz_bytes(arrays)
    write_bytes(path, raw)
    return raw


def read_tile(path: Path, *, sha256: str | None = None) -> Tile | None:
    """The tile at ``path`` (None when there is none); ValueError when it is damaged or inconsistent, or when
    its SHA-256 is not ``sha256``."""
    import hashlib

    from ydtwin.io.derived_cache import buildings_from_arrays
    from ydtwin.io.npzfile import parse_npz, read_raw

    raw = read_raw(path, MAX_TILE_BYTES)
    if raw is None:
        return None
    if sha256 is not None and hashlib.sha256(raw).hexdigest() != sha256:
        raise ValueError("not the tile the manifest lists (its checksum differs)")
    stored = parse_npz(raw)
    need = ("tile:ij", "tile:origin", "tile:vertices", "tile:triangles", "tile:triangle_building", "tile:build_key")
    missing = [k for k in need if k not in stored]
    if missing:
        raise ValueError(f"lacks {', '.join(missing)}")
    buildings = buildings_from_arrays({k: v for k, v in stored.items() if not k.startswith("tile:")})
    ij, origin = stored["tile:ij"], stored["tile:origin"]
    vertices, triangles, tb = stored["tile:vertices"], stored["tile:triangles"], stored["tile:triangle_building"]
    if ij.shape != (2,) or origin.shape != (3,) or not np.isfinite(origin).all():
        raise ValueError("the tile's index or origin is malformed")
    if vertices.dtype != np.float32 or vertices.ndim != 2 or vertices.shape[1] != 3 or not np.isfinite(vertices).all():
        raise ValueError("the tile's vertices are not finite float32 (n, 3)")
    if triangles.dtype != np.int32 or triangles.ndim != 2 or triangles.shape[1] != 3:
        raise ValueError("the tile's triangles are not int32 (m, 3)")
    if len(triangles) and (triangles.min() < 0 or triangles.max() >= len(vertices)):
        raise ValueError("a triangle refers to a vertex the tile does not have")
    if tb.dtype != np.int32 or tb.shape != (len(triangles),) or (len(tb) and (tb.min() < 0 or tb.max() >= len(buildings))):
        raise ValueError("the triangles' buildings do not match the tile's buildings")
    return Tile(int(ij[0]), int(ij[1]), buildings, origin, vertices, triangles, tb, str(stored["tile:build_key"]))


def is_pack(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a tile pack's folder (or its manifest)."""
    path = Path(path)
    return (path.is_dir() and (path / MANIFEST).is_file()) or (path.name == MANIFEST and path.is_file())


def read_manifest(path: str | os.PathLike[str]) -> tuple[Path, dict]:
    """(the pack's folder, its manifest), checked; ReadError (one line) when it is not a finished pack."""
    from ydtwin.atomic import LinkRefused, open_regular, read_fd

    path = Path(path)
    folder = path.parent if path.name == MANIFEST else path
    manifest = folder / MANIFEST
    try:
        fd = open_regular(manifest, os.O_RDONLY)
    except FileNotFoundError:
        raise ReadError(folder, f"no {MANIFEST}: not a tile pack, or its build has not finished",
                        "build it with: ydtwin tiles build INPUT... --out FOLDER") from None
    except (LinkRefused, OSError) as exc:
        raise ReadError(manifest, f"cannot read ({exc})") from None
    try:
        doc = json.loads(read_fd(fd, MAX_MANIFEST_BYTES, what="manifest"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReadError(manifest, f"not a valid manifest ({exc})") from None
    finally:
        os.close(fd)
    if not isinstance(doc, dict) or doc.get("format") != PACK_FORMAT:
        raise ReadError(manifest, f"not a {PACK_FORMAT} manifest")
    if doc.get("version") != PACK_VERSION:
        raise ReadError(manifest, f"tile pack version {doc.get('version')!r} (this ydtwin reads {PACK_VERSION})")
    tiles = doc.get("tiles")
    if not isinstance(tiles, list) or not all(
            isinstance(t, dict) and isinstance(t.get("i"), int) and isinstance(t.get("j"), int) for t in tiles):
        raise ReadError(manifest, "the manifest's tile list is malformed")
    return folder, doc


def read_pack(path: str | os.PathLike[str], *, progress=None, cancel=None) -> tuple[BuildingsData, dict]:
    """All the footprints of a tile pack (in the manifest's tile order) → (WGS84 buildings, manifest).

    Each tile is checked against the manifest (its SHA-256): a tile that is missing, damaged or not the one
    the manifest lists is one ReadError naming it."""
    from ydtwin.io.buildings import Cancelled

    folder, doc = read_manifest(path)
    parts = []
    tiles = doc["tiles"]
    for k, entry in enumerate(tiles):
        if cancel is not None and cancel():
            raise Cancelled(folder)
        file = tile_file(folder, entry["i"], entry["j"])
        try:
            tile = read_tile(file, sha256=str(entry.get("sha256", "")))
            if tile is None:
                raise ValueError("missing")
        except (ValueError, OSError) as exc:
            raise ReadError(file, f"tile {entry['i']}_{entry['j']}: {exc}",
                            "rebuild the pack: ydtwin tiles build … (finished tiles are kept)") from None
        parts.append(tile.buildings)
        if progress is not None:
            progress(k + 1, len(tiles))
    return BuildingsData.concatenate(parts), doc
