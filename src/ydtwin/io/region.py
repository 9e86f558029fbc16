"""Open a region: ``region.toml`` + the compact asset files beside it → Region + layers.

The region file format is documented in docs/architecture.md ("Region files"). Nothing about a
particular region is hard-coded here: cities, box, projection and files all come from the file.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import shapely

from ydtwin.errors import ReadError
from ydtwin.geo.projection import SceneProjection
from ydtwin.io import vectorpack
from ydtwin.io.basemap import WATER_SURFACE
from ydtwin.model.layer import (
    GridData,
    LabelLayer,
    PointData,
    Provenance,
    Style,
    TerrainLayer,
    VectorData,
    VectorLayer,
)
from ydtwin.model.region import City, Region


def _install_root() -> Path:
    """Where the bundled data lies: the source tree's root, or a frozen (PyInstaller) build's folder."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parents[3]


#: the bundled regions, in the repository (or a frozen build's folder)
ASSETS = _install_root() / "assets"
DEFAULT_REGION = ASSETS / "region" / "yrd8" / "region.toml"

BoundarySource = Literal["corrected", "official"]

#: land cells that the DEM has no value for (GSHHS says land) get this elevation (m)
FILL_LAND_ELEVATION = 2.0
#: land never drawn below this (m), so the sea surface at 0 m does not flood coastal land
MIN_LAND_ELEVATION = 0.5
TERRAIN_NODATA = -32768

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RegionFile:
    path: Path
    region: Region
    files: dict[str, Path]
    sources: dict[str, str]

    def file(self, key: str) -> Path:
        try:
            return self.files[key]
        except KeyError:
            raise ReadError(self.path, f"region file lists no [files] entry {key!r}") from None


def default_region_path() -> Path:
    env = os.environ.get("YDTWIN_REGION")
    return Path(env) if env else DEFAULT_REGION


def bundled_regions() -> list[str]:
    """The ids of the regions that ship with ydtwin (folders of ``assets/region`` with a region.toml)."""
    folder = ASSETS / "region"
    return sorted(p.parent.name for p in folder.glob("*/region.toml")) if folder.is_dir() else []


def region_path(value: str | os.PathLike[str]) -> Path:
    """A region given as a path (a region.toml or its folder) or as a bundled region's id (``yrd26``) → the
    path to read. A name that is both a local file or folder and a bundled id means the local one."""
    path = Path(value)
    text = os.fspath(value)
    if not path.exists() and text in bundled_regions():
        return ASSETS / "region" / text / "region.toml"
    return path


def read_region_file(path: str | os.PathLike[str] | None = None) -> RegionFile:
    """Parse and validate a region.toml (no asset files are read); ``path`` may be a bundled region's id."""
    path = region_path(path) if path is not None else default_region_path()
    if path.is_dir():
        path = path / "region.toml"
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReadError(path, "region file not found",
                        "pass a region.toml or its folder, or a bundled region: "
                        + ", ".join(bundled_regions())) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReadError(path, f"not a valid region file ({exc})") from None
    try:
        if doc.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema_version must be {SCHEMA_VERSION}")
        bbox = tuple(float(v) for v in doc["bbox"])
        if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
            raise ValueError("bbox must be [lon_min, lat_min, lon_max, lat_max]")
        proj = doc["projection"]
        if proj.get("type") != "transverse_mercator":
            raise ValueError("projection.type must be 'transverse_mercator'")
        projection = SceneProjection(
            lon_0=float(proj["lon_0"]),
            lat_0=float(proj["lat_0"]),
            scale_factor=float(proj.get("scale_factor", 1.0)),
            geodetic_crs=str(proj.get("geodetic_crs", "EPSG:4490")),
        )
        cities = tuple(
            City(
                name=str(c["name"]),
                name_zh=str(c.get("name_zh", "")),
                adcode=str(c["adcode"]),
                centre=(float(c["centre"][0]), float(c["centre"][1])),
            )
            for c in doc["cities"]
        )
        if not cities:
            raise ValueError("a region needs at least one city")
        region = Region(
            id=str(doc["id"]),
            title=str(doc.get("title", doc["id"])),
            title_zh=str(doc.get("title_zh", "")),
            bbox=bbox,  # type: ignore[arg-type]
            projection=projection,
            cities=cities,
            vertical_exaggeration=float(doc.get("terrain", {}).get("vertical_exaggeration", 6.0)),
        )
        files = {k: path.parent / str(v) for k, v in doc.get("files", {}).items()}
        sources = {k: str(v) for k, v in doc.get("sources", {}).items()}
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ReadError(path, f"invalid region file: {exc}") from None
    return RegionFile(path=path, region=region, files=files, sources=sources)


