"""Planned projects and extra layers from data plugins → model layers (no plugin code runs here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import ReadError, YdtwinError
from ydtwin.geo.projection import is_special_datum, is_wgs84, to_wgs84
from ydtwin.io.geojson import read_geojson
from ydtwin.model.layer import Provenance, Style, VectorData, VectorLayer
from ydtwin.model.plans import PLAN_FIELDS, PlansLayer, ThemeStyle, hex_to_rgb
from ydtwin.plugins.discovery import Discovered
from ydtwin.plugins.manifest import CORRIDOR_CLASSES, ProjectContribution

__all__ = ["PluginDataError", "load_layers", "load_project_models", "load_projects"]

_LINES = ("LineString", "MultiLineString")
_AREAS = ("Polygon", "MultiPolygon")
_POINTS = ("Point", "MultiPoint")


class PluginDataError(YdtwinError):
    """A data plugin's files do not hold what its manifest says."""


def _to_wgs84(geoms: np.ndarray, crs: str) -> np.ndarray:
    if is_special_datum(crs):
        from ydtwin.geo import datum

        inverse = datum.gcj02_to_wgs84 if "GCJ" in crs.upper() else datum.bd09_to_wgs84
        return shapely.transform(geoms, lambda xy: np.column_stack(inverse(xy[:, 0], xy[:, 1])))
    if is_wgs84(crs):
        return geoms
    return shapely.transform(geoms, lambda xy: np.column_stack(to_wgs84(xy[:, 0], xy[:, 1], crs)))


def _read(folder: Path, source: str, crs: str, cache: dict) -> dict[str, object]:
    """{feature id: WGS84 geometry} of one GeoJSON file of the plugin (read once per load)."""
    key = (source, crs)
    if key in cache:
        return cache[key]
    path = folder / source
    data, _report = read_geojson(path, crs=crs if not is_special_datum(crs) else "EPSG:4326")
    ids = data.attributes.get("id")
    if ids is None:
        raise PluginDataError(f"{source}: features need an 'id' property to be referenced by projects")
    geoms = _to_wgs84(data.geometries, crs)
    out = {str(i): g for i, g in zip(ids, geoms, strict=True)}
    cache[key] = out
    return out


def _check_geometry(project: ProjectContribution, geom) -> str | None:
    gtype = geom.geom_type
    if project.kind in CORRIDOR_CLASSES:
        return None if gtype in _LINES else f"{project.id}: a {project.kind} corridor must be a line, not a {gtype}"
    if project.kind == "facility":
        return None if gtype in _POINTS else f"{project.id}: a facility must be a point, not a {gtype}"
    return None if gtype in _AREAS else f"{project.id}: a {project.kind} zone must be a polygon, not a {gtype}"


def load_projects(found: Discovered, themes: dict[str, ThemeStyle]) -> PlansLayer | None:
    """The plugin's projects as one ``PlansLayer`` (None when it has none). Raises ``PluginDataError``."""
    manifest = found.manifest
    if manifest is None or not manifest.contributions.projects:
        return None
    cache: dict = {}
    geoms, rows, problems = [], [], []
    for project in manifest.contributions.projects:
        try:
            features = _read(found.path, project.source, project.crs, cache)
        except (ReadError, PluginDataError) as exc:
            raise PluginDataError(str(exc)) from None
        geom = features.get(project.feature)
        if geom is None:
            problems.append(f"{project.id}: feature {project.feature!r} is not in {project.source}")
            continue
        if project.theme not in themes:
            problems.append(f"{project.id}: theme {project.theme!r} is not a known theme")
            continue
        bad = _check_geometry(project, geom)
        if bad:
            problems.append(bad)
            continue
        geoms.append(geom)
        rows.append({
            "id": project.id, "title": project.title, "title_zh": project.title_zh, "theme": project.theme,
            "kind": project.kind, "status": project.status, "start": project.phase[0], "end": project.phase[1],
            "owner": project.owner, "capacity": project.capacity or 0, "grade": project.grade or "",
            "city": manifest.city.name if manifest.city else "", "plugin": manifest.name,
            # the accuracy the plan states (the project's own, else the plugin's), None where it states none
            "accuracy_m": project.accuracy_m if project.accuracy_m is not None else manifest.accuracy_m,
            "max_height_m": project.max_height_m,
        })
    if problems:
        raise PluginDataError("; ".join(problems))
    attributes = {f: np.array([r[f] for r in rows], dtype=object) for f in PLAN_FIELDS}
    for f in ("start", "end", "capacity"):
        attributes[f] = np.array([r[f] for r in rows], dtype=np.int64)
    attributes["accuracy_m"] = np.array([r["accuracy_m"] for r in rows], dtype=object)
    # a zone's height limit (m), None where the plan sets none
    attributes["max_height_m"] = np.array([r["max_height_m"] for r in rows], dtype=object)
    natures = {p.provenance for p in manifest.contributions.projects}
    nature = "real" if natures == {"real"} else ("schematic" if natures == {"schematic"} else "illustrative")
    city = manifest.city.name if manifest.city else ""
    city_zh = manifest.city.name_zh if manifest.city else ""
    return PlansLayer(
        f"{city or manifest.display_name} plans" if city else manifest.display_name,
        VectorData(np.array(geoms, dtype=object), "EPSG:4326", attributes),
        themes=themes, plugin=manifest.name, city=city,
        name_zh=f"{city_zh}规划" if city_zh else manifest.display_name_zh,
        provenance=Provenance(source=f"plugin {manifest.name} {manifest.version}",
                              licence=manifest.licence or "see the plugin", nature=nature,
                              notes=manifest.description),
        role=f"plans:{manifest.name}",
    )


