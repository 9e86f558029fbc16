"""3D models on screen: each part a mesh at the model's float64 origin (its anchor in the scene), in its base
colour, its vertex colours or its base-colour texture, lit with the file's normals where it gives them.

Heights stay true (not exaggerated), like the buildings': the model stands on the scene's ground at its anchor
(or at its absolute height on the exaggerated ground).
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from ydtwin.model.models import ModelLayer, place
from ydtwin.render.visuals import VISUALS, Visual

__all__ = ["ModelVisual", "normals_fit", "placed_parts"]


def placed_parts(layer: ModelLayer, scene, surface) -> list[np.ndarray]:
    """Scene coordinates of each part of ``layer`` (float64), standing on ``surface`` at its anchor."""
    proj = scene.projection
    a = layer.anchor
    x, y = proj.to_scene(np.array([a.lon]), np.array([a.lat]))
    ground = float(surface.z(x, y, 0.0)[0])
    return place(layer.data, a, proj, ground_z=ground, exaggeration=scene.vertical_exaggeration)


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
    def build(self) -> None:
        layer: ModelLayer = self.layer  # type: ignore[assignment]
        placed = placed_parts(layer, self.ctx.scene, self.ctx.surface)
        origin = np.round(np.mean([p.mean(axis=0) for p in placed], axis=0), 0)
        for k, (part, xyz) in enumerate(zip(layer.data.parts, placed, strict=True)):
            faces = np.column_stack([np.full(len(part.faces), 3), part.faces]).ravel()
            mesh = pv.PolyData((xyz - origin).astype(np.float32), faces=faces)
            # lit as the buildings are (ambient, diffuse), a little more sheen
            kwargs: dict = {"ambient": 0.25, "diffuse": 0.8, "specular": 0.1, "smooth_shading": True}
            if part.texture is not None and part.uv is not None:
                mesh.active_texture_coordinates = part.uv
                kwargs["texture"] = pv.Texture(np.ascontiguousarray(part.texture[::-1]))
            elif part.vertex_colours is not None:
                mesh.point_data["rgba"] = part.vertex_colours
                kwargs.update(scalars="rgba", rgba=True)
            else:
                kwargs["color"] = tuple(c / 255.0 for c in part.colour[:3])
            if part.normals is not None and normals_fit(xyz, part.faces, part.normals):
                mesh.point_data["Normals"] = part.normals
                mesh.point_data.active_normals_name = "Normals"
            else:
                # no normals, or normals averaged over sharp edges (a box's corners): crisp edges, smooth curves
                # (the colours and texture coordinates go with the vertices that are split)
                mesh = mesh.compute_normals(split_vertices=True, feature_angle=30.0, auto_orient_normals=False,
                                            consistent_normals=False)
            base = part.colour[3] / 255.0 if part.vertex_colours is None else 1.0
            actor = self._add(mesh, origin, base_opacity=base, name=f"model-{layer.id}-{k}", **kwargs)
            actor._ydtwin_part = k

    def legend_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        layer: ModelLayer = self.layer  # type: ignore[assignment]
        if not layer.visible:
            return []
        part = max(layer.data.parts, key=lambda p: p.n_triangles)
        if part.vertex_colours is not None and len(part.vertex_colours):
            rgb = part.vertex_colours[:, :3].mean(axis=0)
        elif part.texture is not None:
            rgb = part.texture[..., :3].reshape(-1, 3).mean(axis=0)
        else:
            rgb = np.array(part.colour[:3], dtype=np.float64)
        return [(layer.name, tuple(float(c) / 255.0 for c in rgb))]

    def describe_pick(self, actor, cell_id: int) -> dict | None:
        layer: ModelLayer = self.layer  # type: ignore[assignment]
        part = layer.data.parts[min(int(getattr(actor, "_ydtwin_part", 0)), len(layer.data.parts) - 1)]
        return {"layer": layer.name, "model": layer.data.format, "part": part.name, **part.attributes}


VISUALS[ModelLayer] = ModelVisual
