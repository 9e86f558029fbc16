"""The automatic cross-border checks over the cities' planned projects.

Input: plan layers (``ydtwin.model.plans.PlansLayer``), the cities' outlines (WGS84) and the rules to run
(any objects with ``id``, ``check``, ``params``, ``severity`` — the ``rules`` contributions of plugins; the
built-in ones ship in ydtwin's built-in plugin). Output: ``Finding`` values, deterministic (sorted, ids
derived from the projects involved). Distances are measured in the region's scene projection (metres,
scale error < 0.06 % across the region).

Checks:

- ``interconnection``: every corridor end that reaches a neighbouring city's border (within ``border_m``,
  or over open water nearer that city than ``water_m``) looks for the neighbour's corridor ends of the same
  family within ``search_m``: none → ``dangling``; the nearest → ``connected`` (within the tolerance) or
  ``offset`` (metres at the border). The tolerance is ``connect_m``, or — when larger — what the positional
  accuracies the two plans state allow: ``accuracy_factor`` × √(a² + b²) (:func:`connection_tolerance`); the
  finding's details say which and why. Then ``class_mismatch`` (corridor class, or lanes/tracks), ``grade_mismatch``
  (bridge / tunnel / at grade as declared, and — with the terrain — a corridor declared at grade that
  meets the border over a lake, the sea or the estuary) and ``phase_mismatch`` (opening years
  ``phase_years`` or more apart). Where
  three or more offsets between two cities point the same way by about the GCJ-02 shift at that place,
  one ``datum_suspect`` names the city whose data looks like unconverted GCJ-02.
- ``buffer_conflict``: zones of ``kinds_a`` within ``buffer_m`` of a *neighbouring city's* zones of
  ``kinds_b`` (e.g. industry next to an ecological or water-source protection zone).
- ``crossing_conflict``: corridors of ``classes`` that cross a neighbouring city's zones of ``kinds_b``.
- ``height_limit``: buildings taller than the ``max_height_m`` of a plan zone they stand in (``review.heights``).
- ``building_conflict``: planned buildings (a plan project's 3D model, layers loaded as plans) whose ground plan
  stands in a zone of ``kinds_b`` (by at least 1 m²) or across a corridor of ``classes`` — of any city.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.geometry
import shapely.ops

from ydtwin.geo.datum import wgs84_to_gcj02
from ydtwin.geo.grid import GridData
from ydtwin.model.plans import DEFAULT_ACCURACY_M

__all__ = ["Finding", "code_rule_context", "connection_tolerance", "findings_from_code_rule", "run_checks"]

#: corridor classes that can connect to each other (a metro may continue as a rail line, not as a road)
FAMILIES = {"road": "road", "rail": "rail", "metro": "rail", "pipe": "pipe", "power": "power",
            "fibre": "fibre", "green": "green"}
SEVERITY = {"connected": "info", "offset": "warning", "dangling": "warning", "class_mismatch": "warning",
            "grade_mismatch": "warning", "phase_mismatch": "warning", "datum_suspect": "error",
            "conflict": "error"}


@dataclass
class Finding:
    id: str
    kind: str
    severity: str
    rule: str
    cities: list[str]
    projects: list[str]
    location: tuple[float, float]
    message: str
    details: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "severity": self.severity, "rule": self.rule,
                "cities": self.cities, "projects": self.projects,
                "location": [round(self.location[0], 6), round(self.location[1], 6)], "message": self.message,
                **({"details": self.details} if self.details else {})}


class WaterMap:
    """Where the terrain is water: the sea and the estuary from the DEM's land mask, lakes from their
    outlines (both WGS84). Built from the region's layers: :meth:`from_layers`."""

    def __init__(self, land: GridData | None = None, lakes=None) -> None:
        self.land = land
        self.lakes = lakes
        if lakes is not None:
            shapely.prepare(lakes)

    @classmethod
    def from_layers(cls, layers) -> WaterMap | None:
        land = lakes = None
        for layer in layers:
            if getattr(layer, "kind", "") == "terrain" and getattr(layer, "land_mask", None) is not None:
                g = layer.elevation
                land = GridData(g.x0, g.y0, g.dx, g.dy, layer.land_mask.astype(np.float32), g.crs, units="land")
            elif getattr(layer, "role", "") == "lakes":
                lakes = shapely.union_all(layer.data.geometries)
        return cls(land, lakes) if (land is not None or lakes is not None) else None

    def at(self, lon: float, lat: float) -> str | None:
        """"lake", "the sea or the estuary", or None (land)."""
        if self.lakes is not None and self.lakes.contains(shapely.Point(lon, lat)):
            return "a lake"
        if self.land is not None:
            v = float(self.land.sample(np.array([lon]), np.array([lat]))[0])
            if np.isfinite(v) and v < 0.5:
                return "the sea or the estuary"
        return None


