"""Flythrough paths as data: keyframes in lon/lat + height, tracks (plan year, layer visibility, captions),
saved as JSON with a published schema (no executable content); sampled frame by frame for rendering.

Positions are geographic (WGS84 lon/lat degrees, height in metres above the scene's datum), so a path stays
valid when the scene's projection changes; a :class:`Sampler` turns it into scene-metre camera poses.

Limits, checked when a path is made or loaded (a file: before it is parsed, where they can be), so that no file
can start an endless render: at most :data:`MAX_KEYFRAMES` keyframes and :data:`MAX_TRACK_KEYS` keys per track,
durations and times finite and not negative, a frame rate of 1–120 fps, a video of at most
:data:`MAX_DURATION_S` seconds and :data:`MAX_FRAMES` frames (30 minutes at 60 fps), a file of at most
:data:`MAX_FILE_BYTES`.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ydtwin.atomic import write_text
from ydtwin.geo.camera import EASES, CameraSpline, Key, Pose

PATH_FORMAT = "ydtwin-flightpath/1"
#: the largest video frame (4K UHD); stills go further (tiled)
MAX_VIDEO_SIZE = (3840, 2160)


#: the most keyframes a path has (a day-long tour at one key a minute is far fewer)
MAX_KEYFRAMES = 10_000
#: the most keys each track (plan year, layers, captions) has
MAX_TRACK_KEYS = 10_000
#: the longest video a path makes: 30 minutes ...
MAX_DURATION_S = 1800.0
#: ... and the most frames: 30 minutes at 60 fps (at 120 fps, 15 minutes)
MAX_FRAMES = 108_000
#: frame rates a video may have
FPS_RANGE = (1, 120)
#: the largest flight path file read (10,000 keyframes with long captions fit several times over)
MAX_FILE_BYTES = 32 * 1024 * 1024


#: the lowest a camera may fly: a few metres below the deepest ground or sea floor a region has (the Delta's
#: estuary bed is ~-60 m)
MIN_EYE_HEIGHT_M = -500.0


class PathError(ValueError):
    """A path file that cannot be used: one line naming the file and what is wrong."""


def _lonlath(value: list[float], what: str) -> list[float]:
    if len(value) != 3:
        raise ValueError(f"{what} must be [lon, lat, height]")
    lon, lat, h = value
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"{what} {lon}, {lat} is not a lon/lat position")
    if not math.isfinite(h) or abs(h) > 1_000_000:
        raise ValueError(f"{what} height {h} m is out of range")
    return [float(v) for v in value]


class Keyframe(BaseModel):
    """A camera position on the path; ``seconds`` is the segment that starts here, ``hold`` a pause first."""

    model_config = ConfigDict(extra="forbid")
    name: str = ""
    eye: list[float] = Field(description="[lon, lat, height m] of the camera")
    target: list[float] = Field(description="[lon, lat, height m] the camera looks at")
    view_angle: float = Field(30.0, ge=1.0, le=120.0, description="vertical field of view, degrees")
    roll: float = Field(0.0, ge=-180.0, le=180.0, description="turn about the viewing direction, degrees")
    seconds: float = Field(4.0, ge=0.0, le=3600.0, description="duration of the segment to the next keyframe")
    hold: float = Field(0.0, ge=0.0, le=3600.0, description="seconds the camera rests here first")
    ease: Literal["linear", "in", "out", "in-out"] = "in-out"
    plan_year: int | None = Field(None, ge=1900, le=2200, description="the plans as of this year, from here on")
    caption: str = Field("", description="shown from this keyframe until the next one")
    layers: dict[str, bool] = Field(default_factory=dict,
                                    description="layers (name or role) shown or hidden from this keyframe on")

    @field_validator("eye")
    @classmethod
    def _eye(cls, v):
        v = _lonlath(v, "eye")
        if v[2] < MIN_EYE_HEIGHT_M:
            raise ValueError(f"eye height {v[2]:g} m is below the lowest ground and sea floor of any region "
                             f"({MIN_EYE_HEIGHT_M:g} m)")
        return v

    @field_validator("target")
    @classmethod
    def _target(cls, v):
        return _lonlath(v, "target")

    @model_validator(mode="after")
    def _distinct(self):
        if self.eye == self.target:
            raise ValueError("eye and target must differ")
        return self


class YearKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time: float = Field(ge=0.0, allow_inf_nan=False)
    year: int = Field(ge=1900, le=2200)


class LayerKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    time: float = Field(ge=0.0, allow_inf_nan=False)
    layer: str = Field(min_length=1, description="a layer's name or role")
    visible: bool


class Caption(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: float = Field(ge=0.0, allow_inf_nan=False)
    end: float = Field(ge=0.0, allow_inf_nan=False)
    text: str

    @model_validator(mode="after")
    def _order(self):
        if self.end < self.start:
            raise ValueError("a caption ends before it starts")
        return self


class Tracks(BaseModel):
    """What changes besides the camera: the plan year (from each key on), layers shown or hidden (from
    each key on), captions (shown between start and end)."""

    model_config = ConfigDict(extra="forbid")
    plan_year: list[YearKey] = Field([], max_length=MAX_TRACK_KEYS)
    layers: list[LayerKey] = Field([], max_length=MAX_TRACK_KEYS)
    captions: list[Caption] = Field([], max_length=MAX_TRACK_KEYS)


class FlightPath(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["ydtwin-flightpath/1"] = PATH_FORMAT
    title: str = ""
    closed: bool = Field(False, description="the last keyframe flies back to the first (an orbit)")
    keyframes: list[Keyframe] = Field(min_length=1, max_length=MAX_KEYFRAMES)
    tracks: Tracks = Tracks()
    fps: int = Field(30, ge=FPS_RANGE[0], le=FPS_RANGE[1])
    size: list[int] = Field([1920, 1080], description="[width, height] pixels of a video frame")

    @field_validator("size")
    @classmethod
    def _size(cls, v):
        if len(v) != 2 or not (16 <= v[0] <= MAX_VIDEO_SIZE[0] and 16 <= v[1] <= MAX_VIDEO_SIZE[1]):
            raise ValueError(f"size must be [width, height] within {MAX_VIDEO_SIZE[0]}x{MAX_VIDEO_SIZE[1]}")
        return v

    @model_validator(mode="after")
    def _bounded(self):
        problem = video_limit(self.duration, self.fps)
        if problem:
            raise ValueError(problem)
        return self

    # --- timing -----------------------------------------------------------------------------------

    @property
    def duration(self) -> float:
        """Seconds from the first frame to the last (the same rule as :class:`CameraSpline`)."""
        keys = self.keyframes
        closed = self.closed and len(keys) > 2
        segments = keys if closed else keys[:-1]
        return sum(k.hold + k.seconds for k in segments) + (0.0 if closed else keys[-1].hold)

    def frame_count(self, fps: int | None = None) -> int:
        """Frames of a video at ``fps``: one at t = 0 and one per 1/fps up to the end (a count only; what renders
        asks :meth:`video_frames`)."""
        return _frames(self.duration, fps or self.fps)

    def video_frames(self, fps: int | None = None) -> int:
        """:meth:`frame_count` of a video about to be rendered, or a :class:`PathError` (one line) when it would
        break the limits (:data:`FPS_RANGE`, :data:`MAX_DURATION_S`, :data:`MAX_FRAMES`): a path edited after it
        was checked, or another frame rate, is checked again here."""
        fps = self.fps if fps is None else fps
        problem = video_limit(self.duration, fps)
        if problem:
            raise PathError(f"{self.title or 'flight path'}: {problem}")
        return _frames(self.duration, fps)

    # --- files ------------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the path as JSON, atomically (temp file + fsync + replace)."""
        return write_text(path, json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> FlightPath:
        """Read and check a path file: a regular file of at most :data:`MAX_FILE_BYTES`, counts checked before
        the keyframes are; every problem is one :class:`PathError` line naming the file."""
        path = Path(path)
        try:
            mode = os.stat(path).st_mode  # before opening: a FIFO would block the open
            if stat.S_ISDIR(mode):
                raise PathError(f"{path}: is a folder (a flight path is a JSON file)")
            if not stat.S_ISREG(mode):
                raise PathError(f"{path}: not a regular file (a flight path is a JSON file)")
            with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise PathError(f"{path}: not a regular file (a flight path is a JSON file)")
                if st.st_size > MAX_FILE_BYTES:
                    raise PathError(f"{path}: {st.st_size:,} bytes; a flight path file is at most {MAX_FILE_BYTES:,}")
                raw = fh.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                raise PathError(f"{path}: grew past {MAX_FILE_BYTES:,} bytes while it was read")
            text = raw.decode("utf-8")
        except FileNotFoundError:
            raise PathError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PathError(f"{path}: cannot be read ({exc})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PathError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        except RecursionError:
            raise PathError(f"{path}: not a flight path (nested too deeply)") from None
        if not isinstance(data, dict):
            raise PathError(f"{path}: a flight path is a JSON object")
        if data.get("format") not in (None, PATH_FORMAT):
            raise PathError(f"{path}: format {repr(data.get('format'))[:60]} is not {PATH_FORMAT}")
        _check_counts(path, data)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise PathError(f"{path}: {validation_line(exc)}") from None


def _frames(duration: float, fps: int) -> int:
    return int(math.floor(duration * fps + 1e-6)) + 1


def video_limit(duration: float, fps) -> str:
    """Why a video of ``duration`` seconds at ``fps`` is refused (one line), or "" when it is within the limits."""
    lo, hi = FPS_RANGE
    if isinstance(fps, bool) or not isinstance(fps, int) or not lo <= fps <= hi:
        return f"frame rate {fps!r}: {lo}–{hi} frames per second"
    if not math.isfinite(duration) or duration < 0:
        return f"the path lasts {duration} s: a duration is finite and not negative"
    if duration > MAX_DURATION_S:
        return (f"the path lasts {duration:,.0f} s: a video is at most {MAX_DURATION_S:,.0f} s "
                f"({MAX_DURATION_S / 60:g} minutes)")
    frames = _frames(duration, fps)
    if frames > MAX_FRAMES:
        return (f"{frames:,} frames at {fps} fps: a video is at most {MAX_FRAMES:,} frames (30 minutes at 60 fps); "
                "lower the frame rate or shorten the path")
    return ""


def _check_counts(path: Path, data: dict) -> None:
    """Counts first: a file with 240,000 keyframes is refused before any is validated."""
    lists = [("keyframes", data.get("keyframes"), MAX_KEYFRAMES)]
    tracks = data.get("tracks")
    if isinstance(tracks, dict):
        lists += [(f"tracks.{name}", tracks.get(name), MAX_TRACK_KEYS) for name in ("plan_year", "layers", "captions")]
    for where, items, limit in lists:
        if isinstance(items, list) and len(items) > limit:
            raise PathError(f"{path}: {where}: {len(items):,} items; a flight path has at most {limit:,}")


def validation_line(exc: ValidationError) -> str:
    """The first problem of a validation error in one line: "keyframes.0.lat: Input should be …"."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "path"
    return f"{where}: {err['msg']}"


def json_schema() -> dict:
    schema = FlightPath.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ydtwin flight path"
    return schema


@dataclass(frozen=True)
class FrameState:
    """Everything that one frame shows besides the scene itself."""

    time: float
    pose: Pose
    plan_year: int | None
    layers: dict[str, bool]
    caption: str


class Sampler:
    """A flight path in a scene's projection: the camera pose and track state at any time."""

    def __init__(self, path: FlightPath, projection) -> None:
        self.path = path
        self.projection = projection
        keys = []
        for k in path.keyframes:
            keys.append(Key(tuple(self._xyz(k.eye)), tuple(self._xyz(k.target)), k.view_angle, k.roll, k.seconds,
                            k.hold, k.ease))
        self.spline = CameraSpline(keys, closed=path.closed)
        self.duration = self.spline.duration
        # keyframes' own year and caption, at the keyframe's time (they move with it)
        starts = [0.0, *itertools.accumulate(k.hold + k.seconds for k in path.keyframes[:-1])]
        self.key_times = starts
        years = list(path.tracks.plan_year)
        captions = list(path.tracks.captions)
        for i, k in enumerate(path.keyframes):
            if k.plan_year is not None:
                years.append(YearKey(time=starts[i], year=k.plan_year))
            if k.caption:
                end = starts[i + 1] if i + 1 < len(starts) else self.duration
                captions.append(Caption(start=starts[i], end=max(end, starts[i]), text=k.caption))
        self._captions = captions
        self._years = sorted(years, key=lambda k: k.time)
        layer_keys = list(path.tracks.layers)
        for i, k in enumerate(path.keyframes):
            layer_keys += [LayerKey(time=starts[i], layer=name, visible=on) for name, on in k.layers.items()]
        self._layers = sorted(layer_keys, key=lambda k: k.time)

    def _xyz(self, lonlath) -> np.ndarray:
        x, y = self.projection.to_scene(lonlath[0], lonlath[1])
        return np.array([float(x), float(y), float(lonlath[2])])

    def times(self, fps: int | None = None) -> np.ndarray:
        fps = fps or self.path.fps
        return np.arange(self.path.video_frames(fps)) / fps

    def state(self, t: float) -> FrameState:
        year = None
        for key in self._years:
            if key.time <= t + 1e-9:
                year = key.year
        layers: dict[str, bool] = {}
        for key in self._layers:
            if key.time <= t + 1e-9:
                layers[key.layer] = key.visible
        eps = 1e-9

        def shown(c: Caption) -> bool:  # [start, end), and a caption that ends with the path stays to the end
            return c.start - eps <= t and (t < c.end - eps or (c.end >= self.duration - eps and t >= c.end - eps))

        caption = " · ".join(c.text for c in self._captions if shown(c))
        return FrameState(t, self.spline.pose(t), year, layers, caption)


def apply_tracks(scene, state: FrameState, base: tuple | None = None) -> None:
    """Put a frame's plan year and layer visibility on the scene (the model; views follow). ``base`` =
    (plan year, {layer id: visible}) is what applies where the path sets nothing yet (a preview scrubbing
    back); without it, what the path does not set is left as it is."""
    year = state.plan_year
    if year is None and base is not None:
        year = base[0]
    if (year is not None or base is not None) and scene.plan_year != year:
        scene.plan_year = year
    for layer in scene.layers:
        visible = state.layers.get(layer.name, state.layers.get(layer.role))
        if visible is None and base is not None:
            visible = base[1].get(layer.id)
        if visible is not None and layer.visible != visible:
            layer.visible = visible


__all__ = ["EASES", "FPS_RANGE", "MAX_DURATION_S", "MAX_FILE_BYTES", "MAX_FRAMES", "MAX_KEYFRAMES", "MAX_TRACK_KEYS",
           "FlightPath", "FrameState", "Keyframe", "PathError", "Sampler", "Tracks", "apply_tracks", "json_schema",
           "video_limit"]