def read_terrain(path: str | os.PathLike[str]) -> tuple[GridData, np.ndarray, Provenance, Provenance]:
    """terrain.npz → (combined elevation grid, land mask, DEM provenance, bathymetry provenance)."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            land = z["land"]
            bathy = z["bathymetry"]
            mask = z["land_mask"].astype(bool)
            x0, y0, dx, dy = (float(z[k]) for k in ("x0", "y0", "dx", "dy"))
            meta = json.loads(bytes(z["meta"]).decode())
    except FileNotFoundError:
        raise ReadError(path, "terrain file not found", "rebuild with packaging/build_region.py") from None
    except Exception as exc:  # malformed archive of any kind
        raise ReadError(path, f"not a valid terrain file ({type(exc).__name__})") from None
    if not (land.shape == bathy.shape == mask.shape) or land.ndim != 2:
        raise ReadError(path, "terrain grids have different shapes")
    elev = land.astype(np.float32)
    has_dem = land != TERRAIN_NODATA
    is_land = mask | has_dem
    elev = np.where(has_dem, np.maximum(elev, MIN_LAND_ELEVATION), FILL_LAND_ELEVATION).astype(np.float32)
    elev = np.where(is_land, elev, bathy.astype(np.float32))
    grid = GridData(x0=x0, y0=y0, dx=dx, dy=dy, values=elev, crs=meta.get("crs", "EPSG:4326"))
    dem_prov = _provenance(meta["dem_provenance"])
    bathy_prov = _provenance(meta["bathymetry_provenance"])
    return grid, is_land, dem_prov, bathy_prov


def read_terrain_gaps(path: str | os.PathLike[str]) -> np.ndarray:
    """Land cells of terrain.npz that the DEM gives no height for (drawn at ``FILL_LAND_ELEVATION``)."""
    with np.load(Path(path), allow_pickle=False) as z:
        return (z["land"] == TERRAIN_NODATA) & z["land_mask"].astype(bool)


def _provenance(d: dict) -> Provenance:
    return Provenance(
        source=d["source"],
        licence=d["licence"],
        nature=d.get("nature", "real"),
        transformations=tuple(d.get("transformations", ())),
        notes=d.get("notes", ""),
    )


#: lakes and rivers look like the sea and the basemap's water areas: one water colour at every scale
_WATER = WATER_SURFACE


def load_region(
    path: str | os.PathLike[str] | None = None, *, boundaries: BoundarySource = "corrected"
) -> tuple[Region, list]:
    """Open a region file and its assets → (Region, layers in drawing order).

    ``boundaries="official"`` swaps the detailed (GCJ-02-corrected) outlines for the generalised
    official ones (Tianditu, EPSG:4490).
    """
    rf = read_region_file(path)
    region = rf.region
    layers: list = []

    grid, is_land, dem_prov, bathy_prov = read_terrain(rf.file("terrain"))
    layers.append(
        TerrainLayer(
            "Terrain",
            grid,
            land_mask=is_land,
            provenance=dem_prov,
            bathymetry_provenance=bathy_prov,
            group="Base region",
            role="terrain",
        )
    )
    layers[-1].unknown = read_terrain_gaps(rf.file("terrain"))

    land, land_prov, _ = vectorpack.read(rf.file("land"))
    level = land.attributes.get("level", np.ones(len(land), dtype=int))
    for name, role, levels, style in (
        ("Coastline and islands", "coast", (1, 3), Style(color=(0.96, 0.93, 0.80), line_width=1.5)),
        ("Lakes", "lakes", (2, 4), Style(color=_WATER, line_width=1.0, fill=True, drape_offset=8.0)),
    ):
        sel = np.isin(level, levels)
        data = VectorData(
            geometries=land.geometries[sel],
            crs=land.crs,
            attributes={k: v[sel] for k, v in land.attributes.items()},
        )
        layers.append(VectorLayer(name, data, provenance=land_prov, group="Base region", role=role, style=style))

    rivers, rivers_prov, _ = vectorpack.read(rf.file("rivers"))
    layers.append(
        VectorLayer(
            "Rivers", rivers, provenance=rivers_prov, group="Base region", role="rivers",
            style=Style(color=_WATER, line_width=1.5, drape_offset=10.0),
        )
    )

    prefix = "official_" if boundaries == "official" else ""
    districts, dprov, _ = vectorpack.read(rf.file(prefix + "districts"))
    cities, cprov, _ = vectorpack.read(rf.file(prefix + "cities"))
    layers.append(
        VectorLayer(
            "District boundaries", districts, provenance=dprov, group="Cities", role="district-boundaries",
            style=Style(color=(0.85, 0.85, 0.85), line_width=1.0, drape_offset=40.0),
        )
    )
    layers.append(
        VectorLayer(
            "City boundaries", cities, provenance=cprov, group="Cities", role="city-boundaries",
            style=Style(color=(1.0, 0.55, 0.15), line_width=3.0, drape_offset=60.0),
        )
    )

    bounds = {}
    codes = cities.attributes.get("adcode")
    if codes is not None:
        b = shapely.bounds(cities.geometries)
        bounds = {str(code): tuple(float(v) for v in b[i]) for i, code in enumerate(codes)}
    region.city_bounds.update(bounds)

    if "blocks" in rf.files:
        from ydtwin.geo import extrude as extrude_module
        from ydtwin.geo import projection as projection_module
        from ydtwin.io import blocks as blocks_module
        from ydtwin.io.blocks import (
            BLOCKS_PROVENANCE,
            LANDMARKS_PROVENANCE,
            landmarks,
            procedural_blocks,
            read_blocks_model,
        )
        from ydtwin.io.derived_cache import cached_buildings, digest, source_digest
        from ydtwin.model import buildings as buildings_module
        from ydtwin.model.buildings import BuildingsLayer

        model = read_blocks_model(rf.file("blocks"))
        coast, lakes = layers[1].data, layers[2].data
        # derived from these files by this code only: a second launch reads them from the per-user cache
        code = source_digest(blocks_module, buildings_module, projection_module, extrude_module, vectorpack)
        key = digest([rf.path, rf.file("blocks"), rf.file("land"), rf.file("rivers"), rf.file(prefix + "districts"),
                      code])
        blocks = cached_buildings("blocks", key, lambda: procedural_blocks(
            model, region.projection, districts=districts, land=coast, lakes=lakes, rivers=rivers,
            city_names={c.adcode: c.name for c in region.cities},
        ))
        layers.append(BuildingsLayer("City blocks", blocks, provenance=BLOCKS_PROVENANCE, group="Buildings",
                                     role="procedural-blocks", replaces="none"))
        marks = cached_buildings("landmarks", key, lambda: landmarks(model, region.projection))
        layers.append(BuildingsLayer("Landmarks", marks,
                                     provenance=LANDMARKS_PROVENANCE, group="Buildings", role="landmarks",
                                     replaces="none"))

    labels = PointData(
        x=np.array([c.centre[0] for c in region.cities]),
        y=np.array([c.centre[1] for c in region.cities]),
        crs="EPSG:4326",
        attributes={
            "name": np.array([c.name for c in region.cities]),
            "name_zh": np.array([c.name_zh for c in region.cities]),
            "adcode": np.array([c.adcode for c in region.cities]),
        },
    )
    layers.append(
        LabelLayer(
            "City names",
            labels,
            provenance=Provenance(
                source=f"{rf.path.name}: city centres (public facts, approximate)", licence="GPL-3.0-or-later"
            ),
            group="Cities",
            role="city-labels",
            style=Style(color=(1.0, 1.0, 1.0), font_size=18),
        )
    )
    return region, layers


def open_scene(path: str | os.PathLike[str] | None = None, *, boundaries: BoundarySource = "corrected"):
    """Region file → a Scene holding its layers."""
    from ydtwin.model.scene import Scene

    region, layers = load_region(path, boundaries=boundaries)
    scene = Scene(region)
    for layer in layers:
        scene.add(layer)
    return scene
