"""The inundation layer: the land a sea-level or storm-surge scenario puts under water (see geo.inundation)."""

from __future__ import annotations

from ydtwin.geo.inundation import InundationResult
from ydtwin.model.layer import Layer, Provenance, Style

__all__ = ["FLOOD_COLOUR", "InundationLayer"]

#: flooded land: a lighter, stronger blue than the sea, so that it reads as water and apart from the sea
FLOOD_COLOUR = (0.18, 0.56, 0.92)


class InundationLayer(Layer):
    """Flooded land cells of the terrain grid at a level, drawn as water at that level over the land."""

    kind = "inundation"

    def __init__(self, name: str, result: InundationResult, *, provenance: Provenance, **kwargs) -> None:
        kwargs.setdefault("style", Style(color=FLOOD_COLOUR))
        kwargs.setdefault("opacity", 0.85)
        super().__init__(name, provenance=provenance, **kwargs)
        self.result = result

    @property
    def crs(self) -> str:
        return self.result.grid.crs

    @property
    def level_m(self) -> float:
        return self.result.level_m
