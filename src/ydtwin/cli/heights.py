"""``ydtwin analyse heights``: building heights from a classified point cloud, written into the footprints."""

from __future__ import annotations

__all__ = ["cmd_heights"]


def cmd_heights(args) -> int:
    from ydtwin.workspace import LayerRequest, Workspace
    from ydtwin.workspace.heights import write_heights_geojson
    from ydtwin.workspace.layers import load_summary
    from ydtwin.workspace.outputs import check_output

    if not args.out.lower().endswith((".geojson", ".json")):
        from ydtwin.errors import YdtwinError

        raise YdtwinError(f"--out {args.out}: heights are written as GeoJSON (.geojson)")
    out = check_output(args.out, inputs=[args.layer, args.cloud])  # before any work
    ws = Workspace.open(args.region, boundaries=args.boundaries, plugin_names=[])
    buildings = ws.open_layer(LayerRequest(args.layer, crs=args.crs))
    print("loaded " + load_summary(buildings))
    cloud = ws.open_layer(LayerRequest(args.cloud, crs=args.cloud_crs))
    print("loaded " + load_summary(cloud))
    result = ws.heights_from_cloud(buildings.layer, cloud.layer, ground_radius_m=args.ground_radius,
                                   min_points=args.min_points)
    print(result.summary(buildings.layer.name))
    path = write_heights_geojson(buildings.layer, out)
    print(f"wrote {path}")
    return 0
