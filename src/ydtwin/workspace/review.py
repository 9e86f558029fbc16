"""The joint review's use cases: run every rule (declarative and plugins' code rules), start a session,
pick the findings a tour visits, write the report. One path for the command line and the window."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ydtwin.errors import YdtwinError

__all__ = ["PINS_ROLE", "ReviewResult", "finding_pins", "finding_shot", "findings_for_tour",
           "review_buildings", "review_plans", "run_review", "write_report"]


@dataclass
class ReviewResult:
    """What a review run found, and over what."""

    findings: list  # review.checks.Finding
    plans: list  # the PlansLayers checked
    rules: list  # every rule contribution (declarative and code)
    year: int | None
    #: one line per code rule that failed (the guard has logged its traceback)
    problems: list[str] = field(default_factory=list)

    def scenario(self, region_id: str) -> dict:
        return {"region": region_id, "year": self.year, "plugins": sorted(p.plugin for p in self.plans),
                "rules": [r.id for r in self.rules]}

    def reported(self, *, include_connected: bool = False) -> list:
        """The findings a planner acts on: every finding but the links found connected (unless asked)."""
        return [f for f in self.findings if include_connected or f.kind != "connected"]


def review_plans(scene, *, visible_only: bool = False) -> list:
    """The plan layers a review checks: every plan layer in the scene (the visible ones, when asked)."""
    from ydtwin.model.plans import PlansLayer

    return [layer for layer in scene.layers if isinstance(layer, PlansLayer) and (layer.visible or not visible_only)]


def review_buildings(scene, *, planned=()) -> list:
    """The buildings a review checks against height limits (``review.heights.BuildingSet``): every buildings
    layer shown, less the buildings it hides (procedural blocks under loaded footprints), and every 3D model
    shown; ``planned``: the layers that are plans."""
    import numpy as np

    from ydtwin.model.buildings import BuildingsLayer
    from ydtwin.review.heights import BuildingSet

    plan_ids = {id(layer) for layer in planned}
    out = [BuildingSet(layer.name, layer.data, ~layer.hidden, layer.provenance.nature, id(layer) in plan_ids)
           for layer in scene.layers if isinstance(layer, BuildingsLayer) and layer.visible]
    # 3D models: each as one building (its ground plan, its top); a plugin's project model is a plan
    out += [BuildingSet(layer.name, layer.as_buildings(scene.projection), np.ones(1, dtype=bool),
                        layer.provenance.nature, id(layer) in plan_ids or bool(getattr(layer, "project_id", "")))
            for layer in scene.layers if getattr(layer, "kind", "") == "model" and layer.visible]
    return out


def run_review(scene, plugins, *, year: int | None = None, visible_only: bool = False) -> ReviewResult:
    """Every review rule over the scene's plans as of ``year``: the declarative rules (with their parameters)
    and the plugins' code rules, each of those through the plugin guard (an untrusted plugin's code never
    runs; a failing rule is one line in ``problems``, and the guard has logged and reported it). Safe in a
    worker thread: it edits nothing shared."""
    from ydtwin.plugins.guard import PluginFailure
    from ydtwin.review.checks import WaterMap, code_rule_context, findings_from_code_rule, run_checks

    plans = review_plans(scene, visible_only=visible_only)
    try:
        bounds = scene.layer("city-boundaries")
    except KeyError:
        raise YdtwinError("no city outlines in this region: nothing to check at the borders") from None
    outlines = dict(zip((str(n) for n in bounds.data.attributes["name"]), bounds.data.geometries, strict=True))
    entries = sorted(plugins.rules.items())
    declarative = [entry.contribution for _id, entry in entries if entry.contribution.check]
    findings = run_checks(plans, outlines, scene.projection, declarative, year=year,
                          water=WaterMap.from_layers(scene.layers), buildings=review_buildings(scene))
    problems: list[str] = []
    context = None
    for rule_id, entry in entries:
        if entry.contribution.python is None:
            continue
        context = context if context is not None else code_rule_context(plans, year=year)
        try:
            result = plugins.run_rule(rule_id, context)
            findings += plugins.guard.call(entry.plugin, f"rule {rule_id} result", findings_from_code_rule,
                                           entry.contribution, result)
        except PluginFailure as exc:
            problems.append(str(exc))
    return ReviewResult(findings, plans, [entry.contribution for _id, entry in entries], year, problems)


def _session_findings(session) -> list[dict]:
    """A session's unresolved findings with the viewpoint kept for each."""
    return [{**rec.get("finding", {}), "viewpoint": rec.get("viewpoint")} for _id, rec in sorted(session.findings.items())
            if isinstance(rec, dict) and rec.get("status", "open") != "resolved"]


#: the largest findings file or session a tour reads (a file over it is refused before it is read)
TOUR_FILE_LIMIT = 256 * 1024 * 1024


