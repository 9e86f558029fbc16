"""3D models on screen: at the model's float64 origin (its anchor in the scene), in the parts' base colours,
vertex colours or base-colour textures, lit with the file's normals where they follow its faces.

Parts of one plain colour are drawn together (one actor per colour: an IFC model's thousands of elements are a
handful of actors), textured and vertex-coloured parts each on their own. A big model has simplified levels
(``ydtwin.model.models.with_levels``); before each frame the finest level within the visual's share of the
frame's triangle budget is shown (the same budget the buildings share), and a still export draws it whole.

Heights stay true (not exaggerated), like the buildings': the model stands on the scene's ground at its anchor
(or at its absolute height on the exaggerated ground).
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from ydtwin.model.models import ModelLayer, ModelPart, place
from ydtwin.render.visuals import VISUALS, Visual

__all__ = ["ModelVisual", "normals_fit", "placed_parts"]


def placed_parts(layer: ModelLayer, scene, surface, parts=None) -> list[np.ndarray]:
    """Scene coordinates of each part of ``layer`` (or of ``parts``, one of its levels), float64, standing on
    ``surface`` at its anchor."""
    proj = scene.projection
    a = layer.anchor
    x, y = proj.to_scene(np.array([a.lon]), np.array([a.lat]))
    ground = float(surface.z(x, y, 0.0)[0])
    return place(layer.data, a, proj, ground_z=ground, exaggeration=scene.vertical_exaggeration, parts=parts)


def normals_fit(xyz: np.ndarray, faces: np.ndarray, normals: np.ndarray, *, max_angle_deg: float = 40.0) -> bool:
    """Whether a file's vertex normals follow its faces (each within ``max_angle_deg`` of the faces that use
    it, for 99 % of the faces): else they were averaged over sharp edges and would shade walls dark."""
    if not len(faces):
        return False
    tri = xyz[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    length = np.linalg.norm(fn, axis=1)
    ok = length > 0
    fn = fn[ok] / length[ok, None]
    vn = normals[faces[ok]].astype(np.float64)
    cos = np.einsum("fij,fj->fi", vn, fn) / np.maximum(np.linalg.norm(vn, axis=2), 1e-12)
    return bool((cos.min(axis=1) >= np.cos(np.radians(max_angle_deg))).mean() >= 0.99)


class ModelVisual(Visual):
    def __init__(self, layer, ctx) -> None:
        super().__init__(layer, ctx)
        self.levels: list[tuple[int, list]] = []  # (triangles, actors), finest first
        self.level = 0
        self._observer = None

    def build(self) -> None:
        layer: ModelLayer = self.layer  # type: ignore[assignment]
        data = layer.data
        origin = None
        self.levels = []
        for parts in (data.parts, *data.levels):
            placed = placed_parts(layer, self.ctx.scene, self.ctx.surface, parts)
            if origin is None:
                origin = np.round(np.mean([p.mean(axis=0) for p in placed], axis=0), 0)
            before = len(self.actors)
            for mesh, kwargs, index in _meshes(parts, placed, origin):
                base = kwargs.pop("_opacity", 1.0)
                actor = self._add(mesh, origin, base_opacity=base, name=f"model-{layer.id}-{len(self.actors)}",
                                  **kwargs)
                actor._ydtwin_parts = index  # part of each cell
            self.levels.append((sum(p.n_triangles for p in parts), self.actors[before:]))
        self.triangles = self.levels[0][0]
        if self._observer is None:
            self._observer = self.ctx.plotter.renderer.AddObserver("StartEvent", lambda *_: self.update_level())
        self.update_level()

    def remove(self) -> None:
        if self._observer is not None:
            self.ctx.plotter.renderer.RemoveObserver(self._observer)
            self._observer = None
        super().remove()

    def update_level(self) -> None:
        """Before each frame: the finest level within this visual's share of the triangle budget (whole in a
        still export)."""
        if not self.levels:
            return
        if self.ctx.error_px_lock is not None:  # an export: the model whole
            level = 0
        else:
            share = int(self.ctx.budget.budget * self.ctx.detail) // max(self.ctx.budget_shares, 1)
            level = next((k for k, (n, _a) in enumerate(self.levels) if n <= share), len(self.levels) - 1)
        if level != self.level:
            self.ctx.uploads_this_frame = True
        self.level = level
        for k, (_n, actors) in enumerate(self.levels):
            for actor in actors:
                actor.SetVisibility(self.layer.visible and k == level)
        self.triangles = self.levels[level][0] if self.layer.visible else 0

    def apply_visibility(self) -> None:
        self.update_level()

    def legend_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        layer: ModelLayer = self.layer  # type: ignore[assignment]
        if not layer.visible:
            return []
        rgb = max(layer.data.parts, key=lambda p: p.n_triangles).mean_rgb()
        return [(layer.name, tuple(float(c) / 255.0 for c in rgb))]

    def describe_pick(self, actor, cell_id: int) -> dict | None:
        layer: ModelLayer = self.layer  # type: ignore[assignment]
        index = getattr(actor, "_ydtwin_parts", None)
        if index is None or not 0 <= cell_id < len(index):
            return None
        level = layer.data.parts if self.level == 0 else layer.data.levels[self.level - 1]
        part = level[int(index[cell_id])]
        return {"layer": layer.name, "model": layer.data.format, "part": part.name, **part.attributes}


def _meshes(parts: tuple[ModelPart, ...], placed: list[np.ndarray], origin: np.ndarray):
    """(mesh, add_mesh options, part of each cell) for ``parts`` placed at ``placed``: textured and
    vertex-coloured parts one by one, plain parts merged by colour."""
    plain: dict[tuple, list[int]] = {}
    for k, part in enumerate(parts):
        if part.texture is None and part.vertex_colours is None:
            plain.setdefault(tuple(part.colour), []).append(k)
            continue
        yield _mesh([part], [placed[k]], [k], origin)
    for ks in plain.values():
        yield _mesh([parts[k] for k in ks], [placed[k] for k in ks], ks, origin)


def _mesh(parts: list[ModelPart], placed: list[np.ndarray], ks: list[int], origin: np.ndarray):
    offsets = np.cumsum([0] + [len(p.vertices) for p in parts])
    xyz = np.concatenate(placed) - origin
    faces = np.concatenate([p.faces + o for p, o in zip(parts, offsets[:-1], strict=True)])
    index = np.concatenate([np.full(p.n_triangles, k, dtype=np.int32) for p, k in zip(parts, ks, strict=True)])
    mesh = pv.PolyData(xyz.astype(np.float32), faces=np.column_stack([np.full(len(faces), 3), faces]).ravel())
    # lit as the buildings are (ambient, diffuse), a little more sheen
    kwargs: dict = {"ambient": 0.25, "diffuse": 0.8, "specular": 0.1, "smooth_shading": True}
    first = parts[0]
    if first.texture is not None and first.uv is not None:
        mesh.active_texture_coordinates = first.uv
        kwargs["texture"] = pv.Texture(np.ascontiguousarray(first.texture[::-1]))
    elif first.vertex_colours is not None:
        mesh.point_data["rgba"] = first.vertex_colours
        kwargs.update(scalars="rgba", rgba=True)
    else:
        kwargs["color"] = tuple(c / 255.0 for c in first.colour[:3])
        kwargs["_opacity"] = first.colour[3] / 255.0
    normals = [p.normals for p in parts]
    if all(n is not None for n in normals) and normals_fit(xyz, faces, np.concatenate(normals)):
        mesh.point_data["Normals"] = np.concatenate(normals)
        mesh.point_data.active_normals_name = "Normals"
    else:
        # no normals, or normals averaged over sharp edges (a box's corners): crisp edges, smooth curves
        # (colours and texture coordinates go with the vertices that are split; the cells keep their order)
        mesh = mesh.compute_normals(split_vertices=True, feature_angle=30.0, auto_orient_normals=False,
                                    consistent_normals=False)
    return mesh, kwargs, index


VISUALS[ModelLayer] = ModelVisual
