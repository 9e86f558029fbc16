"""Opening a file as a layer: one path for the command line and the window.

The reader is chosen through the plugin manager (a plugin's reader for its patterns, else the built-in
one, both through the plugin guard), the layer carries its provenance, including the reprojection it went
through, and what adding it hides of the procedural blocks is computed before it reaches the scene.
``read_layer`` edits nothing shared: the window runs it in a worker thread, the CLI in its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ydtwin.errors import YdtwinError
from ydtwin.io.pointcloud_read import is_point_cloud

__all__ = ["LayerRequest", "LoadedLayer", "NeedsAnchor", "layer_name", "load_summary", "read_layer"]


class NeedsAnchor(YdtwinError):
    """A 3D model without a georeference was opened without an anchor (the window then places it in view and
    lets the user move it)."""


#: an anchor naming a landmark (``MODEL@landmark=Shanghai Tower``): the model stands in its place, instead of it
LANDMARK = "landmark="


@dataclass(frozen=True)
class LayerRequest:
    """What to open and how: the same options as ``ydtwin … --layer FILE --crs … --color-by …``."""

    path: Path
    crs: str | None = None
    color_by: str = ""
    replaces: str | None = None
    storey_height_m: float = 3.0
    default_height_m: float = 10.0
    #: style from a project (applied once the layer exists)
    visible: bool = True
    opacity: float = 1.0
    #: a point cloud's drawing from a project: class codes hidden, point size (None: the default), shading
    hidden_classes: frozenset[int] = frozenset()
    point_size: float | None = None
    shaded: bool = False
    #: a 3D model's anchor as ``FILE@ANCHOR`` gives it (``lon,lat[,height][,heading=…][,scale=…][,up=y|z]``);
    #: None: the file's own georeference
    anchor: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))
        object.__setattr__(self, "hidden_classes", frozenset(self.hidden_classes))
        if self.replaces not in (None, "area", "city", "none"):
            raise YdtwinError(f"{self.path.name}: replaces must be area, city or none, not {self.replaces!r}")
        if self.anchor is not None and not self.anchor.startswith(LANDMARK):
            from ydtwin.model.models import parse_anchor

            try:
                parse_anchor(self.anchor)
            except ValueError as exc:
                raise YdtwinError(f"{self.path.name}: {exc}") from None

    @classmethod
    def from_text(cls, text: str, **options) -> LayerRequest:
        """``FILE`` or ``MODEL@ANCHOR`` (what ``--layer`` takes) → the request; the anchor is split off only
        after a 3D model's name (a file name may hold an ``@`` of its own)."""
        from ydtwin.io.models import is_model

        path, at, anchor = str(text).rpartition("@")
        if at and is_model(path) and not Path(text).exists():
            return cls(Path(path), anchor=anchor, **options)
        return cls(Path(text), **options)


@dataclass
class LoadedLayer:
    """A layer read from a file, ready to be added: ``report`` is None when a plugin's reader read it."""

    layer: object
    report: object | None
    request: LayerRequest
    #: a 3D model stood in the middle of the view for want of a place (the window then opens its placement)
    needs_placing: bool = False


def layer_name(path: Path) -> str:
    """A file's layer name: its name without any extension (``suzhou.osm.pbf`` → ``suzhou``)."""
    return Path(path).name.split(".")[0]


def _reprojection(report) -> tuple[str, ...]:
    crs = getattr(report, "crs", "EPSG:4326") or "EPSG:4326"
    return (f"from {crs.splitlines()[0][:80]} to WGS84",) if crs != "EPSG:4326" else ()


