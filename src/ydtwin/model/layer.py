"""Layers: data (float64, with its CRS) + provenance + an evented style.

The data of a layer is immutable once validated; what a user changes (visibility, opacity, style)
is evented so every view follows the model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from psygnal import Signal, SignalGroup

from ydtwin.geo.grid import GridData

__all__ = [
    "GridData", "LabelLayer", "Layer", "PointData", "Provenance", "Style", "TerrainLayer", "VectorData",
    "VectorLayer",
]

Nature = Literal["real", "procedural", "synthetic", "schematic", "illustrative"]
NATURES: tuple[str, ...] = ("real", "procedural", "synthetic", "schematic", "illustrative")


@dataclass(frozen=True)
class Provenance:
    """Where a layer's data comes from and how far to trust it.

    ``nature`` says whether the data is real (measured/official), or procedural, synthetic, schematic
    or illustrative — the UI labels every non-real layer as such.
    """

    source: str
    licence: str
    nature: Nature = "real"
    transformations: tuple[str, ...] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        if self.nature not in NATURES:
            raise ValueError(f"provenance nature must be one of {NATURES}, not {self.nature!r}")

    def label(self) -> str:
        """A short tag for legends: '' for real data, otherwise the nature in words."""
        return "" if self.nature == "real" else self.nature


@dataclass(frozen=True)
class Style:
    color: tuple[float, float, float] = (0.9, 0.9, 0.9)
    line_width: float = 1.0
    fill: bool = False
    #: metres above the terrain surface at which lines are draped
    drape_offset: float = 30.0
    font_size: int = 14
    #: per-class look of a vector layer: ``(value of class_field, colour, line width)``; features whose class is
    #: not listed are not drawn. Empty: every feature in ``color``/``line_width``.
    classes: tuple[tuple[str, tuple[float, float, float], float], ...] = ()
    class_field: str = "class"
    #: attribute holding each feature's height above the ground in metres (bridges, viaducts), added to the drape
    height_field: str = ""


@dataclass(frozen=True)
class VectorData:
    """Shapely geometries (float64) in ``crs`` with per-feature attribute arrays."""

    geometries: np.ndarray  # object array of shapely geometries
    crs: str
    attributes: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.geometries)
        for key, values in self.attributes.items():
            if len(values) != n:
                raise ValueError(f"attribute {key!r} has {len(values)} values for {n} features")

    def __len__(self) -> int:
        return len(self.geometries)


@dataclass(frozen=True)
class PointData:
    """Points (float64) in ``crs`` with attributes (e.g. names for labels)."""

    x: np.ndarray
    y: np.ndarray
    crs: str
    attributes: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.x)


class LayerEvents(SignalGroup):
    visible = Signal(bool)
    opacity = Signal(float)
    style = Signal(object)
    #: the layer's data (or a mask over it) changed: views rebuild
    data = Signal(object)


_ids = itertools.count(1)


class Layer:
    """Base layer: a name, a group in the layer tree, provenance and evented display state."""

    kind = "layer"

    def __init__(
        self,
        name: str,
        *,
        provenance: Provenance,
        group: str = "",
        visible: bool = True,
        opacity: float = 1.0,
        style: Style | None = None,
        role: str = "",
    ) -> None:
        self.id = next(_ids)
        self.name = name
        self.group = group
        #: a stable machine-readable role (e.g. "coast", "city-boundaries") renderers may key styles on
        self.role = role
        self.provenance = provenance
        self.events = LayerEvents(self)
        self._visible = bool(visible)
        self._opacity = float(opacity)
        self._style = style or Style()

    @property
    def crs(self) -> str:
        raise NotImplementedError

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        value = bool(value)
        if value != self._visible:
            self._visible = value
            self.events.visible.emit(value)

    @property
    def opacity(self) -> float:
        return self._opacity

    @opacity.setter
    def opacity(self, value: float) -> None:
        value = float(np.clip(value, 0.0, 1.0))
        if value != self._opacity:
            self._opacity = value
            self.events.opacity.emit(value)

    @property
    def style(self) -> Style:
        return self._style

    @style.setter
    def style(self, value: Style) -> None:
        if value != self._style:
            self._style = value
            self.events.style.emit(value)

    def restyle(self, **changes) -> None:
        self.style = replace(self._style, **changes)

    def display_name(self) -> str:
        tag = self.provenance.label()
        return f"{self.name} ({tag})" if tag else self.name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} crs={self.crs}>"


class VectorLayer(Layer):
    kind = "vector"

    def __init__(self, name: str, data: VectorData, **kwargs) -> None:
        super().__init__(name, **kwargs)
        self.data = data

    @property
    def crs(self) -> str:
        return self.data.crs


class LabelLayer(Layer):
    kind = "labels"

    def __init__(self, name: str, data: PointData, *, text_field: str = "name", pins: bool = False,
                 **kwargs) -> None:
        super().__init__(name, **kwargs)
        if text_field not in data.attributes:
            raise ValueError(f"label layer {name!r} has no attribute {text_field!r}")
        self.data = data
        self.text_field = text_field
        #: draw a pin (a mast from the ground to the label, a ball on the ground) at each point
        self.pins = pins

    @property
    def crs(self) -> str:
        return self.data.crs

    def texts(self) -> list[str]:
        return [str(t) for t in self.data.attributes[self.text_field]]


class TerrainLayer(Layer):
    """Elevation of land from a DEM and of the sea floor from a bathymetry grid (same grid)."""

    kind = "terrain"

    def __init__(
        self,
        name: str,
        elevation: GridData,
        *,
        bathymetry_provenance: Provenance,
        land_mask: np.ndarray | None = None,
        **kwargs,
    ) -> None:
        super().__init__(name, **kwargs)
        self.elevation = elevation
        self.bathymetry_provenance = bathymetry_provenance
        self.land_mask = land_mask
        #: imported DEMs (see ydtwin.io.dem), in order, and per grid value which one it came from (0: the
        #: bundled DEM / bathymetry; k: ``imported[k - 1]``), or None when nothing was imported
        self.imported: tuple[Provenance, ...] = ()
        #: the files they were read from (absolute paths), in the same order: what a project saves
        self.imported_files: tuple[str, ...] = ()
        self.origin: np.ndarray | None = None
        #: land cells whose height no DEM gives (filled with a default height), or None when every cell has one
        self.unknown: np.ndarray | None = None

    @property
    def colouring(self) -> str:
        """How the terrain is coloured: "elevation" (hypsometric tints) or "hillshade" (grey relief)."""
        return getattr(self, "_colouring", "elevation")

    @colouring.setter
    def colouring(self, value: str) -> None:
        from ydtwin.geo.relief import TERRAIN_COLOURINGS

        if value not in TERRAIN_COLOURINGS:
            raise ValueError(f"terrain colouring must be one of {', '.join(TERRAIN_COLOURINGS)}, not {value!r}")
        if value != self.colouring:
            self._colouring = value
            self.events.style.emit(self.style)  # views redraw the terrain

    @property
    def detail(self):
        """The finer terrain tiles imported DEMs gave it (``ydtwin.geo.terrain_detail.TerrainDetail``), or None."""
        return getattr(self.elevation, "detail", None)

    def provenance_at(self, x: float, y: float) -> Provenance:
        """Where the value nearest (x, y) (in the grid's CRS) comes from: an imported DEM, else the bundled DEM
        on land or the bundled (synthetic) bathymetry at sea."""
        g = self.elevation
        ny, nx = g.shape
        i = int(np.clip(round((x - g.x0) / g.dx), 0, nx - 1))
        j = int(np.clip(round((y - g.y0) / g.dy), 0, ny - 1))
        k = int(self.origin[j, i]) if self.origin is not None else 0
        if k > 0:
            return self.imported[k - 1]
        on_land = bool(self.land_mask[j, i]) if self.land_mask is not None else bool(g.values[j, i] > 0)
        return self.provenance if on_land else self.bathymetry_provenance

    @property
    def crs(self) -> str:
        return self.elevation.crs
