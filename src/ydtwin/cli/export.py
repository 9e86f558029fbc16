"""``ydtwin snapshot``, ``ydtwin flythrough`` and ``ydtwin path preset``: stills, videos and flight paths."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ydtwin.errors import YdtwinError
from ydtwin.workspace.outputs import check_output

__all__ = ["cmd_flythrough", "cmd_path", "cmd_snapshot"]


def overlay_options(args, *, title: str = ""):
    from ydtwin.render.export import today
    from ydtwin.render.overlay import OverlayOptions

    when = args.date
    return OverlayOptions(
        title=title if args.title is None else args.title, caption=args.caption,
        legend=not args.no_legend, scale_bar=not args.no_scale_bar, north_arrow=not args.no_north_arrow,
        labels=not args.no_labels, attribution=not args.no_attribution,
        date=today() if when == "today" else when,
    )


def cmd_snapshot(args) -> int:
    from ydtwin.cli.common import workspace_from_args

    out = os.fspath(args.out)
    if not out.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
        raise YdtwinError(f"{out}: unsupported image type — use .png, .jpg or .tif")
    check_output(out, inputs=args.layer)
    t0 = time.perf_counter()
    ws = workspace_from_args(args, offscreen=True)
    view = ws.check_view(args.view)
    from ydtwin.render.backend import gl_info
    from ydtwin.render.export import Exporter, ExportError

    exporter = Exporter(ws.scene)
    try:
        exporter.set_view(view, args.size, map=args.map)
        spec = exporter.view.view_spec(view)
        result = exporter.still(out, args.size, overlay_options(args), transparent=args.transparent,
                                quality=args.quality, tile_px=args.tile)
        info = gl_info(exporter.render_window)
    except (ExportError, ValueError) as exc:
        raise YdtwinError(str(exc)) from None
    finally:
        exporter.close()
    w, h = result.size
    tiles = f", {result.tiles} tiles" if result.tiles > 1 else ""
    kind = ", 2D map" if args.map else ""
    print(f"wrote {result.path} ({w}x{h}, view {spec.name}{kind}, {result.triangles:,} triangles, "
          f"{info.label()}{tiles}, {time.perf_counter() - t0:.1f} s)")
    return 0


def cmd_flythrough(args) -> int:
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.flythrough.path import FlightPath, PathError
    from ydtwin.render.backend import prepare_offscreen

    prepare_offscreen()  # before VTK is imported
    from ydtwin.render.export import Cancelled, Exporter, ExportError, check_video, render_flythrough

    try:
        path = FlightPath.load(args.path)
        # what cannot be made is said at once, before the scene is built
        check_video(Path(args.out), args.format, tuple(args.size or path.size), int(args.fps or path.fps),
                    args.quality, inputs=(args.path, *args.layer))
    except (PathError, ExportError) as exc:
        raise YdtwinError(str(exc)) from None
    if (args.format or "") != "png" and not Path(args.out).is_dir():
        check_output(args.out, inputs=(args.path, *args.layer))  # and never over a review session
    t0 = time.perf_counter()
    ws = workspace_from_args(args, offscreen=True)
    scene = ws.scene
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
                                   quality=args.quality, options=overlay_options(args, title=path.title),
                                   progress=progress)
    except (ExportError, Cancelled) as exc:  # Ctrl+C arrives as KeyboardInterrupt; Cancelled for completeness
        raise YdtwinError(str(exc)) from None
    finally:
        exporter.close()
    w, h = result.size
    print(f"wrote {result.path} ({result.frames} frames, {w}x{h} at {result.fps} fps, "
          f"{result.frames / result.fps:.1f} s of video; {result.seconds:.1f} s to render, "
          f"{time.perf_counter() - t0:.1f} s in all)")
    return 0


def cmd_path(args) -> int:
    from pydantic import ValidationError

    from ydtwin.cli.common import workspace_from_args
    from ydtwin.flythrough import presets
    from ydtwin.flythrough.path import validation_line

    check_output(args.out, inputs=(args.findings,))
    ws = workspace_from_args(args, layers=False)
    proj = ws.scene.projection
    common = {"size": args.size, "fps": args.fps}
    secs = args.seconds
    try:
        if args.kind == "orbit":
            name, lon, lat = ws.place(args.around)
            path = presets.orbit(proj, lon, lat, seconds=secs or 10.0, radius_m=args.radius or 12_000.0,
                                 title=f"Orbit: {name}", **common)
        elif args.kind == "tour":
            names = [n.strip() for n in args.cities.split(",")] if args.cities else [c.name for c in ws.scene.region.cities]
            path = presets.tour(proj, [ws.place(n) for n in names if n], seconds=secs or 6.0, **common)
        elif args.kind == "corridor":
            if not args.project:
                raise YdtwinError("corridor: name the project with --project (an id or title; "
                                  "`--project list` lists them)")
            if args.project.strip().lower() == "list":
                for pid, title, _coords in ws.corridor_lines():
                    print(f"{pid:34} {title}")
                return 0
            path = ws.corridor_path(args.project, height_m=args.height, seconds=secs, **common)
        else:
            findings = ws.findings_for_tour(args.findings, year=args.year)
            path = presets.review(proj, findings, seconds=secs or 4.0, **common)
    except ValidationError as exc:
        raise YdtwinError(f"{args.kind}: {validation_line(exc)}") from None
    except ValueError as exc:
        raise YdtwinError(str(exc)) from None
    out = path.save(args.out)
    print(f"wrote {out}: {args.kind}, {len(path.keyframes)} keyframes, {path.duration:.1f} s "
          f"({path.frame_count()} frames at {path.fps} fps)")
    return 0