def _read_json(p: Path):
    """A JSON file a planner named, read without following a symbolic link, within a size limit; every way
    it can be wrong is one line."""
    from ydtwin.fileformat import read_text_nofollow

    try:
        text = read_text_nofollow(p, TOUR_FILE_LIMIT, what="findings file")
    except YdtwinError:  # a link or not a regular file: its own line
        raise
    except UnicodeDecodeError:
        raise YdtwinError(f"{p}: not UTF-8 text") from None
    except ValueError as exc:  # over the size limit
        raise YdtwinError(f"{p}: {exc}") from None
    except OSError as exc:
        raise YdtwinError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    if text is None:
        raise YdtwinError(f"{p}: no such file")
    if not text.strip():
        raise YdtwinError(f"{p}: the file is empty")
    try:
        return json.loads(text)
    except RecursionError:
        raise YdtwinError(f"{p}: nested too deeply to be findings or a session") from None
    except json.JSONDecodeError as exc:
        raise YdtwinError(f"{p}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None


def findings_for_tour(source: str | Path | None = None, *, session=None,
                      run: Callable[[], ReviewResult] | None = None) -> list[dict]:
    """The findings a review tour visits, most severe first: from ``source`` (findings.json, or a review
    session file, read by the session module itself), from an open ``session``, else from ``run()``.
    Resolved findings and connected links are left out; each keeps the viewpoint saved for it."""
    from ydtwin.review.report import SEVERITY_ORDER

    if source is not None:
        p = Path(source)
        doc = _read_json(p)
        if isinstance(doc, dict) and "format" not in doc and isinstance(doc.get("findings"), list):
            found = doc["findings"]  # findings.json from `ydtwin review check`
        elif isinstance(doc, dict) and "format" in doc:  # a review session (the session module reads it)
            from ydtwin.review.session import Session

            session = Session.open(p, read_only=True, lock=False)
            session.recover()
            found = _session_findings(session)
        else:
            raise YdtwinError(f"{p}: neither findings.json nor a review session")
    elif session is not None:
        found = _session_findings(session)
    elif run is not None:
        found = [f.to_json() for f in run().findings]
    else:
        raise ValueError("findings_for_tour needs a source or a run")
    if source is not None:
        found = [_checked_finding(Path(source), i, f) for i, f in enumerate(found)]
    found = [f for f in found if f.get("kind") != "connected" and f.get("location")]
    return sorted(found, key=lambda f: (SEVERITY_ORDER.get(f.get("severity"), 3), str(f.get("id", ""))))


def _checked_finding(p: Path, i: int, f) -> dict:
    """A finding from a file a planner named: an object whose location, if any, is a finite lon/lat on Earth
    and whose id, kind, severity and message are text (one error line naming the finding otherwise)."""
    if not isinstance(f, dict):
        raise YdtwinError(f"{p}: finding {i + 1} is not an object")
    for key in ("id", "kind", "severity", "message"):
        if key in f and not isinstance(f[key], str):
            raise YdtwinError(f"{p}: finding {i + 1}: {key} must be text")
    loc = f.get("location")
    if loc is not None:
        ok = isinstance(loc, list) and len(loc) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in loc)
        if not ok or not (-180 <= loc[0] <= 180 and -90 <= loc[1] <= 90):
            raise YdtwinError(f"{p}: finding {i + 1}: location must be [lon, lat] in degrees")
    return f


def finding_shot(rec: dict):
    """What a session finding's still shows (a :class:`~ydtwin.render.finding_still.FindingShot`): both ends of
    each link it is about (its children's too) with the gap between them measured, a pin at it; the camera a
    planner saved for it, else a plan view framing those ends, else its box."""
    from ydtwin.model.project import Viewpoint
    from ydtwin.render.finding_still import FindingShot, gap_label
    from ydtwin.review.report import finding_links, finding_points, finding_view

    f = rec["finding"]
    vp = rec.get("viewpoint") or {}
    saved = None
    if vp.get("eye") and vp.get("target"):
        saved = Viewpoint(f["id"], tuple(vp["eye"]), tuple(vp["target"]), float(vp.get("view_angle") or 30))
    gaps = tuple((a, b, gap_label(d), sides) for a, b, d, sides in finding_links(f) if d >= 0.5)
    linked = {p for a, b, _t, _s in gaps for p in (a, b)}
    points = tuple(p for p in finding_points(f) if p not in linked)
    search = (f.get("details") or {}).get("search_m") if isinstance(f.get("details"), dict) else None
    # a dangling end: the frame shows the whole search radius, where the neighbour's corridor would be
    span = 2.0 * float(search) if isinstance(search, int | float) and 0 < search <= 20_000 else 700.0
    return FindingShot(tuple(f["location"]), f.get("kind", "").replace("_", " "), gaps, points, span, saved,
                       vp.get("view") or finding_view(f))


#: the role of the layer that pins a session's findings in the scene
PINS_ROLE = "review-findings"