def _fid(kind: str, projects: list[str]) -> str:
    return f"{kind}:" + hashlib.sha1("|".join([kind, *sorted(projects)]).encode()).hexdigest()[:10]


@dataclass
class _Project:
    id: str
    title: str
    city: str
    kind: str
    capacity: int
    grade: str
    start: int
    end: int
    geom_xy: object  # shapely geometry in scene metres
    #: planned / under_construction / built, as its plugin states it today
    status: str = "planned"
    #: the positional accuracy its plan states (m, 95 %), None where it states none
    accuracy_m: float | None = None


class _Context:
    def __init__(self, plans, outlines: dict, projection, year: int | None, water: WaterMap | None = None,
                 buildings=None) -> None:
        self.projection = projection
        self.water = water
        self.plans = plans
        self.year = year
        #: the buildings shown (``review.heights.BuildingSet``), for the height limits
        self.buildings = list(buildings or [])

        def to_xy(g):
            return shapely.transform(g, lambda c: np.column_stack(projection.to_scene(c[:, 0], c[:, 1])))

        self.outlines = {c: to_xy(g) for c, g in outlines.items()}
        self.projects: list[_Project] = []
        for layer in plans:
            a = layer.data.attributes
            statuses = layer.status_at(None)  # as the plugin states it today, whatever year the plans are seen in
            accuracy = a.get("accuracy_m")
            for i, g in enumerate(layer.data.geometries):
                if year is not None and int(a["end"][i]) > year:
                    continue
                city = str(a["city"][i])
                if not city:  # a theme plugin's regional projects: no city to meet at a border
                    continue
                self.projects.append(_Project(str(a["id"][i]), str(a["title"][i]), city, str(a["kind"][i]),
                                              int(a["capacity"][i]), str(a["grade"][i]), int(a["start"][i]),
                                              int(a["end"][i]), to_xy(g), str(statuses[i]),
                                              _stated(accuracy[i] if accuracy is not None else None)))
        self.projects.sort(key=lambda p: p.id)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        lon, lat = self.projection.from_scene(np.array([x]), np.array([y]))
        return float(lon[0]), float(lat[0])

    def corridors(self) -> list[_Project]:
        return [p for p in self.projects if p.kind in FAMILIES and p.geom_xy.geom_type in ("LineString",
                                                                                            "MultiLineString")]

    def zones(self, kinds) -> list[_Project]:
        return [p for p in self.projects if p.kind in kinds and p.geom_xy.geom_type in ("Polygon", "MultiPolygon")]


