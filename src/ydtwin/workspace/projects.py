"""Project use cases: what a project saves of the workspace, and how opening one restores it.

A project (``ydtwin.model.project``) names files — layers, a basemap, DEMs — and holds states: the region
layers', the bookmarks, the plan year, the terrain's colouring, the sea-level scenario, each point cloud's
drawing and the measurements kept in the scene. ``open_project`` applies the states at once and hands back
what must be read, so that each front end reads it its own way: the command line at once
(``load_project``), the window in the background. Either
way the same calls restore the same scene: ``read_dems`` + ``add_terrain``, ``restore_sea_level``, and
``read_layer`` + ``add_loaded`` with the requests returned here.
"""

from __future__ import annotations

from pathlib import Path

from ydtwin.errors import YdtwinError
from ydtwin.workspace.layers import LayerRequest

__all__ = ["current_project", "load_project", "open_project"]


def current_project(ws):
    """The project as it stands: loaded files with their styles (a point cloud's classes hidden, point size and
    shading), the region layers' state, bookmarks, plan year, the basemap, the DEMs imported, the terrain's
    colouring and the sea-level scenario shown."""
    from ydtwin.model.project import MEASUREMENT_KINDS, LayerEntry, PointsEntry, Project
    from ydtwin.workspace.measure import annotation_layer
    from ydtwin.workspace.terrain import scenario_level, terrain_layer

    entries = []
    for layer in ws.scene.layers:
        request = ws.sources.get(layer.id)
        if request is None:
            continue
        points = None
        if getattr(layer, "kind", "") == "pointcloud":
            points = PointsEntry(sorted(layer.hidden_classes), layer.point_size, layer.shaded)
        anchor = None
        if getattr(layer, "kind", "") == "model" and layer.anchor != layer.data.georeference:
            anchor = layer.anchor_text()  # where the model stands now (moved in the app, or as given)
        entries.append(LayerEntry(str(request.path), crs=request.crs, color_by=getattr(layer, "color_by", ""),
                                  visible=layer.visible, opacity=layer.opacity,
                                  replaces=_replaces(layer), points=points, anchor=anchor))
    base = {layer.role: {"visible": layer.visible, "opacity": layer.opacity}
            for layer in ws.scene.layers if layer.role and layer.id not in ws.sources}
    shown = ws.basemaps and any(layer.role.startswith("basemap-") for layer in ws.scene.layers)
    try:
        colouring = terrain_layer(ws.scene).colouring
    except YdtwinError:  # a region without terrain
        colouring = None
    notes = annotation_layer(ws.scene, create=False)
    kept = [item for item in notes.items if item.kind in MEASUREMENT_KINDS] if notes is not None else []
    return Project(region=None, layers=entries, base_layers=base, viewpoints=list(ws.bookmarks),
                   plan_year=ws.scene.plan_year, basemap=str(ws.basemaps[0]) if shown else None,
                   dems=ws.dems, terrain_colouring=colouring, sea_level=scenario_level(ws.scene),
                   measurements=kept)


def _replaces(layer) -> str:
    value = getattr(layer, "replaces", "area")
    return value if value in ("area", "city", "none") else "area"


def open_project(ws, path: str | Path) -> list[LayerRequest]:
    """Apply a project's region-layer states, bookmarks, plan year and terrain colouring → the files it loads,
    as requests (a point cloud's classes hidden, point size and shading go with its request, applied as it is
    read). What the front end reads before them is left on the workspace: ``project_basemap`` (None: none),
    ``project_dems`` (to ``read_dems`` then ``add_terrain``, in order) and ``project_sea_level``, shown on that
    terrain with ``restore_sea_level`` (None: today's sea). A bad file is one ReadError line and changes
    nothing."""
    from ydtwin.model.project import load_project as read_project

    project = read_project(path)
    ws.project_basemap = Path(project.basemap) if project.basemap else None
    ws.project_dems = [Path(dem) for dem in project.dems]
    ws.project_sea_level = project.sea_level
    ws.set_terrain_colouring(project.terrain_colouring)
    for role, state in project.base_layers.items():
        try:
            layer = ws.scene.layer(role)
        except KeyError:
            continue
        layer.visible = bool(state.get("visible", True))
        layer.opacity = float(state.get("opacity", 1.0))
    ws.bookmarks = list(project.viewpoints)
    ws.events.bookmarks.emit()
    ws.scene.plan_year = project.plan_year
    _restore_measurements(ws.scene, project.measurements)
    requests = []
    for e in project.layers:
        points = {} if e.points is None else {"hidden_classes": frozenset(e.points.hidden_classes),
                                              "point_size": e.points.point_size, "shaded": e.points.shaded}
        requests.append(LayerRequest(Path(e.path), crs=e.crs, color_by=e.color_by, replaces=e.replaces,
                                     visible=e.visible, opacity=e.opacity, anchor=e.anchor, **points))
    return requests


def _restore_measurements(scene, measurements: list) -> None:
    """The project's kept measurements in place of those in the scene (a profile's line stays)."""
    from ydtwin.model.project import MEASUREMENT_KINDS
    from ydtwin.workspace.measure import annotation_layer

    layer = annotation_layer(scene, create=bool(measurements))
    if layer is None:
        return
    layer.items[:] = [item for item in layer.items if item.kind not in MEASUREMENT_KINDS] + list(measurements)
    layer.events.data.emit(layer)


def load_project(ws, path: str | Path) -> list[str]:
    """Open a project and load what it names now (the synchronous path: the command line): its basemap, its
    DEMs in order, its sea-level scenario on that terrain, then its files → a line per thing loaded. A file
    that cannot be read is one line ending "(skipped)" and the rest load, as in the window."""
    requests = open_project(ws, path)
    lines = []

    def attempt(load) -> None:
        try:
            lines.append("loaded " + load())
        except YdtwinError as exc:
            lines.append(f"{exc} (skipped)")

    if ws.project_basemap is not None:
        attempt(lambda: ws.open_basemap(ws.project_basemap))
    if ws.project_dems:
        terrain, done, errors = ws.read_dems(ws.project_dems)
        if terrain is not None:
            ws.add_terrain(terrain, rescenario=False)  # the project's own level follows
        lines += [f"loaded {line}" for line in done] + [f"{line} (skipped)" for line in errors]
    ws.restore_sea_level(ws.project_sea_level)
    for request in requests:
        attempt(lambda r=request: ws.add_loaded(ws.read_layer(r)))
    return lines