def read_layer(request: LayerRequest, *, scene, plugins=None, progress: Callable[[int, int], None] | None = None,
               cancel: Callable[[], bool] | None = None, batch_size: int | None = None) -> LoadedLayer:
    """Read ``request.path`` → a LoadedLayer (not yet in the scene). Raises YdtwinError (one line) for a bad
    file, the plugin guard's PluginFailure for a failing plugin reader and ``Cancelled`` when cancelled."""
    from ydtwin.io.buildings import HeightRules, read_buildings
    from ydtwin.model.buildings import BuildingsData, BuildingsLayer
    from ydtwin.model.layer import Provenance, VectorLayer
    from ydtwin.tiling.pack import MANIFEST, is_pack
    from ydtwin.tiling.points import POINTS

    path = request.path
    pack = is_pack(path)
    if (path.name == POINTS and is_pack(path.parent)) or (pack and _pack_has_only_points(path)):
        return _pack_points_layer(request, scene, progress=progress, cancel=cancel)
    from ydtwin.io.models import is_model

    if not pack and is_model(path):
        return _read_model_layer(request, scene, progress=progress)
    reader = plugins.reader_for(path) if plugins is not None and not pack else None
    name = layer_name(path)
    if not pack and (reader is None or reader.builtin) and is_point_cloud(path):
        return _read_point_cloud(request, scene, progress=progress, cancel=cancel)
    if not pack and Path(path).is_dir():
        raise YdtwinError(f"{path}: a folder without {MANIFEST} (not a tile pack); give a file or a pack's folder")
    if pack:  # a tile pack (ydtwin tiles build): its folder or its manifest
        layer, report = _tile_pack_layer(request, progress=progress, cancel=cancel), None
    elif reader is not None and not reader.builtin:  # a plugin's reader: guarded, with a time limit
        result = plugins.read(reader, path)
        data = result[0] if isinstance(result, tuple) else result
        provenance = Provenance(source=f"{path.name} (plugin {reader.plugin} reader {reader.contribution.id})",
                                licence="as supplied by its owner")
        if isinstance(data, BuildingsData):
            layer = BuildingsLayer(name, data, group="Buildings", provenance=provenance)
        else:
            layer = VectorLayer(name, data, group="Plugins", provenance=provenance)
        report = None
    else:
        options = dict(crs=request.crs, region_bbox=scene.region.bbox, progress=progress,
                       rules=HeightRules(storey_height_m=request.storey_height_m,
                                         default_height_m=request.default_height_m))
        if cancel is not None:
            options["cancel"] = cancel
        if batch_size is not None:
            options["batch_size"] = batch_size
        if reader is not None:  # the built-in reader, through the same guard while the built-in plugin is active
            data, report = plugins.read(reader, path, **options)
        else:
            data, report = read_buildings(path, **options)
        layer = BuildingsLayer(
            name, data, group="Buildings",
            provenance=Provenance(source=f"{path.name} ({report.format})", licence="as supplied by its owner",
                                  transformations=_reprojection(report)),
        )
    if isinstance(layer, BuildingsLayer):
        if request.replaces is not None:  # known before the layer is added: the replacement is computed now
            layer.replaces = request.replaces
        layer.visible = request.visible
        layer.opacity = request.opacity
        if request.color_by:
            try:
                layer.color_by = request.color_by
            except ValueError as exc:
                raise YdtwinError(f"{path.name}: {exc}") from None
        # what adding the layer hides of the generated buildings: computed here (a worker in the app)
        scene.building_centres(layer)
        scene.prepare_replacements(layer)
    return LoadedLayer(layer, report, request)


def _tile_pack_layer(request: LayerRequest, *, progress, cancel):
    """A tile pack's footprints as one buildings layer (every tile checked against the manifest)."""
    from ydtwin.errors import ReadError
    from ydtwin.model.buildings import BuildingsLayer
    from ydtwin.model.layer import Provenance
    from ydtwin.tiling.pack import read_pack

    try:
        data, doc = read_pack(request.path, progress=progress, cancel=cancel)
    except ReadError as exc:
        raise YdtwinError(str(exc)) from None
    if len(data) == 0:
        raise YdtwinError(f"{request.path}: the tile pack holds no buildings")
    folder = Path(request.path) if Path(request.path).is_dir() else Path(request.path).parent
    inputs = ", ".join(Path(i.get("path", "?")).name for i in doc.get("inputs", []))
    return BuildingsLayer(
        folder.name, data, group="Buildings",
        provenance=Provenance(source=f"tile pack {folder.name} ({len(doc['tiles'])} tiles) of {inputs}",
                              licence="as supplied by its owner"),
    )


@dataclass
class ModelReport:
    """What reading a 3D model found: its format, size, where it stands and why there."""

    format: str
    triangles: int
    parts: int
    placed_by: str
    notes: tuple[str, ...] = ()

    def line(self) -> str:
        notes = f"; {'; '.join(self.notes)}" if self.notes else ""
        return (f"{self.format} model, {self.triangles:,} triangles in {self.parts:,} part(s), placed by "
                f"{self.placed_by}{notes}")


