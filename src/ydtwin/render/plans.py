"""Planned projects on the scene: corridors as thick draped lines, zones as translucent areas with an
outline, facilities as round markers — each in its theme's colour shaded by its status."""

from __future__ import annotations

import numpy as np
import pyvista as pv
import shapely

from ydtwin.geo.drape import line_arrays, polygon_triangles
from ydtwin.geo.labels import PROJECT
from ydtwin.geo.tiles import to_local
from ydtwin.model.plans import STATUS_TITLES, PlansLayer, status_colour
from ydtwin.render.fonts import cjk_font
from ydtwin.render.labels import make_label, set_label_opacity
from ydtwin.render.visuals import DENSIFY_M, VISUALS, Visual, label_renderer, line_cells

__all__ = ["PlansVisual"]

#: screen line width (px) per corridor class
LINE_WIDTHS = {"rail": 6.0, "metro": 5.0, "road": 5.0, "green": 5.0, "pipe": 4.0, "power": 4.0, "fibre": 3.5}
#: metres above the ground: over the base region's lines and boundaries
PLAN_DRAPE_M = 80.0
ZONE_OPACITY = 0.45
MARKER_PX = 16.0
#: metres above the ground of a project's name (at the middle of a corridor, inside a zone, on a facility)
NAME_LIFT_M = 800.0
NAME_FONT_SIZE = 13


def _rgb8(colours: np.ndarray) -> np.ndarray:
    return np.clip(np.round(colours * 255), 0, 255).astype(np.uint8)


