"""The review session file and its journal edits as pydantic models: what ``ydtwin.review.session`` reads
and writes, and where the published schema (docs/review-session.schema.json) comes from."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, JsonValue, TypeAdapter, ValidationError, field_validator, model_validator

from ydtwin.fileformat import StrictModel, error_line, lonlat_height

__all__ = ["FINDING_STATUSES", "SESSION_FORMAT", "Edit", "FindingStatus", "SessionFile", "session_json_schema"]

SESSION_FORMAT = "ydtwin-review-session/1"

#: where a finding stands in the review (not a project's plan status: planned / under_construction / built)
FindingStatus = Literal["open", "agreed", "deferred", "resolved"]
FINDING_STATUSES: tuple[str, ...] = get_args(FindingStatus)



# --- the file format -----------------------------------------------------------------------------------

Name = Annotated[str, Field(max_length=500)]
Text = Annotated[str, Field(max_length=100_000)]
Stamp = Annotated[str, Field(max_length=64, description="ISO 8601 UTC")]
EditId = Annotated[str, Field(min_length=1, max_length=64, description="unique id of the edit")]
FindingId = Annotated[str, Field(min_length=1, max_length=500)]


class FindingData(StrictModel):
    """A finding as the checks report it (Finding.to_json()), or a manual one."""

    id: FindingId
    kind: Name = Field(description="connected, offset, dangling, class_mismatch, grade_mismatch, phase_mismatch, "
                                   "datum_suspect, conflict, manual, or a plugin rule's id")
    severity: Literal["info", "warning", "error"]
    rule: Name = ""
    cities: list[Name]
    projects: list[Name]
    location: list[float] = Field(description="[lon, lat] (WGS84)")
    message: Text
    details: dict[Name, JsonValue] = Field(default_factory=dict)
    author: Name = Field("", description="who placed a manual finding")

    @field_validator("location")
    @classmethod
    def _lonlat(cls, v: list[float]) -> list[float]:
        if len(v) != 2:
            raise ValueError("location must be [lon, lat]")
        return lonlat_height([*v, 0.0], "location")[:2]


def _box(text: str) -> str:
    parts = text.split(",")
    try:
        lon0, lat0, lon1, lat1 = (float(p) for p in parts)
    except ValueError:
        raise ValueError("view must be 'lon0,lat0,lon1,lat1'") from None
    for lon, lat in ((lon0, lat0), (lon1, lat1)):
        lonlat_height([lon, lat, 0.0], "view")
    return text


class FindingViewpoint(StrictModel):
    """Where a finding is looked at from: its box, and the camera a planner saved (edit 'set_viewpoint')."""

    view: Annotated[str, Field(max_length=200)] | None = Field(None, description="'lon0,lat0,lon1,lat1' box")
    eye: list[float] | None = Field(None, description="[lon, lat, height m]")
    target: list[float] | None = Field(None, description="[lon, lat, height m]")
    view_angle: float | None = Field(None, ge=1.0, le=120.0, description="degrees")

    @field_validator("view")
    @classmethod
    def _view(cls, v: str | None) -> str | None:
        return None if v is None else _box(v)

    @field_validator("eye", "target")
    @classmethod
    def _lonlat(cls, v: list[float] | None, info) -> list[float] | None:
        return None if v is None else lonlat_height(v, info.field_name)


class StatusChange(StrictModel):
    """An entry of a finding's status history."""

    model_config = {"populate_by_name": True}
    time: Stamp
    edit: EditId
    author: Name
    city: Name
    from_: FindingStatus = Field(alias="from")
    to: FindingStatus


#: a measurement a comment carries (``ydtwin.geo.measurement.Measurement.to_json()``: kind, points, figures)
MeasurementData = Annotated[dict[Name, JsonValue], Field(
    description="a measurement attached to the finding: kind (distance, area, height), points [lon, lat, height, "
                "source] and the figures in metres, square metres and per cent")]


class Comment(StrictModel):
    time: Stamp
    edit: EditId
    author: Name
    city: Name
    text: Text
    measurement: MeasurementData | None = None


class FindingRecord(StrictModel):
    """A finding in the review: its status, the history of that status, the comment thread, its viewpoint."""

    finding: FindingData
    status: FindingStatus = Field(description="where the finding stands in the review")
    viewpoint: FindingViewpoint | None = None
    history: list[StatusChange]
    comments: list[Comment]


class Scenario(StrictModel):
    """What the findings were checked on."""

    region: Name | None = None
    year: int | None = Field(None, ge=1900, le=2200, description="plan year (null: all)")
    plugins: list[Name] = Field(default_factory=list)
    rules: list[Name] = Field(default_factory=list)


class SessionFile(StrictModel):
    """A review session file; edits since the last save are in '<file>.journal', one JSON object a line."""

    format: Literal["ydtwin-review-session/1"]
    title: Text
    created: Stamp
    saved: Stamp
    scenario: Scenario
    findings: list[FindingRecord]

    @model_validator(mode="after")
    def _unique(self) -> SessionFile:
        seen: set[str] = set()
        for i, rec in enumerate(self.findings):
            if rec.finding.id in seen:
                raise ValueError(f"findings[{i}]: finding id {rec.finding.id!r} appears twice")
            seen.add(rec.finding.id)
        return self


class _EditBase(StrictModel):
    time: Stamp
    edit: EditId


class AddFinding(_EditBase):
    op: Literal["add_finding"]
    finding: FindingData
    viewpoint: FindingViewpoint | None = None


class SetStatus(_EditBase):
    op: Literal["set_status"]
    id: FindingId
    status: FindingStatus
    author: Name
    city: Name


class CameraViewpoint(StrictModel):
    eye: list[float]
    target: list[float]
    view_angle: float = Field(30.0, ge=1.0, le=120.0)

    @field_validator("eye", "target")
    @classmethod
    def _lonlat(cls, v: list[float], info) -> list[float]:
        return lonlat_height(v, info.field_name)


class SetViewpoint(_EditBase):
    op: Literal["set_viewpoint"]
    id: FindingId
    viewpoint: CameraViewpoint
    author: Name
    city: Name


class CommentEdit(_EditBase):
    op: Literal["comment"]
    id: FindingId
    text: Text
    author: Name
    city: Name
    measurement: MeasurementData | None = None


#: one line of the journal
Edit = Annotated[AddFinding | SetStatus | SetViewpoint | CommentEdit, Field(discriminator="op")]
_EDIT: TypeAdapter = TypeAdapter(Edit)


def session_json_schema() -> dict:
    """The published schema of a session file (docs/review-session.schema.json), from :class:`SessionFile`."""
    schema = SessionFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"ydtwin review session ({SESSION_FORMAT})"
    return schema


def _check_edit(edit: dict) -> None:
    try:
        _EDIT.validate_python(edit)
    except ValidationError as exc:
        raise ValueError(error_line(exc)) from None
