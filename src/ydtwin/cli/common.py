"""What several commands share: a workspace built from the common options, the --layer files, --plugins."""

from __future__ import annotations

from ydtwin.workspace import LayerRequest, Workspace

__all__ = ["hide_procedural", "layer_requests", "open_plans", "plugin_names", "render_still", "workspace_from_args"]


def plugin_names(args) -> list[str] | None:
    """--plugins → None (all) or a list of names ([] for none)."""
    text = getattr(args, "plugins", "all") or "all"
    if text.strip().lower() == "all":
        return None
    if text.strip().lower() == "none":
        return []
    return [n.strip() for n in text.split(",") if n.strip()]


def layer_requests(args) -> list[LayerRequest]:
    """The --layer files with --crs, --color-by, --replace and the height rules."""
    return [LayerRequest.from_text(path, crs=args.crs, color_by=args.color_by, replaces=args.replace,
                                   storey_height_m=args.storey_height, default_height_m=args.default_height)
            for path in getattr(args, "layer", []) or []]


def workspace_from_args(args, *, layers: bool = True, offscreen: bool = False, **kwargs) -> Workspace:
    """The workspace the command works in: --region/--boundaries, --plugins, the terrain's --exaggeration where
    the command has one, the --project file (all it names, a line printed for each), then --dem, --sea-level,
    --terrain-colour and each --layer file (its line printed)."""
    if offscreen:
        from ydtwin.render.backend import prepare_offscreen

        prepare_offscreen()  # before VTK is imported
    from ydtwin.printing import html_to_pdf

    ws = Workspace.open(args.region, boundaries=args.boundaries, plugin_names=plugin_names(args),
                        print_pdf=html_to_pdf, **kwargs)
    ws.set_exaggeration(getattr(args, "exaggeration", None))
    if getattr(args, "project_file", None):
        for line in ws.load_project(args.project_file):
            print(line)
    for dem in getattr(args, "dem", None) or []:
        print("loaded " + ws.open_dem(dem))
    ws.set_sea_level(getattr(args, "sea_level", None))
    ws.set_terrain_colouring(getattr(args, "terrain_colour", None))
    if layers:
        if getattr(args, "basemap", None):
            print("loaded " + ws.open_basemap(args.basemap))
        for request in layer_requests(args):
            print("loaded " + ws.add_loaded(ws.read_layer(request)))
    return ws


def render_still(ws, view: str, args, *, title: str, caption: str) -> None:
    """The scene as it stands (an analysis's result shown) rendered to ``args.image`` at ``args.size``, looking at
    ``view`` (``args.map``: as a plan view); a failure is one error line."""
    from ydtwin.errors import YdtwinError
    from ydtwin.render.export import Exporter, ExportError
    from ydtwin.render.overlay import OverlayOptions

    exporter = Exporter(ws.scene)
    try:
        exporter.set_view(view, args.size, map=args.map)
        exporter.still(args.image, args.size, OverlayOptions(title=title, caption=caption, date=""))
    except (ExportError, ValueError) as exc:
        raise YdtwinError(str(exc)) from None
    finally:
        exporter.close()
    print(f"wrote {args.image}")


def hide_procedural(ws) -> None:
    """--no-procedural: the procedural city blocks hidden (the files' buildings and the landmarks stay)."""
    for layer in ws.scene.layers:
        if getattr(layer, "kind", "") == "buildings" and layer.provenance.nature == "procedural":
            layer.visible = False


def open_plans(ws, args) -> list:
    """The --plan files (planned buildings, read with --plan-crs or --crs and the height rules) shown beside the
    city — they hide none of its blocks — a line printed for each → their layers."""
    from ydtwin.workspace.layers import load_summary

    plans = []
    for path in args.plan:
        loaded = ws.open_layer(LayerRequest(path, crs=args.plan_crs or args.crs, replaces="none",
                                            storey_height_m=args.storey_height, default_height_m=args.default_height))
        print("plan: loaded " + load_summary(loaded))
        plans.append(loaded.layer)
    return plans
