"""The scene model: pure, evented data (psygnal). Views subscribe to it; it never calls a view."""

from ydtwin.model.layer import (
    GridData,
    LabelLayer,
    Layer,
    PointData,
    Provenance,
    Style,
    TerrainLayer,
    VectorData,
    VectorLayer,
)
from ydtwin.model.region import City, Region
from ydtwin.model.scene import Scene

__all__ = [
    "City",
    "GridData",
    "LabelLayer",
    "Layer",
    "PointData",
    "Provenance",
    "Region",
    "Scene",
    "Style",
    "TerrainLayer",
    "VectorData",
    "VectorLayer",
]
