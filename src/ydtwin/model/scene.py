"""The Scene: the evented list of layers, the scene CRS and the float64 origins."""

from __future__ import annotations

import numpy as np
from psygnal import Signal, SignalGroup
from psygnal.containers import EventedList

from ydtwin.geo.projection import SceneProjection
from ydtwin.geo.tiles import TileGrid
from ydtwin.model.layer import Layer
from ydtwin.model.region import Region


class SceneEvents(SignalGroup):
    vertical_exaggeration = Signal(float)


class Scene:
    """Everything on screen, as data.

    - ``layers``: an ``EventedList`` (events ``inserted``, ``removed``, ``moved`` …).
    - ``projection``: the scene CRS (transverse Mercator centred on the region).
    - ``origin``: float64 scene coordinates of the projection centre (0, 0, 0) and its lon/lat.
    - ``tiles``: the float64 tile origins every render chunk is shifted by.
    """

    def __init__(self, region: Region, *, tile_size: float = 50_000.0) -> None:
        self.region = region
        self.projection: SceneProjection = region.projection
        self.events = SceneEvents(self)
        self.layers: EventedList[Layer] = EventedList()
        self._exaggeration = float(region.vertical_exaggeration)
        lon0, lat0, lon1, lat1 = region.bbox
        # the projected box is curved: sample its edges to find the scene extent
        t = np.linspace(0.0, 1.0, 33)
        lons = np.concatenate([lon0 + (lon1 - lon0) * t, np.full_like(t, lon1), lon1 - (lon1 - lon0) * t,
                               np.full_like(t, lon0)])
        lats = np.concatenate([np.full_like(t, lat0), lat0 + (lat1 - lat0) * t, np.full_like(t, lat1),
                               lat1 - (lat1 - lat0) * t])
        x, y = self.projection.to_scene(lons, lats)
        self.extent = (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
        self.tiles = TileGrid(*self.extent, tile_size=tile_size)
        self.origin = np.zeros(3, dtype=np.float64)
        self.origin_lonlat = (float(self.projection.lon_0), float(self.projection.lat_0))

    @property
    def crs(self) -> str:
        return self.projection.crs_wkt

    @property
    def vertical_exaggeration(self) -> float:
        return self._exaggeration

    @vertical_exaggeration.setter
    def vertical_exaggeration(self, value: float) -> None:
        value = float(value)
        if not (0.0 < value <= 100.0):
            raise ValueError("vertical exaggeration must be in (0, 100]")
        if value != self._exaggeration:
            self._exaggeration = value
            self.events.vertical_exaggeration.emit(value)

    def add(self, layer: Layer) -> Layer:
        self.layers.append(layer)
        return layer

    def layer(self, name_or_role: str) -> Layer:
        for layer in self.layers:
            if name_or_role in (layer.name, layer.role):
                return layer
        raise KeyError(name_or_role)

    def layers_of(self, kind: type[Layer]) -> list[Layer]:
        return [layer for layer in self.layers if isinstance(layer, kind)]
