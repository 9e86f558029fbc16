"""Scenario figures: building count, built footprint, coverage and floor area per city, per district or per drawn
area, for the scene as it stands or as of a plan year.

- **Which buildings**: every buildings layer shown (loaded footprints, the procedural blocks a loaded layer does
  not hide, the landmarks, planned buildings), each counted in the unit that holds the centre of its footprint's
  box. With a year, a building that carries a completion year (``review.heights.YEAR_KEYS``) counts once built;
  buildings without one always count.
- **Areas** are computed on the CGCS2000 ellipsoid (GRS80) in an Albers equal-area conic projection fitted to the
  region (standard parallels 29.5° and 32.5° N, central meridian 121° E): areas are exact in it, whatever the
  shape's distortion (``EQUAL_AREA``).
- **Floor area** = footprint × storeys; storeys from the building's levels attribute (``building:levels``,
  ``levels``, ``floors``, ``storeys``, ``层数`` …) where it has one, else its height (roof above base) divided by
  the storey height (3 m, the usual Chinese estimate) and rounded, at least one.
- **Coverage** (建筑密度) = built footprint / the unit's area; **FAR** (容积率) = floor area / the unit's area.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import YdtwinError

__all__ = ["EQUAL_AREA", "FIGURES_ROLE", "FiguresRequest", "FiguresResult", "FiguresRow", "compute_figures",
           "figures_format", "figures_layers", "parse_area", "show_figures", "write_figures"]

#: the role of the layer that shows the units coloured by their floor area ratio
FIGURES_ROLE = "scenario-figures"
#: floor area ratio classes: (upper bound, legend row, colour), light to dark purple (clear of the terrain's greens,
#: the water's blues and the red of the parts above a height limit)
FAR_CLASSES = ((0.1, "FAR under 0.1", (0.93, 0.88, 0.95)), (0.5, "FAR 0.1–0.5", (0.82, 0.66, 0.86)),
               (1.0, "FAR 0.5–1", (0.68, 0.42, 0.76)), (2.0, "FAR 1–2", (0.50, 0.20, 0.62)),
               (float("inf"), "FAR 2 or more", (0.30, 0.0, 0.42)))

#: the equal-area projection figures are measured in
EQUAL_AREA = "+proj=aea +lat_1=29.5 +lat_2=32.5 +lat_0=31 +lon_0=121 +ellps=GRS80 +units=m +no_defs"
EQUAL_AREA_TEXT = "Albers equal-area conic on CGCS2000/GRS80 (29.5° and 32.5° N, 121° E)"
BY = ("city", "district", "area")
CSV_COLUMNS = ("unit", "unit_zh", "kind", "year", "area_km2", "buildings", "procedural_buildings",
               "planned_buildings", "footprint_m2", "coverage_pct", "floor_area_m2", "far", "planned_floor_area_m2")
#: the most points a drawn area may have, and the most areas
MAX_AREA_POINTS = 10_000
MAX_AREAS = 100


@dataclass
class FiguresRequest:
    """What to measure: ``by`` city, district or the drawn ``areas`` (lists of (lon, lat), three points or
    more); ``year``: the plan year (None: the scene as it stands); metres per storey where a building gives no
    levels."""

    by: str = "city"
    areas: list = field(default_factory=list)
    year: int | None = None
    storey_m: float = 3.0


@dataclass
class FiguresRow:
    unit: str
    unit_zh: str
    kind: str  # city, district, area or total
    area_m2: float
    buildings: int = 0
    procedural: int = 0
    planned: int = 0
    footprint_m2: float = 0.0
    floor_area_m2: float = 0.0
    planned_floor_area_m2: float = 0.0

    @property
    def coverage(self) -> float:
        return self.footprint_m2 / self.area_m2 if self.area_m2 > 0 else math.nan

    @property
    def far(self) -> float:
        return self.floor_area_m2 / self.area_m2 if self.area_m2 > 0 else math.nan


@dataclass
class FiguresResult:
    request: FiguresRequest
    rows: list[FiguresRow]
    #: layers measured → buildings counted in a unit
    layers: dict[str, int] = field(default_factory=dict)
    #: buildings whose storeys came from a levels attribute (the others from their height)
    from_levels: int = 0
    #: the units' outlines (lon/lat), one per row but the total
    geometries: list = field(default_factory=list, repr=False)

    def method(self) -> list[str]:
        r = self.request
        return [
            f"Buildings shown{f' as of {r.year}' if r.year is not None else ''}, each in the unit that holds its "
            "centre; floor area = footprint × storeys (the levels attribute, else height / "
            f"{r.storey_m:g} m rounded, at least 1); coverage = footprint / area; FAR = floor area / area.",
            f"Areas on the ellipsoid: {EQUAL_AREA_TEXT}. Storeys from a levels attribute: {self.from_levels:,} "
            "buildings; from the height: the others.",
        ]

    def table(self) -> list[tuple]:
        """The rows as text, in ``CSV_COLUMNS`` order (numbers rounded for reading)."""
        year = "" if self.request.year is None else str(self.request.year)

        def pct(v):
            return "" if not math.isfinite(v) else f"{100 * v:.2f}"

        return [(r.unit, r.unit_zh, r.kind, year, f"{r.area_m2 / 1e6:.3f}", str(r.buildings), str(r.procedural),
                 str(r.planned), f"{r.footprint_m2:.0f}", pct(r.coverage), f"{r.floor_area_m2:.0f}",
                 "" if not math.isfinite(r.far) else f"{r.far:.3f}", f"{r.planned_floor_area_m2:.0f}")
                for r in self.rows]

    def to_report(self) -> dict:
        """Plain data for the review report: title, columns, rows, notes."""
        r = self.request
        by = {"city": "city", "district": "district", "area": "drawn area"}[r.by]
        return {"title": f"Scenario figures by {by}" + (f", {r.year}" if r.year is not None else ""),
                "columns": list(CSV_COLUMNS), "rows": [list(t) for t in self.table()], "notes": self.method()}


def parse_area(points: list[str]) -> list[tuple[float, float]]:
    """``LON,LAT`` texts → a drawn area's points (one error line for anything else)."""
    out = []
    for text in points:
        try:
            lon, lat = (float(v) for v in text.split(","))
        except ValueError:
            raise YdtwinError(f"--area: a point is LON,LAT (two numbers), not {text!r}") from None
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise YdtwinError(f"--area: {text} is not a finite LON,LAT")
        out.append((lon, lat))
    return out


