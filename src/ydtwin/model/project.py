"""Projects: a planner's workspace as a documented JSON file (no code inside), saved atomically.

What a project holds (``PROJECT_VERSION`` 1): the region file, the layers loaded from files (path, CRS,
colour-by, visibility, opacity, replace mode; for a point cloud the classes hidden, point size and shading),
the visibility/opacity of the region's own layers, named viewpoints, the plan year, the basemap folder shown,
the DEMs imported over the terrain (in order), the terrain's colouring and the sea-level scenario shown.
Paths are stored relative to the project file when the file lies in the project's folder, absolute otherwise.
Every member but the version is optional: files written before a member existed still load.

A project opens no file it should not: a relative path must stay inside the project's folder (``..`` that
leaves it is refused, and so is a symbolic link inside it that leads out), and a path that exists must be a
regular file once its symbolic links are resolved (no device such as ``/dev/zero``, no FIFO, no folder).
Either is refused before anything is loaded, in one line naming the project, the layer and why.

The file format is the pydantic model :class:`ProjectFile`: a file is validated against it before anything
is loaded, and a bad one is refused with one line naming the file and the key
(``p.ydtwin.json: invalid project: layers[0].opacity: Input should be less than or equal to 1``); saving
validates too, so ydtwin never writes a file it would refuse. The published JSON schema
(docs/project.schema.json) is generated from the model (``packaging/file_schemas.py``), never by hand.
See docs/project-format.md.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator

from ydtwin.atomic import write_text
from ydtwin.errors import ReadError
from ydtwin.fileformat import StrictModel, error_line, lonlat_height
from ydtwin.geo.inundation import LEVEL_RANGE_M
from ydtwin.geo.measurement import SOURCES as POINT_SOURCES
from ydtwin.geo.measurement import MeasurePoint
from ydtwin.geo.relief import TERRAIN_COLOURINGS
from ydtwin.model.pointcloud import CLASS_CODES, POINT_SIZE_PX

__all__ = [
    "PROJECT_VERSION",
    "SUFFIX",
    "LayerEntry",
    "PointsEntry",
    "Project",
    "ProjectFile",
    "Viewpoint",
    "load_project",
    "project_json_schema",
    "save_project",
]

PROJECT_VERSION = 1
SUFFIX = ".ydtwin.json"
#: the largest project file read (a project lists files and settings: a few kB)
MAX_PROJECT_BYTES = 16 * 1024 * 1024
#: where a layer hides the procedural blocks
REPLACES = ("area", "city", "none")


def _check_viewpoint(name: str, eye, target, view_angle) -> None:
    for key, value in (("eye", eye), ("target", target)):
        if len(value) != 3 or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value):
            raise ValueError(f"viewpoint {name!r}: {key} must be [lon, lat, height]")
        lonlat_height(list(value), f"viewpoint {name!r}: {key}")
    if not (isinstance(view_angle, numbers.Real) and math.isfinite(view_angle) and 1.0 <= view_angle <= 120.0):
        raise ValueError(f"viewpoint {name!r}: view angle must be 1–120 degrees")


@dataclass(frozen=True)
class Viewpoint:
    """A saved camera: eye and target as lon/lat (WGS84 degrees) + height (m, scene z), the view angle.
    Refused at creation (ValueError) unless both are lon/lat positions with a finite height within
    ±10,000 km and the angle is 1–120°: the same rule the project file is checked with."""

    name: str
    eye: tuple[float, float, float]
    target: tuple[float, float, float]
    view_angle: float = 30.0

    def __post_init__(self) -> None:
        _check_viewpoint(self.name, self.eye, self.target, self.view_angle)


@dataclass
class PointsEntry:
    """How a point cloud layer is drawn, beyond its colouring: the class codes hidden, point size, shading."""

    hidden_classes: list[int] = field(default_factory=list)
    point_size: float = 2.0
    shaded: bool = False


@dataclass
class LayerEntry:
    """A layer the project loads from a file, and how it is shown (``points``: a point cloud's drawing)."""

    path: str
    crs: str | None = None
    color_by: str = ""
    visible: bool = True
    opacity: float = 1.0
    replaces: str = "area"
    points: PointsEntry | None = None
    anchor: str | None = None


# --- the file format ---------------------------------------------------------------------------------

Position = Annotated[list[float], Field(min_length=3, max_length=3, description="[lon, lat, height m]: WGS84 "
                                        "degrees; height in scene metres (terrain × exaggeration)")]


ClassCode = Annotated[int, Field(ge=CLASS_CODES[0], le=CLASS_CODES[1])]


class PointsFile(StrictModel):
    """How a point cloud layer is drawn (point cloud layers only)."""

    hidden_classes: list[ClassCode] = Field(default_factory=list, max_length=256,
                                            description="ASPRS class codes (0–255) whose points are not drawn")
    point_size: float = Field(2.0, ge=POINT_SIZE_PX[0], le=POINT_SIZE_PX[1], description="pixels")
    shaded: bool = Field(False, description="points drawn as lit spheres")


class LayerFile(StrictModel):
    """One entry of 'layers': a file loaded with the project, in this order."""

    path: str = Field(min_length=1, max_length=4096,
                      description="the file: relative to the project file's folder (and inside it), or absolute; "
                      "a regular file")
    crs: str | None = Field(None, max_length=65536, description="only when the file does not say: an EPSG code, "
                            "WKT, 'GCJ-02' or 'BD-09'")
    color_by: str = Field("", max_length=200, description="buildings: an attribute, 'height', 'height_rule' or "
                          "empty; point clouds: 'classification', 'elevation', 'intensity', 'rgb' or "
                          "'return_number'")
    visible: bool = True
    opacity: float = Field(1.0, ge=0.0, le=1.0)
    replaces: Literal["area", "city", "none"] = Field("area", description="where the layer hides the "
                                                      "procedural blocks")
    points: PointsFile | None = Field(None, description="a point cloud's classes hidden, point size and shading")
    anchor: str | None = Field(None, max_length=300, description="a 3D model's place: 'lon,lat[,height]"
                               "[,heading=DEG][,scale=S][,height=ground|absolute][,up=y|z]' (as --layer FILE@…); "
                               "none: the model's own georeference")

    @field_validator("anchor")
    @classmethod
    def _anchor(cls, value: str | None) -> str | None:
        if value is not None:
            from ydtwin.model.models import parse_anchor

            parse_anchor(value)  # ValueError: the project's one line
        return value


class BaseLayerState(StrictModel):
    """How one of the region's own layers is shown."""

    visible: bool = True
    opacity: float = Field(1.0, ge=0.0, le=1.0)


class ViewpointFile(StrictModel):
    """A bookmark: a named camera."""

    name: str = Field(max_length=500)
    eye: Position
    target: Position
    view_angle: float = Field(30.0, ge=1.0, le=120.0, description="vertical field of view, degrees")

    @field_validator("eye", "target")
    @classmethod
    def _lonlat(cls, v: list[float], info) -> list[float]:
        return lonlat_height(v, info.field_name)


#: the kinds of measurement a project keeps (a profile's line and analysis results are shown again by running them)
MEASUREMENT_KINDS = ("distance", "area", "height")


class MeasurePointFile(StrictModel):
    """A point of a kept measurement: where it is, its height and how it was found."""

    lon: float = Field(ge=-180.0, le=180.0)
    lat: float = Field(ge=-90.0, le=90.0)
    height: float | None = Field(None, ge=-12_000.0, le=12_000.0, description="m above the datum; null: unknown")
    source: Literal[POINT_SOURCES] = "typed"  # type: ignore[valid-type]
    uncertainty_m: float = Field(0.1, ge=0.0, le=1e6, description="how far the position may be off (m)")
    height_step: float = Field(1.0, gt=0.0, le=1000.0, description="the height's precision (m)")


class MeasurementFile(StrictModel):
    """A measurement kept in the scene (Analysis ▸ Measure ▸ Keep): its points and label."""

    kind: Literal[MEASUREMENT_KINDS]  # type: ignore[valid-type]
    points: list[MeasurePointFile] = Field(min_length=1, max_length=10_000)
    label: str = Field("", max_length=500)
    closed: bool = False


class ProjectFile(StrictModel):
    """A ydtwin project file (*.ydtwin.json), version 1."""

    ydtwin_project: Literal[1] = Field(description="format version")
    region: str | None = Field(None, max_length=4096,
                               description="a region file (region.toml), or null for the bundled region")
    layers: list[LayerFile] = Field(default_factory=list)
    base_layers: dict[Annotated[str, Field(max_length=200)], BaseLayerState] = Field(
        default_factory=dict, description="visibility and opacity of the region's layers by role")
    viewpoints: list[ViewpointFile] = Field(default_factory=list)
    plan_year: int | None = Field(None, ge=1900, le=2200, description="the plan year the review looks at")
    basemap: str | None = Field(None, min_length=1, max_length=4096,
                                description="a basemap folder (`ydtwin basemap build`): relative to the project "
                                "file's folder (and inside it), or absolute; shown under the plans")
    dems: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(
        default_factory=list, max_length=1000,
        description="DEM files (GeoTIFF, NetCDF) merged over the bundled terrain, in this order: each relative "
        "to the project file's folder (and inside it), or absolute; a regular file")
    terrain_colouring: Literal[TERRAIN_COLOURINGS] | None = Field(  # type: ignore[valid-type]
        None, description="the terrain coloured by elevation (hypsometric tints) or as a hillshade "
        "(null: as it is)")
    sea_level: float | None = Field(None, ge=LEVEL_RANGE_M[0], le=LEVEL_RANGE_M[1],
                                    description="the sea-level / storm-surge scenario shown, metres above today's "
                                    "mean sea level (null: today's sea)")
    measurements: list[MeasurementFile] = Field(default_factory=list, max_length=10_000,
                                                description="measurements kept in the scene")


def project_json_schema() -> dict:
    """The published schema of a project file (docs/project.schema.json), from :class:`ProjectFile`."""
    schema = ProjectFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"ydtwin project (version {PROJECT_VERSION})"
    return schema


@dataclass
class Project:
    region: str | None = None
    layers: list[LayerEntry] = field(default_factory=list)
    #: visibility/opacity of the region's own layers by role
    base_layers: dict[str, dict] = field(default_factory=dict)
    viewpoints: list[Viewpoint] = field(default_factory=list)
    plan_year: int | None = None
    #: the basemap folder shown (existing networks), if any
    basemap: str | None = None
    #: DEM files imported over the bundled terrain, in order
    dems: list[str] = field(default_factory=list)
    #: "elevation" or "hillshade" (None: leave the terrain as it is)
    terrain_colouring: str | None = None
    #: the sea-level scenario shown (m; None: today's sea)
    sea_level: float | None = None
    #: measurements kept in the scene (ydtwin.model.annotations.Annotation of MEASUREMENT_KINDS)
    measurements: list = field(default_factory=list)

    def to_json(self, base: Path | None = None) -> dict:
        """The file's content, checked against :class:`ProjectFile` (a ValueError names the bad key), with
        layer paths relative to ``base`` when they can be."""

        def rel(path: str) -> str:
            # relative only for a file inside the project's folder (where loading accepts one); elsewhere absolute
            if base is None:
                return path
            here = Path(base).resolve()
            target = Path(path).resolve()
            if target.is_relative_to(here):
                return os.path.relpath(target, here)
            return os.path.abspath(path)

        doc = {
            "ydtwin_project": PROJECT_VERSION,
            "region": self.region,
            "layers": [{**asdict(entry), "path": rel(entry.path)} for entry in self.layers],
            "base_layers": self.base_layers,
            "viewpoints": [{"name": v.name, "eye": list(v.eye), "target": list(v.target), "view_angle": v.view_angle}
                           for v in self.viewpoints],
            "plan_year": self.plan_year,
            "basemap": rel(self.basemap) if self.basemap else None,
            "dems": [rel(dem) for dem in self.dems],
            "terrain_colouring": self.terrain_colouring,
            "sea_level": self.sea_level,
            "measurements": [{"kind": m.kind, "label": m.label, "closed": m.closed,
                              "points": [{"lon": p.lon, "lat": p.lat, "height": p.height, "source": p.source,
                                          "uncertainty_m": p.uncertainty_m, "height_step": p.height_step}
                                         for p in m.points]}
                             for m in self.measurements if m.kind in MEASUREMENT_KINDS],
        }
        try:
            # lax here: a layer's opacity may be a numpy float; what is written is plain JSON
            return ProjectFile.model_validate(doc, strict=False).model_dump(mode="json")
        except ValidationError as exc:
            raise ValueError(f"this project cannot be saved: {error_line(exc)}") from None

    @classmethod
    def from_json(cls, doc: dict, base: Path | None = None, *, path: Path | str = "project") -> Project:
        """A project from a file's content; anything that does not follow :class:`ProjectFile` raises a
        one-line :class:`ReadError` naming ``path`` and the key. Relative layer paths are taken from ``base``."""
        if not isinstance(doc, dict) or "ydtwin_project" not in doc:
            raise ReadError(path, "not a ydtwin project (no 'ydtwin_project' member)")
        version = doc["ydtwin_project"]
        if type(version) is not int or version != PROJECT_VERSION:  # true and 1.0 are not 1
            raise ReadError(path, f"project version {version!r} is not supported",
                            f"this ydtwin reads version {PROJECT_VERSION}")
        try:
            model = ProjectFile.model_validate(doc)
        except ValidationError as exc:
            raise ReadError(path, f"invalid project: {error_line(exc)}") from None
        if model.region is not None:
            _confined(model.region, base, path, "region")
        layers = []
        for i, item in enumerate(model.layers):
            entry = LayerEntry(**item.model_dump(exclude={"points"}))
            if item.points is not None:
                entry.points = PointsEntry(**item.points.model_dump())
            entry.path = _confined(entry.path, base, path, f"layers[{i}].path")
            layers.append(entry)
        dems = [_confined(dem, base, path, f"dems[{i}]") for i, dem in enumerate(model.dems)]
        viewpoints = [Viewpoint(v.name, tuple(v.eye), tuple(v.target), v.view_angle) for v in model.viewpoints]
        base_layers = {role: state.model_dump() for role, state in model.base_layers.items()}
        basemap = _confined(model.basemap, base, path, "basemap", is_folder=True) if model.basemap else None
        from ydtwin.model.annotations import Annotation

        measurements = [Annotation(m.kind, tuple(MeasurePoint(**p.model_dump()) for p in m.points), m.label, m.closed)
                        for m in model.measurements]
        return cls(region=model.region, layers=layers, base_layers=base_layers, viewpoints=viewpoints,
                   plan_year=model.plan_year, basemap=basemap, dems=dems, terrain_colouring=model.terrain_colouring,
                   sea_level=model.sea_level, measurements=measurements)


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


def _confined(raw: str, base: Path | None, project: Path | str, key: str, *, is_folder: bool = False) -> str:
    """A path from a project file, as it will be opened (relative ones resolved from ``base``), or a one-line
    :class:`ReadError` naming the project and ``key``: a relative path that leaves the project's folder
    (through ``..`` or a symbolic link), or a path that exists and is not a regular file (``is_folder``: not a
    folder) once resolved."""

    def refuse(why: str, hint: str) -> ReadError:
        return ReadError(project, f"{key} {raw!r} {why}", hint)

    if "\0" in raw:
        raise refuse("contains a NUL character", "give the file's path")
    relative = not os.path.isabs(raw)
    outside = "keep the project's data in its folder, or give an absolute path"
    if relative:
        if os.path.normpath(raw).split(os.sep)[0] == os.pardir:
            raise refuse("leads outside the project's folder", outside)
        if base is None:
            return raw
        written = Path(os.path.abspath(Path(base) / raw))
        folder = Path(base).resolve()
        target = (folder / raw).resolve()
        if not target.is_relative_to(folder):
            raise refuse(f"leads outside the project's folder (through a symbolic link, to {target})", outside)
    else:
        written = Path(os.path.abspath(raw))
        target = written.resolve()
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None  # missing or unreadable: the layer's reader says so when it is loaded
    if is_folder:
        if mode is not None and not stat.S_ISDIR(mode):
            raise refuse("is not a folder", "give a basemap folder")
    elif mode is not None and not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        link = f" (a symbolic link to {target})" if target != written else ""
        raise refuse(f"is {kind}{link}, not a file", "give a data file")
    return str(target) if relative else raw


def save_project(project: Project, path: str | os.PathLike[str]) -> Path:
    """Write atomically: a temporary file in the same folder, flushed to disk, then renamed over the target.
    A project that does not follow the file format raises ValueError and writes nothing."""
    path = Path(path)
    return write_text(path, json.dumps(project.to_json(path.parent.resolve()), ensure_ascii=False, indent=2) + "\n")


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read and check a project file; every problem is one :class:`ReadError` line naming the file."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # before opening: a FIFO would block the open, a device never end
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            raise ReadError(path, f"is {kind}, not a project file")
        if os.path.getsize(path) > MAX_PROJECT_BYTES:
            raise ReadError(path, f"{os.path.getsize(path):,} bytes: a project file is at most {MAX_PROJECT_BYTES:,}")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReadError(path, "project file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(path, f"cannot read the project ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise ReadError(path, "not a ydtwin project (nested too deeply)") from None
    return Project.from_json(doc, path.parent.resolve(), path=path)
