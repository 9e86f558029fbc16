"""The ``ydtwin`` command line: the app, headless snapshots and file inspection.

Heavy modules (Qt, VTK) are imported only by the subcommand that needs them.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from ydtwin import __version__
from ydtwin.errors import YdtwinError

EXIT_USER_ERROR = 2

DESCRIPTION = """\
ydtwin — 3D digital twin of the Yangtze River Delta for joint review of city plans.
ydtwin — 长三角三维数字孪生，用于各城市规划的联合审查。

Without a command, ydtwin opens the desktop app on the bundled region (Shanghai and the
seven neighbouring cities: Suzhou, Wuxi, Nantong, Jiaxing, Ningbo, Zhoushan, Huzhou)."""

EPILOG = """\
examples:
  ydtwin                                      open the app on the region
  ydtwin app --view Suzhou                    open the app looking at Suzhou
  ydtwin snapshot --out region.png            render the region to a PNG (no screen needed)
  ydtwin snapshot --out nb.png --view Ningbo --size 3840x2160
  ydtwin info buildings.geojson               what a file holds: kind, count, CRS, bounds, heights
  ydtwin snapshot --out sz.png --layer footprints.gpkg --view footprints --color-by height
  ydtwin snapshot --out a.png --layer amap.geojson --crs GCJ-02 --view 120.6,31.28,120.7,31.34
  ydtwin plugins list                         plugins found, their state and what they contribute
  ydtwin plugins validate --all               check every plugin (manifest, files, data)
  ydtwin plugins new my-plans                 scaffold a working data plugin
  ydtwin plugins install my-plans.zip         install a plugin (folder or .zip) for this user
  ydtwin review check --out findings.json     cross-border checks of all eight cities' plans
  ydtwin review new review.json               a review session with those findings (statuses, threads)
  ydtwin review report review.json --out report.html   (or report.pdf) with a still of each finding
  ydtwin snapshot --out poster.jpg --size 16384x9216 --view Suzhou --title "苏州 2035"   tiled 16K still
  ydtwin path preset orbit --around Shanghai --seconds 10 --out orbit.json
  ydtwin path preset review --out review-tour.json      one stop per finding, with its caption
  ydtwin flythrough orbit.json --out orbit.mp4 --size 1920x1080 --fps 30

Views are "region", a city name in English or Chinese (e.g. Shanghai, 上海), a loaded layer's name
(its file name without extension) or a box lon_min,lat_min,lon_max,lat_max.
Building files: GeoJSON, GeoPackage, Shapefile, GeoParquet, FlatGeobuf, OSM PBF, CityJSON.
Data sources and their licences: assets/SOURCES.md."""


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1920x1080, not {text!r}") from None
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise argparse.ArgumentTypeError("width and height must be between 16 and 16384 pixels")
    return w, h


def _positive(kind):
    """An argparse type: a number of ``kind`` greater than zero."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, not {text}")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def _add_layer_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("building footprints")
    g.add_argument("--layer", action="append", default=[], metavar="FILE",
                   help="load building footprints from FILE (repeatable)")
    g.add_argument("--crs", default=None, metavar="CRS",
                   help="CRS of the --layer files when they do not say (EPSG:xxxx, WKT, PROJ) or GCJ-02 / BD-09")
    g.add_argument("--color-by", default="", metavar="ATTR",
                   help="colour the loaded buildings by an attribute (height, height_rule or any field)")
    g.add_argument("--replace", choices=("area", "city", "none"), default="area",
                   help="loaded footprints hide the procedural blocks in their area (default), their whole "
                   "cities, or nowhere")
    g.add_argument("--storey-height", type=float, default=3.0, metavar="M",
                   help="metres per storey for buildings known only by their levels (default 3)")
    g.add_argument("--default-height", type=float, default=10.0, metavar="M",
                   help="height of buildings with neither height nor levels (default 10)")


def _add_overlay_options(p: argparse.ArgumentParser, *, date_default: bool = True) -> None:
    g = p.add_argument_group("overlays")
    g.add_argument("--title", default=None, help="title, top left")
    g.add_argument("--caption", default="", help="caption, bottom centre")
    g.add_argument("--date", default="today" if date_default else "", metavar="TEXT",
                   help="date shown bottom right ('today' = the ISO date; '' for none)")
    for name, what in (("legend", "legend"), ("scale-bar", "scale bar"), ("north-arrow", "north arrow"),
                       ("labels", "place labels"), ("attribution", "data sources and labels of non-real data")):
        g.add_argument(f"--no-{name}", action="store_true", help=f"no {what}")


