"""The built-in readers, as the built-in plugin's manifest names them."""

from __future__ import annotations

from pathlib import Path


def read_footprints(path: Path, **options):
    """Building footprints in any supported format → (BuildingsData, report). Options as
    ``ydtwin.io.buildings.read_buildings`` (crs, progress, cancel, region_bbox, batch_size, heights)."""
    from ydtwin.io.buildings import read_buildings

    return read_buildings(path, **options)
