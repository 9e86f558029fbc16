"""Height limits: the buildings that stand taller than the plan zones they are in allow.

A plan zone (a ``PlansLayer`` area) may carry ``max_height_m``: the highest a building inside it may stand, in
metres above its ground. Every building shown — loaded footprints, the procedural city blocks, the landmarks and
planned buildings — whose footprint overlaps the zone (by at least ``MIN_OVERLAP_M2``; touching its edge is not
enough) and whose roof is higher than the limit is a violation, with its excess (height − limit). A zone counts as
of a plan year once its plan has come into force (its opening year ``end`` ≤ the year), as every review rule reads
plans; a building that carries a completion year (``YEAR_KEYS``) counts once it is built.

Findings are of the kind ``height_limit``: one per real, loaded, landmark or planned building; the procedural
blocks (not real buildings) over a zone's limit are one finding per zone that lists them, so that generated data
never floods a review. Pure: numpy and shapely, no Qt, no VTK.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import shapely

__all__ = ["KIND", "YEAR_KEYS", "BuildingSet", "LimitZone", "Violation", "building_years", "find_violations",
           "height_limit_findings", "limit_zones"]

#: the findings' kind
KIND = "height_limit"
#: attributes that give a building's completion year (the first one present is used)
YEAR_KEYS = ("year", "completion_year", "built_year", "建成年份", "竣工年份")
#: the least a footprint must share with a zone to be in it (m²): sharing an edge, or a sliver of digitising noise,
#: is not standing in it
MIN_OVERLAP_M2 = 1.0
#: buildings of a procedural layer listed in its zone's finding at most (the count is always complete)
GROUP_LISTED = 200


@dataclass(frozen=True)
class LimitZone:
    """A plan zone with its height limit (geometry in WGS84 lon/lat)."""

    id: str
    title: str
    city: str
    limit_m: float
    geometry: object  # shapely (Multi)Polygon
    plugin: str = ""
    title_zh: str = ""


@dataclass
class BuildingSet:
    """A buildings layer's data as checked: which buildings are shown, its nature, whether it is a plan."""

    name: str
    data: object  # model.buildings.BuildingsData
    shown: np.ndarray  # bool per building
    nature: str = "real"
    planned: bool = False


@dataclass(frozen=True)
class Violation:
    zone: LimitZone
    layer: str
    index: int  # the building's index in its layer
    name: str  # the building's name, id or "<layer> #<index>"
    height_m: float
    location: tuple[float, float]  # the footprint's centre, lon/lat
    nature: str
    planned: bool
    footprint: object = field(repr=False, compare=False)  # shapely geometry, lon/lat

    @property
    def excess_m(self) -> float:
        return self.height_m - self.zone.limit_m


def limit_zones(plans, *, year: int | None = None) -> list[LimitZone]:
    """The zones of the plan layers that carry a height limit (in force by ``year`` when given), by id."""
    out = []
    for layer in plans:
        a = layer.data.attributes
        limits = a.get("max_height_m")
        if limits is None:
            continue
        for i, g in enumerate(layer.data.geometries):
            limit = limits[i]
            if limit is None or g is None or g.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            if year is not None and int(a["end"][i]) > year:
                continue
            out.append(LimitZone(str(a["id"][i]), str(a["title"][i]), str(a["city"][i]), float(limit), g,
                                 str(a["plugin"][i]), str(a["title_zh"][i])))
    return sorted(out, key=lambda z: z.id)


def building_years(data) -> np.ndarray | None:
    """Each building's completion year (NaN where it has none), from the first of ``YEAR_KEYS`` it carries;
    None when the layer has none of them."""
    for key in YEAR_KEYS:
        if key in data.attributes:
            raw = data.attributes[key]
            out = np.full(len(raw), np.nan)
            for i, v in enumerate(raw):
                try:
                    y = float(str(v).strip()[:4]) if isinstance(v, str) else float(v)
                except (TypeError, ValueError):
                    continue
                if math.isfinite(y) and 1000 <= y <= 3000:
                    out[i] = y
            return out
    return None


def present_in(data, year: int | None) -> np.ndarray:
    """Which buildings stand in ``year``: all without a completion year, those with one once built."""
    if year is None:
        return np.ones(len(data), dtype=bool)
    years = building_years(data)
    if years is None:
        return np.ones(len(data), dtype=bool)
    return ~(years > year)


def _name(data, layer: str, i: int) -> str:
    for key in ("name", "name_zh", "id", "osm_id", "名称"):
        values = data.attributes.get(key)
        if values is not None and values[i] is not None and str(values[i]).strip() not in ("", "nan", "None"):
            return str(values[i])
    return f"{layer} #{i}"


def _wgs84(data, index: np.ndarray):
    """The buildings' footprints (``index``) and their centres in lon/lat, whatever the layer's CRS."""
    from ydtwin.geo.projection import is_wgs84, to_wgs84

    geoms = data.geometries(index)
    if not is_wgs84(data.crs):
        geoms = shapely.transform(geoms, lambda c: np.column_stack(to_wgs84(c[:, 0], c[:, 1], data.crs)))
    return geoms


