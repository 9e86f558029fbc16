"""The plugin manager panel, and the host side of plugin panels (the ViewerAPI they get)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PyQt6.QtCore import QCoreApplication, Qt
from PyQt6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ydtwin.plugins.manager import ACTIVE, PluginManager

log = logging.getLogger("ydtwin")

__all__ = ["PluginHost", "PluginsPanel"]


class PluginHost:
    """The ViewerAPI one plugin's panels get: scene edits through the model, nothing of the window."""

    def __init__(self, plugin: str, workspace, host) -> None:
        self.plugin = plugin
        self._scene = workspace.scene
        self._host = host
        self._added: dict[str, object] = {}

    def layer_names(self) -> list[str]:
        return [layer.name for layer in self._scene.layers]

    def add_layer(self, layer) -> None:
        self._scene.add(layer)
        self._added[layer.name] = layer

    def remove_layer(self, name: str) -> None:
        layer = self._added.pop(name, None)
        if layer is None:
            raise KeyError(f"{name}: not a layer this plugin added")
        if layer in self._scene.layers:
            self._scene.layers.remove(layer)

    def fly_to(self, target: str) -> None:
        self._host.set_view(target)

    def notify(self, message: str) -> None:
        self._host.log(f"{self.plugin}: {message}")

    def plan_projects(self) -> list[dict]:
        from ydtwin.model.plans import PlansLayer

        out = []
        for layer in self._scene.layers:
            if isinstance(layer, PlansLayer):
                attrs = layer.data.attributes
                for i in range(len(layer.data)):
                    out.append({k: (v[i].item() if hasattr(v[i], "item") else v[i]) for k, v in attrs.items()})
        return out

    def dispose(self) -> None:
        """Remove what the plugin added (its panel closed or the plugin was switched off)."""
        for name in list(self._added):
            try:
                self.remove_layer(name)
            except KeyError:
                pass


class PluginsPanel(QWidget):
    """Every plugin found: state, version, origin, what it contributes, its problem; enable/disable, trust,
    install, and open a plugin's panels."""

    COLUMNS = ("Plugin", "Status", "Version", "From", "Contributes", "Problem")

    def _headers(self) -> list[str]:
        return [self.tr("Plugin"), self.tr("Status"), self.tr("Version"), self.tr("From"), self.tr("Contributes"),
                self.tr("Problem")]

    def _status(self, status: str) -> str:
        return {"active": self.tr("active"), "disabled": self.tr("disabled"), "untrusted": self.tr("untrusted"),
                "safe mode": self.tr("safe mode"), "broken": self.tr("broken"), "failed": self.tr("failed")}[status]

    def __init__(self, manager: PluginManager, *, changed: Callable[[], None], open_panel: Callable[[str], None],
                 install: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self._changed = changed
        self._open_panel = open_panel
        self._install = install
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(len(self.COLUMNS))
        self.tree.setHeaderLabels(self._headers())
        self.tree.setRootIsDecorated(True)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.toggle_button = QPushButton(self.tr("Disable"), self)
        self.toggle_button.clicked.connect(self._toggle)
        self.trust_button = QPushButton(self.tr("Trust"), self)
        self.trust_button.setToolTip(self.tr("Run this plugin's code (this exact version)"))
        self.trust_button.clicked.connect(self._trust)
        self.install_button = QPushButton(self.tr("Install…"), self)
        self.install_button.clicked.connect(self._ask_install)
        buttons = QHBoxLayout()
        for b in (self.toggle_button, self.trust_button, self.install_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        for found in self.manager.discovered:
            status = self.manager.status(found)
            m = found.manifest
            item = QTreeWidgetItem([
                found.name, self._status(status), m.version if m else "?", found.origin, self.manager.summary(found),
                self.manager.reason(found) if status != ACTIVE else "",
            ])
            item.setData(0, Qt.ItemDataRole.UserRole, found.name)
            if m is not None and m.display_name:
                item.setToolTip(0, m.display_name_zh or m.display_name)
            for panel in m.contributions.panels if m else []:
                child = QTreeWidgetItem([self.tr("panel: {0}").format(panel.title), "", "", "", "", ""])
                child.setData(0, Qt.ItemDataRole.UserRole, f"panel:{panel.id}")
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        for c in range(len(self.COLUMNS) - 1):
            self.tree.resizeColumnToContents(c)
        self._update_buttons()

    def item_for(self, name: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == name:
                return item
        return None

    def _selected(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def _update_buttons(self) -> None:
        name = self._selected()
        is_plugin = bool(name) and not str(name).startswith("panel:")
        self.toggle_button.setEnabled(is_plugin)
        self.trust_button.setEnabled(False)
        if not is_plugin:
            self.toggle_button.setText(self.tr("Open panel") if name else self.tr("Disable"))
            self.toggle_button.setEnabled(bool(name))
            return
        found = self.manager.plugin(name)
        off = name in self.manager.settings.disabled
        self.toggle_button.setText(self.tr("Enable") if off else self.tr("Disable"))
        self.trust_button.setEnabled(self.manager.needs_trust(found) and not self.manager.safe_mode)
        trusted = self.manager.settings.is_trusted(name, found.path) if self.manager.needs_trust(found) else False
        self.trust_button.setText(self.tr("Distrust") if trusted else self.tr("Trust"))

    def _toggle(self) -> None:
        name = self._selected()
        if not name:
            return
        if str(name).startswith("panel:"):
            self._open_panel(name.split(":", 1)[1])
            return
        self.set_enabled(name, name in self.manager.settings.disabled)

    def set_enabled(self, name: str, enabled: bool) -> None:
        self.manager.set_enabled(name, enabled)
        self._changed()
        self.refresh()

    def _trust(self) -> None:
        name = self._selected()
        if not name:
            return
        found = self.manager.plugin(name)
        if self.manager.settings.is_trusted(name, found.path):
            self.manager.distrust(name)
        else:
            self.manager.trust(name)
        self._changed()
        self.refresh()

    def _ask_install(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Install a plugin"), "",
                                              self.tr("Plugin archive") + " (*.zip);;ydtwin.toml (ydtwin.toml)")
        if path:
            self._install(path[: -len("ydtwin.toml")] if path.endswith("ydtwin.toml") else path)


def make_dock(window, panel: PluginsPanel) -> QDockWidget:
    dock = QDockWidget(QCoreApplication.translate("MainWindow", "Plugins"), window)
    dock.setObjectName("plugins-dock")
    dock.setWidget(panel)
    return dock
