"""``ydtwin tiles build``, ``info`` and ``export``: footprints, point clouds and the basemap prepared by tile on
Dask; the scene as 3D Tiles."""

from __future__ import annotations

import sys

__all__ = ["cmd_tiles"]


def cmd_tiles(args) -> int:
    if args.tiles_command == "info":
        return _info(args)
    if args.tiles_command == "export":
        return _export(args)
    from ydtwin.workspace import Workspace
    from ydtwin.workspace.tiles import tiles_summary

    ws = Workspace.open(args.region, boundaries=args.boundaries, plugin_names=[])
    shown = {}

    def progress(stage: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r  {stage:9} {done:>6,} / {total:,}", end="" if done < total else "\n", file=sys.stderr,
                  flush=True)
        elif done == total or done - shown.get(stage, 0) >= max(total // 10, 1):
            shown[stage] = done
            print(f"  {stage} {done:,} / {total:,}", file=sys.stderr, flush=True)

    report = ws.build_tiles([(path, args.crs) for path in args.inputs], args.out, scheduler=args.scheduler,
                            workers=args.workers, tile_size_m=args.tile_size, retries=args.retries,
                            progress=progress, point_tile_size_m=args.point_tile_size, basemap=not args.no_basemap)
    print(tiles_summary(report))
    return 0 if report.ok else 1


def _info(args) -> int:
    from ydtwin.errors import ReadError, YdtwinError
    from ydtwin.tiling.pack import read_manifest

    try:
        folder, doc = read_manifest(args.folder)
    except ReadError as exc:
        raise YdtwinError(str(exc)) from None
    proj = doc.get("scene_projection", {})
    print(f"{folder}: ydtwin tile pack, {len(doc['tiles']):,} tiles of {doc.get('tile_size_m', 0):g} m, "
          f"{doc.get('buildings', 0):,} buildings, {doc.get('triangles', 0):,} triangles")
    print(f"  scene projection: transverse Mercator at {proj.get('lon_0', 0):.3f} E {proj.get('lat_0', 0):.3f} N")
    for item in doc.get("inputs", []):
        print(f"  input {item.get('path')}" + (f" (CRS {item['crs']})" if item.get("crs") else ""))
    if doc.get("rejected"):
        print("  quarantined: " + ", ".join(f"{n:,} {reason}" for reason, n in doc["rejected"].items()))
    points, basemap = doc.get("points"), doc.get("basemap")
    if isinstance(points, dict):
        print(f"  points: {points.get('points', 0):,} in {len(points.get('tiles', [])):,} tiles of "
              f"{points.get('tile_size_m', 0):g} m (from {points.get('source_crs') or '?'}); "
              f"open with --layer {folder / 'points'}")
    if isinstance(basemap, dict):
        print(f"  basemap: {basemap.get('features', 0):,} OpenStreetMap features in {basemap.get('tiles', 0):,} "
              f"tiles of {basemap.get('tile_size_m', 0):g} m; open with --basemap {folder}")
    return 0


def _export(args) -> int:
    from ydtwin.cli.common import workspace_from_args
    from ydtwin.workspace.tiles3d import check_3dtiles_folder

    check_3dtiles_folder(args.out)  # before any work
    ws = workspace_from_args(args)
    report = ws.export_3dtiles(args.out, terrain=not args.no_terrain, plans=not args.no_plans)
    print(report.summary())
    return 0