def _read_model_layer(request: LayerRequest, scene, *, progress) -> LoadedLayer:
    """A 3D model (glTF, GLB, OBJ, PLY, STL, IFC) placed by its anchor or its own georeference → a layer."""
    from ydtwin.errors import ReadError
    from ydtwin.io.models import read_model
    from ydtwin.model.layer import Provenance
    from ydtwin.model.models import ModelLayer, parse_anchor, with_levels

    path = request.path
    landmark = request.anchor[len(LANDMARK):].strip() if (request.anchor or "").startswith(LANDMARK) else None
    anchor, up = parse_anchor(request.anchor) if request.anchor is not None and landmark is None else (None, None)
    try:
        data = read_model(path, up=up, progress=progress)
    except ReadError as exc:
        raise YdtwinError(str(exc)) from None
    if landmark is not None:
        anchor, name = landmark_anchor(scene, landmark, data)
        placed_by = f"the place of the landmark {name} ({anchor.text()})"
    elif anchor is not None:
        placed_by = f"the anchor {anchor.text()}"
    elif data.georeference is not None:
        anchor, placed_by = data.georeference, data.georeference_note
    else:
        raise NeedsAnchor(f"{path}: the model does not say where it stands; give it: "
                          f"--layer {path.name}@LON,LAT[,HEIGHT][,heading=DEG][,scale=S]")
    _check_stand(path, data, anchor, scene)
    data = with_levels(data)  # simplified levels of a big model (here: a worker thread in the app)
    layer = ModelLayer(layer_name(path), data, anchor, up=up, visible=request.visible, opacity=request.opacity,
                       provenance=Provenance(source=f"{path.name} ({data.format} model)",
                                             licence="as supplied by its owner",
                                             transformations=(f"placed by {placed_by}",)))
    report = ModelReport(data.format, data.n_triangles, len(data.parts), placed_by, data.notes)
    scene.prepare_replacements(layer)  # what it hides, computed here (a worker in the app)
    return LoadedLayer(layer, report, request)


def _check_stand(path, data, anchor, scene) -> None:
    """One line when ``data`` at ``anchor`` stands outside the region or is too wide to be a building."""
    from ydtwin.model.models import check_extent

    x0, y0, x1, y1 = scene.region.bbox
    if not (x0 <= anchor.lon <= x1 and y0 <= anchor.lat <= y1):
        raise YdtwinError(f"{path}: it stands at {anchor.lon:.5f} E {anchor.lat:.5f} N, outside the region "
                          f"({x0:g}–{x1:g} E, {y0:g}–{y1:g} N)")
    try:
        check_extent(data, anchor)
    except ValueError as exc:
        raise YdtwinError(f"{path}: {exc}") from None


def landmarks(scene) -> list[tuple[str, str, float, float]]:
    """(name, Chinese name, lon, lat) of the region's landmarks (schematic outlines a model can replace)."""
    import numpy as np

    try:
        layer = scene.layer("landmarks")
    except KeyError:
        return []
    data = layer.data
    centres = data.centres()
    names = data.attributes.get("name", np.array([""] * len(data), dtype=object))
    zh = data.attributes.get("name_zh", np.array([""] * len(data), dtype=object))
    return [(str(n), str(z), float(c[0]), float(c[1])) for n, z, c in zip(names, zh, centres, strict=True)]


def landmark_anchor(scene, name: str, data):
    """The anchor that stands ``data`` (a model) in the place of the landmark ``name`` (English or Chinese, any
    case): the middle of its ground plan on the landmark's centre, on the ground → (anchor, the landmark's
    name); one line naming the landmarks when there is none of that name."""

    from ydtwin.model.models import Anchor, local_to_lonlat

    found = [m for m in landmarks(scene) if name.casefold() in (m[0].casefold(), m[1].casefold())]
    if not found:
        known = ", ".join(f"{m[0]} ({m[1]})" if m[1] else m[0] for m in landmarks(scene)) or "none"
        raise YdtwinError(f"no landmark named {name!r} in this region (its landmarks: {known})")
    lm_name, _zh, lon, lat = found[0]
    lo, hi = data.bounds()
    middle = (lo[:2] + hi[:2]) / 2
    at = Anchor(lon, lat)
    lon2, lat2 = local_to_lonlat(at, -middle[None, :])
    return Anchor(float(lon2[0]), float(lat2[0])), lm_name


