"""The height-limit check as a use case: the plan zones that carry ``max_height_m`` against every building shown
(and planned buildings), the violations as review findings of the kind ``height_limit`` (the same findings the
joint review's rule ``builtins.height-limit`` gives), their files, and the layers that show them: each zone's
outline with its limit, and the part of each violating building above the limit in red."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ydtwin.errors import YdtwinError

__all__ = ["EXCESS_ROLE", "RULE_ID", "ZONES_ROLE", "HeightCheckResult", "check_heights", "height_check_format",
           "height_layers", "show_height_check", "write_height_check"]

#: the built-in review rule whose findings these are
RULE_ID = "builtins.height-limit"
ZONES_ROLE = "height-limit-zones"
ZONE_LABELS_ROLE = "height-limit-labels"
EXCESS_ROLE = "height-limit-excess"
#: the zones' outlines and the excess above a limit
ZONE_COLOUR = (1.0, 0.55, 0.0)
EXCESS_COLOUR = (0.9, 0.05, 0.1)
CSV_COLUMNS = ("zone", "zone_title", "city", "limit_m", "building", "layer", "nature", "planned", "height_m",
               "excess_m", "lon", "lat")


@dataclass
class HeightCheckResult:
    zones: list  # review.heights.LimitZone
    violations: list  # review.heights.Violation
    findings: list  # review.checks.Finding
    year: int | None
    #: buildings checked per layer (shown, present in the year)
    checked: dict[str, int] = field(default_factory=dict)

    def reported(self) -> list:
        """The findings to add to a review session (all of them: none is a clean link)."""
        return list(self.findings)

    def summary(self) -> list[str]:
        when = f" as of {self.year}" if self.year is not None else ""
        if not self.zones:
            return [f"no plan zone carries a height limit{when} (max_height_m in a plugin's projects)"]
        lines = [f"{len(self.zones)} height-limited zone{'s' if len(self.zones) != 1 else ''}{when}; "
                 f"{sum(self.checked.values()):,} buildings checked "
                 f"({', '.join(f'{k} {v:,}' for k, v in sorted(self.checked.items()))})"]
        for zone in self.zones:
            mine = [v for v in self.violations if v.zone.id == zone.id]
            worst = f"; the worst {max(v.excess_m for v in mine):.1f} m above" if mine else ""
            lines.append(f"{zone.title} ({zone.city}), limit {zone.limit_m:g} m: {len(mine)} building"
                         f"{'s' if len(mine) != 1 else ''} above{worst}")
        return lines


def check_heights(scene, *, year: int | None = None, planned=(), severity: str = "error") -> HeightCheckResult:
    """Every height-limited plan zone of the scene (in force by ``year``) against the buildings shown; ``planned``:
    buildings layers that are plans (named so in the findings). Safe in a worker thread."""
    from ydtwin.review.heights import find_violations, height_limit_findings, limit_zones, present_in
    from ydtwin.workspace.review import review_buildings, review_plans

    zones = limit_zones(review_plans(scene), year=year)
    buildings = review_buildings(scene, planned=planned)
    violations = find_violations(zones, buildings, year=year)
    findings = height_limit_findings(violations, rule_id=RULE_ID, severity=severity)
    checked = {b.name: int((b.shown & present_in(b.data, year)).sum()) for b in buildings}
    return HeightCheckResult(zones, violations, findings, year, checked)


def height_layers(result: HeightCheckResult, projection) -> list:
    """The zones' outlines with their limits as labels, and the part of each violating building above the limit
    (its footprint widened by 0.8 m, so that it shows over the building's own walls) in red."""
    import shapely

    from ydtwin.model.buildings import BuildingsData, BuildingsLayer
    from ydtwin.model.layer import LabelLayer, PointData, Provenance, Style, VectorData, VectorLayer

    if not result.zones:
        return []
    prov = Provenance(source="ydtwin height-limit check (plan zones' max_height_m)", licence="derived",
                      nature="illustrative", notes="limits and zones as the plugins state them")
    zones = np.array([z.geometry.boundary for z in result.zones], dtype=object)
    # a legend row per zone, with its limit
    names = [f"≤ {z.limit_m:g} m: {z.title}" for z in result.zones]
    outline = VectorLayer("Height limits", VectorData(zones, "EPSG:4326", {
        "limit_m": np.array([z.limit_m for z in result.zones]), "limit_class": np.array(names, dtype=object)}),
        group="Analysis", role=ZONES_ROLE, provenance=prov, opacity=1.0,
        style=Style(color=ZONE_COLOUR, line_width=4.0, drape_offset=8.0, class_field="limit_class",
                    classes=tuple((n, ZONE_COLOUR, 4.0) for n in dict.fromkeys(names))))
    outline.name_zh = "限高区"
    # each limit at its zone's northernmost corner: clear of the plan's own label at the zone's middle
    tops = [max(shapely.get_coordinates(z.geometry.boundary).tolist(), key=lambda c: c[1]) for z in result.zones]
    labels = LabelLayer("Height limit labels", PointData(
        np.array([t[0] for t in tops]), np.array([t[1] for t in tops]), "EPSG:4326",
        {"name": np.array([f"Height limit ≤ {z.limit_m:g} m" for z in result.zones], dtype=object)}),
        group="Analysis", role=ZONE_LABELS_ROLE, provenance=prov, style=Style(color=ZONE_COLOUR, font_size=15))
    labels.name_zh = "限高标注"
    out = [outline, labels]
    if result.violations:
        def widened(g):
            xy = shapely.transform(g, lambda c: np.column_stack(projection.to_scene(c[:, 0], c[:, 1])))
            wide = xy.buffer(0.8, join_style="mitre")
            return shapely.transform(wide, lambda c: np.column_stack(projection.from_scene(c[:, 0], c[:, 1])))

        geoms = np.array([widened(v.footprint) for v in result.violations], dtype=object)
        data = BuildingsData.from_geometries(
            geoms, height=np.array([v.height_m + 0.5 for v in result.violations]), crs="EPSG:4326",
            min_height=np.array([v.zone.limit_m for v in result.violations]),
            attributes={"excess_m": np.array([round(v.excess_m, 1) for v in result.violations]),
                        "zone": np.array([v.zone.id for v in result.violations], dtype=object),
                        "name": np.array([v.name for v in result.violations], dtype=object)})
        excess = BuildingsLayer("Above the height limit", data, replaces="none", group="Analysis",
                                role=EXCESS_ROLE, provenance=prov, style=Style(color=EXCESS_COLOUR))
        excess.name_zh = "超出限高部分"
        out.append(excess)
    return out


def show_height_check(scene, result: HeightCheckResult | None) -> list:
    """Show a result's layers in place of the ones shown before (None: remove them) → the layers added."""
    from ydtwin.workspace.outputs import replace_layers

    return replace_layers(scene, (ZONES_ROLE, ZONE_LABELS_ROLE, EXCESS_ROLE),
                          [] if result is None else height_layers(result, scene.projection))


def height_check_format(out: str | Path) -> str:
    """csv or json from the file's extension (one error line otherwise)."""
    fmt = {".csv": "csv", ".json": "json"}.get(Path(out).suffix.lower())
    if fmt is None:
        raise YdtwinError(f"{out}: write the height check as .csv (a row per building) or .json (findings)")
    return fmt


def _rows(result: HeightCheckResult):
    for v in result.violations:
        z = v.zone
        yield (z.id, z.title, z.city, f"{z.limit_m:g}", v.name, v.layer, v.nature, "yes" if v.planned else "no",
               f"{v.height_m:.1f}", f"{v.excess_m:.1f}", f"{v.location[0]:.6f}", f"{v.location[1]:.6f}")


def write_height_check(result: HeightCheckResult, out: str | Path) -> Path:
    """The violations as CSV (a row per building over a limit, WGS84 lon/lat) or the findings as JSON (the shape
    of ``ydtwin review check``), written atomically."""
    from ydtwin.atomic import write_text

    if height_check_format(out) == "json":
        doc = {"year": result.year, "rules": [RULE_ID],
               "zones": [{"id": z.id, "title": z.title, "city": z.city, "limit_m": z.limit_m} for z in result.zones],
               "findings": [f.to_json() for f in result.findings]}
        return write_text(Path(out), json.dumps(doc, ensure_ascii=False, indent=1))
    buf = io.StringIO()
    buf.write(f"# ydtwin height-limit check{f' as of {result.year}' if result.year else ''}: buildings taller "
              "than the max_height_m of a plan zone their footprint overlaps; heights in metres above the ground; "
              "WGS84 lon/lat of the footprint's centre\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    w.writerows(_rows(result))
    return write_text(Path(out), buf.getvalue())
