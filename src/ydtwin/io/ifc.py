"""Reading IFC building models (IFC2X3, IFC4, IFC4X3) through IfcOpenShell's geometry iterator.

Every product with a body becomes one part of the model, named by its class and name, with its IFC class,
name, GlobalId and building storey as attributes and its surface style's colour. Geometry comes out in metres
(the file's length unit converted), +Z up, in the file's world coordinates.

Georeference: an ``IfcMapConversion`` (IFC4) with its target CRS places every vertex exactly: local metres →
eastings/northings (rotation, scale, false origin) → WGS84 → local east/north/up metres around the point under
the model's middle, which becomes its anchor; heights are the map conversion's (above sea level). Without one,
an ``IfcSite``'s reference latitude and longitude place the file's origin (as IFC2X3 files carry it); without
either, the model needs an anchor.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np

from ydtwin.errors import ReadError
from ydtwin.model.models import Anchor, ModelData, ModelPart

__all__ = ["read_ifc"]


def _colour(material) -> tuple[int, int, int, int]:
    try:
        d = material.diffuse
        rgb = [d.r(), d.g(), d.b()] if callable(getattr(d, "r", None)) else list(d)[:3]
        alpha = 1.0 - float(getattr(material, "transparency", 0.0) or 0.0)
        if not (all(math.isfinite(v) for v in rgb) and math.isfinite(alpha)):
            raise ValueError
        return tuple(int(round(min(max(v, 0.0), 1.0) * 255)) for v in (*rgb, alpha))  # type: ignore[return-value]
    except (AttributeError, TypeError, ValueError):
        return (200, 200, 200, 255)


def _site_reference(ifc) -> tuple[float, float, float] | None:
    """(lon, lat, elevation) of the first IfcSite's reference point, or None."""

    def degrees(value) -> float | None:
        if not value:
            return None
        parts = [float(v) for v in value] + [0.0] * (4 - len(value))
        sign = -1.0 if any(v < 0 for v in parts) else 1.0
        d, m, s, u = (abs(v) for v in parts[:4])
        return sign * (d + m / 60 + s / 3600 + u / 3.6e9)

    for site in ifc.by_type("IfcSite"):
        lat, lon = degrees(site.RefLatitude), degrees(site.RefLongitude)
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180 and (lat or lon):
            return lon, lat, float(site.RefElevation or 0.0)
    return None