def find_violations(zones: list[LimitZone], buildings: list[BuildingSet], *, year: int | None = None
                    ) -> list[Violation]:
    """Every building shown (and present in ``year``) taller than the limit of a zone its footprint overlaps,
    by zone, layer and excess (tallest first)."""
    from ydtwin.geo.projection import is_wgs84, to_wgs84

    out: list[Violation] = []
    for zone in zones:
        shapely.prepare(zone.geometry)
        z0, s0, z1, s1 = zone.geometry.bounds
        for bset in buildings:
            data = bset.data
            if not len(data):
                continue
            b = data.bounds()
            if not is_wgs84(data.crs):  # the boxes' corners in lon/lat (a box stays a box over a few km)
                lo = np.column_stack(to_wgs84(b[:, 0], b[:, 1], data.crs))
                hi = np.column_stack(to_wgs84(b[:, 2], b[:, 3], data.crs))
                b = np.column_stack([np.minimum(lo, hi), np.maximum(lo, hi)])
            near = ((b[:, 2] >= z0) & (b[:, 0] <= z1) & (b[:, 3] >= s0) & (b[:, 1] <= s1) & bset.shown
                    & (data.height > zone.limit_m) & present_in(data, year))
            index = np.flatnonzero(near)
            if not len(index):
                continue
            geoms = _wgs84(data, index)
            # m² per square degree here (the footprints are small: the scale at their latitude holds)
            m2 = 111_320.0 * math.cos(math.radians((s0 + s1) / 2)) * 110_574.0
            inside = shapely.area(shapely.intersection(zone.geometry, geoms)) * m2 >= MIN_OVERLAP_M2
            for i, g in zip(index[inside], geoms[inside], strict=True):
                c = shapely.centroid(g)
                out.append(Violation(zone, bset.name, int(i), _name(data, bset.name, int(i)),
                                     float(data.height[i]), (float(c.x), float(c.y)), bset.nature, bset.planned, g))
    return sorted(out, key=lambda v: (v.zone.id, v.layer, -v.excess_m, v.index))


def _fid(parts: list[str]) -> str:
    return f"{KIND}:" + hashlib.sha1("|".join([KIND, *parts]).encode()).hexdigest()[:10]


def _where(lonlat: tuple[float, float]) -> str:
    """A position for a message: to about a metre."""
    return f"{lonlat[0]:.5f} E, {lonlat[1]:.5f} N"


def _round(v: float) -> float:
    return round(float(v), 1)


def _entry(v: Violation) -> dict:
    return {"building": v.name, "layer": v.layer, "index": v.index, "height_m": _round(v.height_m),
            "excess_m": _round(v.excess_m), "location": [round(v.location[0], 7), round(v.location[1], 7)]}


def height_limit_findings(violations: list[Violation], *, rule_id: str, severity: str = "error") -> list:
    """The violations as review findings (``review.checks.Finding``): one per building, but one per zone and
    procedural layer for the procedural blocks (severity info: they are not real buildings)."""
    from ydtwin.review.checks import Finding

    findings = []
    grouped: dict[tuple[str, str], list[Violation]] = {}
    for v in violations:
        if v.nature == "procedural":
            grouped.setdefault((v.zone.id, v.layer), []).append(v)
            continue
        zone = v.zone
        what = "planned building" if v.planned else ("landmark" if v.nature == "schematic" else "building")
        findings.append(_finding(
            Finding, _fid([zone.id, v.layer, str(v.index), v.name]), severity, rule_id, zone, v.location,
            f"{v.name} ({what}, {v.layer}) stands {v.height_m:.1f} m in {zone.title} ({zone.city}): "
            f"{v.excess_m:.1f} m above its {zone.limit_m:g} m limit, at {_where(v.location)}",
            {**_entry(v), "nature": v.nature, "planned": v.planned}))
    for (_zid, layer), items in sorted(grouped.items()):
        zone, top = items[0].zone, items[0]  # tallest first
        findings.append(_finding(
            Finding, _fid([zone.id, layer, "procedural"]), "info", rule_id, zone, top.location,
            f"{len(items)} procedural block{'s' if len(items) != 1 else ''} ({layer}; generated, not real buildings) "
            f"{'stand' if len(items) != 1 else 'stands'} above the "
            f"{zone.limit_m:g} m limit of {zone.title} ({zone.city}); the tallest, {top.name}, is "
            f"{top.height_m:.1f} m ({top.excess_m:.1f} m above), at {_where(top.location)}",
            {**_entry(top), "nature": "procedural", "planned": False, "count": len(items),
             "buildings": [_entry(v) for v in items[:GROUP_LISTED]]}))
    return findings


def _finding(cls, fid, severity, rule_id, zone: LimitZone, location, message, details):
    details = {"zone": zone.id, "zone_title": zone.title, "limit_m": zone.limit_m, **details}
    return cls(fid, KIND, severity, rule_id, [zone.city] if zone.city else [], [zone.id],
               (float(location[0]), float(location[1])), message, details)
