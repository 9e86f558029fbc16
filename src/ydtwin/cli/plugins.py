"""``ydtwin plugins …``: list, validate, install, scaffold, trust and switch plugins."""

from __future__ import annotations

from ydtwin.errors import YdtwinError

__all__ = ["cmd_plugins"]


def cmd_plugins(args) -> int:
    from pathlib import Path

    from ydtwin.cli import EXIT_USER_ERROR
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
                print(f"ok   {found.name} {m.version}: {len(c.projects)} projects{_accuracy(m)}, "
                      f"{len(c.layers)} layers, {len(c.themes)} themes, {len(c.readers)} readers, "
                      f"{len(c.panels)} panels, {len(c.rules)} rules")
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


def _accuracy(m) -> str:
    """The positional accuracy a plan plugin states, as the review will use it: " (positional accuracy 25 m)"."""
    from ydtwin.model.plans import DEFAULT_ACCURACY_M

    projects = m.contributions.projects
    if not projects:
        return ""
    values = sorted({p.accuracy_m if p.accuracy_m is not None else m.accuracy_m for p in projects},
                    key=lambda v: (v is None, v or 0.0))
    if values == [None]:
        return f" (positional accuracy not stated: {DEFAULT_ACCURACY_M:g} m assumed)"
    shown = ", ".join(f"{v:g} m" if v is not None else f"{DEFAULT_ACCURACY_M:g} m assumed" for v in values)
    return f" (positional accuracy {shown})"