def move_model(scene, layer, anchor) -> str:
    """See ``Workspace.place_model``."""
    from ydtwin.model.models import Anchor, parse_anchor

    if not isinstance(anchor, Anchor):
        try:
            anchor, up = parse_anchor(str(anchor))
        except ValueError as exc:
            raise YdtwinError(f"{layer.name}: {exc}") from None
        if up is not None and up != (layer.up or up):
            raise YdtwinError(f"{layer.name}: the up axis is chosen when the model is opened")
    _check_stand(layer.name, layer.data, anchor, scene)
    layer.anchor = anchor
    scene.update_replacements()
    return f"{layer.name} stands at {anchor.text()}"


def _pack_has_only_points(path: Path) -> bool:
    from ydtwin.errors import ReadError
    from ydtwin.tiling.pack import read_manifest

    try:
        _folder, doc = read_manifest(path)
    except ReadError:
        return False
    return not doc["tiles"] and bool((doc.get("points") or {}).get("tiles"))


def _pack_points_layer(request: LayerRequest, scene, *, progress, cancel) -> LoadedLayer:
    """A tile pack's point cloud (``PACK/points``) as one layer, every tile checked against the manifest."""
    from ydtwin.errors import ReadError
    from ydtwin.io.pointcloud_read import PointCloudReport
    from ydtwin.tiling.points import POINTS, read_pack_points

    try:
        data, doc = read_pack_points(request.path, scene.projection, progress=progress, cancel=cancel)
    except ReadError as exc:
        raise YdtwinError(str(exc)) from None
    folder = request.path.parent if request.path.name == POINTS else request.path
    if folder.is_file():
        folder = folder.parent
    section = doc["points"]
    report = PointCloudReport(f"tile pack ({len(section['tiles'])} point tiles)", data.source_crs,
                              data.file_points, len(data), len(data), note=data.note)
    inputs = ", ".join(Path(i.get("path", "?")).name for i in doc.get("inputs", []))
    return _point_cloud_layer(request, scene, data, report, f"{folder.name} points",
                              f"tile pack {folder.name} of {inputs}", "from the pack's tiles to the scene")


def _point_cloud_layer(request: LayerRequest, scene, data, report, name: str, source: str,
                       transformation: str) -> LoadedLayer:
    from ydtwin.model.layer import Provenance
    from ydtwin.model.pointcloud import PointCloudLayer

    layer = PointCloudLayer(
        name, data, group="Point clouds", visible=request.visible, opacity=request.opacity,
        provenance=Provenance(source=source, licence="as supplied by its owner", transformations=(transformation,),
                              notes=report.note))
    try:
        if request.color_by:
            layer.color_by = request.color_by
        layer.hidden_classes = request.hidden_classes
        if request.point_size is not None:
            layer.point_size = request.point_size
        layer.shaded = request.shaded
    except ValueError as exc:
        raise YdtwinError(f"{request.path.name}: {exc}") from None
    scene.prepare_replacements(layer)  # the procedural blocks it hides, computed here (a worker in the app)
    return LoadedLayer(layer, report, request)


def _read_point_cloud(request: LayerRequest, scene, *, progress, cancel) -> LoadedLayer:
    """A LAS/LAZ/COPC file → a point cloud layer in scene coordinates (checked, streamed, bounded in memory)."""
    from ydtwin.io.pointcloud_read import read_point_cloud

    path = request.path
    data, report = read_point_cloud(path, crs=request.crs, projection=scene.projection,
                                    region_bbox=scene.region.bbox, progress=progress, cancel=cancel)
    return _point_cloud_layer(request, scene, data, report, layer_name(path), f"{path.name} ({report.format})",
                              f"from {report.crs} to the scene")


def load_summary(loaded: LoadedLayer) -> str:
    """One line saying what was loaded and what was set aside (the log panel's and the CLI's line)."""
    layer, report = loaded.layer, loaded.report
    name = loaded.request.path.name
    if hasattr(report, "kept_points"):  # a point cloud
        return f"{name}: {report.summary()}"
    if isinstance(report, ModelReport):
        return f"{name}: {report.line()}"
    if report is None:
        return f"{name}: {len(layer.data):,} features ({layer.provenance.source})"
    rejected = f"; set aside: {report.summary()}" if report.n_rejected else ""
    rules = ", ".join(f"{k} {v:,}" for k, v in report.rules.items())
    return f"{name}: {len(layer.data):,} buildings from {report.features:,} features (heights: {rules}){rejected}"
