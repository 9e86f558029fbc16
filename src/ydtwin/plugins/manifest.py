"""The plugin manifest (``ydtwin.toml``) as pydantic models: what a plugin may declare, checked strictly.

Every model forbids unknown keys, so a misspelt key is an error that names the key instead of being
ignored. ``manifest_json_schema()`` is the published schema editors use (docs/ydtwin-plugin.schema.json).
Paths in a manifest are relative to the plugin folder; code is named ``"module:attr"`` and imported only
on first use.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ydtwin.model.plans import DEFAULT_ACCURACY_M

__all__ = [
    "CORRIDOR_CLASSES",
    "GRADES",
    "SEED_THEMES",
    "STATUSES",
    "LayerContribution",
    "Manifest",
    "PanelContribution",
    "ProjectContribution",
    "ReaderContribution",
    "RuleContribution",
    "ThemeContribution",
    "manifest_json_schema",
]

#: the six themes the eight cities plan together; plugins may contribute more (``contributions.themes``)
SEED_THEMES = ("transportation", "ecological", "municipal", "internet", "tourism", "industry")
#: corridor classes the cross-border interconnection check compares
CORRIDOR_CLASSES = ("road", "rail", "metro", "pipe", "power", "fibre", "green")
#: zone and facility kinds
ZONE_KINDS = ("industrial", "port", "ecological", "water_source", "tourism", "urban", "logistics", "facility")
STATUSES = ("planned", "under_construction", "built")
#: how a corridor runs where it meets the border (compared by the review)
GRADES = ("at_grade", "bridge", "tunnel")

_ID = r"^[a-z0-9][a-z0-9_.-]*$"
_NAME = r"^[a-z0-9][a-z0-9-]*$"
_PYTHON = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
_COLOUR = r"^#[0-9a-fA-F]{6}$"

Id = Annotated[str, Field(pattern=_ID, max_length=120, description="unique id, prefixed with the plugin's short name")]
Python = Annotated[str, Field(pattern=_PYTHON, description='code as "package.module:attribute", imported on first use')]
Colour = Annotated[str, Field(pattern=_COLOUR, description="#rrggbb")]
RelPath = Annotated[str, Field(min_length=1, max_length=400, description="a file inside the plugin folder")]
#: a stated positional accuracy: metres at 95 % confidence, finite, above 0 and at most 1 km
Accuracy = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False, strict=True)]
#: a zone's maximum building height: metres above the ground, finite, above 0 and at most 1 km
MaxHeight = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False, strict=True)]
MAX_HEIGHT_TEXT = ("the highest a building inside this zone may stand, in metres above its ground (0 < value <= "
                   "1000; zones only): the review's height-limit check reports every building in the zone that is "
                   "taller, with its excess")
ACCURACY_TEXT = ("positional accuracy of the geometry in metres (95 % confidence), 0 < value <= 1000; the review "
                 "widens the tolerance of a border connection by the accuracies of both sides "
                 f"(unstated: {DEFAULT_ACCURACY_M:g} m)")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _relative(value: str) -> str:
    p = value.replace("\\", "/")
    if p.startswith("/") or re.match(r"^[A-Za-z]:", p) or any(part == ".." for part in p.split("/")):
        raise ValueError(f"{value!r} must be a path inside the plugin folder (relative, no '..')")
    return p


class CityInfo(_Strict):
    """The city a plan plugin speaks for."""

    name: str = Field(description="English name as in the region file, e.g. 'Suzhou'")
    adcode: str = Field(pattern=r"^\d{6}$", description="administrative division code, e.g. '320500'")
    name_zh: str = ""


class ProjectContribution(_Strict):
    """A planned project under review: metadata here, geometry in a GeoJSON file of the plugin."""

    id: Id
    title: str = Field(min_length=1)
    title_zh: str = ""
    theme: str = Field(description="one of the six seed themes or a theme id a plugin contributes")
    kind: str = Field(description="corridor class (road, rail, metro, pipe, power, fibre, green) for lines; "
                                  "zone kind (industrial, port, ecological, water_source, tourism, urban, "
                                  "logistics) for areas; 'facility' for points")
    status: Literal["planned", "under_construction", "built"]
    phase: tuple[int, int] = Field(description="[start year, opening year]")
    owner: str = Field(min_length=1, description="the bureau that owns the project")
    source: RelPath = Field(description="GeoJSON file in the plugin (WGS84 lon/lat unless 'crs' says otherwise)")
    feature: str = Field(min_length=1, description="the feature's 'id' (or properties.id) in the source file")
    crs: str = Field("EPSG:4326", description="CRS of the source file: EPSG code, WKT, or 'GCJ-02'/'BD-09'")
    capacity: int | None = Field(None, ge=1, description="lanes (road), tracks (rail, metro), or similar")
    grade: Literal["at_grade", "bridge", "tunnel"] | None = Field(None, description="how it runs at the border")
    provenance: Literal["real", "illustrative", "schematic"] = "illustrative"
    accuracy_m: Accuracy | None = Field(None, description=ACCURACY_TEXT + "; overrides the plugin's accuracy_m")
    max_height_m: MaxHeight | None = Field(None, description=MAX_HEIGHT_TEXT)
    model: RelPath | None = Field(None, description="a 3D model of the project in the plugin (glTF, GLB, OBJ, PLY, "
                                  "STL or IFC): it stands in the scene, hides what stands in its ground plan and "
                                  "is checked against height limits")
    model_anchor: str | None = Field(None, max_length=300, description="where the model's origin stands: "
                                     "'lon,lat[,height][,heading=DEG][,scale=S][,height=ground|absolute][,up=y|z]'; "
                                     "default: the model file's own georeference, else the project's point "
                                     "(a facility) or the middle of its area (a zone)")
    notes: str = ""

    @field_validator("source")
    @classmethod
    def _inside(cls, v: str) -> str:
        return _relative(v)

    @field_validator("model")
    @classmethod
    def _model_file(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from ydtwin.io.models import is_model

        if not is_model(v):
            raise ValueError(f"model {v!r} is not a 3D model file (.glb, .gltf, .obj, .ply, .stl, .ifc)")
        return _relative(v)

    @field_validator("model_anchor")
    @classmethod
    def _anchor(cls, v: str | None) -> str | None:
        if v is not None:
            from ydtwin.model.models import parse_anchor

            parse_anchor(v)
        return v

    @field_validator("phase")
    @classmethod
    def _years(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not (1900 <= v[0] <= v[1] <= 2200):
            raise ValueError("phase must be [start, opening] years with 1900 <= start <= opening <= 2200")
        return v

    @model_validator(mode="after")
    def _kind_known(self) -> ProjectContribution:
        if self.kind not in (*CORRIDOR_CLASSES, *ZONE_KINDS):
            raise ValueError(f"kind {self.kind!r} is not one of {', '.join((*CORRIDOR_CLASSES, *ZONE_KINDS))}")
        if self.max_height_m is not None and (self.kind in CORRIDOR_CLASSES or self.kind == "facility"):
            raise ValueError(f"max_height_m: only a zone can limit building heights, not a {self.kind}")
        if self.model_anchor is not None and self.model is None:
            raise ValueError("model_anchor without a model")
        return self


class LayerStyle(_Strict):
    colour: Colour = "#e0e0e0"
    line_width: float = Field(2.0, gt=0, le=20)
    fill: bool = False


class LayerContribution(_Strict):
    """An extra layer with its style (vector data in the plugin)."""

    id: Id
    name: str = Field(min_length=1)
    name_zh: str = ""
    source: RelPath
    crs: str = "EPSG:4326"
    theme: str = ""
    style: LayerStyle = LayerStyle()
    provenance: Literal["real", "illustrative", "schematic", "synthetic", "procedural"] = "illustrative"
    licence: str = "see the plugin"

    @field_validator("source")
    @classmethod
    def _inside(cls, v: str) -> str:
        return _relative(v)


class ReaderContribution(_Strict):
    """Code that opens files: ``python(path) -> BuildingsData | VectorData``."""

    id: Id
    name: str = Field(min_length=1)
    python: Python
    patterns: list[str] = Field(min_length=1, description="file name patterns, e.g. ['*.gpkg']")


class ThemeContribution(_Strict):
    """A planning theme with its colour in legends and the scene."""

    id: Id
    title: str = Field(min_length=1)
    title_zh: str = ""
    colour: Colour


class PanelContribution(_Strict):
    """A Qt panel, imported when the user opens it: ``python(api) -> QWidget`` (api: a ViewerAPI)."""

    id: Id
    title: str = Field(min_length=1)
    title_zh: str = ""
    python: Python


class RuleContribution(_Strict):
    """A review check. Declarative (``check`` with ``params``) or code (``python(context) -> findings``)."""

    id: Id
    title: str = Field(min_length=1)
    description: str = ""
    severity: Literal["info", "warning", "error"] = "warning"
    check: str | None = Field(None, description="a built-in check name (declarative rule)")
    python: Python | None = None
    params: dict[str, str | int | float | bool | list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_way(self) -> RuleContribution:
        if (self.check is None) == (self.python is None):
            raise ValueError("a rule gives exactly one of 'check' (declarative) or 'python' (code)")
        return self


class Contributions(_Strict):
    projects: list[ProjectContribution] = Field(default_factory=list)
    layers: list[LayerContribution] = Field(default_factory=list)
    readers: list[ReaderContribution] = Field(default_factory=list)
    themes: list[ThemeContribution] = Field(default_factory=list)
    panels: list[PanelContribution] = Field(default_factory=list)
    rules: list[RuleContribution] = Field(default_factory=list)


class Manifest(_Strict):
    """``ydtwin.toml``."""

    name: str = Field(pattern=_NAME, max_length=64, description="unique plugin name, e.g. 'ydtwin-suzhou'")
    display_name: str = Field(min_length=1)
    display_name_zh: str = ""
    version: str = Field("0.1.0", pattern=r"^\d+(\.\d+){0,3}([.-]?[a-z0-9]+)?$")
    schema_version: Literal[1] = 1
    requires_ydtwin: str = Field(">=0.1", description="version specifier, e.g. '>=0.1'")
    description: str = ""
    author: str = ""
    licence: str = Field("", description="licence of the plugin's data and code")
    homepage: str = ""
    accuracy_m: Accuracy | None = Field(None, description=ACCURACY_TEXT + " — of every project that states none")
    city: CityInfo | None = None
    contributions: Contributions = Contributions()

    @property
    def short_name(self) -> str:
        """The prefix every id in the plugin starts with: the name without a leading 'ydtwin-'."""
        return self.name.removeprefix("ydtwin-")

    @property
    def has_code(self) -> bool:
        c = self.contributions
        return bool(c.readers or c.panels or any(rule.python for rule in c.rules))

    def python_refs(self) -> list[str]:
        c = self.contributions
        return [*(r.python for r in c.readers), *(p.python for p in c.panels),
                *(r.python for r in c.rules if r.python)]


def manifest_json_schema() -> dict:
    """The JSON schema of ``ydtwin.toml`` (TOML maps one to one onto JSON)."""
    schema = Manifest.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ydtwin plugin manifest (ydtwin.toml)"
    return schema
