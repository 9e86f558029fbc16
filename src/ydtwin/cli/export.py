"""``ydtwin snapshot``, ``ydtwin flythrough`` and ``ydtwin path preset``: stills, videos and flight paths."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ydtwin.errors import YdtwinError
from ydtwin.workspace.outputs import check_output

__all__ = ["ProgressBar", "cmd_flythrough", "cmd_path", "cmd_snapshot"]


class ProgressBar:
    """A video's progress on the terminal: a bar redrawn in place with the frames done and the time left
    (Ctrl+C cancels); where the output is not a terminal (a log, CI), a line every few seconds instead."""

    WIDTH = 30

    def __init__(self, stream, *, every_s: float = 2.0) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.every_s = every_s
        self.done = self.total = 0
        self._last = 0.0
        self._drawn = False

    def update(self, done: int, total: int, eta_s: float) -> None:
        self.done, self.total = done, total
        now = time.perf_counter()
        if not (self.tty or now - self._last > self.every_s or done == total):
            return
        self._last = now
        left = "" if eta_s != eta_s else f" · {eta_s:.0f} s left"  # (NaN before the first frame)
        if self.tty:
            filled = round(self.WIDTH * done / max(total, 1))
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            self.stream.write(f"\r  {bar} {100 * done // max(total, 1):3d} % · frame {done}/{total}{left} "
                              f"(Ctrl+C cancels)\x1b[K")
            self._drawn = True
        else:
            self.stream.write(f"  frame {done}/{total}{left}\n")
        self.stream.flush()

    def end(self) -> None:
        """Leave the bar's line (the next message starts on a line of its own)."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


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
    viewpoint = ws.viewpoint_named(view)
    try:
        if viewpoint is not None:  # a camera saved in the project: exactly as it was
            if args.map:
                raise YdtwinError(f"--map with --view {view}: a 2D map looks straight down; give a box or a city")
            exporter.set_view("region", args.size)
            exporter.apply_viewpoint(viewpoint)
            name = viewpoint.name
        else:
            exporter.set_view(view, args.size, map=args.map)
            name = exporter.view.view_spec(view).name
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
    print(f"wrote {result.path} ({w}x{h}, view {name}{kind}, {result.triangles:,} triangles, "
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
    bar = ProgressBar(sys.stderr)
    try:
        result = render_flythrough(exporter, path, args.out, size=args.size, fps=args.fps, fmt=args.format,
                                   quality=args.quality, options=overlay_options(args, title=path.title),
                                   progress=bar.update)
    except (ExportError, Cancelled) as exc:
        bar.end()
        raise YdtwinError(str(exc)) from None
    except KeyboardInterrupt:  # Ctrl+C: the partial file is already gone
        bar.end()
        print(f"ydtwin: cancelled after {bar.done} of {bar.total} frames; nothing was written", file=sys.stderr)
        raise
    finally:
        exporter.close()
    bar.end()
    w, h = result.size
    video_s = result.frames / result.fps
    size = ""
    if result.path.is_file():
        mb = result.path.stat().st_size / 1e6
        size = f", {mb:.1f} MB ({mb * 8 / max(video_s, 1e-9):.1f} Mbit/s, quality {args.quality})"
    print(f"wrote {result.path} ({result.frames} frames, {w}x{h} at {result.fps} fps, {video_s:.1f} s of video"
          f"{size}; {result.seconds:.1f} s to render, {result.frames / max(result.seconds, 1e-9):.1f} frames/s, "
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
