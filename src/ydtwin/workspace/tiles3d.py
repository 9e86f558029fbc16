"""The scene as OGC 3D Tiles 1.1: buildings (with their attributes as metadata), terrain and plans, streamed by
CesiumJS, QGIS 3.34+ or ArcGIS.

Layout of the export folder::

    tileset.json                    3D Tiles 1.1 (asset 1.1, regions in radians, transforms ENU → ECEF)
    buildings/N.glb                 per quadtree node: its aggregated blocks (far); per leaf: N_full.glb
    terrain/root.glb, terrain/I_J.glb
    plans/K.glb                     per plan layer: its projects on the ground, one feature each (metadata)

The buildings follow the app's quadtree (``ydtwin.geo.lod``): a node's content is its aggregate (one box per
cell, tall buildings in full) with the geometric error of a cell's side; a leaf's child holds the full
buildings (geometric error 0) with one feature per building and the building's attributes in a property
table (``EXT_mesh_features`` + ``EXT_structural_metadata``). Heights are the app's: the ground from the
region's DEM (heights above sea level, written as heights above the WGS 84 ellipsoid: in this region the
geoid lies 5–12 m above the ellipsoid, so the buildings stand that much low against an ellipsoid-based
globe), the buildings on it. Each content is in a local east-north-up frame at its tile's centre.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import YdtwinError

__all__ = ["Export3DTilesReport", "check_3dtiles_folder", "export_3dtiles"]

TILESET = "tileset.json"
#: colours (linear RGBA) of the contents
BUILDING_RGBA = (0.80, 0.79, 0.76, 1.0)
AGGREGATE_RGBA = (0.72, 0.71, 0.69, 1.0)
#: terrain blocks of this many grid cells a side (full resolution), under a root at a quarter of it
TERRAIN_BLOCK = 128
TERRAIN_ROOT_STEP = 4
SEA_RGB = (38, 86, 135)
#: plans lie this many metres over the ground (clear of the terrain's triangles)
PLAN_LIFT_M = 3.0


@dataclass
class Export3DTilesReport:
    out: Path
    buildings: int = 0
    building_tiles: int = 0
    terrain_tiles: int = 0
    plan_projects: int = 0
    models: int = 0
    triangles: int = 0
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    layers: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"wrote 3D Tiles 1.1 {self.out / TILESET}: {self.buildings:,} buildings "
                f"({', '.join(self.layers) or 'none'}) in {self.building_tiles:,} tiles, {self.terrain_tiles} "
                f"terrain tiles, {self.plan_projects} plan projects, {self.models} 3D models, {self.triangles:,} triangles, "
                f"{self.files} files, "
                f"{self.bytes / 1e6:.1f} MB, {self.seconds:.1f} s")


def check_3dtiles_folder(out: str | os.PathLike[str]) -> Path:
    """``out`` where an export may be written: new or empty, or an earlier 3D Tiles export (replaced);
    never a link or a folder holding anything else."""
    from ydtwin.workspace.outputs import check_output_folder

    return check_output_folder(out, {TILESET, "buildings", "terrain", "plans", "models"},
                               "an earlier 3D Tiles export's")


class _Frames:
    """ENU frames and vertex conversion from the scene projection to ECEF."""

    def __init__(self, projection) -> None:
        self.projection = projection

    def lonlat(self, x, y):
        return self.projection.from_scene(np.asarray(x, float), np.asarray(y, float))

    def frame(self, x: float, y: float):
        from ydtwin.geo.ecef import enu_frame

        lon, lat = self.lonlat(np.array([x]), np.array([y]))
        return enu_frame(float(lon[0]), float(lat[0]), 0.0)

    def convert(self, scene_xyz: np.ndarray, frame) -> tuple[np.ndarray, list[float]]:
        """Scene points (x, y, height) → (ENU of ``frame``, the 3D Tiles region around them)."""
        from ydtwin.geo.ecef import lonlath_to_ecef, to_enu

        lon, lat = self.lonlat(scene_xyz[:, 0], scene_xyz[:, 1])
        h = scene_xyz[:, 2]
        enu = to_enu(lonlath_to_ecef(lon, lat, h), frame)
        region = [float(np.radians(lon.min())), float(np.radians(lat.min())), float(np.radians(lon.max())),
                  float(np.radians(lat.max())), float(h.min()), float(h.max())]
        return enu, region


def _union(regions: list[list[float]]) -> list[float]:
    r = np.array(regions)
    return [float(r[:, 0].min()), float(r[:, 1].min()), float(r[:, 2].max()), float(r[:, 3].max()),
            float(r[:, 4].min()), float(r[:, 5].max())]


def _write(path: Path, raw: bytes, report: Export3DTilesReport) -> None:
    from ydtwin.atomic import write_bytes

    write_bytes(path, raw)
    report.files += 1
    report.bytes += len(raw)


def _properties(layer_name: str, data, index: np.ndarray) -> dict[str, np.ndarray]:
    from ydtwin.model.buildings import HEIGHT_RULES

    props = {"layer": np.full(len(index), layer_name, dtype=object), "height": data.height[index],
             "min_height": data.min_height[index],
             "height_rule": np.array(HEIGHT_RULES, dtype=object)[data.height_rule[index]]}
    for key, values in data.attributes.items():
        values = np.asarray(values)[index]
        if values.dtype.kind in "biufU" or values.dtype == object:
            props.setdefault(key, values)
    return props


def _building_tiles(scene, frames: _Frames, out: Path, report: Export3DTilesReport, progress) -> dict | None:
    """The buildings' subtree (one quadtree over every buildings layer shown), its contents written."""
    from ydtwin.geo.drape import SurfaceHeights
    from ydtwin.geo.ecef import enu_to_ecef_matrix
    from ydtwin.geo.lod import Quadtree, build_tiles
    from ydtwin.io.gltf_content import GltfMesh, glb_bytes
    from ydtwin.model.buildings import BuildingsData, BuildingsLayer

    layers = [layer for layer in scene.layers_of(BuildingsLayer) if layer.visible and len(layer.data)]
    if not layers:
        return None
    terrain = next((x for x in scene.layers if getattr(x, "role", "") == "terrain"), None)
    surface = SurfaceHeights(getattr(terrain, "elevation", None), scene.projection, 1.0)
    # every layer's shown buildings in one set; which layer and index each came from
    parts, origin_layer, origin_index = [], [], []
    for k, layer in enumerate(layers):
        keep = np.flatnonzero(~layer.hidden)
        parts.append(layer.data.take(keep))
        origin_layer.append(np.full(len(keep), k))
        origin_index.append(keep)
    data = BuildingsData.concatenate(parts)
    which, index = np.concatenate(origin_layer), np.concatenate(origin_index)
    report.buildings, report.layers = len(data), [layer.name for layer in layers]
    geom = data.scene_geometry(scene.projection, lambda x, y: surface.z(x, y, 0.0))
    tree = Quadtree(geom.centre)
    tiles = build_tiles(tree, geom)
    folder = out / "buildings"
    folder.mkdir(parents=True, exist_ok=True)

    def content(node, detail: str):
        tile = tiles.get((node.id, detail))
        if tile is None or tile.n_triangles == 0:
            return None
        frame = frames.frame(node.origin[0], node.origin[1])
        enu, region = frames.convert(tile.vertices.astype(np.float64) + tile.origin, frame)
        if detail == "full":
            local, inverse = np.unique(tile.triangle_building, return_inverse=True)
            fid = np.zeros(len(enu), dtype=np.int64)
            fid[tile.triangles.ravel()] = np.repeat(inverse.ravel(), 3)
            props: dict[str, list] = {}
            for k, layer in enumerate(layers):  # attributes of each layer's buildings in this tile
                sel = which[local] == k
                if sel.any():
                    for key, values in _properties(layer.name, layer.data, index[local[sel]]).items():
                        props.setdefault(key, [None] * len(local))
                        for pos, v in zip(np.flatnonzero(sel), values, strict=True):
                            props[key][pos] = v
            table = {key: _column(values) for key, values in props.items()}
            mesh = GltfMesh(enu, tile.triangles, colour=BUILDING_RGBA, feature_ids=fid, properties=table,
                            class_name="building", name=f"buildings-{node.id}")
            name = f"{node.id}_full.glb"
        else:
            mesh = GltfMesh(enu, tile.triangles, colour=AGGREGATE_RGBA, name=f"blocks-{node.id}")
            name = f"{node.id}.glb"
        _write(folder / name, glb_bytes([mesh], generator="ydtwin"), report)
        report.triangles += tile.n_triangles
        return {"uri": f"buildings/{name}"}, region, enu_to_ecef_matrix(frame)

    done = [0]

    def node_tile(node) -> dict | None:
        agg = content(node, "aggregate")
        kids = [t for t in (node_tile(c) for c in node.children) if t is not None]
        if node.is_leaf:
            full = content(node, "full")
            if full is not None:
                kids.append({"boundingVolume": {"region": full[1]}, "geometricError": 0.0, "content": full[0],
                             "_abs": full[2]})
                report.building_tiles += 1
        done[0] += 1
        if progress is not None:
            progress("buildings", done[0], len(tree.nodes))
        if agg is None and not kids:
            return None
        regions = ([agg[1]] if agg else []) + [k["boundingVolume"]["region"] for k in kids]
        tile = {"boundingVolume": {"region": _union(regions)}, "geometricError": float(node.agg_error),
                "refine": "REPLACE", "children": kids}
        if agg is not None:
            tile["content"], tile["_abs"] = agg[0], agg[2]
            report.building_tiles += 1
        return tile

    return node_tile(tree.root)


