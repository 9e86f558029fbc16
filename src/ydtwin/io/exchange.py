"""Writers of the formats other tools read: GeoPackage (through GDAL, via pyogrio), KML 2.2 and CSV.

A :class:`FeatureTable` is one layer: WGS 84 lon/lat geometries (shapely), one value per feature for each
field, and optionally a colour per feature (KML draws features in it; a GeoPackage keeps it as a field).
Every writer is atomic (a temporary file in the output's folder, renamed over the output when complete) and
never writes through a symbolic link at the output's name.

KML is written here (not through GDAL's KML drivers): GDAL's KML driver writes a second layer into a file
as a nested document with a mismatched schema, and its LIBKML driver crashed appending one; a KML file is
a small XML document (placemarks in one folder per layer, each with its style), made with the standard
library's ElementTree, which escapes every text.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import YdtwinError

__all__ = ["FeatureTable", "VECTOR_FORMATS", "csv_text", "vector_format", "write_csv", "write_gpkg", "write_kml",
           "write_vectors"]

#: output suffix → format name
VECTOR_FORMATS = {".gpkg": "GeoPackage", ".kml": "KML"}
#: geometry type written for each table kind (a GeoPackage layer holds one type: single parts are promoted)
_MULTI = {0: "MultiPoint", 4: "MultiPoint", 1: "MultiLineString", 5: "MultiLineString", 3: "MultiPolygon",
          6: "MultiPolygon"}
#: characters that make a spreadsheet read a cell as a formula (CSV injection): such text gets a leading '
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class FeatureTable:
    """One layer of features in WGS 84 (EPSG:4326, lon/lat degrees)."""

    name: str  # the layer's name in the file (letters, digits, _)
    geometries: np.ndarray  # shapely geometries, all points, all lines or all polygons
    fields: dict[str, list] = field(default_factory=dict)
    title: str = ""  # a folder's name in KML
    #: per feature (r, g, b) in 0–1, or None: KML styles; the GeoPackage gets a "colour" field (#rrggbb)
    colours: list | None = None
    #: the field that names a placemark in KML, and the one that describes it
    label_field: str = ""
    description_field: str = ""

    def __post_init__(self) -> None:
        self.geometries = np.asarray(self.geometries, dtype=object)
        n = len(self.geometries)
        for key, values in self.fields.items():
            if len(values) != n:
                raise ValueError(f"{self.name}: field {key!r} has {len(values)} values for {n} features")
        if self.colours is not None and len(self.colours) != n:
            raise ValueError(f"{self.name}: {len(self.colours)} colours for {n} features")

    def __len__(self) -> int:
        return len(self.geometries)

    def geometry_type(self) -> str:
        types = set(shapely.get_type_id(self.geometries).tolist()) if len(self) else {4}
        kinds = {_MULTI.get(t) for t in types}
        if None in kinds or len(kinds) != 1:
            raise ValueError(f"{self.name}: a layer holds points, lines or polygons, not a mix ({sorted(types)})")
        return kinds.pop()


def vector_format(out: str | os.PathLike[str]) -> str:
    """GeoPackage or KML, from the output's suffix; one error line otherwise."""
    fmt = VECTOR_FORMATS.get(Path(out).suffix.lower())
    if fmt is None:
        raise YdtwinError(f"{out}: unsupported vector format — use .gpkg (GeoPackage) or .kml (KML)")
    return fmt