def _equal_area():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)


def _area_m2(geoms: np.ndarray, fwd) -> np.ndarray:
    eq = shapely.transform(geoms, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
    return shapely.area(eq)


def _units(scene, req: FiguresRequest) -> tuple[np.ndarray, list[tuple[str, str, str]]]:
    """The units' outlines (lon/lat) and (name, Chinese name, kind) of each."""
    if req.by not in BY:
        raise YdtwinError(f"figures by {req.by!r}: by city, district or area")
    if req.by == "area":
        if not req.areas:
            raise YdtwinError("--area: give an area's points (LON,LAT LON,LAT LON,LAT …)")
        if len(req.areas) > MAX_AREAS:
            raise YdtwinError(f"--area: at most {MAX_AREAS} areas")
        r0, s0, r1, s1 = scene.region.bbox
        polys = []
        for k, pts in enumerate(req.areas, 1):
            if not 3 <= len(pts) <= MAX_AREA_POINTS:
                raise YdtwinError(f"area {k}: an area needs 3 to {MAX_AREA_POINTS:,} points, not {len(pts)}")
            for lon, lat in pts:
                if not (r0 <= lon <= r1 and s0 <= lat <= s1):
                    raise YdtwinError(f"area {k}: {lon:g},{lat:g} is outside the region ({r0:g}–{r1:g} E, "
                                      f"{s0:g}–{s1:g} N)")
            poly = shapely.make_valid(shapely.Polygon(pts))
            poly = shapely.union_all([g for g in shapely.get_parts(poly) if g.geom_type == "Polygon"]) \
                if not poly.is_empty else poly
            if poly.is_empty or poly.area <= 0:
                raise YdtwinError(f"area {k}: its points enclose no area")
            polys.append(poly)
        return np.array(polys, dtype=object), [(f"Area {k}", f"区域{k}", "area") for k in range(1, len(polys) + 1)]
    role = "city-boundaries" if req.by == "city" else "district-boundaries"
    try:
        layer = scene.layer(role)
    except KeyError:
        raise YdtwinError(f"this region has no {req.by} outlines") from None
    a = layer.data.attributes
    n = len(layer.data.geometries)
    zh = a.get("name_zh", np.full(n, "", dtype=object))
    if req.by == "city":
        names = [(str(a["name"][i]), str(zh[i]), "city") for i in range(n)]
    else:
        names = [(f"{zh[i]} ({a['city'][i]}, {a['adcode'][i]})", str(zh[i]), "district") for i in range(n)]
    return np.asarray(layer.data.geometries, dtype=object), names


def _storeys(data, storey_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Each building's storeys, and where they came from its levels attribute."""
    from ydtwin.io.buildings import _LEVEL_KEYS

    tall = np.maximum(data.height - data.min_height, 0.0)
    storeys = np.maximum(np.round(tall / storey_m), 1.0)
    given = np.zeros(len(data), dtype=bool)
    for key in _LEVEL_KEYS:
        if key not in data.attributes:
            continue
        raw = data.attributes[key]
        lv = np.full(len(raw), np.nan)
        for i, v in enumerate(raw):
            try:
                lv[i] = float(v)
            except (TypeError, ValueError):
                pass
        ok = np.isfinite(lv) & (lv >= 1) & (lv <= 300)
        storeys = np.where(ok, np.round(lv), storeys)
        given = ok
        break
    return storeys, given


def _footprints_m2(data, fwd) -> np.ndarray:
    from ydtwin.geo.extrude import ring_signed_areas
    from ydtwin.geo.projection import is_wgs84, to_wgs84

    lon, lat = (data.xy[:, 0], data.xy[:, 1]) if is_wgs84(data.crs) else to_wgs84(data.xy[:, 0], data.xy[:, 1],
                                                                                 data.crs)
    x, y = fwd.transform(lon, lat)
    areas = ring_signed_areas(np.column_stack([x, y]), data.ring_offsets)
    part = np.add.reduceat(areas, data.part_offsets[:-1]) if data.n_parts else np.zeros(0)
    return np.abs(np.bincount(data.part_building, weights=part, minlength=len(data)))


def compute_figures(scene, req: FiguresRequest, *, planned=()) -> FiguresResult:
    """The figures of each unit (and their total, by city or district) → a FiguresResult. Safe in a worker."""
    from ydtwin.geo.projection import is_wgs84, to_wgs84
    from ydtwin.review.heights import present_in
    from ydtwin.workspace.review import review_buildings

    if not (math.isfinite(req.storey_m) and 1.0 <= req.storey_m <= 20.0):
        raise YdtwinError(f"storey height {req.storey_m:g} m: between 1 and 20 m")
    geoms, names = _units(scene, req)
    fwd = _equal_area()
    rows = [FiguresRow(n, zh, kind, float(a)) for (n, zh, kind), a in zip(names, _area_m2(geoms, fwd), strict=True)]
    tree = shapely.STRtree(geoms)
    layers: dict[str, int] = {}
    from_levels = 0
    for bset in review_buildings(scene, planned=planned):
        data = bset.data
        keep = bset.shown & present_in(data, req.year)
        if not keep.any():
            continue
        c = data.centres()
        lon, lat = (c[:, 0], c[:, 1]) if is_wgs84(data.crs) else to_wgs84(c[:, 0], c[:, 1], data.crs)
        idx = np.flatnonzero(keep)
        b_at, unit = tree.query(shapely.points(lon[idx], lat[idx]), predicate="within")
        if not len(b_at):
            continue
        which = idx[b_at]
        storeys, given = _storeys(data, req.storey_m)
        fp = _footprints_m2(data, fwd)
        floor = fp * storeys
        from_levels += int(given[which].sum())
        n_units = len(rows)
        count = np.bincount(unit, minlength=n_units)
        fp_sum = np.bincount(unit, weights=fp[which], minlength=n_units)
        fl_sum = np.bincount(unit, weights=floor[which], minlength=n_units)
        for k, row in enumerate(rows):
            if not count[k]:
                continue
            row.buildings += int(count[k])
            row.footprint_m2 += float(fp_sum[k])
            row.floor_area_m2 += float(fl_sum[k])
            if bset.nature == "procedural":
                row.procedural += int(count[k])
            if bset.planned:
                row.planned += int(count[k])
                row.planned_floor_area_m2 += float(fl_sum[k])
        layers[bset.name] = layers.get(bset.name, 0) + len(which)
    if req.by != "area":
        total = FiguresRow("Total", "合计", "total", sum(r.area_m2 for r in rows))
        for r in rows:
            for f in ("buildings", "procedural", "planned", "footprint_m2", "floor_area_m2", "planned_floor_area_m2"):
                setattr(total, f, getattr(total, f) + getattr(r, f))
        rows.append(total)
    return FiguresResult(req, rows, layers, from_levels, list(geoms))


def figures_format(out: str | Path) -> str:
    if Path(out).suffix.lower() != ".csv":
        raise YdtwinError(f"{out}: scenario figures are written as .csv")
    return "csv"


def figures_csv(result: FiguresResult) -> str:
    """The table as CSV text, after ``#`` lines stating the method."""
    buf = io.StringIO()
    for line in result.method():
        buf.write(f"# {line}\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    w.writerows(result.table())
    return buf.getvalue()


def write_figures(result: FiguresResult, out: str | Path) -> Path:
    from ydtwin.atomic import write_text

    figures_format(out)
    return write_text(Path(out), figures_csv(result))


def far_class(far: float) -> str:
    """The legend row of a floor area ratio."""
    return next(label for top, label, _c in FAR_CLASSES if far < top)


def figures_layers(result: FiguresResult) -> list:
    """The units filled by their floor area ratio (a legend row per class), their outlines drawn."""
    from ydtwin.model.layer import LabelLayer, PointData, Provenance, Style, VectorData, VectorLayer

    rows = result.rows[:len(result.geometries)]
    if not rows:
        return []
    classes = np.array([far_class(r.far) if math.isfinite(r.far) else "" for r in rows], dtype=object)
    data = VectorData(np.array(result.geometries, dtype=object), "EPSG:4326", {
        "far_class": classes, "unit": np.array([r.unit for r in rows], dtype=object),
        "far": np.array([r.far for r in rows]), "coverage_pct": np.array([100 * r.coverage for r in rows])})
    year = f" {result.request.year}" if result.request.year is not None else ""
    layer = VectorLayer(f"Floor area ratio{year}", data, group="Analysis", role=FIGURES_ROLE, opacity=0.75,
                        provenance=Provenance("ydtwin scenario figures (buildings shown)", "derived",
                                              nature="illustrative", notes="; ".join(result.method())),
                        style=Style(color=(0.3, 0.3, 0.3), line_width=1.5, fill=True, drape_offset=8.0,
                                    class_field="far_class", classes=tuple((label, c, 1.5)
                                                                           for _t, label, c in FAR_CLASSES)))
    layer.name_zh = f"容积率{year}"
    # each unit's name and ratio at a point inside it
    inside = [g.representative_point() for g in result.geometries]
    labels = LabelLayer(f"Floor area ratio{year} labels", PointData(
        np.array([p.x for p in inside]), np.array([p.y for p in inside]), "EPSG:4326",
        {"name": np.array([f"{r.unit_zh or r.unit} {r.far:.2f}" if math.isfinite(r.far) else r.unit_zh or r.unit
                           for r in rows], dtype=object)}),
        group="Analysis", role=FIGURES_ROLE, provenance=layer.provenance,
        style=Style(color=(1.0, 1.0, 1.0), font_size=13))
    labels.name_zh = f"容积率{year}标注"
    return [layer, labels]


def show_figures(scene, result: FiguresResult | None) -> list:
    """Show a result's units by floor area ratio in place of the ones shown before (None: remove them)."""
    from ydtwin.workspace.outputs import replace_layers

    return replace_layers(scene, (FIGURES_ROLE,), [] if result is None else figures_layers(result))
