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
broken plugin comes back with its reason (one line), the others load. A manifest is read only when it is a
regular file of at most ``MAX_MANIFEST_BYTES``; one nested too deeply for the parser is broken, not fatal.

Names are namespaces: every id a plugin contributes starts with its short name (the name without
``ydtwin-``), so two plugins with the same short name could contribute the same ids. The first one found
keeps the short name and the later one is listed as broken ("name conflict"); the built-in plugin's short
name (``builtins``) is ydtwin's own and refused to every other plugin wherever it is found.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ydtwin.plugins import ENTRY_POINT_GROUP, MANIFEST_NAME
from ydtwin.plugins.limits import MAX_MANIFEST_BYTES, LimitError, is_under, one_line, read_limited
from ydtwin.plugins.manifest import Manifest

__all__ = ["BUILTIN_DIR", "BUILTIN_NAME", "Discovered", "MAX_MANIFEST_BYTES", "REPO_PLUGINS", "discover",
           "read_manifest", "user_plugin_dir"]

BUILTIN_DIR = Path(__file__).resolve().parents[1] / "builtins"
#: the plugins bundled with ydtwin (the source tree's plugins/, or a frozen build's)
REPO_PLUGINS = Path(getattr(sys, "_MEIPASS", "") or Path(__file__).resolve().parents[3]) / "plugins"
#: environment variable with extra plugin folders
PATH_VARIABLE = "YDTWIN_PLUGIN_PATH"
#: the built-in plugin's name; its short name ('builtins', the prefix of its ids) is refused to every other plugin
BUILTIN_NAME = "ydtwin-builtins"
#: problems kept per plugin (the rest are counted): a reason stays one readable line
MAX_PROBLEMS = 8


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
        """Every problem, as one line."""
        shown = [one_line(e) for e in self.errors[:MAX_PROBLEMS]]
        if len(self.errors) > MAX_PROBLEMS:
            shown.append(f"and {len(self.errors) - MAX_PROBLEMS:,} more problems")
        return "; ".join(shown)

    def add(self, *problems: str) -> None:
        """Record problems, each made one line (a manifest's text can hold anything)."""
        self.errors.extend(one_line(p) for p in problems)


def _format_validation(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False, include_input=False)[:MAX_PROBLEMS]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling against docs/plugins.md)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        out.append(f"{MANIFEST_NAME}: {one_line(where, 120)}: {msg}")
    more = exc.error_count() - len(out)
    if more > 0:
        out.append(f"{MANIFEST_NAME}: {more:,} more schema errors")
    return out


