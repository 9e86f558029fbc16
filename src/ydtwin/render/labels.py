"""Billboard labels in the 3D view, placed without overlaps (:func:`ydtwin.geo.labels.place`).

Every label is a ``vtkBillboardTextActor3D`` in the label renderer (see ``visuals.label_renderer``) tagged
with its class (city, district, project, finding). Before the label layer draws a frame whose camera, size
or labels changed, :class:`LabelPlacer` projects the anchors, fades project and finding names by distance,
places the labels most important first — a label that would cover another moves to a free spot nearby,
with a leader line back to its anchor, or is hidden — and sets each label's offset and opacity. Hiding is
by opacity, never by visibility: visibility is the layer's (and an export's) to set.
"""

from __future__ import annotations

import numpy as np

from ydtwin.geo.labels import place, zoom_opacity
from ydtwin.render import _vtk
from ydtwin.render.fonts import cjk_font

__all__ = ["LabelPlacer", "label_box", "make_label", "set_label_opacity"]

#: opacity of the dark plate behind a label's text, and of a pin's coloured plate
PLATE_OPACITY = 0.55
PIN_PLATE_OPACITY = 0.9
#: pixels kept free between two labels
LABEL_GAP_PX = 3.0
LEADER_COLOUR = (0.92, 0.92, 0.92)


def make_label(text: str, position, *, label_class: int, colour, font_size: int, pin: bool = False,
               layer_id: int = -1, rank: int = 0):
    """A billboard label of ``label_class`` at ``position`` (scene metres), in Chinese when a CJK font is
    present. ``pin``: white text on a plate of the marker's colour, darkened (reads on any ground)."""
    actor = _vtk.vtkBillboardTextActor3D()
    actor.SetInput(text)
    actor.SetPosition(*(float(v) for v in position))
    prop = actor.GetTextProperty()
    prop.SetFontSize(int(font_size))
    prop.SetBold(True)
    prop.SetJustificationToCentered()
    if pin:
        prop.SetColor(1.0, 1.0, 1.0)
        prop.SetBackgroundColor(*(0.55 * np.asarray(colour, dtype=float)))
        actor._ydtwin_plate = PIN_PLATE_OPACITY
    else:
        prop.SetColor(*colour)
        prop.SetShadow(True)
        prop.SetBackgroundColor(0.05, 0.05, 0.08)
        actor._ydtwin_plate = PLATE_OPACITY
    prop.SetBackgroundOpacity(actor._ydtwin_plate)
    font = cjk_font()
    if font:
        prop.SetFontFamily(_vtk.VTK_FONT_FILE)
        prop.SetFontFile(font)
    actor._ydtwin_layer = layer_id
    actor._ydtwin_label_class = int(label_class)
    actor._ydtwin_rank = rank
    actor._ydtwin_opacity = 1.0  # the layer's opacity
    return actor


def set_label_opacity(actor, opacity: float) -> None:
    """The layer's opacity for a label (the placer multiplies its fade into it)."""
    actor._ydtwin_opacity = float(opacity)
    _apply(actor, 1.0)


def _apply(actor, factor: float) -> None:
    k = getattr(actor, "_ydtwin_opacity", 1.0) * factor
    prop = actor.GetTextProperty()
    prop.SetOpacity(k)
    prop.SetBackgroundOpacity(getattr(actor, "_ydtwin_plate", PLATE_OPACITY) * k)


