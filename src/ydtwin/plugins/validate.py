"""Deep validation of a plugin (``ydtwin plugins validate``): schema and semantics as discovery checks them,
then the data itself — every project's feature present with the right geometry type inside the region,
themes known, CRSs parseable, code modules present in the plugin folder. Plugin code is not imported."""

from __future__ import annotations

from pathlib import Path

from ydtwin.plugins.discovery import BUILTIN_DIR, Discovered, read_manifest
from ydtwin.plugins.limits import one_line
from ydtwin.plugins.projects import PluginDataError, load_layers, load_projects

__all__ = ["validate"]


def _themes(found: Discovered, others: list[Discovered]):
    from ydtwin.model.plans import ThemeStyle, hex_to_rgb

    styles = {}
    pool = [read_manifest(BUILTIN_DIR, "builtin"), *others, found]
    for d in pool:
        if d.manifest is None:
            continue
        for t in d.manifest.contributions.themes:
            styles[t.id] = ThemeStyle(t.id, t.title, t.title_zh, hex_to_rgb(t.colour))
            if d.origin == "builtin":
                short = t.id.split(".", 1)[1]
                styles[short] = ThemeStyle(short, t.title, t.title_zh, hex_to_rgb(t.colour))
    return styles


def _module_present(folder: Path, ref: str) -> bool:
    module = ref.partition(":")[0]
    parts = module.split(".")
    base = folder.joinpath(*parts)
    if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
        return True
    import importlib.util

    try:  # an installed module (entry-point plugins ship code as a package)
        return importlib.util.find_spec(parts[0]) is not None
    except (ImportError, ValueError):
        return False


def validate(found: Discovered, others: list[Discovered] | None = None, *, region_bbox=None) -> list[str]:
    """Problems found in one plugin (empty when it is valid), each one line. ``others``: plugins whose themes
    it may use. Never raises for what a plugin holds: an unforeseen fault is reported as its problem."""
    try:
        return _validate(found, others, region_bbox)
    except RecursionError:
        return ["the plugin's data is nested too deeply to check"]
    except Exception as exc:  # noqa: BLE001 - whatever a plugin holds, validation answers with a line
        return [one_line(f"cannot be checked ({type(exc).__name__}: {exc})")]


def _validate(found: Discovered, others: list[Discovered] | None, region_bbox) -> list[str]:
    errors = list(found.errors)
    m = found.manifest
    if m is None:
        return errors or ["no manifest"]
    from ydtwin.geo.projection import is_special_datum, parse_crs

    crss = {p.crs for p in m.contributions.projects} | {layer.crs for layer in m.contributions.layers}
    for crs in sorted(crss):
        if not is_special_datum(crs):
            try:
                parse_crs(crs)
            except ValueError as exc:
                errors.append(one_line(f"crs: {exc}"))
    for ref in m.python_refs():
        if not _module_present(found.path, ref):
            errors.append(f"code {ref!r}: module {ref.partition(':')[0]!r} is not in the plugin folder")
    if errors:
        return errors
    try:
        layer = load_projects(found, _themes(found, others or []))
        extra = load_layers(found)
    except PluginDataError as exc:
        return [one_line(exc, 1000)]
    if region_bbox is not None:
        import numpy as np
        import shapely

        x0, y0, x1, y1 = region_bbox
        for lyr in [layer, *extra] if layer is not None else extra:
            b = shapely.bounds(lyr.data.geometries)
            outside = ~((b[:, 0] >= x0) & (b[:, 2] <= x1) & (b[:, 1] >= y0) & (b[:, 3] <= y1))
            ids = lyr.data.attributes.get("id")
            for i in np.flatnonzero(outside):
                label = ids[i] if ids is not None else f"feature {i}"
                errors.append(f"{label}: lies outside the region ({region_bbox})")
    return errors
