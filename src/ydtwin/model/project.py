"""Projects: a planner's workspace as a documented JSON file (no code inside), saved atomically.

What a project holds (``PROJECT_VERSION`` 1): the region file, the layers loaded from files (path, CRS,
colour-by, visibility, opacity, replace mode), the visibility/opacity of the region's own layers, named
viewpoints and the plan year. Paths are stored relative to the project file when they can be.
See docs/project-format.md.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ydtwin.atomic import write_text
from ydtwin.errors import ReadError

PROJECT_VERSION = 1
SUFFIX = ".ydtwin.json"


@dataclass(frozen=True)
class Viewpoint:
    """A saved camera: eye and target as lon/lat (WGS84 degrees) + height (m, scene z), the view angle."""

    name: str
    eye: tuple[float, float, float]
    target: tuple[float, float, float]
    view_angle: float = 30.0

    def __post_init__(self) -> None:
        for key in ("eye", "target"):
            value = getattr(self, key)
            if len(value) != 3 or not all(isinstance(v, (int, float)) for v in value):
                raise ValueError(f"viewpoint {self.name!r}: {key} must be [lon, lat, height]")
            lon, lat, _z = value
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError(f"viewpoint {self.name!r}: {key} is not a lon/lat position")
        if not (1.0 <= float(self.view_angle) <= 120.0):
            raise ValueError(f"viewpoint {self.name!r}: view angle must be 1–120 degrees")


@dataclass
class LayerEntry:
    """A layer the project loads from a file, and how it is shown."""

    path: str
    crs: str | None = None
    color_by: str = ""
    visible: bool = True
    opacity: float = 1.0
    replaces: str = "area"


@dataclass
class Project:
    region: str | None = None
    layers: list[LayerEntry] = field(default_factory=list)
    #: visibility/opacity of the region's own layers by role
    base_layers: dict[str, dict] = field(default_factory=dict)
    viewpoints: list[Viewpoint] = field(default_factory=list)
    plan_year: int | None = None

    def to_json(self, base: Path | None = None) -> dict:
        def rel(path: str) -> str:
            if base is None:
                return path
            try:
                return os.path.relpath(path, base)
            except ValueError:  # another drive on Windows
                return path

        return {
            "ydtwin_project": PROJECT_VERSION,
            "region": self.region,
            "layers": [{**asdict(entry), "path": rel(entry.path)} for entry in self.layers],
            "base_layers": self.base_layers,
            "viewpoints": [{"name": v.name, "eye": list(v.eye), "target": list(v.target), "view_angle": v.view_angle}
                           for v in self.viewpoints],
            "plan_year": self.plan_year,
        }

    @classmethod
    def from_json(cls, doc: dict, base: Path | None = None, *, path: Path | str = "project") -> Project:
        if not isinstance(doc, dict) or "ydtwin_project" not in doc:
            raise ReadError(path, "not a ydtwin project (no 'ydtwin_project' member)")
        if doc["ydtwin_project"] != PROJECT_VERSION:
            raise ReadError(path, f"project version {doc['ydtwin_project']!r} is not supported",
                            f"this ydtwin reads version {PROJECT_VERSION}")
        try:
            layers = []
            for item in doc.get("layers", []):
                entry = LayerEntry(**{k: item[k] for k in item if k in LayerEntry.__dataclass_fields__})
                if base is not None and not os.path.isabs(entry.path):
                    entry.path = str((base / entry.path).resolve())
                if entry.replaces not in ("area", "city", "none"):
                    raise ValueError(f"layer {entry.path!r}: replaces must be area, city or none")
                entry.opacity = float(entry.opacity)
                if not 0.0 <= entry.opacity <= 1.0:
                    raise ValueError(f"layer {entry.path!r}: opacity must be within 0–1")
                layers.append(entry)
            viewpoints = [Viewpoint(str(v["name"]), tuple(v["eye"]), tuple(v["target"]),
                                    float(v.get("view_angle", 30.0))) for v in doc.get("viewpoints", [])]
            year = doc.get("plan_year")
            if year is not None and not (isinstance(year, int) and 1900 <= year <= 2200):
                raise ValueError("plan_year must be a year between 1900 and 2200")
            base_layers = doc.get("base_layers", {})
            if not isinstance(base_layers, dict):
                raise ValueError("base_layers must be an object")
        except (KeyError, TypeError, ValueError) as exc:
            raise ReadError(path, f"invalid project: {exc}") from None
        return cls(region=doc.get("region"), layers=layers, base_layers=base_layers, viewpoints=viewpoints,
                   plan_year=year)


def save_project(project: Project, path: str | os.PathLike[str]) -> Path:
    """Write atomically: a temporary file in the same folder, flushed to disk, then renamed over the target."""
    path = Path(path)
    return write_text(path, json.dumps(project.to_json(path.parent.resolve()), ensure_ascii=False, indent=2) + "\n")


def load_project(path: str | os.PathLike[str]) -> Project:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReadError(path, "project file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadError(path, f"cannot read the project ({exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return Project.from_json(doc, path.parent.resolve(), path=path)