def _stated(value) -> float | None:
    """A stated accuracy (m) as a float; None for none (or anything that is not a finite positive number)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) and v > 0 else None


def connection_tolerance(connect_m: float, side_a: tuple[str, float | None], side_b: tuple[str, float | None], *,
                         factor: float = 1.0) -> tuple[float, str]:
    """(tolerance m, why) of the gap two corridor ends may leave and still count as connected.

    ``side_*`` = (city, the accuracy its plan states in metres at 95 % confidence, or None: then
    ``DEFAULT_ACCURACY_M``). The rule: the larger of the rule's ``connect_m`` and ``factor`` × √(a² + b²) — the
    errors of two independently drawn ends add in quadrature, so two ends that truly meet lie within
    √(a² + b²) of each other at the same 95 % confidence. Two schematic plans (25 m each, 1:50,000 mapping)
    connect across 35 m; two surveys (0.5 m) keep ``connect_m``."""
    parts, values = [], []
    for city, stated in (side_a, side_b):
        value = stated if stated is not None else DEFAULT_ACCURACY_M
        values.append(value)
        parts.append(f"{city} {value:g} m" + ("" if stated is not None else ", assumed: none stated"))
    combined = factor * math.hypot(*values)
    how = f"root-sum-square × {factor:g}"
    if combined > connect_m:
        return combined, (f"{combined:.1f} m from the positional accuracies of the two plans ({'; '.join(parts)}; "
                          f"{how}), more than the rule's connect_m of {connect_m:g} m")
    return float(connect_m), (f"{connect_m:g} m, the rule's connect_m: the positional accuracies of the two plans "
                              f"({'; '.join(parts)}) allow only {combined:.1f} m ({how})")


def _ends(geom) -> list[np.ndarray]:
    parts = list(geom.geoms) if geom.geom_type == "MultiLineString" else [geom]
    out = []
    for part in parts:
        c = np.asarray(part.coords)[:, :2]
        out.extend([c[0], c[-1]])
    return out


def _border_city(ctx: _Context, p: _Project, end: np.ndarray, border_m: float, water_m: float) -> str | None:
    """The neighbouring city whose border this end reaches, or None."""
    pt = shapely.Point(end)
    on_land = [c for c, poly in ctx.outlines.items() if poly.contains(pt)]
    best, best_d = None, math.inf
    for city, poly in ctx.outlines.items():
        if city == p.city:
            continue
        d = poly.distance(pt)
        limit = border_m if on_land else water_m
        if d <= limit and d < best_d:
            best, best_d = city, d
    if best is not None and ctx.outlines.get(p.city) is not None and ctx.outlines[p.city].distance(pt) > max(
            border_m, water_m):
        return None  # far from its own city: not one of its border crossings
    return best


def _interconnection(ctx: _Context, rule) -> list[Finding]:
    prm = {"border_m": 800.0, "water_m": 6000.0, "search_m": 1500.0, "connect_m": 25.0, "phase_years": 3,
           "accuracy_factor": 1.0, **rule.params}
    factor = _positive(rule, "accuracy_factor", prm["accuracy_factor"])
    corridors = ctx.corridors()
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    offsets: dict[tuple[str, str], list] = {}
    for p in corridors:
        for end in _ends(p.geom_xy):
            neighbour = _border_city(ctx, p, end, prm["border_m"], prm["water_m"])
            if neighbour is None:
                continue
            candidates = []
            for q in corridors:
                if q.city != neighbour or FAMILIES[q.kind] != FAMILIES[p.kind]:
                    continue
                for qe in _ends(q.geom_xy):
                    d = float(np.hypot(*(qe - end)))
                    if d <= prm["search_m"]:
                        candidates.append((d, q.id, q, qe))
            loc = ctx.lonlat(*end)
            if not candidates:
                fid_projects = [p.id]
                findings.append(Finding(
                    _fid("dangling", fid_projects + [neighbour]), "dangling", SEVERITY["dangling"], rule.id,
                    [p.city, neighbour], fid_projects, loc,
                    f"{p.title} ({p.city}) reaches the {neighbour} border with no {FAMILIES[p.kind]} corridor "
                    f"of {neighbour} within {prm['search_m']:.0f} m",
                    {"ends": [_rounded(loc)], "sides": [p.city], "search_m": float(prm["search_m"])},
                ))
                continue
            d, _qid, q, qe = min(candidates, key=lambda c: (c[0], c[1]))
            pair = tuple(sorted((p.id, q.id)))
            if pair in seen:
                continue
            seen.add(pair)
            projects = list(pair)
            cities = sorted({p.city, q.city})
            mid = ctx.lonlat(*((end + qe) / 2))
            a, b = (p, q) if p.id == pair[0] else (q, p)
            a_end, b_end = (end, qe) if a is p else (qe, end)
            link = {"ends": [_rounded(ctx.lonlat(*a_end)), _rounded(ctx.lonlat(*b_end))], "sides": [a.city, b.city]}
            tolerance, why = connection_tolerance(float(prm["connect_m"]), (a.city, a.accuracy_m),
                                                  (b.city, b.accuracy_m), factor=factor)
            measured = {"distance_m": round(d, 1), "tolerance_m": round(tolerance, 1), "tolerance": why,
                        "accuracy_m": {a.city: a.accuracy_m, b.city: b.accuracy_m}, **link}
            if d <= tolerance:
                findings.append(Finding(_fid("connected", projects), "connected", SEVERITY["connected"], rule.id,
                                        cities, projects, mid,
                                        f"{a.title} meets {b.title} at the border ({d:.0f} m apart, within "
                                        f"{tolerance:.0f} m)", measured))
            else:
                findings.append(Finding(
                    _fid("offset", projects), "offset", SEVERITY["offset"], rule.id, cities, projects, mid,
                    f"{a.title} ({a.city}) and {b.title} ({b.city}) meet the border {d:.0f} m apart "
                    f"(tolerance {tolerance:.0f} m)", measured))
                offsets.setdefault((a.city, b.city), []).append((a_end, b_end, a, b))
            if a.kind != b.kind:
                findings.append(Finding(_fid("class_mismatch", projects), "class_mismatch",
                                        SEVERITY["class_mismatch"], rule.id, cities, projects, mid,
                                        f"{a.title}, a {a.kind} ({a.city}), meets {b.title}, a {b.kind} ({b.city})",
                                        dict(link)))
            elif a.capacity and b.capacity and a.capacity != b.capacity:
                unit = {"road": "lanes", "rail": "tracks", "metro": "tracks"}.get(a.kind, "units of capacity")
                findings.append(Finding(_fid("class_mismatch", projects), "class_mismatch",
                                        SEVERITY["class_mismatch"], rule.id, cities, projects, mid,
                                        f"{a.title}: {a.capacity} {unit} ({a.city}) meet {b.capacity} {unit} of "
                                        f"{b.title} ({b.city})",
                                        {"capacity": {a.city: a.capacity, b.city: b.capacity}, **link}))
            if a.grade and b.grade and a.grade != b.grade:
                findings.append(Finding(_fid("grade_mismatch", projects), "grade_mismatch",
                                        SEVERITY["grade_mismatch"], rule.id, cities, projects, mid,
                                        f"{a.title} runs {a.grade.replace('_', ' ')} ({a.city}) but "
                                        f"{b.title} {b.grade.replace('_', ' ')} ({b.city}) at the border", dict(link)))
            if ctx.water is not None:
                for side, side_end, other in ((a, a_end, b), (b, b_end, a)):
                    what = ctx.water.at(*ctx.lonlat(*side_end)) if side.grade == "at_grade" else None
                    if what:
                        findings.append(Finding(
                            _fid("grade_mismatch", [*projects, side.id, "terrain"]), "grade_mismatch",
                            SEVERITY["grade_mismatch"], rule.id, cities, projects, ctx.lonlat(*side_end),
                            f"{side.title} ({side.city}) is declared at grade but meets the {other.city} border over "
                            f"{what} (terrain): it needs a bridge or a tunnel there",
                            {"terrain": what, "declared": {side.city: "at_grade"}, **link}))
            # two sides already built are history, not a mismatch to resolve (Metro 11 and S1 at Huaqiao)
            if abs(a.end - b.end) >= int(prm["phase_years"]) and not (a.status == b.status == "built"):
                findings.append(Finding(_fid("phase_mismatch", projects), "phase_mismatch",
                                        SEVERITY["phase_mismatch"], rule.id, cities, projects, mid,
                                        f"{a.title} opens {a.end} ({a.city}), {b.title} {b.end} ({b.city}): "
                                        f"{abs(a.end - b.end)} years apart",
                                        {"years": {a.city: a.end, b.city: b.end}, **link}))
    findings.extend(_datum(ctx, rule, offsets))
    return findings


def _rounded(lonlat: tuple[float, float]) -> list[float]:
    """A position for a finding's details: [lon, lat], to about a centimetre."""
    return [round(float(lonlat[0]), 7), round(float(lonlat[1]), 7)]


