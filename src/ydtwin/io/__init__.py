"""Readers and writers: files → validated plain data (``VectorData``, ``GridData``, ``PointData``).

Every reader checks what it returns (finite coordinates, a CRS, inside the region envelope) and raises
``ydtwin.errors.ReadError`` with one line a user can act on.
"""

from ydtwin.io.info import FileInfo, describe
from ydtwin.io.region import load_region

__all__ = ["FileInfo", "describe", "load_region"]