def _overlay_options(args, *, title: str = ""):
    from ydtwin.render.export import today
    from ydtwin.render.overlay import OverlayOptions

    when = args.date
    return OverlayOptions(
        title=title if args.title is None else args.title, caption=args.caption,
        legend=not args.no_legend, scale_bar=not args.no_scale_bar, north_arrow=not args.no_north_arrow,
        labels=not args.no_labels, attribution=not args.no_attribution,
        date=today() if when == "today" else when,
    )


def _add_plugin_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plugins", default="all", metavar="NAMES",
                   help="plan plugins to show: all (default), none, or names separated by commas "
                   "(e.g. suzhou,shanghai)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ydtwin",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ydtwin {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    parser.add_argument(
        "--region", metavar="PATH", help="region file (region.toml) or its folder; default: the bundled region"
    )
    parser.add_argument(
        "--boundaries",
        choices=("corrected", "official"),
        default="corrected",
        help="city/district outlines: detailed Amap outlines corrected from GCJ-02 (default), "
        "or the generalised official outlines",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    app = sub.add_parser("app", help="open the desktop app (the default)", description="Open the desktop app.")
    app.add_argument("--view", default="region", help="start view: region, a city name, a layer or a box")
    app.add_argument("--safe-mode", action="store_true",
                     help="start without the remembered window layout and without third-party plugin code")
    app.add_argument("--lang", choices=("auto", "en", "zh_CN"), default=None,
                     help="interface language for this start (default: the preference, else the system's)")
    app.add_argument("--reset-settings", action="store_true",
                     help="forget remembered settings (window layout, recent files, folders) before starting")
    _add_layer_options(app)
    _add_plugin_options(app)

    snap = sub.add_parser(
        "snapshot",
        help="render the scene to an image without a screen",
        description="Render the scene offscreen (no X server needed) to a PNG, JPEG or TIFF file.",
    )
    snap.add_argument("--out", required=True, metavar="FILE", help="image file to write (.png, .jpg, .tif)")
    snap.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH", help="pixels (default 1920x1080)")
    snap.add_argument("--view", default="region",
                      help="region (default), a city name (Suzhou or 苏州), a loaded layer's name, or a box "
                      "lon_min,lat_min,lon_max,lat_max")
    snap.add_argument("--exaggeration", type=float, default=None, metavar="X",
                      help="vertical exaggeration of the terrain (default from the region file)")
    _add_overlay_options(snap)
    snap.add_argument("--transparent", action="store_true", help="transparent background (PNG, TIFF)")
    snap.add_argument("--quality", type=int, default=92, metavar="Q", help="JPEG quality 1–100 (default 92)")
    snap.add_argument("--tile", type=_positive(int), default=None, metavar="PX",
                      help="render in tiles of at most PX pixels (default: as large as the GL context allows)")
    _add_layer_options(snap)
    _add_plugin_options(snap)

    fly = sub.add_parser(
        "flythrough", help="render a camera path to a video (MP4, GIF) or PNG sequence without a screen",
        description="Render a flight path (JSON, see `ydtwin path preset`) offscreen to MP4 (H.264), GIF or a "
                    "folder of PNG frames. The file appears only when complete.")
    fly.add_argument("path", metavar="PATH.json", help="flight path file")
    fly.add_argument("--out", required=True, metavar="FILE", help="tour.mp4, tour.gif, or a folder for PNG frames")
    fly.add_argument("--size", type=_size, default=None, metavar="WxH", help="frame size (default: the path's; ≤ 3840x2160)")
    fly.add_argument("--fps", type=_positive(int), default=None, help="frames per second (default: the path's)")
    fly.add_argument("--quality", type=int, default=8, metavar="Q", help="MP4 quality 0–10 (default 8)")
    fly.add_argument("--format", choices=("mp4", "gif", "png"), default=None, help="default: from --out")
    _add_overlay_options(fly, date_default=False)
    _add_layer_options(fly)
    _add_plugin_options(fly)

    path = sub.add_parser("path", help="make flight paths for `ydtwin flythrough`",
                          description="Make flight paths (JSON) for `ydtwin flythrough` and the app's path editor.")
    pathsub = path.add_subparsers(dest="path_command", metavar="ACTION", required=True)
    preset = pathsub.add_parser("preset", help="a ready-made path: orbit, tour, corridor or review",
                                description="A ready-made path: orbit (around a city or lon,lat), tour (city to "
                                            "city), corridor (along a planned project) or review (one stop per "
                                            "finding, with its caption).")
    preset.add_argument("kind", choices=("orbit", "tour", "corridor", "review"))
    preset.add_argument("--out", required=True, metavar="PATH.json")
    preset.add_argument("--around", default="Shanghai", metavar="PLACE", help="orbit: a city name or lon,lat")
    preset.add_argument("--radius", type=_positive(float), default=None, metavar="M", help="orbit: radius in metres")
    preset.add_argument("--cities", default=None, metavar="NAMES",
                        help="tour: cities separated by commas (default: all eight)")
    preset.add_argument("--project", default=None, metavar="NAME",
                        help="corridor: a planned linear project's id or name (see `ydtwin review check`)")
    preset.add_argument("--height", type=_positive(float), default=600.0, metavar="M", help="corridor: flying height")
    preset.add_argument("--findings", default=None, metavar="FILE",
                        help="review: findings.json or a session file (default: run the checks now)")
    preset.add_argument("--year", type=int, default=None, metavar="Y", help="review: the plans as of year Y")
    preset.add_argument("--seconds", type=_positive(float), default=None, metavar="S",
                        help="orbit: whole turn; tour/review: each flight; corridor: whole flight")
    preset.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH")
    preset.add_argument("--fps", type=_positive(int), default=30)
    _add_plugin_options(preset)

    info = sub.add_parser(
        "info",
        help="describe a geodata file (kind, count, CRS, bounds)",
        description="Print what a geodata file holds: kind, feature/point count, CRS and WGS84 bounds. "
        "Exits with 2 if a file cannot be read.",
    )
    info.add_argument("paths", nargs="+", metavar="PATH")

    plugins = sub.add_parser("plugins", help="list, check, install or create plugins",
                             description="Plugins add planned projects, layers, themes, readers, panels and "
                             "review rules. See docs/plugins.md.")
    psub = plugins.add_subparsers(dest="plugins_command", metavar="ACTION", required=True)
    psub.add_parser("list", help="plugins found, their state and what they contribute")
    val = psub.add_parser("validate", help="check plugins: manifest, files, data (exit 2 on problems)")
    val.add_argument("paths", nargs="*", metavar="PATH", help="plugin folders")
    val.add_argument("--all", action="store_true", help="every plugin ydtwin finds")
    inst = psub.add_parser("install", help="install a plugin folder or .zip for this user")
    inst.add_argument("source", metavar="PATH|ZIP")
    inst.add_argument("--replace", action="store_true", help="replace an installed plugin of the same name")
    new = psub.add_parser("new", help="scaffold a working data plugin")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--dir", default=".", metavar="DIR", help="where to create it (default: here)")
    for action, text in (("trust", "run this plugin's code (this exact version)"),
                         ("distrust", "stop running this plugin's code"),
                         ("enable", "switch a plugin on"), ("disable", "switch a plugin off")):
        a = psub.add_parser(action, help=text)
        a.add_argument("name", metavar="NAME")

    review = sub.add_parser("review", help="cross-border checks of the cities' plans",
                            description="Joint review of the plan plugins' projects.")
    rsub = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    chk = rsub.add_parser("check", help="run the review rules and write the findings as JSON")
    chk.add_argument("--out", required=True, metavar="FILE", help="findings.json to write")
    chk.add_argument("--year", type=int, default=None, metavar="Y",
                     help="the plans as of year Y (projects opening after Y are left out)")
    _add_plugin_options(chk)
    new = rsub.add_parser("new", help="start a review session with the checks' findings")
    new.add_argument("session", metavar="SESSION", help="session file to create (JSON)")
    new.add_argument("--title", default="Joint review", help="the session's title")
    new.add_argument("--year", type=int, default=None, metavar="Y", help="the plans as of year Y")
    new.add_argument("--include-connected", action="store_true",
                     help="also record the clean connections (info), not only the problems")
    _add_plugin_options(new)
    rep = rsub.add_parser("report", help="a self-contained HTML (or PDF) report of a session")
    rep.add_argument("session", metavar="SESSION")
    rep.add_argument("--out", required=True, metavar="FILE", help="report.html or report.pdf")
    rep.add_argument("--format", choices=("html", "pdf"), default=None, help="default: from the extension")
    rep.add_argument("--size", type=_size, default=(960, 540), metavar="WxH", help="size of each still")
    _add_plugin_options(rep)
    return parser


def _review_findings(args):
    from ydtwin.io.region import load_region
    from ydtwin.plugins.manager import PluginManager
    from ydtwin.review.checks import WaterMap, run_checks

    region, layers = load_region(args.region, boundaries=args.boundaries)
    bounds = next(layer for layer in layers if layer.role == "city-boundaries")
    outlines = dict(zip((str(n) for n in bounds.data.attributes["name"]), bounds.data.geometries, strict=True))
    manager = PluginManager()
    plans = [layer for layer in manager.layers(checked_plugin_names(args, manager))
             if getattr(layer, "kind", "") == "plans"]
    declarative = [entry.contribution for entry in manager.rules.values() if entry.contribution.check]
    findings = run_checks(plans, outlines, region.projection, declarative, year=args.year,
                          water=WaterMap.from_layers(layers))
    findings += _code_rule_findings(manager, plans, args.year)
    return region, plans, [entry.contribution for entry in manager.rules.values()], findings


def _code_rule_findings(manager, plans, year) -> list:
    """Findings of the plugins' code rules, each through the guard (a failing rule is one line on stderr)."""
    from ydtwin.plugins.guard import PluginFailure
    from ydtwin.review.checks import code_rule_context, findings_from_code_rule

    context = code_rule_context(plans, year=year)
    out = []
    for rule_id, entry in sorted(manager.rules.items()):
        if entry.contribution.python is None:
            continue
        try:
            result = manager.run_rule(rule_id, context)
            out += manager.guard.call(entry.plugin, f"rule {rule_id} result", findings_from_code_rule,
                                      entry.contribution, result)
        except PluginFailure as exc:
            print(f"ydtwin: {exc}", file=sys.stderr)
    return out


def _cmd_review(args) -> int:
    if args.review_command == "new":
        return _cmd_review_new(args)
    if args.review_command == "report":
        return _cmd_review_report(args)
    import json
    from collections import Counter

    from ydtwin.atomic import write_text

    region, plans, rules, findings = _review_findings(args)
    doc = {"region": region.id, "year": args.year, "plugins": sorted(layer.plugin for layer in plans),
           "rules": [rule.id for rule in rules], "findings": [f.to_json() for f in findings]}
    out = write_text(args.out, json.dumps(doc, ensure_ascii=False, indent=1))
    counts = Counter(f.kind for f in findings)
    print(f"wrote {out}: {len(findings)} findings over {len(plans)} plan layers "
          f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    return 0


def _cmd_review_new(args) -> int:
    from pathlib import Path

    from ydtwin.review.report import finding_view
    from ydtwin.review.session import Session

    path = Path(args.session)
    if path.exists():
        raise YdtwinError(f"{path}: already exists (a session is never overwritten by 'new')")
    region, plans, rules, findings = _review_findings(args)
    session = Session(path=path, title=args.title,
                      scenario={"region": region.id, "year": args.year, "plugins": sorted(p.plugin for p in plans),
                                "rules": [r.id for r in rules]})
    kept = [f for f in findings if args.include_connected or f.kind != "connected"]
    for f in kept:
        session.add_finding(f.to_json(), viewpoint={"view": finding_view(f.to_json())})
    session.save()
    print(f"wrote {path}: {len(kept)} findings, all open")
    return 0


def _cmd_review_report(args) -> int:
    import tempfile
    from pathlib import Path

    from ydtwin.review.report import report_html
    from ydtwin.review.session import Session

    suffix = Path(args.out).suffix.lower()
    fmt = args.format or {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(suffix)
    if fmt is None:
        raise YdtwinError(f"{args.out}: a report is .html or .pdf (or give --format)")
    session = Session.open(args.session, read_only=True)
    session.recover()  # a report shows every edit, saved or still in the journal
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    from ydtwin.render.snapshot import snapshots

    scene = _open_scene(args)
    add_plugin_layers(scene, args)
    recs = sorted(session.findings.values(), key=lambda r: r["finding"]["id"])
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(Path(tmp) / f"{i}.png", _finding_camera(r)) for i, r in enumerate(recs)]
        snapshots(scene, jobs, size=args.size)
        images = {r["finding"]["id"]: p.read_bytes() for r, (p, _v) in zip(recs, jobs, strict=True)}
    if fmt == "html":
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report_html(session, images), encoding="utf-8")
    else:
        from ydtwin.qt.pdf import html_to_pdf
        from ydtwin.review.report import SEVERITY_ORDER

        order = sorted(recs, key=lambda r: (SEVERITY_ORDER.get(r["finding"].get("severity"), 3),
                                            r["finding"]["kind"], r["finding"]["id"]))
        named = {f"finding-{n}.png": images[r["finding"]["id"]] for n, r in enumerate(order, 1)}
        out = html_to_pdf(report_html(session, images, inline=False), named, args.out)
    print(f"wrote {out} ({len(recs)} findings, {fmt})")
    return 0


def _finding_camera(rec: dict):
    """A session finding's camera: the viewpoint a planner saved, else its box, else a box around it."""
    from ydtwin.model.project import Viewpoint
    from ydtwin.review.report import finding_view

    vp = rec.get("viewpoint") or {}
    if vp.get("eye") and vp.get("target"):
        return Viewpoint(rec["finding"]["id"], tuple(vp["eye"]), tuple(vp["target"]), float(vp.get("view_angle", 30)))
    return vp.get("view") or finding_view(rec["finding"])


def _cmd_plugins(args) -> int:
    from pathlib import Path

    from ydtwin.plugins.discovery import discover, read_manifest
    from ydtwin.plugins.install import install, scaffold
    from ydtwin.plugins.manager import PluginManager
    from ydtwin.plugins.validate import validate

    action = args.plugins_command
    if action == "list":
        manager = PluginManager()
        for found in manager.discovered:
            status = manager.status(found)
            version = found.manifest.version if found.manifest else "?"
            line = f"{found.name:28} {version:8} {found.origin:11} {status:10} {manager.summary(found)}"
            reason = manager.reason(found)
            print(line.rstrip() + (f"  ({reason})" if reason and status != "active" else ""))
        return 0
    if action == "validate":
        if not args.all and not args.paths:
            raise YdtwinError("plugins validate: give plugin folders or --all")
        everything = discover()
        targets = everything if args.all else [read_manifest(Path(p), "path") for p in args.paths]
        scene_bbox = None
        try:
            from ydtwin.io.region import read_region_file

            scene_bbox = read_region_file(args.region).region.bbox
        except YdtwinError:
            pass
        failed = 0
        for found in targets:
            problems = validate(found, everything, region_bbox=scene_bbox)
            if problems:
                failed += 1
                print(f"FAIL {found.name} ({found.path}):")
                for problem in problems:
                    print(f"  - {problem}")
            else:
                m = found.manifest
                c = m.contributions
                print(f"ok   {found.name} {m.version}: {len(c.projects)} projects, {len(c.layers)} layers, "
                      f"{len(c.themes)} themes, {len(c.readers)} readers, {len(c.panels)} panels, "
                      f"{len(c.rules)} rules")
        print(f"{len(targets) - failed} of {len(targets)} plugins valid")
        return EXIT_USER_ERROR if failed else 0
    if action == "install":
        folder = install(args.source, replace=args.replace)
        found = read_manifest(folder, "user")
        print(f"installed {found.name} {found.manifest.version} to {folder}")
        if found.manifest.has_code:
            print(f"it carries code: it runs only after `ydtwin plugins trust {found.name}` (or Trust in the app)")
        return 0
    if action == "new":
        folder = scaffold(args.name, args.dir)
        problems = validate(read_manifest(folder, "path"), discover())
        if problems:  # the template itself is checked: this would be a bug in ydtwin
            raise YdtwinError(f"the new plugin does not validate: {'; '.join(problems)}")
        print(f"created {folder} (valid). Edit its ydtwin.toml and data/projects.geojson, then "
              f"`ydtwin plugins install {folder}`")
        return 0
    manager = PluginManager()
    name = args.name if args.name.startswith("ydtwin-") else f"ydtwin-{args.name}"
    try:
        manager.plugin(name)
    except KeyError:
        raise YdtwinError(f"no plugin named {name} (see `ydtwin plugins list`)") from None
    {"trust": manager.trust, "distrust": manager.distrust,
     "enable": lambda n: manager.set_enabled(n, True), "disable": lambda n: manager.set_enabled(n, False)}[action](name)
    print(f"{name}: {manager.status(manager.plugin(name))}")
    return 0


def plugin_names(args) -> list[str] | None:
    """--plugins → None (all) or a list of names ([] for none)."""
    text = getattr(args, "plugins", "all") or "all"
    if text.strip().lower() == "all":
        return None
    if text.strip().lower() == "none":
        return []
    return [n.strip() for n in text.split(",") if n.strip()]


def add_plugin_layers(scene, args, *, safe_mode: bool = False, manager=None):
    """The --plugins selection's layers added to the scene → the PluginManager used."""
    from ydtwin.plugins.manager import PluginManager

    manager = manager or PluginManager(safe_mode=safe_mode)
    names = checked_plugin_names(args, manager)
    if names != []:
        manager.add_to_scene(scene, names)
    return manager


def checked_plugin_names(args, manager) -> list[str] | None:
    """``plugin_names(args)``, each of them a plugin the manager found (else one error line)."""
    names = plugin_names(args)
    known = {d.name for d in manager.discovered}
    for n in names or []:
        full = n if n.startswith("ydtwin-") else f"ydtwin-{n}"
        if full not in known:
            raise YdtwinError(f"--plugins: no plugin named {n} (see `ydtwin plugins list`)")
    return names


def _cmd_info(args) -> int:
    from ydtwin.io.info import describe

    status = 0
    for i, path in enumerate(args.paths):
        try:
            result = describe(path)
        except YdtwinError as exc:
            print(f"ydtwin: {exc}", file=sys.stderr)
            status = EXIT_USER_ERROR
            continue
        if i:
            print()
        print("\n".join(result.lines()))
    return status


def _open_scene(args):
    from ydtwin.io.region import open_scene

    return open_scene(args.region, boundaries=args.boundaries)


def load_layers(scene, args, *, progress=None) -> list:
    """Read each --layer file as building footprints and add it to the scene; returns the layers."""
    from pathlib import Path

    from ydtwin.io.buildings import HeightRules, read_buildings
    from ydtwin.model.buildings import BuildingsLayer
    from ydtwin.model.layer import Provenance

    layers = []
    for path in getattr(args, "layer", []) or []:
        rules = HeightRules(storey_height_m=args.storey_height, default_height_m=args.default_height)
        data, report = read_buildings(path, crs=args.crs, rules=rules, region_bbox=scene.region.bbox,
                                      progress=progress)
        name = Path(path).name.split(".")[0]
        transformations = (f"from {report.crs.splitlines()[0][:80]} to WGS84",) if report.crs != "EPSG:4326" else ()
        layer = BuildingsLayer(
            name, data, group="Buildings", replaces=args.replace,
            provenance=Provenance(source=f"{Path(path).name} ({report.format})", licence="as supplied by its owner",
                                  transformations=transformations),
        )
        if args.color_by:
            try:
                layer.color_by = args.color_by
            except ValueError as exc:
                raise YdtwinError(str(exc)) from None
        scene.add(layer)
        rejected = f"; rejected {report.summary()}" if report.n_rejected else ""
        print(f"loaded {name}: {len(data):,} buildings from {report.features:,} features "
              f"(heights: {', '.join(f'{k} {v:,}' for k, v in report.rules.items())}){rejected}")
        layers.append(layer)
    return layers


def _within_region(region, text: str, lon0: float, lat0: float, lon1: float, lat1: float) -> None:
    """A place or box must touch the region (with a margin of half a degree), else the output is empty sky."""
    r0, s0, r1, s1 = region.bbox
    m = 0.5
    if lon1 < r0 - m or lon0 > r1 + m or lat1 < s0 - m or lat0 > s1 + m:
        raise YdtwinError(f"{text}: outside the region ({r0:g}–{r1:g} E, {s0:g}–{s1:g} N)")


def _check_view(scene, view: str) -> None:
    from ydtwin.model.buildings import BuildingsLayer

    text = view.strip()
    if text.lower() in ("region", "home"):
        return
    if text.count(",") == 3:
        try:
            lon0, lat0, lon1, lat1 = (float(v) for v in text.split(","))
        except ValueError:
            raise YdtwinError(f"--view {text}: a box is lon_min,lat_min,lon_max,lat_max (numbers)") from None
        _within_region(scene.region, text, min(lon0, lon1), min(lat0, lat1), max(lon0, lon1), max(lat0, lat1))
        return
    if any(isinstance(layer, BuildingsLayer) and text in (layer.name, f"layer:{layer.name}") for layer in scene.layers):
        return
    try:
        scene.region.city(text)
    except KeyError as exc:
        raise YdtwinError(str(exc.args[0])) from None


def _export_scene(args):
    """The scene an export renders: region, --layer files, --plugins (exaggeration when asked)."""
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    scene = _open_scene(args)
    if getattr(args, "exaggeration", None) is not None:
        try:
            scene.vertical_exaggeration = args.exaggeration
        except ValueError as exc:
            raise YdtwinError(str(exc)) from None
    load_layers(scene, args)
    add_plugin_layers(scene, args)
    return scene


def _cmd_snapshot(args) -> int:
    import time

    out = os.fspath(args.out)
    if not out.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
        raise YdtwinError(f"{out}: unsupported image type — use .png, .jpg or .tif")
    if not 1 <= args.quality <= 100:
        raise YdtwinError(f"--quality {args.quality}: 1–100")
    t0 = time.perf_counter()
    scene = _export_scene(args)
    _check_view(scene, args.view)
    from ydtwin.render.backend import gl_info
    from ydtwin.render.export import Exporter, ExportError

    exporter = Exporter(scene)
    try:
        exporter.set_view(args.view, args.size)
        spec = exporter.view.view_spec(args.view)
        result = exporter.still(out, args.size, _overlay_options(args), transparent=args.transparent,
                                quality=args.quality, tile_px=args.tile)
        info = gl_info(exporter.render_window)
    except (ExportError, ValueError) as exc:
        raise YdtwinError(str(exc)) from None
    finally:
        exporter.close()
    w, h = result.size
    tiles = f", {result.tiles} tiles" if result.tiles > 1 else ""
    print(f"wrote {result.path} ({w}x{h}, view {spec.name}, {result.triangles:,} triangles, "
          f"{info.label()}{tiles}, {time.perf_counter() - t0:.1f} s)")
    return 0


def _cmd_flythrough(args) -> int:
    import time
    from pathlib import Path

    from ydtwin.flythrough.path import FlightPath, PathError
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()  # before VTK is imported
    from ydtwin.render.export import Cancelled, Exporter, ExportError, check_video, render_flythrough

    try:
        path = FlightPath.load(args.path)
        # what cannot be made is said at once, before the scene is built
        check_video(Path(args.out), args.format, tuple(args.size or path.size), int(args.fps or path.fps),
                    args.quality)
    except (PathError, ExportError) as exc:
        raise YdtwinError(str(exc)) from None
    t0 = time.perf_counter()
    scene = _export_scene(args)
    known = {layer.name for layer in scene.layers} | {layer.role for layer in scene.layers if layer.role}
    named = {key.layer for key in path.tracks.layers} | {n for k in path.keyframes for n in k.layers}
    unknown = sorted(named - known)
    if unknown:
        names = [layer.name for layer in scene.layers]
        raise YdtwinError(f"{args.path}: layers {', '.join(map(repr, unknown))} are not in the scene (its layers: "
                          f"{', '.join(names[:8])}{' …' if len(names) > 8 else ''})")

    exporter = Exporter(scene)
    last = [0.0]

    def progress(done: int, total: int, eta: float) -> None:
        now = time.perf_counter()
        if now - last[0] > 2.0 or done == total:
            last[0] = now
            print(f"  frame {done}/{total} · {eta:.0f} s left", file=sys.stderr, flush=True)

    try:
        result = render_flythrough(exporter, path, args.out, size=args.size, fps=args.fps, fmt=args.format,
                                   quality=args.quality, options=_overlay_options(args, title=path.title),
                                   progress=progress)
    except ExportError as exc:
        raise YdtwinError(str(exc)) from None
    except Cancelled as exc:  # Ctrl+C arrives as KeyboardInterrupt; this is for completeness
        raise YdtwinError(str(exc)) from None
    finally:
        exporter.close()
    w, h = result.size
    print(f"wrote {result.path} ({result.frames} frames, {w}x{h} at {result.fps} fps, "
          f"{result.frames / result.fps:.1f} s of video; {result.seconds:.1f} s to render, "
          f"{time.perf_counter() - t0:.1f} s in all)")
    return 0


def _place(region, text: str) -> tuple[str, float, float]:
    """A city name (English or Chinese) or "lon,lat" → (name, lon, lat)."""
    if "," in text:
        try:
            lon, lat = (float(v) for v in text.split(","))
        except ValueError:
            raise YdtwinError(f"{text!r} is neither a city nor lon,lat") from None
        _within_region(region, text, lon, lat, lon, lat)
        return f"{lon:.4f}, {lat:.4f}", lon, lat
    try:
        city = region.city(text)
    except KeyError as exc:
        raise YdtwinError(str(exc.args[0])) from None
    return f"{city.name_zh} {city.name}", float(city.centre[0]), float(city.centre[1])


def _cmd_path(args) -> int:
    from pydantic import ValidationError

    from ydtwin.flythrough import presets
    from ydtwin.flythrough.path import validation_line
    from ydtwin.io.region import load_region

    region, _layers = load_region(args.region, boundaries=args.boundaries)
    proj = region.projection
    common = {"size": args.size, "fps": args.fps}
    secs = args.seconds
    try:
        if args.kind == "orbit":
            name, lon, lat = _place(region, args.around)
            path = presets.orbit(proj, lon, lat, seconds=secs or 10.0, radius_m=args.radius or 12_000.0,
                                 title=f"Orbit: {name}", **common)
        elif args.kind == "tour":
            names = [n.strip() for n in args.cities.split(",")] if args.cities else [c.name for c in region.cities]
            stops = [_place(region, n) for n in names if n]
            path = presets.tour(proj, stops, seconds=secs or 6.0, **common)
        elif args.kind == "corridor":
            path = _corridor_path(args, proj, common)
        else:
            findings = _findings_for_tour(args)
            path = presets.review(proj, findings, seconds=secs or 4.0, **common)
    except ValidationError as exc:
        raise YdtwinError(f"{args.kind}: {validation_line(exc)}") from None
    except ValueError as exc:
        raise YdtwinError(str(exc)) from None
    out = path.save(args.out)
    print(f"wrote {out}: {args.kind}, {len(path.keyframes)} keyframes, {path.duration:.1f} s "
          f"({path.frame_count()} frames at {path.fps} fps)")
    return 0


def _corridor_path(args, proj, common):
    import shapely

    from ydtwin.flythrough import presets
    from ydtwin.plugins.manager import PluginManager

    if not args.project:
        raise YdtwinError("corridor: name the project with --project (an id or title from the plans)")
    want = args.project.strip().lower()
    manager = PluginManager()
    lines = presets.corridor_lines(manager.layers(checked_plugin_names(args, manager)), proj)
    for pid, title, coords in lines:
        if want in (pid.lower(), title.lower()):
            kwargs = {}
            if args.seconds:  # the whole flight in that many seconds
                x, y = proj.to_scene(*zip(*coords, strict=True))
                kwargs["speed_mps"] = max(float(shapely.LineString(list(zip(x, y, strict=True))).length) / args.seconds, 1.0)
            return presets.corridor(proj, coords, height_m=args.height, title=title, caption=title, **kwargs, **common)
    known = ", ".join(pid for pid, _t, _c in lines[:8])
    raise YdtwinError(f"corridor: no linear planned project {args.project!r} (e.g. {known} …)")


def _findings_for_tour(args) -> list[dict]:
    import json
    from pathlib import Path

    from ydtwin.review.report import SEVERITY_ORDER

    if args.findings:
        p = Path(args.findings)
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise YdtwinError(f"{p}: cannot be read as JSON ({exc})") from None
        if isinstance(doc, dict) and isinstance(doc.get("findings"), list):
            found = doc["findings"]
        elif isinstance(doc, dict) and isinstance(doc.get("findings"), dict):  # a review session
            found = [{**rec.get("finding", {}), "viewpoint": rec.get("viewpoint")} for rec in doc["findings"].values()
                     if isinstance(rec, dict) and rec.get("status", "open") != "resolved"]
        else:
            raise YdtwinError(f"{p}: neither findings.json nor a review session")
    else:
        _region, _plans, _rules, objs = _review_findings(args)
        found = [f.to_json() for f in objs]
    found = [f for f in found if isinstance(f, dict) and f.get("kind") != "connected"]
    return sorted(found, key=lambda f: (SEVERITY_ORDER.get(f.get("severity"), 3), str(f.get("id", ""))))


def _cmd_app(args) -> int:
    import os

    from ydtwin.render.backend import has_display

    if not has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        raise YdtwinError("the desktop app needs a display (DISPLAY or WAYLAND_DISPLAY is not set); "
                          "without one, `ydtwin snapshot` and `ydtwin flythrough` render to files")
    from ydtwin.qt.app import run

    return run(region=args.region, boundaries=args.boundaries, view=getattr(args, "view", "region"), args=args,
               safe_mode=getattr(args, "safe_mode", False), reset_settings=getattr(args, "reset_settings", False),
               language=getattr(args, "lang", None))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "app"
    handlers = {"app": _cmd_app, "snapshot": _cmd_snapshot, "info": _cmd_info, "plugins": _cmd_plugins,
                "review": _cmd_review, "flythrough": _cmd_flythrough, "path": _cmd_path}
    try:
        return handlers[command](args)
    except YdtwinError as exc:
        if args.debug:
            raise
        print(f"ydtwin: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last line of defence: one line, not a traceback
        if args.debug:
            raise
        msg = textwrap.shorten(f"{type(exc).__name__}: {exc}", 300)
        print(f"ydtwin: unexpected error: {msg} (run with --debug for details)", file=sys.stderr)
        return 1