def label_box(actor, dpi: int) -> tuple[float, float, float, float]:
    """The label's box relative to its anchor, pixels, y down (x0, y0, x1, y1): what VTK draws."""
    key = (actor.GetInput(), actor.GetTextProperty().GetFontSize(), dpi)
    cached = getattr(actor, "_ydtwin_box", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    bbox = [0, 0, 0, 0]
    _vtk.vtkTextRenderer.GetInstance().GetBoundingBox(actor.GetTextProperty(), actor.GetInput(), bbox, dpi)
    box = (float(bbox[0]), float(-bbox[3]), float(bbox[1]), float(-bbox[2]))
    actor._ydtwin_box = (key, box)
    return box


class LabelPlacer:
    """Places the billboard labels of one label renderer before each frame that needs it."""

    #: 2D furniture of the scene's renderer that labels keep clear of
    KEEP_CLEAR = ("vtkLegendBoxActor", "vtkScalarBarActor")

    def __init__(self, renderer, scene_renderer=None) -> None:
        self.renderer = renderer
        self.scene_renderer = scene_renderer
        self._key = None
        #: what the last placement decided, per label actor: (actor, shown, rect (y down)) — for tests and
        #: the export
        self.last: list[tuple[object, bool, np.ndarray]] = []
        points = _vtk.vtkPoints()
        self._leaders = _vtk.vtkPolyData()
        self._leaders.SetPoints(points)
        self._leaders.SetLines(_vtk.vtkCellArray())
        mapper = _vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(self._leaders)
        self.leader_actor = _vtk.vtkActor2D()
        self.leader_actor.SetMapper(mapper)
        self.leader_actor.GetProperty().SetColor(*LEADER_COLOUR)
        self.leader_actor.GetProperty().SetLineWidth(1.5)
        renderer.AddViewProp(self.leader_actor)
        self._tag = renderer.AddObserver("StartEvent", lambda *_: self.update(), 2.0)

    def invalidate(self) -> None:
        self._key = None

    def labels(self) -> list:
        props = self.renderer.GetViewProps()
        return [p for p in (props.GetItemAsObject(i) for i in range(props.GetNumberOfItems()))
                if isinstance(p, _vtk.vtkBillboardTextActor3D)]

    def update(self) -> None:
        ren = self.renderer
        cam = ren.GetActiveCamera()
        w, h = ren.GetSize()
        actors = [a for a in self.labels() if a.GetVisibility()]
        key = (cam.GetMTime(), w, h, tuple(id(a) for a in actors), tuple(self.reserved(h)),
               tuple(getattr(a, "_ydtwin_opacity", 1.0) for a in actors))
        if key == self._key:
            return
        self._key = key
        if not actors or w < 2 or h < 2:
            self.last = []
            self._set_leaders([])
            return
        pos = np.array([a.GetPosition() for a in actors])
        m = cam.GetCompositeProjectionTransformMatrix(w / h, -1, 1)
        mat = np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])
        hom = np.column_stack([pos, np.ones(len(pos))]) @ mat.T
        ok = hom[:, 3] > 1e-9
        ndc = hom[:, :3] / np.where(ok, hom[:, 3], 1.0)[:, None]
        ok &= np.abs(ndc[:, 2]) <= 1.0
        anchors = np.column_stack([(ndc[:, 0] + 1) * w / 2, (1 - ndc[:, 1]) * h / 2])
        cls = np.array([getattr(a, "_ydtwin_label_class", 0) for a in actors])
        fade = zoom_opacity(np.linalg.norm(pos - np.array(cam.GetPosition()), axis=1), cls)
        ok &= fade > 0.02
        anchors[~ok] = np.nan
        dpi = int(ren.GetRenderWindow().GetDPI()) if ren.GetRenderWindow() is not None else 72
        boxes = np.array([label_box(a, dpi) for a in actors])
        # within a class, by the rank each label was given, then in the order the labels were added
        order = np.lexsort((np.arange(len(actors)), [getattr(a, "_ydtwin_rank", 0) for a in actors]))
        placement = place(anchors[order], boxes[order], cls[order], (w, h), gap=LABEL_GAP_PX,
                          reserved=self.reserved(h))
        leaders = []
        self.last = []
        for j, i in enumerate(order):
            actor = actors[i]
            shown = bool(placement.shown[j])
            dx, dy = placement.offset[j]
            actor.SetDisplayOffset(int(round(dx)), int(round(-dy)))
            _apply(actor, float(fade[i]) if shown else 0.0)
            self.last.append((actor, shown, placement.rects[j]))
            if shown and placement.leader[j]:
                leaders.append((anchors[i], placement.rects[j]))
        self._set_leaders(leaders, h)

    def reserved(self, h: float) -> list[tuple[float, float, float, float]]:
        """Boxes (pixels, y down) of the legend and colour bar shown in the scene's renderer."""
        ren = self.scene_renderer
        if ren is None:
            return []
        props = ren.GetViewProps()
        out = []
        for prop in (props.GetItemAsObject(i) for i in range(props.GetNumberOfItems())):
            if (prop.GetClassName() in self.KEEP_CLEAR or getattr(prop, "_ydtwin_keep_clear", False)) \
                    and prop.GetVisibility():
                x0, y0 = prop.GetPositionCoordinate().GetComputedDisplayValue(ren)
                x1, y1 = prop.GetPosition2Coordinate().GetComputedDisplayValue(ren)
                out.append((min(x0, x1), h - max(y0, y1), max(x0, x1), h - min(y0, y1)))
        return out

    def _set_leaders(self, leaders, h: float = 0.0) -> None:
        """One line per moved label: from its anchor to the nearest point of its box (display pixels)."""
        points = _vtk.vtkPoints()
        lines = _vtk.vtkCellArray()
        for (ax, ay), (x0, y0, x1, y1) in leaders:
            ex, ey = min(max(ax, x0), x1), min(max(ay, y0), y1)
            for x, y in ((ax, ay), (ex, ey)):
                points.InsertNextPoint(float(x), float(h - y), 0.0)
            lines.InsertNextCell(2)
            lines.InsertCellPoint(points.GetNumberOfPoints() - 2)
            lines.InsertCellPoint(points.GetNumberOfPoints() - 1)
        self._leaders.SetPoints(points)
        self._leaders.SetLines(lines)
        self._leaders.Modified()

    def remove(self) -> None:
        self.renderer.RemoveObserver(self._tag)
        self.renderer.RemoveViewProp(self.leader_actor)
