"""What a plugin panel may do with the app: a narrow ``ViewerAPI``, never the main window itself."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["ViewerAPI"]


@runtime_checkable
class ViewerAPI(Protocol):
    """Handed to a panel's factory: ``python(api) -> QWidget``. Everything goes through the scene model."""

    def layer_names(self) -> list[str]:
        """Names of the layers in the scene, top to bottom."""
        ...

    def add_layer(self, layer) -> None:
        """Add a model layer (``ydtwin.model``: VectorLayer, BuildingsLayer, …) to the scene."""
        ...

    def remove_layer(self, name: str) -> None:
        """Remove a layer this plugin added (by name)."""
        ...

    def fly_to(self, target: str) -> None:
        """Fly to a city name, a layer name, ``district:<adcode>`` or a box ``lon0,lat0,lon1,lat1``."""
        ...

    def notify(self, message: str) -> None:
        """One line in the app's log panel and status bar."""
        ...

    def plan_projects(self) -> list[dict]:
        """Every planned project on the scene, as attribute dictionaries (id, title, theme, status, …)."""
        ...