def _parse(found: Discovered) -> dict | None:
    """The manifest's TOML as a dict, or None with the reason recorded."""
    path = found.path / MANIFEST_NAME
    try:
        data = read_limited(path, MAX_MANIFEST_BYTES, MANIFEST_NAME)
    except FileNotFoundError:
        found.add(f"no {MANIFEST_NAME} in {found.path}")
        return None
    except LimitError as exc:
        found.add(str(exc))
        return None
    except OSError as exc:
        found.add(f"{MANIFEST_NAME}: cannot be read ({exc.strerror or exc})")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        found.add(f"{MANIFEST_NAME}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found.add(f"{MANIFEST_NAME}: not valid TOML ({exc})")
    except RecursionError:
        found.add(f"{MANIFEST_NAME}: tables or arrays nested too deeply to read (a manifest needs 4 levels)")
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        found.add(f"{MANIFEST_NAME}: not a usable TOML value ({exc})")
    return None


def read_manifest(folder: Path, origin: str = "path") -> Discovered:
    """Parse and check one plugin folder's manifest (schema + cheap semantics). Never raises: whatever is
    wrong comes back in ``errors`` (each one line)."""
    found = Discovered(Path(folder), origin)
    try:
        raw = _parse(found)
        if raw is None:
            return found
        try:
            found.manifest = Manifest.model_validate(raw)
        except ValidationError as exc:
            found.add(*_format_validation(exc))
            return found
        found.add(*check_semantics(found.manifest, found.path))
    except RecursionError:
        found.manifest = None
        found.add(f"{MANIFEST_NAME}: nested too deeply to check")
    except Exception as exc:  # noqa: BLE001 - discovery never raises: an unforeseen fault is this plugin's reason
        found.manifest = None
        found.add(f"{MANIFEST_NAME}: cannot be checked ({type(exc).__name__}: {exc})")
    return found


def _is_builtin_folder(folder: Path) -> bool:
    try:
        return folder.resolve() == BUILTIN_DIR
    except (OSError, RuntimeError, ValueError):
        return False


def check_semantics(manifest: Manifest, folder: Path) -> list[str]:
    """Ids prefixed with the plugin's short name and unique; the built-in short name not taken; referenced
    files present; version satisfied."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    from ydtwin import __version__

    errors = []
    builtin_short = BUILTIN_NAME.removeprefix("ydtwin-")
    if manifest.short_name == builtin_short and not _is_builtin_folder(folder):
        errors.append(f"name {manifest.name!r}: the short name {builtin_short!r} (the prefix of the ids of "
                      f"ydtwin's built-in plugin) is reserved: rename the plugin and its ids")
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
    sources |= {p.model for p in c.projects if p.model}
    for source in sorted(sources):
        target = folder / source
        try:
            present = target.is_file()
        except (OSError, ValueError):  # a name the system cannot take (too long, a NUL character)
            errors.append(f"file {source!r} named in the manifest is not a usable file name")
            continue
        if not present:
            errors.append(f"file {source!r} named in the manifest is not in the plugin folder")
        elif not is_under(target, folder):
            errors.append(f"file {source!r} resolves outside the plugin folder")
    try:
        if Version(__version__) not in SpecifierSet(manifest.requires_ydtwin, prereleases=True):
            errors.append(f"requires ydtwin {manifest.requires_ydtwin}; this is {__version__}")
    except InvalidSpecifier:
        errors.append(f"requires_ydtwin: {manifest.requires_ydtwin!r} is not a version specifier (e.g. '>=0.1')")
    return errors


def _plugin_folders(root: Path) -> list[Path]:
    """``root`` itself when it holds a manifest, else its sub-folders that do (sorted, hidden ones skipped)."""
    if _exists(root / MANIFEST_NAME):
        return [root]
    try:
        children = sorted(p for p in root.iterdir() if not p.name.startswith((".", "_")))
    except (OSError, ValueError):
        return []
    return [p for p in children if _exists(p / MANIFEST_NAME)]


def _exists(path: Path) -> bool:
    """Something is there (a manifest that is a FIFO or too large is then listed as broken, not skipped)."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


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


def _sources(extra: list[Path] | None, builtin: bool, repo: bool, user: bool) -> list[tuple[Path, str]]:
    sources: list[tuple[Path, str]] = []
    if builtin:
        sources.append((BUILTIN_DIR, "builtin"))
    for raw in [*(extra or []), *filter(None, os.environ.get(PATH_VARIABLE, "").split(os.pathsep))]:
        sources.extend((p, "path") for p in _plugin_folders(Path(raw)))
    if repo and _is_dir(REPO_PLUGINS):
        sources.extend((p, "repo") for p in _plugin_folders(REPO_PLUGINS))
    if user:
        try:
            udir = user_plugin_dir()
        except Exception:  # noqa: BLE001 - no user data folder: no user plugins
            udir = None
        if udir is not None and _is_dir(udir):
            sources.extend((p, "user") for p in _plugin_folders(udir))
    return sources


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def _entry_point_plugins() -> list[Discovered]:
    try:
        eps = list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    except Exception:  # noqa: BLE001 - broken distribution metadata: no entry-point plugins
        return []
    found = []
    for ep in eps:
        try:
            folder = _entry_point_folder(ep.value)
        except Exception as exc:  # noqa: BLE001 - a bad entry point is that plugin's reason, never the app's
            broken = Discovered(Path(ep.value), "entry_point")
            broken.add(f"entry point {ep.name!r}: {exc}")
            found.append(broken)
            continue
        found.append(read_manifest(folder, "entry_point"))
    return found


def _refuse_conflicts(found: list[Discovered]) -> None:
    """The first plugin found with a short name keeps it; a later one with the same name or short name (its
    ids would collide: ``suzhou.x`` from ``ydtwin-suzhou`` and from ``suzhou``) is marked broken."""
    owners: dict[str, Discovered] = {}
    for item in found:
        if item.manifest is None:
            continue
        short = item.manifest.short_name
        first = owners.setdefault(short, item)
        if first is item:
            continue
        if first.origin == "builtin" and first.name != item.name:
            continue  # check_semantics has said it: the built-in short name is reserved
        if first.name == item.name:
            item.add(f"a plugin named {item.name!r} was already found at {first.path} ({first.origin})")
        else:
            item.add(f"name conflict: {first.name!r} ({first.origin}, {first.path}) already has the short name "
                     f"{short!r} that prefixes ids: rename this plugin and its ids")


def discover(*, extra: list[Path] | None = None, builtin: bool = True, repo: bool = True, user: bool = True,
             entry_points: bool = True) -> list[Discovered]:
    """Every plugin found, in precedence order (see the module docstring). Never raises: a plugin that cannot
    be used comes back with its reason."""
    found = [read_manifest(folder, origin) for folder, origin in _sources(extra, builtin, repo, user)]
    if entry_points:
        found.extend(_entry_point_plugins())
    _refuse_conflicts(found)
    return found
