"""``ydtwin analyse viewshed`` and ``ydtwin analyse sightline``: what an observer sees of the terrain and the
buildings within a radius, and whether one line of sight reaches its target and what blocks it (the workspace's
``viewshed`` and ``sight_line``, as the window's Analysis ▸ Viewshed… panel)."""

from __future__ import annotations

import argparse
import math

__all__ = ["add_viewshed_parsers", "cmd_sightline", "cmd_viewshed"]

_CURVATURE = ("the Earth's curvature and refraction (k = 0.13) are taken into account: the surface d metres away "
              "is lowered by d²(1 − k)/2R (0.07 m at 1 km, 6.8 m at 10 km, 61 m at 30 km)")


def add_viewshed_parsers(ansub, *, number, size, add_options) -> None:
    """The two subcommands under ``ydtwin analyse`` (``number``/``size``: the parser's checked types;
    ``add_options(p)``: the layer, terrain and plugin options the scene is built with)."""
    vs = ansub.add_parser(
        "viewshed", help="what an observer sees of the terrain and the buildings within a radius (visible/hidden)",
        description="The cells within --radius whose surface (the ground or a roof; --target-height above it) the "
        "observer's eye sees over the terrain and every building shown (--layer files, the landmarks, the "
        f"procedural blocks unless --no-procedural), in a height field of --cell metres; {_CURVATURE}. Written as "
        "GeoJSON polygons of visible and hidden ground and roofs (WGS84) and, with --image, rendered over the scene.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  ydtwin analyse viewshed --from 121.4905,31.2402 --radius 2000 --out bund.geojson\n"
               "  ydtwin analyse viewshed --from 121.50105,31.2355,1 --radius 20000 --out tower.geojson --image t.png")
    vs.set_defaults(plugins="none")
    vs.add_argument("--from", dest="observer", required=True, metavar="LON,LAT[,EYE]",
                    help="the observer; EYE: the eye's height above the ground or the roof it stands on (default 1.7 m)")
    vs.add_argument("--radius", type=number(float, 10.0, 50_000.0, " m"), default=1000.0, metavar="M",
                    help="how far to look (default 1000 m, at most 50 km)")
    vs.add_argument("--cell", type=number(float, 0.25, 500.0, " m"), default=None, metavar="M",
                    help="the height field's cell (default: 1 m up to a 1 km radius, coarser beyond: at most 4 M cells)")
    vs.add_argument("--target-height", type=number(float, 0.0, 1000.0, " m"), default=0.0, metavar="M",
                    help="a cell is visible when a point M metres above its surface is seen (default 0: the surface)")
    vs.add_argument("--out", default=None, metavar="FILE", help="write the visible and hidden areas as .geojson")
    vs.add_argument("--image", default=None, metavar="FILE",
                    help="also render the result over the scene (.png, .jpg, .tif), looking at the observer's area")
    vs.add_argument("--size", type=size, default=(1600, 1000), metavar="WxH", help="the image's pixels")
    vs.add_argument("--map", action="store_true", help="the image as a plan view, north up")
    _common(vs, add_options)

    sl = ansub.add_parser(
        "sightline", help="whether an observer sees a point, and what blocks the line of sight",
        description="The straight line from the observer's eye to the target over the terrain and every building "
        f"shown: visible, or blocked — by which building (its layer, index, name and height) or by the terrain, how "
        f"far from the observer and by how many metres; {_CURVATURE}. A target on a building is not hidden by that "
        "building itself.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n  ydtwin analyse sightline --from 121.4905,31.2402 --to 121.50105,31.2355\n"
               "  ydtwin analyse sightline --from 121.4905,31.2402,1.7 --to 121.5040,31.2330,1.7 --out line.geojson")
    sl.set_defaults(plugins="none")
    sl.add_argument("--from", dest="observer", required=True, metavar="LON,LAT[,EYE]",
                    help="the observer; EYE above the ground or roof (default 1.7 m)")
    sl.add_argument("--to", dest="target", required=True, metavar="LON,LAT[,H]",
                    help="the target; H: the point's height above the ground or the roof there (default 0)")
    sl.add_argument("--cell", type=number(float, 0.25, 500.0, " m"), default=None, metavar="M",
                    help="the height field's cell (default: 1 m up to 1 km, coarser for longer lines)")
    sl.add_argument("--out", default=None, metavar="FILE",
                    help="write the line (seen and blocked parts, 3D) and its blockers as .geojson")
    _common(sl, add_options)