class PlansVisual(Visual):
    """Actors of one plan plugin's projects. ``feature`` cell/point data maps picks back to projects."""

    def build(self) -> None:
        layer: PlansLayer = self.layer  # type: ignore[assignment]
        data = layer.data
        if len(data) == 0:
            return
        proj = self.ctx.scene.projection

        def to_scene(coords: np.ndarray) -> np.ndarray:
            x, y = proj.to_scene(coords[:, 0], coords[:, 1], data.crs)
            return np.column_stack([x, y])

        geoms = shapely.segmentize(shapely.transform(data.geometries, to_scene), DENSIFY_M)
        colours = layer.colours(self.ctx.scene.plan_year)
        kinds = data.attributes["kind"].astype(str)
        types = shapely.get_type_id(geoms)
        is_line = np.isin(types, (1, 5))
        is_area = np.isin(types, (3, 6))
        is_point = np.isin(types, (0, 4))
        b = shapely.total_bounds(geoms)
        origin = np.array([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 0.0])

        def draped(xy: np.ndarray, offset: float) -> np.ndarray:
            z = self.ctx.surface.z(xy[:, 0], xy[:, 1], offset)
            return to_local(np.column_stack([xy, z]), origin)

        def lines_mesh(index: np.ndarray, offset: float) -> pv.PolyData | None:
            parts = geoms[index]
            outlines = np.where(np.isin(shapely.get_type_id(parts), (3, 6)), shapely.boundary(parts), parts)
            coords, offsets = line_arrays(outlines)
            if not len(coords):
                return None
            # which feature each line cell came from: count the lines of each geometry
            n_lines = shapely.get_num_geometries(outlines)
            n_lines = np.where(np.isin(shapely.get_type_id(outlines), (1, 2)), 1, n_lines)
            feature = np.repeat(index, n_lines)
            mesh = pv.PolyData(draped(coords, offset), lines=line_cells(offsets))
            if mesh.n_cells != len(feature):  # defensive: one cell per line part
                feature = np.resize(feature, mesh.n_cells)
            mesh.cell_data["feature"] = feature
            mesh.cell_data["rgb"] = _rgb8(colours[feature])
            return mesh

        # corridors, one actor per line width
        for width in sorted(set(LINE_WIDTHS.values())):
            idx = np.flatnonzero(is_line & np.isin(kinds, [k for k, w in LINE_WIDTHS.items() if w == width]))
            mesh = lines_mesh(idx, PLAN_DRAPE_M) if len(idx) else None
            if mesh is not None:
                self._add(mesh, origin, scalars="rgb", rgb=True, line_width=width, lighting=False,
                          name=f"plans-lines-{layer.id}-{width}")
        # zones: translucent fill and an outline
        idx = np.flatnonzero(is_area)
        if len(idx):
            verts, tris = polygon_triangles(geoms[idx])
            if len(tris):
                # the feature of each triangle: triangulate zone by zone
                feature = np.concatenate([np.full(len(polygon_triangles(geoms[i:i + 1])[1]), i) for i in idx])
                faces = np.column_stack([np.full(len(tris), 3), tris]).ravel()
                fill = pv.PolyData(draped(verts, PLAN_DRAPE_M * 0.6), faces=faces)
                fill.cell_data["feature"] = feature
                fill.cell_data["rgb"] = _rgb8(colours[feature])
                self._add(fill, origin, base_opacity=ZONE_OPACITY, scalars="rgb", rgb=True, opacity=ZONE_OPACITY,
                          lighting=False, name=f"plans-zones-{layer.id}")
            outline = lines_mesh(idx, PLAN_DRAPE_M)
            if outline is not None:
                self._add(outline, origin, scalars="rgb", rgb=True, line_width=2.5, lighting=False,
                          name=f"plans-zone-outlines-{layer.id}")
        # facilities: round markers
        idx = np.flatnonzero(is_point)
        if len(idx):
            xy = shapely.get_coordinates(geoms[idx])
            counts = shapely.get_num_coordinates(geoms[idx])
            feature = np.repeat(idx, counts)
            pts = pv.PolyData(draped(xy, PLAN_DRAPE_M * 2))
            pts.point_data["feature"] = feature
            pts.point_data["rgb"] = _rgb8(colours[feature])
            self._add(pts, origin, scalars="rgb", rgb=True, point_size=MARKER_PX, render_points_as_spheres=True,
                      lighting=False, name=f"plans-points-{layer.id}")
        self._add_names(geoms, colours)

    def _add_names(self, geoms: np.ndarray, colours: np.ndarray) -> None:
        """Each project's name on a plate of its colour: shown at close zoom, never over a city's name
        (placed with the other labels, see ``ydtwin.render.labels``)."""
        layer: PlansLayer = self.layer  # type: ignore[assignment]
        attrs = layer.data.attributes
        types = shapely.get_type_id(geoms)
        is_line = np.isin(types, (1, 5))
        where = shapely.point_on_surface(geoms)
        where[is_line] = shapely.line_interpolate_point(geoms[is_line], 0.5, normalized=True)
        xy = shapely.get_coordinates(where)
        if len(xy) != len(geoms):
            return
        z = self.ctx.surface.z(xy[:, 0], xy[:, 1], NAME_LIFT_M)
        chinese = bool(cjk_font()) and self.ctx.translate("Base region") != "Base region"
        renderer = label_renderer(self.ctx.plotter)
        for i in range(len(geoms)):
            title = str(attrs["title_zh"][i]) if chinese and str(attrs["title_zh"][i]) else str(attrs["title"][i])
            actor = make_label(title, (xy[i, 0], xy[i, 1], z[i]), label_class=PROJECT, colour=colours[i],
                               font_size=NAME_FONT_SIZE, pin=True, layer_id=layer.id, rank=i)
            renderer.AddActor(actor)
            self.actors.append(actor)

    def apply_opacity(self) -> None:
        super().apply_opacity()
        for actor in self.actors:
            if hasattr(actor, "_ydtwin_label_class"):
                set_label_opacity(actor, self.layer.opacity)

    def legend_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        if not self.layer.visible:
            return []
        layer: PlansLayer = self.layer  # type: ignore[assignment]
        translate = self.ctx.translate
        # themes come with their own Chinese titles: used when the host speaks Chinese
        chinese = translate("Base region") != "Base region"
        return [(translate(label), colour) for label, colour in layer.legend_entries(chinese)]

    def status_entries(self) -> list[tuple[str, tuple[float, float, float]]]:
        """The status shades, on a neutral grey (shown once however many plan layers are visible)."""
        if not self.layer.visible:
            return []
        present = set(self.layer.status_at(self.ctx.scene.plan_year))
        translate = self.ctx.translate
        return [(translate(STATUS_TITLES[s]), status_colour((0.72, 0.72, 0.72), s))
                for s in ("planned", "under_construction", "built") if s in present]

    def describe_pick(self, actor, cell_id: int) -> dict | None:
        mesh = getattr(actor, "_ydtwin_mesh", None)
        if mesh is None:
            return None
        feature = mesh.cell_data.get("feature") if mesh.n_cells else None
        if feature is None or not 0 <= cell_id < len(feature):
            feature = mesh.point_data.get("feature")
            if feature is None or not 0 <= cell_id < len(feature):
                return None
        i = int(feature[cell_id])
        attrs = self.layer.data.attributes
        return {k: (v[i].item() if hasattr(v[i], "item") else v[i]) for k, v in attrs.items()}


VISUALS[PlansLayer] = PlansVisual