def finding_pins(session, *, label: Callable[[dict], str] | None = None):
    """The session's findings as one layer of labelled pins (a mast and a ball at each), or None when it
    has none. ``label(finding)`` names a pin (default: its kind)."""
    import numpy as np

    from ydtwin.model.layer import LabelLayer, PointData, Provenance, Style

    recs = [session.findings[k] for k in sorted(session.findings)]
    if not recs:
        return None
    label = label or (lambda f: f["kind"].replace("_", " "))
    lon = np.array([float(r["finding"]["location"][0]) for r in recs])
    lat = np.array([float(r["finding"]["location"][1]) for r in recs])
    names = np.array([f"! {label(r['finding'])}" for r in recs], dtype=object)
    return LabelLayer("Findings", PointData(lon, lat, "EPSG:4326", {"name": names}), group="Review", pins=True,
                      role=PINS_ROLE, style=Style(color=(1.0, 0.35, 0.25), font_size=13),
                      provenance=Provenance("ydtwin review checks", "computed", nature="illustrative"))


def _height_limit_layers(session, scene) -> list:
    """For a session with height-limit findings whose scene does not show the check: its zones and the parts
    above their limits (as of the session's plan year) added for the stills → the layers added."""
    from ydtwin.review.heights import KIND
    from ydtwin.workspace.height_limits import EXCESS_ROLE, ZONES_ROLE, check_heights, height_layers

    if not any(r.get("finding", {}).get("kind") == KIND for r in session.findings.values()):
        return []
    if any(layer.role in (ZONES_ROLE, EXCESS_ROLE) for layer in scene.layers):
        return []
    year = session.scenario.get("year") if isinstance(session.scenario, dict) else None
    layers = height_layers(check_heights(scene, year=year), scene.projection)
    for layer in layers:
        scene.add(layer)
    return layers


#: a PDF printer: (HTML with named images, {name: PNG bytes}, out) → the file written
PdfPrinter = Callable[[str, dict[str, bytes], Path], Path]

REPORT_FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".csv": "csv"}


def report_format(out: str | Path, fmt: str | None = None) -> str:
    """html, pdf or csv (the report's tables), from ``fmt`` or the file's extension (one error line otherwise)."""
    fmt = fmt or REPORT_FORMATS.get(Path(out).suffix.lower())
    if fmt not in ("html", "pdf", "csv"):
        raise YdtwinError(f"{out}: a report is .html, .pdf or .csv (its tables) (or give --format)")
    return fmt


def write_report(session, scene, out: str | Path, *, fmt: str | None = None, size: tuple[int, int] = (960, 540),
                 print_pdf: PdfPrinter | None = None, progress: Callable[[int, int], None] | None = None,
                 figures=()) -> Path:
    """The review report of ``session`` (every edit, saved or still journalled) with a still of each finding
    rendered offscreen from ``scene``: a self-contained HTML page, or a PDF through ``print_pdf``; or, for a
    .csv, the report's tables (``ydtwin.workspace.exchange.write_report_csv``: the first file written).
    ``progress(done, total)`` follows the stills (it may raise to stop; nothing is written then); ``figures``:
    scenario figures (``FiguresResult``) to tabulate in it."""
    from ydtwin.atomic import write_text
    from ydtwin.render.finding_still import finding_stills
    from ydtwin.review.report import SEVERITY_ORDER, report_html

    fmt = report_format(out, fmt)
    if fmt == "csv":  # the tables only (no stills): findings, summary by city pair, figures
        from ydtwin.workspace.exchange import finding_records, write_report_csv

        return write_report_csv(finding_records(session=session), out, figures=figures)[0]
    if fmt == "pdf" and print_pdf is None:
        raise YdtwinError(f"{out}: PDF printing is not available here; write .html")
    recs = sorted(session.findings.values(), key=lambda r: r["finding"]["id"])
    # each still pins its own finding and draws its gap; the scene's pins (masts 3 km high) would cross a
    # close plan view: they are left out of the stills
    pins = [(i, layer) for i, layer in enumerate(scene.layers) if layer.role == PINS_ROLE]
    for _i, layer in reversed(pins):
        scene.layers.remove(layer)
    limits = _height_limit_layers(session, scene)
    shots = [finding_shot(r) for r in recs]
    if limits:  # drawn for the height-limit findings' stills only: elsewhere their legend rows would be noise
        from dataclasses import replace

        from ydtwin.review.heights import KIND

        roles = tuple(dict.fromkeys(layer.role for layer in limits))
        shots = [replace(shot, only_here=roles) if r["finding"].get("kind") == KIND else shot
                 for r, shot in zip(recs, shots, strict=True)]
    try:
        stills = finding_stills(scene, shots, size=size, progress=progress)
    finally:
        for layer in limits:
            scene.layers.remove(layer)
        for i, layer in pins:
            scene.layers.insert(i, layer)
    images = {r["finding"]["id"]: png for r, png in zip(recs, stills.images, strict=True)}
    tables = [f.to_report() for f in figures]
    out = Path(out)
    if fmt == "html":
        return write_text(out, report_html(session, images, sources=stills.sources, figures=tables))
    order = sorted(recs, key=lambda r: (SEVERITY_ORDER.get(r["finding"].get("severity"), 3),
                                        r["finding"]["kind"], r["finding"]["id"]))
    named = {f"finding-{n}.png": images[r["finding"]["id"]] for n, r in enumerate(order, 1)}
    return print_pdf(report_html(session, images, inline=False, sources=stills.sources, figures=tables), named, out)