def _column(values: list) -> np.ndarray:
    """A property column: numbers stay numbers (missing → NaN), anything else is text (missing → "")."""
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in values
           if v is not None) and any(v is not None for v in values):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    return np.array(["" if v is None else str(v) for v in values], dtype=object)


def _terrain_tiles(scene, frames: _Frames, out: Path, report: Export3DTilesReport) -> dict | None:
    """The terrain's subtree: a coarse root and full-resolution blocks; land coloured by height, the sea flat
    at sea level in the water colour (the sea floor is synthetic and not exported)."""
    from ydtwin.geo.ecef import enu_to_ecef_matrix
    from ydtwin.geo.grid import grid_triangles
    from ydtwin.io.gltf_content import GltfMesh, glb_bytes
    from ydtwin.render.visuals import terrain_colours

    terrain = next((layer for layer in scene.layers if getattr(layer, "role", "") == "terrain"), None)
    if terrain is None or not terrain.visible:
        return None
    grid = terrain.elevation
    values = np.nan_to_num(grid.values.astype(np.float64), nan=0.0)
    land = terrain.land_mask if terrain.land_mask is not None else values > 0
    lon_axis, lat_axis = grid.axes()
    folder = out / "terrain"
    folder.mkdir(parents=True, exist_ok=True)
    ny, nx = values.shape

    def block(j0: int, j1: int, i0: int, i1: int, step: int, name: str):
        sj = np.unique(np.r_[np.arange(j0, j1 + 1, step), j1])
        si = np.unique(np.r_[np.arange(i0, i1 + 1, step), i1])
        lon, lat = np.meshgrid(lon_axis[si], lat_axis[sj])
        e = values[np.ix_(sj, si)].ravel()
        wet = ~land[np.ix_(sj, si)].ravel().astype(bool)
        h = np.where(wet, 0.0, np.maximum(e, 0.0))
        rgb = terrain_colours(np.maximum(e, 0.0), ~wet)
        rgb[wet] = SEA_RGB
        x, y = scene.projection.to_scene(lon.ravel(), lat.ravel())
        cx, cy = float(x.mean()), float(y.mean())
        frame = frames.frame(cx, cy)
        enu, region = frames.convert(np.column_stack([x, y, h]), frame)
        mesh = GltfMesh(enu, grid_triangles(len(si), len(sj)), colour=(1.0, 1.0, 1.0, 1.0),
                        vertex_colours=np.column_stack([rgb, np.full(len(rgb), 255, np.uint8)]), name=name)
        _write(folder / f"{name}.glb", glb_bytes([mesh], generator="ydtwin"), report)
        report.triangles += 2 * (len(si) - 1) * (len(sj) - 1)
        report.terrain_tiles += 1
        return {"uri": f"terrain/{name}.glb"}, region, enu_to_ecef_matrix(frame)

    # cell size (m) at the grid's middle: the error of drawing the root instead of the blocks
    x, y = scene.projection.to_scene(lon_axis[[nx // 2, nx // 2 + 1]], lat_axis[[ny // 2, ny // 2]])
    cell_m = float(np.hypot(np.diff(x), np.diff(y))[0])
    kids = []
    for j0 in range(0, ny - 1, TERRAIN_BLOCK):
        for i0 in range(0, nx - 1, TERRAIN_BLOCK):
            j1, i1 = min(j0 + TERRAIN_BLOCK, ny - 1), min(i0 + TERRAIN_BLOCK, nx - 1)
            uri, region, abs_m = block(j0, j1, i0, i1, 1, f"{i0 // TERRAIN_BLOCK}_{j0 // TERRAIN_BLOCK}")
            kids.append({"boundingVolume": {"region": region}, "geometricError": 0.0, "content": uri, "_abs": abs_m})
    uri, region, abs_m = block(0, ny - 1, 0, nx - 1, TERRAIN_ROOT_STEP, "root")
    return {"boundingVolume": {"region": _union([region] + [k["boundingVolume"]["region"] for k in kids])},
            "geometricError": cell_m * TERRAIN_ROOT_STEP, "refine": "REPLACE", "content": uri, "_abs": abs_m,
            "children": kids}


def _plan_tiles(scene, frames: _Frames, out: Path, report: Export3DTilesReport) -> dict | None:
    """The shown plans: one content per plan layer (corridors as bands of their width, zones as their areas,
    facilities as discs, on the ground), one feature per project with its attributes as metadata, in the
    colour of its theme and status."""
    from ydtwin.geo.drape import SurfaceHeights
    from ydtwin.geo.ecef import enu_to_ecef_matrix
    from ydtwin.geo.plan_mesh import plan_surfaces
    from ydtwin.io.gltf_content import GltfMesh, glb_bytes
    from ydtwin.model.plans import PLAN_FIELDS, PlansLayer

    layers = [x for x in scene.layers_of(PlansLayer) if x.visible and len(x.data)]
    if not layers:
        return None
    terrain = next((x for x in scene.layers if getattr(x, "role", "") == "terrain"), None)
    surface = SurfaceHeights(getattr(terrain, "elevation", None), scene.projection, 1.0)
    folder = out / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    kids = []
    for k, layer in enumerate(layers):
        data = layer.data

        def to_scene(xy, crs=data.crs):
            x, y = scene.projection.to_scene(xy[:, 0], xy[:, 1], crs)
            return np.column_stack([x, y])

        geoms = shapely.transform(data.geometries, to_scene)
        surf = plan_surfaces(geoms, data.attributes["kind"])
        if not surf.n_triangles:
            continue
        # every vertex belongs to one project (each is triangulated on its own)
        fid = np.zeros(len(surf.vertices), dtype=np.int64)
        fid[surf.triangles.ravel()] = np.repeat(surf.feature, 3)
        z = surface.z(surf.vertices[:, 0], surf.vertices[:, 1], PLAN_LIFT_M)
        xyz = np.column_stack([surf.vertices, z])
        cx, cy = (float(v) for v in xyz[:, :2].mean(axis=0))
        frame = frames.frame(cx, cy)
        enu, region = frames.convert(xyz, frame)
        rgb = np.clip(np.round(layer.colours(scene.plan_year)[fid] * 255), 0, 255).astype(np.uint8)
        status = layer.status_at(scene.plan_year)
        props = {key: _column([v.item() if isinstance(v, np.generic) else v for v in data.attributes[key]])
                 for key in PLAN_FIELDS}
        props["status"] = np.array([str(v) for v in status], dtype=object)
        props["layer"] = np.full(len(data), layer.name, dtype=object)
        mesh = GltfMesh(enu, surf.triangles, colour=(1.0, 1.0, 1.0, 1.0),
                        vertex_colours=np.column_stack([rgb, np.full(len(rgb), 255, np.uint8)]), feature_ids=fid,
                        properties=props, class_name="plan", name=f"plans-{k}")
        name = f"{k}.glb"
        _write(folder / name, glb_bytes([mesh], generator="ydtwin"), report)
        report.triangles += surf.n_triangles
        report.plan_projects += len(np.unique(surf.feature))
        kids.append({"boundingVolume": {"region": region}, "geometricError": 0.0,
                     "content": {"uri": f"plans/{name}"}, "_abs": enu_to_ecef_matrix(frame)})
    if not kids:
        return None
    return {"boundingVolume": {"region": _union([c["boundingVolume"]["region"] for c in kids])},
            "geometricError": 0.0, "refine": "ADD", "children": kids}


def _model_tiles(scene, frames: _Frames, out: Path, report: Export3DTilesReport) -> dict | None:
    """The shown 3D models: one content each, at true size on the ground where they stand, one feature per part
    (its name and attributes: an IFC product's class, storey, GlobalId) in its colour."""
    from ydtwin.geo.drape import SurfaceHeights
    from ydtwin.geo.ecef import enu_to_ecef_matrix
    from ydtwin.io.gltf_content import GltfMesh, glb_bytes
    from ydtwin.workspace.exchange import _model_parts

    layers = [x for x in scene.layers if getattr(x, "kind", "") == "model" and x.visible]
    if not layers:
        return None
    terrain = next((x for x in scene.layers if getattr(x, "role", "") == "terrain"), None)
    surface = SurfaceHeights(getattr(terrain, "elevation", None), scene.projection, 1.0)
    folder = out / "models"
    folder.mkdir(parents=True, exist_ok=True)
    kids = []
    for k, layer in enumerate(layers):
        parts = _model_parts(layer, scene.projection, np.zeros(3), surface)  # scene metres
        xyz = np.concatenate([p[1] for p in parts])
        offsets = np.cumsum([0] + [len(p[1]) for p in parts])
        tris = np.concatenate([p[2] + o for p, o in zip(parts, offsets[:-1], strict=True)])
        rgb = np.concatenate([p[3] for p in parts])
        fid = np.repeat(np.arange(len(parts)), np.diff(offsets))
        cx, cy = (float(v) for v in xyz[:, :2].mean(axis=0))
        frame = frames.frame(cx, cy)
        enu, region = frames.convert(xyz, frame)
        keys = sorted({key for part in layer.data.parts for key in part.attributes})
        props = {"layer": np.full(len(parts), layer.name, dtype=object),
                 "part": np.array([p.name for p in layer.data.parts], dtype=object),
                 "project": np.full(len(parts), getattr(layer, "project_id", ""), dtype=object)}
        props.update({key: _column([str(p.attributes.get(key, "")) for p in layer.data.parts]) for key in keys})
        mesh = GltfMesh(enu, tris, colour=(1.0, 1.0, 1.0, 1.0),
                        vertex_colours=np.column_stack([rgb, np.full(len(rgb), 255, np.uint8)]), feature_ids=fid,
                        properties=props, class_name="model_part", name=f"model-{k}")
        name = f"{k}.glb"
        _write(folder / name, glb_bytes([mesh], generator="ydtwin"), report)
        report.triangles += len(tris)
        report.models += 1
        kids.append({"boundingVolume": {"region": region}, "geometricError": 0.0,
                     "content": {"uri": f"models/{name}"}, "_abs": enu_to_ecef_matrix(frame)})
    return {"boundingVolume": {"region": _union([c["boundingVolume"]["region"] for c in kids])},
            "geometricError": 0.0, "refine": "ADD", "children": kids}


def _relative(tile: dict, parent_abs: np.ndarray) -> dict:
    """Tile transforms are relative to the parent's: each content's absolute ENU → ECEF matrix is turned into
    one relative to the nearest ancestor with a transform (column-major in the JSON)."""
    abs_m = tile.pop("_abs", None)
    here = parent_abs
    if abs_m is not None:
        rel = np.linalg.solve(parent_abs, abs_m)
        tile["transform"] = [float(v) for v in rel.T.ravel()]
        here = abs_m
    for child in tile.get("children", []):
        _relative(child, here)
    if not tile.get("children"):
        tile.pop("children", None)
    return tile


def export_3dtiles(scene, out: str | os.PathLike[str], *, terrain: bool = True, plans: bool = True,
                   progress=None) -> Export3DTilesReport:
    """Write the scene's shown buildings (and the terrain and plans) as a 3D Tiles 1.1 tileset in ``out`` → the
    report."""
    from ydtwin import __version__
    from ydtwin.atomic import write_text

    t0 = time.perf_counter()
    out = check_3dtiles_folder(out)
    # an earlier export's contents go: the new tileset lists its own
    for name in ("buildings", "terrain", "plans", "models"):
        shutil.rmtree(out / name, ignore_errors=True)
    (out / TILESET).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    report = Export3DTilesReport(out)
    frames = _Frames(scene.projection)
    children = []
    b = _building_tiles(scene, frames, out, report, progress)
    if b is not None:
        children.append(b)
    if terrain:
        t = _terrain_tiles(scene, frames, out, report)
        if t is not None:
            children.append(t)
    if plans:
        p = _plan_tiles(scene, frames, out, report)
        if p is not None:
            children.append(p)
    m = _model_tiles(scene, frames, out, report)
    if m is not None:
        children.append(m)
    if not children:
        raise YdtwinError("nothing to export: no buildings, terrain or plans shown")
    root = {"boundingVolume": {"region": _union([c["boundingVolume"]["region"] for c in children])},
            "geometricError": max(c["geometricError"] for c in children) * 4, "refine": "REPLACE",
            "children": children}
    _relative(root, np.eye(4))
    region = scene.region
    doc = {
        "asset": {"version": "1.1", "generator": f"ydtwin {__version__}",
                  "extras": {"region": f"{region.title} {region.title_zh}".strip(),
                             "heights": "metres above sea level (the region's DEM), stored as ellipsoidal heights",
                             "procedural_blocks": "the region's city blocks are PROCEDURAL (not surveyed)"}},
        "geometricError": root["geometricError"] * 2,
        "root": root,
    }
    raw = json.dumps(doc, indent=1, ensure_ascii=False)
    write_text(out / TILESET, raw + "\n")
    report.files += 1
    report.bytes += len(raw.encode())
    report.seconds = time.perf_counter() - t0
    return report
