"""What an exported frame shows: scene points to output pixels for a camera (:func:`projector`), and the legend
rows of what has geometry inside the frame (:class:`FrameLegend`) — a still of one border crossing lists the
themes, phases and buildings it shows, not every theme of the eight cities."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ydtwin.model.plans import STATUS_TITLES

__all__ = ["FrameLegend", "inside", "projector"]

#: a vertex every this many metres along plan geometry: a long line crossing the frame has some inside it
SAMPLE_M = 200.0


def projector(camera, size: tuple[int, int]) -> Callable[[np.ndarray], np.ndarray]:
    """``to_px(points (n, 3) scene metres) -> (n, 2)`` output pixels (x right, y down) through ``camera`` in a
    frame of ``size``; NaN for points behind the camera or beyond its clipping range."""
    w, h = size
    mat = camera.GetCompositeProjectionTransformMatrix(w / h, -1, 1)
    m = np.array([[mat.GetElement(r, c) for c in range(4)] for r in range(4)])

    def to_px(points: np.ndarray) -> np.ndarray:
        hom = np.column_stack([points, np.ones(len(points))]) @ m.T
        ok = hom[:, 3] > 1e-9
        ndc = hom[:, :3] / np.where(ok, hom[:, 3], 1.0)[:, None]
        px = np.column_stack([(ndc[:, 0] + 1) * w / 2, (1 - ndc[:, 1]) * h / 2])
        px[~ok | (np.abs(ndc[:, 2]) > 1)] = np.nan
        return px

    return to_px


def inside(px: np.ndarray, size: tuple[int, int], margin: float = 0.0) -> np.ndarray:
    """Which projected points lie in the frame, at least ``margin`` pixels from its edges."""
    w, h = size
    ok = np.isfinite(px).all(axis=1)
    x, y = np.where(ok, px[:, 0], -1.0), np.where(ok, px[:, 1], -1.0)
    return ok & (x >= margin) & (x < w - margin) & (y >= margin) & (y < h - margin)


class FrameLegend:
    """The legend rows of a scene view limited to what is in a frame. Plan layers: the themes and phases (in
    the scene's plan year) of the projects with a vertex in the frame; buildings: a layer's rows when one of its
    buildings stands in the frame (with a colouring by category, the categories there). Other rows (a numeric
    colouring's bar aside) are kept. Sample points are computed once per layer, not once per frame of a video."""

    def __init__(self, view) -> None:
        self.view = view
        self._points: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def rows(self, to_px, size: tuple[int, int]) -> list[tuple[str, tuple[float, float, float]]]:
        from ydtwin.render.buildings import BuildingsVisual
        from ydtwin.render.plans import PlansVisual

        entries, _bar = self.view.legend_rows()
        listed: set[str] = set()
        shown: set[str] = set()
        for visual in self.view.visuals.values():
            if not visual.layer.visible:
                continue
            if isinstance(visual, PlansVisual):
                listed.update(label for label, _c in [*visual.legend_entries(), *visual.status_entries()])
                shown.update(self._plans_in_frame(visual, to_px, size))
            elif isinstance(visual, BuildingsVisual):
                rows = [label for label, _c in visual.legend_entries()]
                listed.update(rows)
                shown.update(self._buildings_in_frame(visual, rows, to_px, size))
        return [(label, colour) for label, colour in entries if label not in listed or label in shown]

    def _scene_points(self, layer, make) -> tuple[np.ndarray, np.ndarray]:
        key = (layer.id, id(layer.data))
        if key not in self._points:
            self._points[key] = make()
        return self._points[key]

    def _plans_in_frame(self, visual, to_px, size) -> set[str]:
        import shapely

        layer = visual.layer
        data = layer.data
        proj = self.view.scene.projection

        def make():
            def to_scene(c: np.ndarray) -> np.ndarray:
                return np.column_stack(proj.to_scene(c[:, 0], c[:, 1], data.crs))

            geoms = shapely.segmentize(shapely.transform(data.geometries, to_scene), SAMPLE_M)
            return shapely.get_coordinates(geoms, return_index=True)

        coords, index = self._scene_points(layer, make)
        if not len(coords):
            return set()
        there = np.unique(index[inside(to_px(np.column_stack([coords, np.zeros(len(coords))])), size)])
        if not len(there):
            return set()
        themes = [str(t) for t in data.attributes["theme"]]
        labels = dict(zip(dict.fromkeys(themes), (label for label, _c in visual.legend_entries()), strict=True))
        statuses = layer.status_at(self.view.scene.plan_year)
        phase_labels = {self.view.ctx.translate(title): status for status, title in STATUS_TITLES.items()}
        phases = {label for label, _c in visual.status_entries() if phase_labels.get(label) in set(statuses[there])}
        return {labels[themes[i]] for i in there} | phases

    def _buildings_in_frame(self, visual, rows: list[str], to_px, size) -> set[str]:
        layer = visual.layer
        data = layer.data
        proj = self.view.scene.projection

        def make():
            # one vertex per building (its first): buildings are small beside a frame
            first_part = np.unique(data.part_building, return_index=True)[1]
            xy = data.xy[data.ring_offsets[data.part_offsets[first_part]]]
            x, y = proj.to_scene(xy[:, 0], xy[:, 1], data.crs)
            return np.column_stack([x, y]), data.part_building[first_part]

        xy, building = self._scene_points(layer, make)
        if not len(xy):
            return set()
        there = building[inside(to_px(np.column_stack([xy, np.zeros(len(xy))])), size)]
        if not len(there):
            return set()
        attr = getattr(layer, "color_by", "")
        prefix = f"{attr}: "
        if not attr or not all(row.startswith(prefix) for row in rows):
            return set(rows)
        values = {f"{prefix}{'' if v is None else str(v) or '(none)'}" for v in layer.values_for(attr)[there]}
        named = [row for row in rows if row in values]
        other = [row for row in rows if row.startswith(f"{prefix}other (")]
        return set(named) | (set(other) if values - set(rows) else set())
