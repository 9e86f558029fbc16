"""``ydtwin basemap build`` and ``ydtwin basemap info``: existing networks from an OpenStreetMap extract."""

from __future__ import annotations

import sys
import time

__all__ = ["cmd_basemap"]


def cmd_basemap(args) -> int:
    if args.basemap_command == "info":
        return _info(args)
    from ydtwin.workspace import Workspace
    from ydtwin.workspace.basemap import build_summary, parse_bbox

    bbox = parse_bbox(args.bbox) if args.bbox else None
    ws = Workspace.open(args.region, boundaries=args.boundaries, plugin_names=[])
    last = [0.0]

    def progress(fraction: float, features: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 2.0 or fraction >= 1.0:
            last[0] = now
            print(f"  {fraction:4.0%} · {features:,} features", file=sys.stderr, flush=True)

    # Ctrl+C cancels: the partial folder is removed and nothing is left under --out
    stats = ws.build_basemap(args.extract, args.out, bbox=bbox, progress=progress)
    print(build_summary(stats))
    return 0


def _info(args) -> int:
    from ydtwin.errors import ReadError, YdtwinError
    from ydtwin.io.basemap import read_manifest

    try:
        m = read_manifest(args.folder)
    except ReadError as exc:
        raise YdtwinError(str(exc)) from None
    src = m.get("source", {})
    print(f"{args.folder}: ydtwin basemap from {src.get('file', '?')} (OpenStreetMap, "
          f"{str(src.get('osm_timestamp') or 'undated')[:10]}; {src.get('licence', '')})")
    print(f"  box {', '.join(f'{v:g}' for v in m.get('bbox', []))}; built {m.get('built', '?')}")
    for cat, n in m.get("features", {}).items():
        print(f"  {cat:10} {n:>10,} features in {len(m['parts'].get(cat, []))} parts")
    return 0
