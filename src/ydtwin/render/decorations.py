"""Map furniture drawn over the scene: a scale bar that follows the camera, and the camera's metres per pixel
(perspective or the parallel projection of the 2D map)."""

from __future__ import annotations

import math

from ydtwin.render import _vtk

NICE = (1, 2, 5)


def nice_length(max_metres: float) -> float:
    """The largest 1-2-5 × 10^k length (m) not above ``max_metres``."""
    if max_metres <= 0:
        return 0.0
    k = math.floor(math.log10(max_metres))
    best = 10.0**k
    for n in NICE:
        if n * 10.0**k <= max_metres:
            best = n * 10.0**k
    return best


def format_length(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def metres_per_pixel(camera, height_px: int) -> float:
    """Ground metres per pixel of a frame ``height_px`` high: in a 2D map (parallel projection) the parallel
    scale, the same everywhere in the frame; in a perspective view the scale at the focal distance."""
    height = max(int(height_px), 1)
    if camera.GetParallelProjection():
        return 2.0 * camera.GetParallelScale() / height
    return 2.0 * camera.GetDistance() * math.tan(math.radians(camera.GetViewAngle()) / 2.0) / height


class ScaleBar:
    """A bar of a round length at the focal distance (bottom right), updated before every frame.

    In a perspective view the scale varies across the image; the bar is true at the camera's focal point. In
    the 2D map (parallel projection) it is true everywhere.
    """

    MAX_PX = 160
    MARGIN_PX = (270, 52)  # from the right edge (clear of the north arrow), from the bottom (above the credits)

    def __init__(self, renderer, keep_clear_of=None) -> None:
        """``keep_clear_of``: a callable → display boxes (x0, x1, y0, y1) at the bottom of the view (the credits)
        that the bar and its label rise above where they would overlap."""
        self.renderer = renderer
        self.keep_clear_of = keep_clear_of
        self.points = _vtk.vtkPoints()
        for _ in range(6):
            self.points.InsertNextPoint(0.0, 0.0, 0.0)
        lines = _vtk.vtkCellArray()
        for a, b in ((0, 1), (2, 3), (4, 5)):  # the bar and its two end ticks
            lines.InsertNextCell(2)
            lines.InsertCellPoint(a)
            lines.InsertCellPoint(b)
        poly = _vtk.vtkPolyData()
        poly.SetPoints(self.points)
        poly.SetLines(lines)
        self.poly = poly
        mapper = _vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(poly)
        self.bar = _vtk.vtkActor2D()
        self.bar.SetMapper(mapper)
        self.bar.GetProperty().SetColor(1.0, 1.0, 1.0)
        self.bar.GetProperty().SetLineWidth(2.5)
        self.text = _vtk.vtkTextActor()
        prop = self.text.GetTextProperty()
        prop.SetFontSize(13)
        prop.SetColor(1.0, 1.0, 1.0)
        prop.SetShadow(True)
        prop.SetJustificationToCentered()
        renderer.AddViewProp(self.bar)
        renderer.AddViewProp(self.text)
        self.length_m = 0.0
        self.length_px = 0.0
        self._tag = renderer.AddObserver("StartEvent", lambda *_: self.update())

    def metres_per_pixel(self) -> float:
        return metres_per_pixel(self.renderer.GetActiveCamera(), self.renderer.GetSize()[1])

    def update(self) -> None:
        m_per_px = self.metres_per_pixel()
        length = nice_length(self.MAX_PX * m_per_px)
        px = length / m_per_px if m_per_px > 0 else 0.0
        w, _h = self.renderer.GetSize()
        x1 = w - self.MARGIN_PX[0] + self.MAX_PX / 2 + px / 2
        x0 = x1 - px
        y = self.MARGIN_PX[1]
        left = min(x0, (x0 + x1) / 2 - 40)  # the label's half width, roughly
        for bx0, bx1, _by0, by1 in (self.keep_clear_of() if self.keep_clear_of is not None else ()):
            if bx1 + 8 > left and bx0 < x1 and by1 + 8 > y - 5:
                y = by1 + 14
        for i, (x, yy) in enumerate(((x0, y), (x1, y), (x0, y - 5), (x0, y + 5), (x1, y - 5), (x1, y + 5))):
            self.points.SetPoint(i, x, yy, 0.0)
        self.points.Modified()
        self.text.SetInput(format_length(length))
        self.text.SetPosition((x0 + x1) / 2, y + 7)
        self.length_m, self.length_px = length, px

    def remove(self) -> None:
        self.renderer.RemoveObserver(self._tag)
        self.renderer.RemoveViewProp(self.bar)
        self.renderer.RemoveViewProp(self.text)