def _nearest(ctx: _Context, *sides) -> dict:
    """``ends`` and ``sides`` of a finding about two projects: (project, its point) in the order of their ids."""
    ordered = sorted(sides, key=lambda side: side[0].id)
    return {"ends": [_rounded(ctx.lonlat(pt.x, pt.y)) for _p, pt in ordered], "sides": [p.city for p, _pt in ordered]}


def _positive(rule, name: str, value) -> float:
    """A rule's positive, finite numeric parameter (ValueError naming the rule and the parameter otherwise)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if isinstance(value, bool) or not (math.isfinite(v) and 0 < v <= 100):
        raise ValueError(f"rule {rule.id}: {name} must be a number above 0 and at most 100, not {value!r}")
    return v


def _gcj_shift_m(ctx: _Context, x: float, y: float) -> np.ndarray:
    """The GCJ-02 shift at a scene point, in scene metres."""
    lon, lat = ctx.lonlat(x, y)
    glon, glat = wgs84_to_gcj02(lon, lat)
    gx, gy = ctx.projection.to_scene(np.array([glon]), np.array([glat]))
    return np.array([float(gx[0]) - x, float(gy[0]) - y])


def _datum(ctx: _Context, rule, offsets: dict) -> list[Finding]:
    findings = []
    for (city_a, city_b), items in sorted(offsets.items()):
        if len(items) < 3:
            continue
        vectors = np.array([ae - be for ae, be, _a, _b in items])  # from b's end to a's end
        mean = vectors.mean(axis=0)
        spread = np.linalg.norm(vectors - mean, axis=1).max()
        centre = np.mean([(ae + be) / 2 for ae, be, _a, _b in items], axis=0)
        gcj = _gcj_shift_m(ctx, *centre)
        if spread > 0.3 * np.linalg.norm(gcj):
            continue
        for shifted, sign in ((city_a, 1.0), (city_b, -1.0)):
            if np.linalg.norm(sign * mean - gcj) <= 0.3 * np.linalg.norm(gcj):
                projects = sorted({p.id for _ae, _be, a, b in items for p in (a, b)})
                findings.append(Finding(
                    _fid("datum_suspect", projects), "datum_suspect", SEVERITY["datum_suspect"], rule.id,
                    sorted({city_a, city_b}), projects, ctx.lonlat(*centre),
                    f"{len(items)} links between {city_a} and {city_b} are offset the same way by "
                    f"{np.linalg.norm(mean):.0f} m, the GCJ-02 shift here ({np.linalg.norm(gcj):.0f} m): "
                    f"{shifted}'s data looks like unconverted GCJ-02 (web-map) coordinates",
                    {"suspect_city": shifted, "mean_offset_m": [round(float(v), 1) for v in sign * mean],
                     "gcj02_shift_m": [round(float(v), 1) for v in gcj]}))
    return findings


def _as_list(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [str(value)]


def _buffer_conflict(ctx: _Context, rule) -> list[Finding]:
    kinds_a = _as_list(rule.params.get("kinds_a", ["industrial", "port"]))
    kinds_b = _as_list(rule.params.get("kinds_b", ["ecological", "water_source"]))
    buffer_m = float(rule.params.get("buffer_m", 1000.0))
    findings = []
    for a in ctx.zones(kinds_a):
        for b in ctx.zones(kinds_b):
            if a.city == b.city:
                continue
            d = float(a.geom_xy.distance(b.geom_xy))
            if d <= buffer_m:
                pa, pb = shapely.ops.nearest_points(a.geom_xy, b.geom_xy)
                mid = ctx.lonlat((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)
                projects = sorted([a.id, b.id])
                findings.append(Finding(
                    _fid(rule.id, projects), "conflict", rule.severity or SEVERITY["conflict"], rule.id,
                    sorted({a.city, b.city}), projects, mid,
                    f"{a.title} ({a.city}, {a.kind.replace('_', ' ')}) is {d:.0f} m from {b.title} "
                    f"({b.city}, {b.kind.replace('_', ' ')}); the rule asks for {buffer_m:.0f} m",
                    {"distance_m": round(d, 1), **_nearest(ctx, (a, pa), (b, pb))}))
    return findings


def _crossing_conflict(ctx: _Context, rule) -> list[Finding]:
    classes = _as_list(rule.params.get("classes", ["road", "rail", "metro", "pipe", "power"]))
    kinds_b = _as_list(rule.params.get("kinds_b", ["ecological", "water_source"]))
    findings = []
    for a in ctx.corridors():
        if a.kind not in classes:
            continue
        for b in ctx.zones(kinds_b):
            if a.city == b.city or not a.geom_xy.intersects(b.geom_xy):
                continue
            inside = a.geom_xy.intersection(b.geom_xy)
            c = inside.centroid if not inside.is_empty else a.geom_xy.centroid
            projects = sorted([a.id, b.id])
            findings.append(Finding(
                _fid(rule.id, projects), "conflict", rule.severity or SEVERITY["conflict"], rule.id,
                sorted({a.city, b.city}), projects, ctx.lonlat(c.x, c.y),
                f"{a.title} ({a.city}) crosses {b.title} ({b.city}) for {inside.length:.0f} m"))
    return findings


def _height_limit(ctx: _Context, rule) -> list[Finding]:
    from ydtwin.review.heights import find_violations, height_limit_findings, limit_zones

    violations = find_violations(limit_zones(ctx.plans, year=ctx.year), ctx.buildings, year=ctx.year)
    return height_limit_findings(violations, rule_id=rule.id, severity=rule.severity or "error")


def _building_conflict(ctx: _Context, rule) -> list[Finding]:
    from ydtwin.review.heights import MIN_OVERLAP_M2, _name, _wgs84

    kinds_b = _as_list(rule.params.get("kinds_b", ["ecological", "water_source"]))
    classes = _as_list(rule.params.get("classes", ["road", "rail", "metro"]))
    targets = ctx.zones(kinds_b) + [c for c in ctx.corridors() if c.kind in classes]
    findings = []
    for b in ctx.buildings:
        if not b.planned:
            continue
        index = np.flatnonzero(b.shown)
        if not len(index) or not targets:
            continue
        plans_xy = shapely.transform(_wgs84(b.data, index),
                                     lambda c: np.column_stack(ctx.projection.to_scene(c[:, 0], c[:, 1])))
        project = b.data.attributes.get("project")
        for k, i in enumerate(index):
            plan = plans_xy[k]
            for t in targets:
                if not plan.intersects(t.geom_xy):
                    continue
                inside = plan.intersection(t.geom_xy)
                zone = t.geom_xy.geom_type in ("Polygon", "MultiPolygon")
                if zone and inside.area < MIN_OVERLAP_M2:
                    continue
                name = _name(b.data, b.name, int(i))
                mine = str(project[i]) if project is not None and project[i] else ""
                projects = sorted({t.id, mine} - {""})
                c = inside.centroid if not inside.is_empty else plan.centroid
                what = (f"stands in {t.title} ({t.city}, {t.kind.replace('_', ' ')}) over {inside.area:,.0f} m²"
                        if zone else f"stands across {t.title} ({t.city}, {t.kind})")
                findings.append(Finding(
                    _fid(rule.id, [*projects, f"{b.name}#{i}"]), "conflict", rule.severity or SEVERITY["conflict"],
                    rule.id, [t.city], projects, ctx.lonlat(c.x, c.y), f"planned building {name} {what}",
                    {"building": name, "layer": b.name, **({"overlap_m2": round(inside.area, 1)} if zone else {})}))
    return findings


CHECKS = {"interconnection": _interconnection, "buffer_conflict": _buffer_conflict,
          "crossing_conflict": _crossing_conflict, "height_limit": _height_limit,
          "building_conflict": _building_conflict}


def run_checks(plans, outlines: dict, projection, rules, *, year: int | None = None,
               water: WaterMap | None = None, buildings=None) -> list[Finding]:
    """Every declarative rule's findings, sorted (by kind, cities and id). Unknown checks raise. ``water``
    (the terrain's water, :class:`WaterMap`) adds the at-grade-over-water check; ``buildings``
    (``review.heights.BuildingSet``) are what the height limits are checked against."""
    ctx = _Context(plans, outlines, projection, year, water, buildings)
    findings: list[Finding] = []
    for rule in rules:
        check = CHECKS.get(rule.check or "")
        if check is None:
            raise ValueError(f"rule {rule.id}: unknown check {rule.check!r} (known: {', '.join(CHECKS)})")
        findings.extend(check(ctx, rule))
    unique = {f.id: f for f in _group_datum_offsets(findings)}
    return sorted(unique.values(), key=lambda f: (f.kind, f.cities, f.id))


def _group_datum_offsets(findings: list[Finding]) -> list[Finding]:
    """A suspected datum shift and the offsets it causes are one finding: the offsets between the same two
    cities whose projects the shift names go into its ``details["children"]`` (they are not listed again)."""
    out = list(findings)
    for datum in [f for f in findings if f.kind == "datum_suspect"]:
        named = set(datum.projects)
        children = [f for f in out if f.kind == "offset" and set(f.projects) <= named and f.cities == datum.cities]
        if not children:
            continue
        datum.details["children"] = [f.to_json() for f in children]
        datum.message += f" (its {len(children)} offsets at the border are listed with it)"
        gone = {id(f) for f in children}
        out = [f for f in out if id(f) not in gone]
    return out


def code_rule_context(plans, *, year: int | None = None) -> dict:
    """What a code rule (``python(context) -> list[dict]``) gets: plain data, no ydtwin objects."""
    projects = []
    for layer in plans:
        a = layer.data.attributes
        for i, g in enumerate(layer.data.geometries):
            if year is not None and int(a["end"][i]) > year:
                continue
            row = {k: (v[i].item() if hasattr(v[i], "item") else v[i]) for k, v in a.items()}
            row["geometry"] = shapely.geometry.mapping(g)
            projects.append(row)
    return {"year": year, "projects": projects}


def findings_from_code_rule(rule, result) -> list[Finding]:
    """A code rule's return value → findings; anything malformed raises ValueError (a plugin failure)."""
    if not isinstance(result, list):
        raise ValueError(f"returned {type(result).__name__}, not a list of findings")
    out = []
    for item in result:
        if not isinstance(item, dict) or not isinstance(item.get("message"), str):
            raise ValueError("each finding must be a dict with a 'message'")
        projects = [str(p) for p in item.get("projects", [])]
        loc = item.get("location", (0.0, 0.0))
        try:
            location = (float(loc[0]), float(loc[1]))
        except (TypeError, ValueError, IndexError):
            raise ValueError(f"location {loc!r} is not (lon, lat)") from None
        severity = item.get("severity", rule.severity)
        if severity not in ("info", "warning", "error"):
            raise ValueError(f"severity {severity!r}")
        out.append(Finding(_fid(rule.id, projects + [item["message"]]), rule.id, severity, rule.id,
                           sorted(str(c) for c in item.get("cities", [])), projects, location, item["message"]))
    return out
