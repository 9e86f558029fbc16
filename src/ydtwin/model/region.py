"""A region is data, not code: its cities, adcodes, box and projection come from a region file."""

from __future__ import annotations

from dataclasses import dataclass, field

from ydtwin.geo.projection import SceneProjection


@dataclass(frozen=True)
class City:
    name: str
    name_zh: str
    adcode: str
    #: WGS84 lon/lat of the city centre (used for labels and the default city view)
    centre: tuple[float, float]

    def label(self, *, chinese: bool = True) -> str:
        return f"{self.name_zh} {self.name}" if chinese and self.name_zh else self.name


@dataclass(frozen=True)
class Region:
    id: str
    title: str
    title_zh: str
    #: lon_min, lat_min, lon_max, lat_max in WGS84
    bbox: tuple[float, float, float, float]
    projection: SceneProjection
    cities: tuple[City, ...]
    vertical_exaggeration: float = 6.0
    #: city adcode -> (lon_min, lat_min, lon_max, lat_max), filled from the boundaries when loaded
    city_bounds: dict[str, tuple[float, float, float, float]] = field(default_factory=dict, compare=False)

    def city(self, name: str) -> City:
        """Find a city by English or Chinese name or adcode (case-insensitive)."""
        key = name.strip().lower()
        for c in self.cities:
            if key in (c.name.lower(), c.name_zh, c.name_zh.rstrip("市"), c.adcode):
                return c
        names = ", ".join(c.name for c in self.cities)
        raise KeyError(f"no city {name!r} in region {self.id} (cities: {names})")