def read_ifc(path: str | os.PathLike[str], *, progress=None) -> ModelData:
    """Read an IFC file → ModelData (one part per product). ReadError (one line) for anything wrong."""
    import ifcopenshell
    import ifcopenshell.geom
    import ifcopenshell.util.element

    from ydtwin.io.models import MAX_MODEL_BYTES, MAX_TRIANGLES

    path = Path(path)
    if getattr(sys, "frozen", False):  # an installed build: its schema and geometry plugins beside the package
        ifcopenshell.set_plugin_search_paths([Path(ifcopenshell.__file__).parent])
    from ydtwin.atomic import check_regular

    try:
        st = check_regular(path)
    except OSError as exc:
        raise ReadError(path, str(exc)) from None
    if st is None:
        raise ReadError(path, "file not found")
    size = st.st_size
    if size > MAX_MODEL_BYTES:
        raise ReadError(path, f"is {size:,} bytes; at most {MAX_MODEL_BYTES:,} are read")
    try:
        ifc = ifcopenshell.open(str(path))
    except Exception as exc:  # noqa: BLE001 - IfcOpenShell's parser errors, worded for the user
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise ReadError(path, f"cannot be read as IFC ({type(exc).__name__}: {text})") from None
    settings = ifcopenshell.geom.settings()
    settings.set("use-world-coords", True)
    parts: list[ModelPart] = []
    total = 0
    try:
        iterator = ifcopenshell.geom.iterator(settings, ifc, max(1, min(os.cpu_count() or 1, 8)))
        ok = iterator.initialize()
        while ok:
            shape = iterator.get()
            g = shape.geometry
            v = np.asarray(g.verts, dtype=np.float64).reshape(-1, 3)
            f = np.asarray(g.faces, dtype=np.int64).reshape(-1, 3)
            if len(f) and np.isfinite(v).all() and 0 <= f.min() and f.max() < len(v):
                element = ifc.by_id(shape.id)
                storey = ifcopenshell.util.element.get_container(element)
                name = element.Name or ""
                ids = np.asarray(g.material_ids, dtype=np.int64)
                materials = list(g.materials)
                colour = _colour(materials[int(np.bincount(ids[ids >= 0]).argmax())]) if len(materials) and (
                    ids >= 0).any() else (200, 200, 200, 255)
                parts.append(ModelPart(f"{element.is_a()} {name}".strip(), v, f, colour, attributes={
                    "ifc_class": element.is_a(), "name": name, "global_id": element.GlobalId or "",
                    "storey": (storey.Name or "") if storey is not None and storey.is_a("IfcBuildingStorey") else ""}))
                total += len(f)
                if total > MAX_TRIANGLES:
                    raise ReadError(path, f"holds more than {MAX_TRIANGLES:,} triangles",
                                    "export a simpler model (fewer details) first")
                if progress is not None:
                    progress(len(parts), 0)
            ok = iterator.next()
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - the geometry kernel's errors on a damaged model
        raise ReadError(path, f"its geometry cannot be made ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not parts:
        raise ReadError(path, "holds no product with a body to draw")
    data = ModelData(tuple(parts), "IFC")
    conversion = next(iter(ifc.by_type("IfcMapConversion")), None) if ifc.schema != "IFC2X3" else None
    if conversion is not None:
        return _map_conversion(path, data, conversion)
    site = _site_reference(ifc)
    if site is not None:
        lon, lat, elevation = site
        return ModelData(data.parts, "IFC", Anchor(lon, lat, elevation, "absolute"),
                         "the file's IfcSite reference point (its latitude and longitude)")
    return data


def _map_conversion(path: Path, data: ModelData, conversion) -> ModelData:
    from pyproj import CRS

    from ydtwin.geo.ecef import lonlath_to_ecef
    from ydtwin.geo.projection import to_wgs84
    from ydtwin.io.models import _from_ecef

    crs_name = getattr(conversion.TargetCRS, "Name", None) or ""
    try:
        crs = CRS.from_user_input(crs_name)
    except Exception:  # noqa: BLE001 - pyproj's CRSError and friends
        raise ReadError(path, f"has an IfcMapConversion to {crs_name[:60]!r}, a CRS this machine does not know",
                        "give the model an anchor instead: --layer FILE@LON,LAT") from None
    a = float(conversion.XAxisAbscissa if conversion.XAxisAbscissa is not None else 1.0)
    b = float(conversion.XAxisOrdinate if conversion.XAxisOrdinate is not None else 0.0)
    norm = math.hypot(a, b) or 1.0
    a, b = a / norm, b / norm
    scale = float(conversion.Scale if conversion.Scale is not None else 1.0)
    e0, n0 = float(conversion.Eastings), float(conversion.Northings)
    h0 = float(conversion.OrthogonalHeight or 0.0)
    from dataclasses import replace

    placed = []
    for p in data.parts:
        x, y, z = p.vertices[:, 0], p.vertices[:, 1], p.vertices[:, 2]
        e = e0 + scale * (a * x - b * y)
        n = n0 + scale * (b * x + a * y)
        lon, lat = to_wgs84(e, n, crs.to_wkt())
        placed.append(replace(p, vertices=lonlath_to_ecef(lon, lat, h0 + z)))
    if not all(np.isfinite(p.vertices).all() for p in placed):
        raise ReadError(path, f"its IfcMapConversion puts it outside {crs.name}'s area")
    parts, anchor = _from_ecef(placed, np.zeros(3))
    return ModelData(tuple(parts), "IFC", anchor, f"the file's IfcMapConversion ({crs.name})")
