"""The plugin manager: which plugins are active, what they contribute, and the way into their code.

Every contribution is registered through ``_register`` and gets a disposer; disabling a plugin runs its
disposers, so nothing it registered stays behind. A plugin is active when it was found intact, the user
has not switched it off, and — when it carries code and is not part of ydtwin — the user trusts this exact
version (content hash) and the app is not in safe mode. Data-only plugins run no code at all.

No plugin replaces another's contribution: every id (and every short name, the ids' namespace) is claimed
by the plugin that registers it first, and a plugin that would take one already claimed is refused whole
and listed as broken with the conflict as its reason. The built-in plugin always keeps its own: should a
plugin hold one of its ids (a list of plugins handed in out of order), that plugin is the one refused.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ydtwin.model.plans import PlansLayer, ThemeStyle, hex_to_rgb
from ydtwin.plugins.discovery import Discovered, discover
from ydtwin.plugins.guard import Guard
from ydtwin.plugins.limits import one_line
from ydtwin.plugins.manifest import PanelContribution, ReaderContribution, RuleContribution
from ydtwin.plugins.projects import PluginDataError, load_layers, load_projects
from ydtwin.plugins.trust import PluginSettings

__all__ = ["PluginManager", "READER_TIMEOUT_S", "Registered", "plugin_of"]

log = logging.getLogger("ydtwin.plugins")

#: seconds a third-party reader may take before it is abandoned and its plugin disabled
READER_TIMEOUT_S = 120.0

ACTIVE, OFF, UNTRUSTED, SAFE_MODE, BROKEN, FAILED = (
    "active", "disabled", "untrusted", "safe mode", "broken", "failed")


@dataclass(frozen=True)
class Registered:
    """A contribution in a registry, with the plugin it came from."""

    plugin: str
    contribution: object
    builtin: bool = False


class PluginManager:
    def __init__(self, *, safe_mode: bool = False, settings: PluginSettings | None = None,
                 discovered: list[Discovered] | None = None,
                 on_failure: Callable[[str, str], None] | None = None, **discover_kwargs) -> None:
        self.safe_mode = safe_mode
        #: seconds a third-party reader may run before it is abandoned and its plugin disabled
        self.reader_timeout_s = READER_TIMEOUT_S
        self.settings = settings if settings is not None else PluginSettings()
        self.discovered = discovered if discovered is not None else discover(**discover_kwargs)
        self.guard = Guard(on_failure=on_failure, on_disable=lambda name, _reason: self._dispose(name))
        self.readers: list[Registered] = []
        self.themes: dict[str, Registered] = {}
        self.panels: dict[str, Registered] = {}
        self.rules: dict[str, Registered] = {}
        self._plans: dict[str, PlansLayer] = {}
        self._layers: dict[str, list] = {}
        self._disposers: dict[str, list[Callable[[], None]]] = {}
        self._problems: dict[str, str] = {}
        #: contribution id, or "namespace:<short name>" → the plugin that registered it
        self._claims: dict[str, str] = {}
        self._by_name = {d.name: d for d in self.discovered if d.manifest is not None and d.ok}
        for found in self.discovered:
            if self.status(found) == ACTIVE:
                self._activate(found)

    # --- state ---------------------------------------------------------------------------------------

    def plugin(self, name: str) -> Discovered:
        for d in self.discovered:
            if d.name == name:
                return d
        raise KeyError(name)

    def needs_trust(self, found: Discovered) -> bool:
        return found.manifest is not None and found.manifest.has_code and found.origin != "builtin"

    def status(self, found: Discovered) -> str:
        if not found.ok:
            return BROKEN
        name = found.name
        if name in self._problems:
            return BROKEN
        if self.guard.disabled_reason(name):
            return FAILED
        if name in self.settings.disabled:
            return OFF
        if self.needs_trust(found):
            if self.safe_mode:
                return SAFE_MODE
            if not self.settings.is_trusted(name, found.path):
                return UNTRUSTED
        return ACTIVE

    def reason(self, found: Discovered) -> str:
        """Why a plugin is not active ('' when it is)."""
        status = self.status(found)
        return {
            BROKEN: self._problems.get(found.name) or found.error,
            FAILED: self.guard.disabled_reason(found.name),
            OFF: "switched off",
            SAFE_MODE: "safe mode: third-party code is off",
            UNTRUSTED: "carries code: trust this version to run it",
        }.get(status, "")

    def active(self) -> list[Discovered]:
        return [d for d in self.discovered if self.status(d) == ACTIVE]

    def set_enabled(self, name: str, enabled: bool) -> None:
        found = self.plugin(name)
        self.settings.set_enabled(name, enabled)
        if enabled:
            self.guard.enable(name)
            self._problems.pop(name, None)
            if self.status(found) == ACTIVE and name not in self._disposers:
                self._activate(found)
        else:
            self._dispose(name)

    def trust(self, name: str) -> None:
        """The user trusts this version of the plugin's code (remembered by content hash)."""
        found = self.plugin(name)
        self.settings.trust(name, found.path)
        if self.status(found) == ACTIVE and name not in self._disposers:
            self._activate(found)

    def distrust(self, name: str) -> None:
        self.settings.distrust(name)
        self._dispose(name)

    # --- registration ----------------------------------------------------------------------------------

    def _register(self, plugin: str, dispose: Callable[[], None]) -> Callable[[], None]:
        self._disposers.setdefault(plugin, []).append(dispose)
        return dispose

    def _dispose(self, name: str) -> None:
        for dispose in reversed(self._disposers.pop(name, [])):
            try:
                dispose()
            except Exception:  # a disposer of ours failing must not keep the rest registered
                log.exception("disposing a registration of %s failed", name)

    def _claimed(self, found: Discovered) -> list[str]:
        """What the plugin would claim: its namespace and every contribution id."""
        m = found.manifest
        c = m.contributions
        ids = [item.id for items in (c.projects, c.layers, c.readers, c.themes, c.panels, c.rules) for item in items]
        return [f"namespace:{m.short_name}", *ids]

    def _conflicts(self, found: Discovered) -> bool:
        """Refuse ``found`` (True) when another active plugin holds one of its ids; the built-in plugin
        instead refuses whoever holds one of its own."""
        name = found.name
        holders: dict[str, list[str]] = {}
        for key in self._claimed(found):
            owner = self._claims.get(key)
            if owner is not None and owner != name:
                holders.setdefault(owner, []).append(key.removeprefix("namespace:"))
        if not holders:
            return False
        if found.origin == "builtin":
            for owner, keys in holders.items():
                self._mark_broken(owner, f"conflicts with ydtwin's built-in plugin {name} over {_some(keys)}: "
                                         "a plugin never replaces a built-in contribution")
            return False
        owner, keys = next(iter(holders.items()))
        self._mark_broken(name, f"conflicts with {owner} over {_some(keys)}: refused (ids must be unique; "
                                "rename the plugin and its ids)")
        return True

    def _activate(self, found: Discovered) -> None:
        m = found.manifest
        name = m.name
        builtin = found.origin == "builtin"
        if self._conflicts(found):
            return
        self._disposers.setdefault(name, [])
        for key in self._claimed(found):
            self._claims[key] = name
            self._register(name, lambda k=key: self._claims.pop(k, None) if self._claims.get(k) == name else None)
        for theme in m.contributions.themes:
            self.themes[theme.id] = Registered(name, theme, builtin)
            self._register(name, lambda k=theme.id: self.themes.pop(k, None))
        for reader in m.contributions.readers:
            entry = Registered(name, reader, builtin)
            self.readers.append(entry)
            self._register(name, lambda e=entry: self.readers.remove(e) if e in self.readers else None)
        for panel in m.contributions.panels:
            self.panels[panel.id] = Registered(name, panel, builtin)
            self._register(name, lambda k=panel.id: self.panels.pop(k, None))
        for rule in m.contributions.rules:
            self.rules[rule.id] = Registered(name, rule, builtin)
            self._register(name, lambda k=rule.id: self.rules.pop(k, None))
        self._register(name, lambda: (self._plans.pop(name, None), self._layers.pop(name, None)))

    # --- contributions ---------------------------------------------------------------------------------

    def theme_styles(self) -> dict[str, ThemeStyle]:
        """Every active theme: id → ThemeStyle. Seed theme ids are short ('transportation'); contributed ones
        are answered by their full id and, for the built-in plugin, also by the part after its prefix."""
        out = {}
        for tid, reg in self.themes.items():
            t = reg.contribution
            style = ThemeStyle(tid, t.title, t.title_zh, hex_to_rgb(t.colour))
            out[tid] = style
            if reg.builtin:
                out[tid.split(".", 1)[1]] = ThemeStyle(tid.split(".", 1)[1], t.title, t.title_zh, style.rgb)
        return out

    def plan_layers(self) -> list[PlansLayer]:
        """Planned projects of every active plugin, one layer each. A plugin whose data does not match its
        manifest is marked broken and left out; the others load."""
        themes = self.theme_styles()
        out = []
        for found in self.active():
            name = found.name
            if name not in self._plans:
                try:
                    layer = load_projects(found, themes)
                except Exception as exc:  # noqa: BLE001 - a plugin's data never breaks the others
                    self._mark_broken(name, _data_problem(exc))
                    continue
                if layer is None:
                    continue
                self._plans[name] = layer
            out.append(self._plans[name])
        return out

    def extra_layers(self) -> list:
        out = []
        for found in self.active():
            name = found.name
            if name not in self._layers:
                try:
                    self._layers[name] = load_layers(found)
                except Exception as exc:  # noqa: BLE001 - a plugin's data never breaks the others
                    self._mark_broken(name, _data_problem(exc))
                    continue
            out.extend(self._layers[name])
        return out

    def _mark_broken(self, name: str, problem: str) -> None:
        self._problems[name] = problem
        log.error("plugin %s: %s", name, problem)
        if self.guard.on_failure is not None:
            self.guard.on_failure(name, problem)
        self._dispose(name)

    def _resolve(self, plugin: str, ref: str):
        """Import a plugin's code on first use; a folder plugin's folder is where its modules are."""
        import sys

        found = self.plugin(plugin)
        if found.origin not in ("builtin", "entry_point"):
            folder = str(found.path)
            if folder not in sys.path:
                sys.path.insert(0, folder)
        # third-party modules are imported off-thread with a time limit; ydtwin's own in this thread
        return self.guard.resolve(plugin, ref, inline=found.origin == "builtin")

    def reader_for(self, path: str | Path) -> Registered | None:
        """The reader for a file name: a plugin's own reader before the built-in ones."""
        name = Path(path).name.lower()
        for entry in sorted(self.readers, key=lambda e: e.builtin):
            reader: ReaderContribution = entry.contribution  # type: ignore[assignment]
            if any(fnmatch.fnmatch(name, pattern.lower()) for pattern in reader.patterns):
                return entry
        return None

    def read(self, entry: Registered, path: str | Path, **options):
        """Run a reader through the guard (third-party readers with a time limit) and check its result."""
        from ydtwin.model.buildings import BuildingsData
        from ydtwin.model.layer import VectorData

        reader: ReaderContribution = entry.contribution  # type: ignore[assignment]
        fn = self._resolve(entry.plugin, reader.python)
        from ydtwin.errors import YdtwinError

        timeout = None if entry.builtin else self.reader_timeout_s
        # a reader says "bad file" or "cancelled" with ydtwin's own one-line errors: not a plugin failure
        result = self.guard.call(entry.plugin, f"reader {reader.id}", fn, Path(path), timeout=timeout,
                                 passthrough=(YdtwinError,), **options)

        def check(value):
            data = value[0] if isinstance(value, tuple) else value
            if not isinstance(data, (BuildingsData, VectorData)):
                raise TypeError(f"returned {type(data).__name__}, not BuildingsData or VectorData")
            return value

        # an unusable result is a failure of the plugin, counted like any other
        return self.guard.call(entry.plugin, f"reader {reader.id}", check, result)

    def panel_factory(self, panel_id: str):
        """The panel's factory (imported now, through the guard)."""
        entry = self.panels[panel_id]
        panel: PanelContribution = entry.contribution  # type: ignore[assignment]
        return entry, self._resolve(entry.plugin, panel.python)

    def run_rule(self, rule_id: str, context, *, timeout: float = 30.0):
        """A code rule's findings (``python(context)``), through the guard with a time limit."""
        entry = self.rules[rule_id]
        rule: RuleContribution = entry.contribution  # type: ignore[assignment]
        if rule.python is None:
            raise ValueError(f"rule {rule_id} is declarative")
        fn = self._resolve(entry.plugin, rule.python)
        return self.guard.call(entry.plugin, f"rule {rule_id}", fn, context, timeout=timeout)

    def summary(self, found: Discovered) -> str:
        """What a plugin contributes, in words."""
        if found.manifest is None:
            return ""
        c = found.manifest.contributions
        parts = [f"{len(v)} {k}" for k, v in (("projects", c.projects), ("layers", c.layers),
                                              ("readers", c.readers), ("themes", c.themes),
                                              ("panels", c.panels), ("rules", c.rules)) if v]
        return ", ".join(parts) or "nothing"

    def layers(self, only: list[str] | None = None) -> list:
        """The active plugins' extra layers and plans (``only``: plugin names, short or full; None: all)."""
        wanted = None if only is None else {n if n.startswith("ydtwin-") else f"ydtwin-{n}" for n in only}
        out = []
        for layer in [*self.extra_layers(), *self.plan_layers()]:
            if wanted is None or plugin_of(layer) in wanted:
                out.append(layer)
        return out

    def add_to_scene(self, scene, only: list[str] | None = None) -> list:
        """Add ``layers(only)`` to a scene → the layers added."""
        added = self.layers(only)
        for layer in added:
            scene.add(layer)
        return added

    def rescan(self, **discover_kwargs) -> None:
        """Discover again (after an install): every plugin's registrations are renewed."""
        for name in list(self._disposers):
            self._dispose(name)
        self._plans.clear()
        self._layers.clear()
        self._problems.clear()
        self._claims.clear()
        self.discovered = discover(**discover_kwargs)
        for found in self.discovered:
            if self.status(found) == ACTIVE:
                self._activate(found)


def _data_problem(exc: Exception) -> str:
    if isinstance(exc, PluginDataError):
        return one_line(exc, 1000)
    return one_line(f"its data cannot be loaded ({type(exc).__name__}: {exc})", 1000)


def _some(keys: list[str]) -> str:
    shown = ", ".join(repr(k) for k in keys[:3])
    return shown + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")


def plugin_of(layer) -> str:
    """The plugin a layer came from ('' for layers that are not from a plugin)."""
    return getattr(layer, "plugin", "") or ""