def _common(p, add_options) -> None:
    p.add_argument("--flat-earth", action="store_true", help="leave out the Earth's curvature and refraction")
    p.add_argument("--no-procedural", action="store_true",
                   help="leave the procedural city blocks out: only the files' buildings and the landmarks (real "
                   "positions and heights, schematic outlines) block the view")
    add_options(p)


def _place(text: str, what: str, default_h: float) -> tuple[float, float, float]:
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace.viewshed import parse_place

    lon, lat, h = parse_place(text, what)
    h = default_h if h is None else h
    if not (0.0 <= h <= 1000.0):
        raise YdtwinError(f"{what} {text}: the height {h:g} m must be between 0 and 1000 m above the surface")
    return lon, lat, h


def _workspace(args, outputs: list[str], *, offscreen: bool = False):
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.workspace.outputs import check_output

    for out in outputs:
        check_output(out, inputs=[*args.layer, *args.dem])
    ws = workspace_from_args(args, offscreen=offscreen)
    if args.no_procedural:
        for layer in ws.scene.layers:
            if getattr(layer, "kind", "") == "buildings" and layer.provenance.nature == "procedural":
                layer.visible = False
    return ws


def cmd_viewshed(args) -> int:
    from ydtwin.cli.common import render_still
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace.viewshed import ViewshedRequest

    lon, lat, eye = _place(args.observer, "--from", 1.7)
    request = ViewshedRequest((lon, lat), eye_m=eye, radius_m=args.radius, cell_m=args.cell,
                              target_m=args.target_height, curvature=not args.flat_earth)
    if args.out and not args.out.lower().endswith((".geojson", ".json")):
        raise YdtwinError(f"{args.out}: a viewshed is written as .geojson")
    if args.image and not args.image.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
        raise YdtwinError(f"{args.image}: unsupported image type — use .png, .jpg or .tif")
    ws = _workspace(args, [p for p in (args.out, args.image) if p], offscreen=bool(args.image))
    result = ws.viewshed(request)
    for line in result.summary():
        print(line)
    if args.out:
        print(f"wrote {ws.write_viewshed(result, args.out)} (visible and hidden areas, WGS84 lon/lat)")
    if args.image:
        ws.show_viewshed(result)
        dlat = args.radius / 110_574
        dlon = args.radius / (111_320 * math.cos(math.radians(lat)))
        req = result.request
        target = f", a point {req.target_m:g} m above the surface" if req.target_m else ""
        caption = (f"eye {req.eye_m:g} m above the {result.observer_on.split(' #')[0]} at {lon:.4f} E {lat:.4f} N"
                   f"{target} · {100 * result.visible_fraction:.1f} % of {req.radius_m / 1000:g} km around seen")
        render_still(ws, f"{lon - dlon:.6f},{lat - dlat:.6f},{lon + dlon:.6f},{lat + dlat:.6f}", args,
                     title="视域 Viewshed", caption=caption)
    return 0


def cmd_sightline(args) -> int:
    from ydtwin.errors import YdtwinError
    from ydtwin.workspace.viewshed import SightLineRequest

    lon0, lat0, eye = _place(args.observer, "--from", 1.7)
    lon1, lat1, h = _place(args.target, "--to", 0.0)
    request = SightLineRequest((lon0, lat0), (lon1, lat1), eye_m=eye, target_m=h, cell_m=args.cell,
                               curvature=not args.flat_earth)
    if args.out and not args.out.lower().endswith((".geojson", ".json")):
        raise YdtwinError(f"{args.out}: a sight line is written as .geojson")
    ws = _workspace(args, [args.out] if args.out else [])
    result = ws.sight_line(request)
    for line in result.summary():
        print(line)
    if args.out:
        print(f"wrote {ws.write_viewshed(result, args.out)}")
    return 0