def load_project_models(found: Discovered) -> list:
    """The 3D models the plugin's projects carry (``model``), each a ``ModelLayer`` standing by its
    ``model_anchor``, the file's own georeference, or the project's point or area. Raises ``PluginDataError``
    (a model that cannot be read, or that cannot be placed)."""
    from ydtwin.io.models import read_model
    from ydtwin.model.models import Anchor, ModelLayer, check_extent, parse_anchor, with_levels

    manifest = found.manifest
    out = []
    cache: dict = {}
    for project in manifest.contributions.projects if manifest else []:
        if project.model is None:
            continue
        try:
            path = found.path / project.model  # inside the plugin folder (checked when it was found)
            anchor, up = parse_anchor(project.model_anchor) if project.model_anchor else (None, None)
            data = read_model(path, up=up)
            if anchor is None:
                anchor = data.georeference
            if anchor is None:  # the project's own place
                geom = _read(found.path, project.source, project.crs, cache).get(project.feature)
                if geom is None:
                    raise PluginDataError(f"feature {project.feature!r} is not in {project.source}")
                at = geom if geom.geom_type in _POINTS else shapely.point_on_surface(geom)
                at = shapely.get_point(at, 0) if at.geom_type == "MultiPoint" else at
                anchor = Anchor(float(at.x), float(at.y))
            check_extent(data, anchor)
        except (ReadError, ValueError) as exc:
            raise PluginDataError(f"{project.id}: model {project.model}: {exc}") from None
        layer = ModelLayer(f"{project.title} (model)", with_levels(data), anchor, up=up, group="Plans",
                           provenance=Provenance(source=f"plugin {manifest.name} {manifest.version}: {project.model}",
                                                 licence=manifest.licence or "see the plugin",
                                                 nature=project.provenance,
                                                 transformations=(f"placed at {anchor.text()}",)))
        layer.project_id = project.id
        layer.plugin = manifest.name
        layer.name_zh = f"{project.title_zh}（模型）" if project.title_zh else ""
        out.append(layer)
    return out


def load_layers(found: Discovered) -> list:
    """The plugin's extra layers (``contributions.layers``) with their styles, and its projects' 3D models."""
    manifest = found.manifest
    out: list = load_project_models(found)
    for contrib in manifest.contributions.layers if manifest else []:
        try:
            data, _ = read_geojson(found.path / contrib.source,
                                   crs=contrib.crs if not is_special_datum(contrib.crs) else "EPSG:4326")
        except ReadError as exc:
            raise PluginDataError(str(exc)) from None
        data = VectorData(_to_wgs84(data.geometries, contrib.crs), "EPSG:4326", data.attributes)
        style = Style(color=hex_to_rgb(contrib.style.colour), line_width=contrib.style.line_width,
                      fill=contrib.style.fill)
        layer = VectorLayer(
            contrib.name, data, style=style, group="Plans", role=f"plugin-layer:{contrib.id}",
            opacity=0.35 if contrib.style.fill else 1.0,  # filled areas must not hide what lies under them
            provenance=Provenance(source=f"plugin {manifest.name} {manifest.version}", licence=contrib.licence,
                                  nature=contrib.provenance),
        )
        layer.name_zh = contrib.name_zh  # shown when the interface is Chinese
        layer.plugin = manifest.name
        out.append(layer)
    return out
