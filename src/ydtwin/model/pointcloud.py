"""Point clouds as data: float64 positions with their CRS, the LAS attributes planners colour by, and the
ASPRS classes with their colours.

``PointCloudData`` holds what was read (at most a resident limit, see ``ydtwin.io.pointcloud_read``);
``PointCloudLayer`` adds what the user changes: what the points are coloured by, which classes are shown,
the point size and shading — all evented, so every view follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ydtwin.model.layer import Layer

__all__ = ["ASPRS_CLASSES", "CLASS_CODES", "COLOR_BY", "POINT_SIZE_PX", "PointCloudData", "PointCloudLayer",
           "class_colour", "class_name"]

#: ASPRS standard point classes (LAS 1.4 R15, table 17): code → (name, RGB 0–1). Vegetation in greens from
#: light (low) to dark (high), ground brown, buildings red, water blue, wires and towers in warm yellows,
#: noise magenta (so that it stands out and can be switched off).
ASPRS_CLASSES: dict[int, tuple[str, tuple[float, float, float]]] = {
    0: ("never classified", (0.62, 0.62, 0.62)),
    1: ("unclassified", (0.78, 0.78, 0.78)),
    2: ("ground", (0.66, 0.48, 0.30)),
    3: ("low vegetation", (0.62, 0.86, 0.45)),
    4: ("medium vegetation", (0.30, 0.70, 0.25)),
    5: ("high vegetation", (0.08, 0.45, 0.12)),
    6: ("building", (0.90, 0.25, 0.20)),
    7: ("low noise", (0.90, 0.20, 0.90)),
    8: ("model key point", (0.50, 0.50, 0.50)),
    9: ("water", (0.15, 0.45, 0.90)),
    10: ("rail", (0.55, 0.35, 0.62)),
    11: ("road surface", (0.30, 0.30, 0.34)),
    12: ("overlap", (0.70, 0.70, 0.55)),
    13: ("wire guard", (0.98, 0.90, 0.25)),
    14: ("wire conductor", (1.00, 0.72, 0.10)),
    15: ("transmission tower", (0.85, 0.50, 0.12)),
    16: ("wire connector", (0.62, 0.40, 0.10)),
    17: ("bridge deck", (0.98, 0.62, 0.62)),
    18: ("high noise", (1.00, 0.00, 1.00)),
}
#: classes 19–255 (reserved or user-defined)
OTHER_CLASS_COLOUR = (0.55, 0.55, 0.72)
#: what a cloud can be coloured by (``rgb`` only when the file has colours)
COLOR_BY = ("classification", "elevation", "intensity", "rgb", "return_number")
#: the class codes a LAS file can hold (ASPRS 0–18, the rest reserved or user-defined)
CLASS_CODES = (0, 255)
#: the point sizes a cloud can be drawn with (pixels)
POINT_SIZE_PX = (0.5, 20.0)
BUILDING_CLASS = 6
GROUND_CLASS = 2


def class_name(code: int) -> str:
    return ASPRS_CLASSES[code][0] if code in ASPRS_CLASSES else f"class {code}"


def class_colour(code: int) -> tuple[float, float, float]:
    return ASPRS_CLASSES[code][1] if code in ASPRS_CLASSES else OTHER_CLASS_COLOUR


def class_palette() -> np.ndarray:
    """(256, 3) uint8: the colour of every class code (a lookup table)."""
    lut = np.tile(np.round(np.array(OTHER_CLASS_COLOUR) * 255).astype(np.uint8), (256, 1))
    for code, (_name, rgb) in ASPRS_CLASSES.items():
        lut[code] = np.round(np.array(rgb) * 255).astype(np.uint8)
    return lut


@dataclass(frozen=True)
class PointCloudData:
    """Points (float64 ``xyz``, (n, 3)) in ``crs`` with their LAS attributes.

    ``source_crs`` names the file's own CRS (what the header said, or what the user gave), ``file_points`` how
    many points the file holds and ``note`` how the points were chosen when fewer were kept (a COPC level, a
    voxel size), so that a view never passes a subset off as the whole file."""

    xyz: np.ndarray
    crs: str
    classification: np.ndarray  # (n,) uint8
    intensity: np.ndarray  # (n,) uint16
    return_number: np.ndarray  # (n,) uint8
    rgb: np.ndarray | None = None  # (n, 3) uint8
    source_crs: str = ""
    file_points: int = 0
    note: str = ""
    #: derived arrays computed once (the data itself never changes)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.xyz)
        if self.xyz.ndim != 2 or self.xyz.shape[1] != 3:
            raise ValueError("xyz must be an (n, 3) array")
        for name in ("classification", "intensity", "return_number"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values for {n} points")
        if self.rgb is not None and self.rgb.shape != (n, 3):
            raise ValueError("rgb must be an (n, 3) array")

    def __len__(self) -> int:
        return len(self.xyz)

    def subset(self, keep: np.ndarray) -> PointCloudData:
        """The points where ``keep`` (a bool mask or an index array) selects, in order."""
        return PointCloudData(self.xyz[keep], self.crs, self.classification[keep], self.intensity[keep],
                              self.return_number[keep], None if self.rgb is None else self.rgb[keep],
                              self.source_crs, self.file_points, self.note)

    def classes(self) -> dict[int, int]:
        """Point count per class code present."""
        if "classes" not in self._cache:
            counts = np.bincount(self.classification, minlength=256)
            self._cache["classes"] = {int(c): int(counts[c]) for c in np.flatnonzero(counts)}
        return self._cache["classes"]

    def occupied_cells(self, cell: float) -> np.ndarray:
        """(k, 2) centres of the square cells of side ``cell`` (units of ``crs``) holding at least one point."""
        if not len(self):
            return np.zeros((0, 2))
        ij = np.unique(np.floor(self.xyz[:, :2] / cell).astype(np.int64), axis=0)
        return (ij + 0.5) * cell

    @staticmethod
    def concatenate(items: list[PointCloudData]) -> PointCloudData:
        if not items:
            raise ValueError("nothing to concatenate")
        first = items[0]
        rgb = None if any(d.rgb is None for d in items) else np.concatenate([d.rgb for d in items])
        return PointCloudData(
            np.concatenate([d.xyz for d in items]), first.crs, np.concatenate([d.classification for d in items]),
            np.concatenate([d.intensity for d in items]), np.concatenate([d.return_number for d in items]),
            rgb, first.source_crs, first.file_points, first.note)


class PointCloudLayer(Layer):
    """A LiDAR survey: points coloured by ``color_by`` (one of ``COLOR_BY``), ``hidden_classes`` not drawn,
    drawn ``point_size`` pixels wide, as lit spheres when ``shaded``."""

    kind = "pointcloud"
    #: a survey hides the procedural blocks in the area it covers, as real footprints do
    replaces = "area"

    def __init__(self, name: str, data: PointCloudData, *, color_by: str = "classification", point_size: float = 2.0,
                 shaded: bool = False, **kwargs) -> None:
        super().__init__(name, **kwargs)
        self.data = data
        self._color_by = ""
        self.color_by = color_by
        self._hidden_classes: frozenset[int] = frozenset()
        self._point_size = float(point_size)
        self._shaded = bool(shaded)

    @property
    def crs(self) -> str:
        return self.data.crs

    def colorable(self) -> list[str]:
        return [c for c in COLOR_BY if c != "rgb" or self.data.rgb is not None]

    @property
    def color_by(self) -> str:
        return self._color_by

    @color_by.setter
    def color_by(self, value: str) -> None:
        value = value or "classification"
        if value not in self.colorable():
            raise ValueError(f"point cloud {self.name!r} cannot be coloured by {value!r} "
                             f"(can: {', '.join(self.colorable())})")
        if value != self._color_by:
            self._color_by = value
            self.events.style.emit(self.style)

    @property
    def hidden_classes(self) -> frozenset[int]:
        return self._hidden_classes

    @hidden_classes.setter
    def hidden_classes(self, codes) -> None:
        codes = frozenset(int(c) for c in codes)
        lo, hi = CLASS_CODES
        if any(not lo <= c <= hi for c in codes):
            raise ValueError(f"class codes are {lo}–{hi}")
        if codes != self._hidden_classes:
            self._hidden_classes = codes
            self.events.data.emit(self)

    def set_class_visible(self, code: int, visible: bool) -> None:
        """Show or hide the points of one ASPRS class."""
        code = int(code)
        self.hidden_classes = (self._hidden_classes - {code}) if visible else (self._hidden_classes | {code})

    def shown_mask(self) -> np.ndarray:
        """Per point: whether its class is shown."""
        if not self._hidden_classes:
            return np.ones(len(self.data), dtype=bool)
        hidden = np.zeros(256, dtype=bool)
        hidden[list(self._hidden_classes)] = True
        return ~hidden[self.data.classification]

    @property
    def point_size(self) -> float:
        return self._point_size

    @point_size.setter
    def point_size(self, value: float) -> None:
        value = float(value)
        lo, hi = POINT_SIZE_PX
        if not (lo <= value <= hi):  # NaN too
            raise ValueError(f"point size must be between {lo:g} and {hi:g} pixels")
        if value != self._point_size:
            self._point_size = value
            self.events.style.emit(self.style)

    @property
    def shaded(self) -> bool:
        """Points drawn as lit spheres (depth reads on the cloud; see ydtwin.render.points on eye-dome lighting)."""
        return self._shaded

    @shaded.setter
    def shaded(self, value: bool) -> None:
        if bool(value) != self._shaded:
            self._shaded = bool(value)
            self.events.style.emit(self.style)

    def classes_present(self) -> list[tuple[int, str, int]]:
        """(code, name, points) of each class in the cloud, by code."""
        return [(code, class_name(code), n) for code, n in sorted(self.data.classes().items())]
