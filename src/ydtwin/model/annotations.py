"""Annotations in the scene: measurements a planner keeps, the one being drawn, and the line a profile follows.

One ``AnnotationLayer`` per scene (role ``annotations``): kept items stay until removed; ``draft`` is the item
being drawn (the points clicked so far and, while the mouse moves, a last point under the cursor — the rubber
band). Points are WGS84 lon/lat with true heights (``MeasurePoint``); the view draws them on the scene's surface.
"""

from __future__ import annotations

from dataclasses import dataclass

from ydtwin.geo.measurement import MeasurePoint
from ydtwin.model.layer import Layer, Provenance, Style

__all__ = ["ANNOTATIONS_ROLE", "Annotation", "AnnotationLayer"]

ANNOTATIONS_ROLE = "annotations"


@dataclass(frozen=True)
class Annotation:
    """A polyline (or a polygon: ``closed``) through ``points`` with a ``label`` at its last point; ``kind`` is
    distance, area, height or profile."""

    kind: str
    points: tuple[MeasurePoint, ...]
    label: str = ""
    closed: bool = False


class AnnotationLayer(Layer):
    """The scene's measurements and profile lines (kept and being drawn)."""

    kind = "annotations"

    def __init__(self, name: str = "Measurements", **kwargs) -> None:
        kwargs.setdefault("provenance", Provenance("measured in ydtwin", "computed", nature="real"))
        kwargs.setdefault("group", "Annotations")
        kwargs.setdefault("role", ANNOTATIONS_ROLE)
        kwargs.setdefault("style", Style(color=(1.0, 0.78, 0.1), line_width=3.0, font_size=13))
        super().__init__(name, **kwargs)
        self.items: list[Annotation] = []
        self.draft: Annotation | None = None

    @property
    def crs(self) -> str:
        return "EPSG:4326"

    def all_items(self) -> list[Annotation]:
        """What is drawn: the kept items, then the draft."""
        return [*self.items, *([self.draft] if self.draft is not None and self.draft.points else [])]

    def keep(self, item: Annotation) -> int:
        """Keep ``item`` → its index."""
        self.items.append(item)
        self.events.data.emit(self)
        return len(self.items) - 1

    def remove(self, index: int) -> None:
        del self.items[index]
        self.events.data.emit(self)

    def set_draft(self, item: Annotation | None) -> None:
        if item != self.draft:
            self.draft = item
            self.events.data.emit(self)
