"""Finding plugins without running them.

Sources, in order of precedence (a name found twice keeps the first, the second is listed as a duplicate):

1. ``builtin``: the plugin shipped inside ydtwin (readers, seed themes, built-in review rules);
2. ``path``: folders named in ``YDTWIN_PLUGIN_PATH`` (os.pathsep-separated; each a plugin or a folder of plugins);
3. ``repo``: the source checkout's ``plugins/`` folder (the eight city plugins);
4. ``user``: the user plugin folder (``ydtwin plugins install`` puts plugins there);
5. ``entry_point``: installed distributions announcing ``package:ydtwin.toml`` in the ``ydtwin.plugins`` group
   (the manifest is located through the package's import spec: the package is not imported).

Discovery reads TOML and checks it against the manifest schema and cheap semantics (ids prefixed and
unique, referenced files present, ydtwin version). It never imports plugin code and never raises: a
broken plugin comes back with its reason, the others load.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ydtwin.plugins import ENTRY_POINT_GROUP, MANIFEST_NAME
from ydtwin.plugins.manifest import Manifest

__all__ = ["BUILTIN_DIR", "Discovered", "REPO_PLUGINS", "discover", "read_manifest", "user_plugin_dir"]

BUILTIN_DIR = Path(__file__).resolve().parents[1] / "builtins"
REPO_PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
#: environment variable with extra plugin folders
PATH_VARIABLE = "YDTWIN_PLUGIN_PATH"


def user_plugin_dir() -> Path:
    """Where installed plugins live (platformdirs' user data folder)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("ydtwin", appauthor=False)) / "plugins"


@dataclass
class Discovered:
    """One plugin found: its manifest, or why it could not be used."""

    path: Path
    origin: str
    manifest: Manifest | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.manifest.name if self.manifest is not None else self.path.name

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not self.errors

    @property
    def error(self) -> str:
        return "; ".join(self.errors)


def _format_validation(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling against docs/plugins.md)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        out.append(f"{MANIFEST_NAME}: {where}: {msg}")
    return out


def read_manifest(folder: Path, origin: str = "path") -> Discovered:
    """Parse and check one plugin folder's manifest (schema + cheap semantics). Never raises."""
    found = Discovered(Path(folder), origin)
    path = found.path / MANIFEST_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        found.errors.append(f"no {MANIFEST_NAME} in {found.path}")
        return found
    except UnicodeDecodeError as exc:
        found.errors.append(f"{MANIFEST_NAME}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return found
    except tomllib.TOMLDecodeError as exc:
        found.errors.append(f"{MANIFEST_NAME}: not valid TOML ({exc})")
        return found
    except OSError as exc:
        found.errors.append(f"{MANIFEST_NAME}: cannot be read ({exc.strerror})")
        return found
    try:
        found.manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        found.errors.extend(_format_validation(exc))
        return found
    found.errors.extend(check_semantics(found.manifest, found.path))
    return found


def check_semantics(manifest: Manifest, folder: Path) -> list[str]:
    """Ids prefixed with the plugin's short name and unique; referenced files present; version satisfied."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    from ydtwin import __version__

    errors = []
    prefix = manifest.short_name + "."
    seen: set[str] = set()
    c = manifest.contributions
    for kind, items in (("projects", c.projects), ("layers", c.layers), ("readers", c.readers),
                        ("themes", c.themes), ("panels", c.panels), ("rules", c.rules)):
        for i, item in enumerate(items):
            if not item.id.startswith(prefix):
                errors.append(f"contributions.{kind}.{i}.id: {item.id!r} must start with {prefix!r}")
            if item.id in seen:
                errors.append(f"contributions.{kind}.{i}.id: {item.id!r} is used twice")
            seen.add(item.id)
    sources = {p.source for p in c.projects} | {layer.source for layer in c.layers}
    for source in sorted(sources):
        target = folder / source
        if not target.is_file():
            errors.append(f"file {source!r} named in the manifest is not in the plugin folder")
        elif not target.resolve().is_relative_to(folder.resolve()):
            errors.append(f"file {source!r} resolves outside the plugin folder")
    try:
        if Version(__version__) not in SpecifierSet(manifest.requires_ydtwin, prereleases=True):
            errors.append(f"requires ydtwin {manifest.requires_ydtwin}; this is {__version__}")
    except InvalidSpecifier:
        errors.append(f"requires_ydtwin: {manifest.requires_ydtwin!r} is not a version specifier (e.g. '>=0.1')")
    return errors


def _plugin_folders(root: Path) -> list[Path]:
    """``root`` itself when it holds a manifest, else its sub-folders that do (sorted, hidden ones skipped)."""
    if (root / MANIFEST_NAME).is_file():
        return [root]
    try:
        children = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    except OSError:
        return []
    return [p for p in children if (p / MANIFEST_NAME).exists()]


def _entry_point_folder(value: str) -> Path:
    """``package.sub:ydtwin.toml`` → the folder holding it, found from the import spec (nothing imported
    beyond the top-level package's spec)."""
    module, _, filename = value.partition(":")
    if filename and filename != MANIFEST_NAME:
        raise ValueError(f"the entry point must name {MANIFEST_NAME}, not {filename!r}")
    parts = module.split(".")
    spec = importlib.util.find_spec(parts[0])
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"package {parts[0]!r} is not installed as a package folder")
    return Path(list(spec.submodule_search_locations)[0]).joinpath(*parts[1:])


def discover(*, extra: list[Path] | None = None, builtin: bool = True, repo: bool = True, user: bool = True,
             entry_points: bool = True) -> list[Discovered]:
    """Every plugin found, in precedence order (see the module docstring). Never raises."""
    sources: list[tuple[Path, str]] = []
    if builtin:
        sources.append((BUILTIN_DIR, "builtin"))
    for raw in [*(extra or []), *filter(None, os.environ.get(PATH_VARIABLE, "").split(os.pathsep))]:
        sources.extend((p, "path") for p in _plugin_folders(Path(raw)))
    if repo and REPO_PLUGINS.is_dir():
        sources.extend((p, "repo") for p in _plugin_folders(REPO_PLUGINS))
    if user:
        udir = user_plugin_dir()
        if udir.is_dir():
            sources.extend((p, "user") for p in _plugin_folders(udir))
    found: list[Discovered] = []
    for folder, origin in sources:
        found.append(read_manifest(folder, origin))
    if entry_points:
        try:
            eps = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        except Exception:  # broken distribution metadata: no entry-point plugins
            eps = []
        for ep in eps:
            try:
                folder = _entry_point_folder(ep.value)
            except (ValueError, ImportError) as exc:
                found.append(Discovered(Path(ep.value), "entry_point", None, [f"entry point {ep.name!r}: {exc}"]))
                continue
            found.append(read_manifest(folder, "entry_point"))
    names: dict[str, Discovered] = {}
    for item in found:
        if item.manifest is None:
            continue
        first = names.setdefault(item.name, item)
        if first is not item:
            item.errors.append(f"a plugin named {item.name!r} was already found at {first.path} ({first.origin})")
    return found
