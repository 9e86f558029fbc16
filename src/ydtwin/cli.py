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
    _add_layer_options(snap)
    _add_plugin_options(snap)

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
    from ydtwin.review.checks import run_checks

    region, layers = load_region(args.region, boundaries=args.boundaries)
    bounds = next(layer for layer in layers if layer.role == "city-boundaries")
    outlines = dict(zip((str(n) for n in bounds.data.attributes["name"]), bounds.data.geometries, strict=True))
    manager = PluginManager()
    plans = [layer for layer in manager.layers(plugin_names(args)) if getattr(layer, "kind", "") == "plans"]
    declarative = [entry.contribution for entry in manager.rules.values() if entry.contribution.check]
    findings = run_checks(plans, outlines, region.projection, declarative, year=args.year)
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
    import tempfile
    from collections import Counter
    from pathlib import Path

    region, plans, rules, findings = _review_findings(args)
    doc = {"region": region.id, "year": args.year, "plugins": sorted(layer.plugin for layer in plans),
           "rules": [rule.id for rule in rules], "findings": [f.to_json() for f in findings]}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=out.parent, suffix=".tmp", delete=False, encoding="utf-8") as tmp:
        json.dump(doc, tmp, ensure_ascii=False, indent=1)
    Path(tmp.name).replace(out)
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

    from ydtwin.review.report import finding_view, report_html
    from ydtwin.review.session import Session

    session = Session.open(args.session, read_only=True)
    session.recover()  # a report shows every edit, saved or still in the journal
    fmt = args.format or ("pdf" if str(args.out).lower().endswith(".pdf") else "html")
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()
    from ydtwin.render.snapshot import snapshots

    scene = _open_scene(args)
    add_plugin_layers(scene, args)
    recs = sorted(session.findings.values(), key=lambda r: r["finding"]["id"])
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(Path(tmp) / f"{i}.png", (r.get("viewpoint") or {}).get("view") or finding_view(r["finding"]))
                for i, r in enumerate(recs)]
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

    names = plugin_names(args)
    manager = manager or PluginManager(safe_mode=safe_mode)
    if names != []:
        known = {d.name for d in manager.discovered}
        for n in names or []:
            full = n if n.startswith("ydtwin-") else f"ydtwin-{n}"
            if full not in known:
                raise YdtwinError(f"--plugins: no plugin named {n} (see `ydtwin plugins list`)")
        manager.add_to_scene(scene, names)
    return manager


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


def _check_view(scene, view: str) -> None:
    from ydtwin.model.buildings import BuildingsLayer

    text = view.strip()
    if text.lower() in ("region", "home") or text.count(",") == 3:
        return
    if any(isinstance(layer, BuildingsLayer) and text in (layer.name, f"layer:{layer.name}") for layer in scene.layers):
        return
    try:
        scene.region.city(text)
    except KeyError as exc:
        raise YdtwinError(str(exc.args[0])) from None


def _cmd_snapshot(args) -> int:
    from ydtwin.render.backend import prepare_offscreen

    out = os.fspath(args.out)
    if not out.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
        raise YdtwinError(f"{out}: unsupported image type — use .png, .jpg or .tif")
    prepare_offscreen()
    scene = _open_scene(args)
    if args.exaggeration is not None:
        try:
            scene.vertical_exaggeration = args.exaggeration
        except ValueError as exc:
            raise YdtwinError(str(exc)) from None
    load_layers(scene, args)
    add_plugin_layers(scene, args)
    _check_view(scene, args.view)
    from ydtwin.render.snapshot import snapshot

    try:
        result = snapshot(scene, out, size=args.size, view=args.view)
    except ValueError as exc:
        raise YdtwinError(str(exc)) from None
    w, h = result.size
    print(
        f"wrote {result.path} ({w}x{h}, view {result.view}, {result.triangles:,} triangles, "
        f"{result.gl.label()}, {result.seconds_build + result.seconds_render:.1f} s)"
    )
    return 0


def _cmd_app(args) -> int:
    from ydtwin.qt.app import run

    return run(region=args.region, boundaries=args.boundaries, view=getattr(args, "view", "region"), args=args,
               safe_mode=getattr(args, "safe_mode", False), reset_settings=getattr(args, "reset_settings", False),
               language=getattr(args, "lang", None))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "app"
    handlers = {"app": _cmd_app, "snapshot": _cmd_snapshot, "info": _cmd_info, "plugins": _cmd_plugins,
                "review": _cmd_review}
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
