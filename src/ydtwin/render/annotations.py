"""Annotations in the 3D view: each kept measurement or profile line as a line through its points with a ball at
each point and its label at the last one; the one being drawn (with the rubber band to the cursor) in white. They
are drawn in the layer above the scene, with the place names: no building or hill hides a measurement.

A point stands where the scene draws what it was measured on: on the drawn surface (terrain × the exaggeration),
plus its true height above the ground there — a roof stands at its building's true height on the exaggerated
ground, as the buildings do."""

from __future__ import annotations

import numpy as np
import pyvista as pv

from ydtwin.geo.labels import FINDING
from ydtwin.geo.tiles import to_local
from ydtwin.model.annotations import Annotation, AnnotationLayer
from ydtwin.render import _vtk
from ydtwin.render.labels import make_label, set_label_opacity
from ydtwin.render.visuals import VISUALS, Visual, label_renderer

__all__ = ["AnnotationVisual", "display_points"]

#: drawn this far (m, screen-true) above their points
LIFT_M = 3.0
DRAFT_COLOUR = (1.0, 1.0, 1.0)


def display_points(ctx, item: Annotation) -> np.ndarray:
    """(n, 3) scene positions of an annotation's points as the view draws them."""
    proj = ctx.scene.projection
    lon = np.array([p.lon for p in item.points])
    lat = np.array([p.lat for p in item.points])
    x, y = proj.to_scene(lon, lat)
    x, y = np.atleast_1d(x), np.atleast_1d(y)
    surface = ctx.surface
    ground = np.maximum(np.nan_to_num(surface.elevation(x, y)), 0.0)
    above = np.array([0.0 if p.height is None else max(p.height - g, 0.0) for p, g in zip(item.points, ground,
                                                                                        strict=True)])
    return np.column_stack([x, y, surface.z(x, y, LIFT_M) + above])


class AnnotationVisual(Visual):
    def build(self) -> None:
        layer: AnnotationLayer = self.layer  # type: ignore[assignment]
        kept = [(item, display_points(self.ctx, item)) for item in layer.items if item.points]
        if kept:
            self._lines(kept, layer.style.color, "kept")
        if layer.draft is not None and layer.draft.points:
            self._lines([(layer.draft, display_points(self.ctx, layer.draft))], DRAFT_COLOUR, "draft")
        renderer = label_renderer(self.ctx.plotter)
        drafts = [(layer.draft, DRAFT_COLOUR)] if layer.draft is not None and layer.draft.points else []
        for k, (item, colour) in enumerate([(i, layer.style.color) for i in layer.items] + drafts):
            if not item.label or not item.points:
                continue
            xyz = display_points(self.ctx, item)
            # an area's label at its middle, a line's at the middle of its last segment, a height at its point
            at = xyz.mean(axis=0) if item.closed else (xyz[-2:].mean(axis=0) if item.kind != "height" else xyz[-1])
            actor = make_label(item.label, at, label_class=FINDING, colour=colour, font_size=layer.style.font_size,
                               layer_id=layer.id, rank=k)
            renderer.AddActor(actor)
            self.actors.append(actor)

    def _lines(self, items: list[tuple[Annotation, np.ndarray]], colour, name: str) -> None:
        pts = np.vstack([xyz for _item, xyz in items])
        origin = np.array([float(pts[:, 0].mean()), float(pts[:, 1].mean()), 0.0])
        lines, verts, start = [], [], 0
        for item, xyz in items:
            n = len(xyz)
            idx = list(range(start, start + n)) + ([start] if item.closed and n > 2 else [])
            if len(idx) > 1:
                lines += [len(idx), *idx]
            # a ball at each point; a profile's line has hundreds of samples: balls at its ends only
            balls = [start, start + n - 1] if item.kind == "profile" and n > 2 else range(start, start + n)
            verts += [v for i in balls for v in (1, i)]
            start += n
        mesh = pv.PolyData(to_local(pts, origin), lines=np.array(lines) if lines else None, verts=np.array(verts))
        # in the layer above the scene (the labels'): a measurement is never hidden behind a building or a hill
        actor = pv.Actor(mapper=pv.DataSetMapper(mesh))
        actor.position = tuple(float(v) for v in origin)
        prop = actor.GetProperty()
        prop.SetColor(*colour)
        prop.SetLineWidth(self.layer.style.line_width)
        prop.SetPointSize(10.0)
        prop.SetRenderPointsAsSpheres(True)
        prop.SetRenderLinesAsTubes(True)
        prop.SetLighting(False)
        actor.SetPickable(False)
        actor._ydtwin_name = f"annotations-{self.layer.id}-{name}"
        label_renderer(self.ctx.plotter).AddActor(actor)
        self.actors.append(actor)

    def remove(self) -> None:
        renderer = label_renderer(self.ctx.plotter)
        for actor in self.actors:
            renderer.RemoveActor(actor)
        self.actors = []
        self.triangles = 0

    def apply_opacity(self) -> None:
        for actor in self.actors:
            if isinstance(actor, _vtk.vtkBillboardTextActor3D):
                set_label_opacity(actor, self.layer.opacity)
            else:
                actor.GetProperty().SetOpacity(self.layer.opacity)


VISUALS[AnnotationLayer] = AnnotationVisual
