"""``ydtwin app``: the desktop app (the default command)."""

from __future__ import annotations

from ydtwin.errors import YdtwinError

__all__ = ["cmd_app"]


def cmd_app(args) -> int:
    import os

    from ydtwin.cli.common import layer_requests, plugin_names
    from ydtwin.render.backend import has_display

    if not has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        raise YdtwinError("the desktop app needs a display (DISPLAY or WAYLAND_DISPLAY is not set); "
                          "without one, `ydtwin snapshot` and `ydtwin flythrough` render to files")
    if getattr(args, "screenshot", None):
        from ydtwin.workspace.outputs import check_output

        if not str(args.screenshot).lower().endswith(".png"):
            raise YdtwinError(f"--screenshot {args.screenshot}: a screenshot is a .png")
        check_output(args.screenshot)
    from ydtwin.qt.app import run

    return run(region=args.region, boundaries=args.boundaries, view=getattr(args, "view", "region"),
               layers=layer_requests(args) if hasattr(args, "layer") else [], plugin_names=plugin_names(args),
               safe_mode=getattr(args, "safe_mode", False), reset_settings=getattr(args, "reset_settings", False),
               language=getattr(args, "lang", None), basemaps=[args.basemap] if getattr(args, "basemap", None) else [],
               dems=getattr(args, "dem", None) or [], sea_level=getattr(args, "sea_level", None),
               terrain_colour=getattr(args, "terrain_colour", None), project=getattr(args, "project_file", None),
               screenshot=getattr(args, "screenshot", None))