def _hex(rgb) -> str:
    r, g, b = (int(round(min(max(float(v), 0.0), 1.0) * 255)) for v in rgb[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _column(values: list) -> np.ndarray:
    """A field's values as GDAL takes them: integers, reals or text (missing → NaN or "")."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (int, np.integer, bool, np.bool_)) for v in present):
        if len(present) == len(values):
            return np.asarray([int(v) for v in values], dtype=np.int64)
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    if present and all(isinstance(v, (int, float, np.integer, np.floating)) for v in present):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    return np.array(["" if v is None else str(v) for v in values], dtype=object)


@contextlib.contextmanager
def _replacing(out: Path, suffix: str):
    """A temporary path next to ``out`` to write to, renamed over ``out`` when the block completes (removed
    when it fails). Refuses a link or a non-file at ``out``."""
    from ydtwin.atomic import check_regular, fsync, fsync_folder, temp_name

    out.parent.mkdir(parents=True, exist_ok=True)
    check_regular(out)
    tmp = out.with_name(temp_name(out.name) + suffix)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            fsync(fd)
        finally:
            os.close(fd)
        check_regular(out)
        os.replace(tmp, out)
        fsync_folder(out.parent)
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def write_gpkg(out: str | os.PathLike[str], tables: list[FeatureTable], *, description: str = "") -> Path:
    """The tables as layers of a new GeoPackage at ``out`` (replacing any file there), through GDAL."""
    from pyogrio.raw import write

    out = Path(out)
    tables = [t for t in tables if len(t)]
    if not tables:
        raise YdtwinError(f"{out}: nothing to write")
    with _replacing(out, ".gpkg") as tmp:
        for k, t in enumerate(tables):
            fields = dict(t.fields)
            if t.colours is not None:
                fields["colour"] = [_hex(c) for c in t.colours]
            gtype = t.geometry_type()
            geoms = shapely.force_2d(t.geometries)
            multi = {"MultiPoint": shapely.multipoints, "MultiLineString": shapely.multilinestrings,
                     "MultiPolygon": shapely.multipolygons}[gtype]
            single = np.isin(shapely.get_type_id(geoms), (0, 1, 3))
            geoms = geoms.copy()
            geoms[single] = [multi([g]) for g in geoms[single]]
            write(str(tmp), shapely.to_wkb(geoms), field_data=[_column(v) for v in fields.values()],
                  fields=list(fields), geometry_type=gtype, crs="EPSG:4326", driver="GPKG", layer=t.name,
                  append=k > 0, layer_options={"DESCRIPTION": t.title or t.name},
                  dataset_metadata={"DESCRIPTION": description} if description and k == 0 else None)
    return out


def _coords(coords) -> str:
    return " ".join(f"{x:.7f},{y:.7f}" for x, y in np.asarray(coords)[:, :2])


def _kml_geometry(parent: ET.Element, geom) -> None:
    gid = shapely.get_type_id(geom)
    if gid == 0:
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coords(shapely.get_coordinates(geom))
    elif gid in (1, 2):
        line = ET.SubElement(parent, "LineString")
        ET.SubElement(line, "tessellate").text = "1"  # follows the globe between vertices
        ET.SubElement(line, "coordinates").text = _coords(shapely.get_coordinates(geom))
    elif gid == 3:
        poly = ET.SubElement(parent, "Polygon")
        ET.SubElement(poly, "tessellate").text = "1"
        ring = ET.SubElement(ET.SubElement(poly, "outerBoundaryIs"), "LinearRing")
        ET.SubElement(ring, "coordinates").text = _coords(shapely.get_coordinates(geom.exterior))
        for hole in geom.interiors:
            ring = ET.SubElement(ET.SubElement(poly, "innerBoundaryIs"), "LinearRing")
            ET.SubElement(ring, "coordinates").text = _coords(shapely.get_coordinates(hole))
    else:  # multi-part: a MultiGeometry of its parts
        multi = ET.SubElement(parent, "MultiGeometry")
        for part in shapely.get_parts(geom):
            _kml_geometry(multi, part)


def _kml_colour(rgb, alpha: int) -> str:
    """KML's aabbggrr."""
    r, g, b = (int(round(min(max(float(v), 0.0), 1.0) * 255)) for v in rgb[:3])
    return f"{alpha:02x}{b:02x}{g:02x}{r:02x}"


def _text(value) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return "" if value is None else str(value)


def kml_bytes(tables: list[FeatureTable], *, title: str = "", description: str = "") -> bytes:
    """KML 2.2 of the tables: a folder per table, a placemark per feature with its fields as ExtendedData and
    a style in its colour (lines 3 px, areas filled at 40 %, points as pins)."""
    ET.register_namespace("", "http://www.opengis.net/kml/2.2")
    root = ET.Element("kml", xmlns="http://www.opengis.net/kml/2.2")
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = title or "ydtwin"
    if description:
        ET.SubElement(doc, "description").text = description
    styles: dict[str, str] = {}

    def style_of(rgb) -> str:
        key = _kml_colour(rgb, 255)
        if key not in styles:
            sid = f"s{len(styles)}"
            styles[key] = sid
            st = ET.Element("Style", id=sid)
            ET.SubElement(ET.SubElement(st, "IconStyle"), "color").text = key
            ls = ET.SubElement(st, "LineStyle")
            ET.SubElement(ls, "color").text = key
            ET.SubElement(ls, "width").text = "3"
            ET.SubElement(ET.SubElement(st, "PolyStyle"), "color").text = _kml_colour(rgb, 102)
            doc.insert(len(styles), st)  # styles first, after the name
        return styles[key]

    for t in tables:
        if not len(t):
            continue
        folder = ET.SubElement(doc, "Folder")
        ET.SubElement(folder, "name").text = t.title or t.name
        for i, geom in enumerate(t.geometries):
            pm = ET.SubElement(folder, "Placemark")
            if t.label_field:
                ET.SubElement(pm, "name").text = _text(t.fields[t.label_field][i])
            if t.description_field:
                ET.SubElement(pm, "description").text = _text(t.fields[t.description_field][i])
            if t.colours is not None:
                ET.SubElement(pm, "styleUrl").text = "#" + style_of(t.colours[i])
            ext = ET.SubElement(pm, "ExtendedData")
            for key, values in t.fields.items():
                data = ET.SubElement(ext, "Data", name=key)
                ET.SubElement(data, "value").text = _text(values[i])
            _kml_geometry(pm, geom)
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def write_kml(out: str | os.PathLike[str], tables: list[FeatureTable], *, title: str = "",
              description: str = "") -> Path:
    from ydtwin.atomic import write_bytes

    if not any(len(t) for t in tables):
        raise YdtwinError(f"{out}: nothing to write")
    return write_bytes(out, kml_bytes(tables, title=title, description=description))


def write_vectors(out: str | os.PathLike[str], tables: list[FeatureTable], *, title: str = "",
                  description: str = "") -> Path:
    """The tables as GeoPackage or KML, by ``out``'s suffix."""
    fmt = vector_format(out)
    if fmt == "KML":
        return write_kml(out, tables, title=title, description=description)
    return write_gpkg(out, tables, description=description or title)


def _cell(value) -> str | int | float:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value.item() if isinstance(value, np.generic) else value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_text(columns: list[str], rows: list[list]) -> str:
    """A CSV table (RFC 4180, CRLF line ends): text that a spreadsheet would run as a formula (starting with
    = + - @) is quoted with a leading apostrophe; numbers stay numbers."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([_cell(c) for c in columns])
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row of {len(row)} values for {len(columns)} columns")
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def write_csv(out: str | os.PathLike[str], columns: list[str], rows: list[list]) -> Path:
    """A CSV file in UTF-8 with a byte-order mark (spreadsheets on Chinese Windows read it as UTF-8)."""
    from ydtwin.atomic import write_bytes

    return write_bytes(out, b"\xef\xbb\xbf" + csv_text(columns, rows).encode("utf-8"))
