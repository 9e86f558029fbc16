"""What a panel may ask of the window: a narrow interface, never the main window itself.

Panels get the workspace (the model and the use cases) and a ``Host`` (the window's services: the log,
the status bar, the camera, background work, settings). They cannot reach the window's widgets, so the
window's layout can change without touching them, and a panel can be tested with a stand-in host.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Host"]


class Host:
    """The window's services for panels."""

    def __init__(self, window) -> None:
        self._window = window

    @property
    def settings(self):
        """The user's QSettings (remembered choices)."""
        return self._window.settings

    def log(self, text: str, *, error: bool = False) -> None:
        """A line in the log panel and ydtwin.log (errors also in the status bar)."""
        self._window.log_message(text, error=error)

    def status(self, text: str, ms: int = 5000) -> None:
        """A passing message in the status bar."""
        self._window.statusBar().showMessage(text, ms)

    def fly_to(self, target) -> None:
        """Fly the camera to a view name or a Viewpoint."""
        self._window.fly_to(target)

    def set_view(self, name: str) -> None:
        """Show a view at once (region, city, district:CODE, layer, box)."""
        self._window.set_view(name)

    def viewpoint(self, name: str = ""):
        """The current camera as a Viewpoint."""
        return self._window.scene_view.viewpoint(name)

    def world_at(self, x: int, y: int):
        """(lon, lat, height) under display pixel (x, y), or None."""
        return self._window.scene_view.world_at(x, y)

    def pick(self, x: int, y: int) -> dict | None:
        """What is under display pixel (x, y) (a building's record with ``picked_xyz``), nothing outlined."""
        return self._window.scene_view.pick(x, y, highlight=False)

    def set_scene_tool(self, tool) -> None:
        """Give the view's clicks, cursor moves, Esc and Backspace to ``tool`` (its ``click_at(x, y)``,
        ``hover(where)``, ``finish()``, ``undo()``; ``stop()`` when another tool takes over), or back (None)."""
        self._window.set_scene_tool(tool)

    def run(self, work: Callable, done: Callable | None = None, failed: Callable | None = None) -> None:
        """``work()`` in a worker thread; ``done(result)`` or ``failed(exc)`` back on the UI thread."""
        self._window.runner.run(work, done, failed)

    def defer(self, fn: Callable[[], None]) -> None:
        """``fn()`` on the UI thread on a later turn of the event loop, never in the same turn as a frame."""
        self._window._work.defer(fn)

    @property
    def widget(self):
        """The window as a parent for dialogs and timers (not to be reached into)."""
        return self._window

    def camera_pose(self):
        """The viewport's camera: (eye, focal, up, view angle) in scene metres."""
        return self._window.scene_view.camera_pose()

    def map_scale(self) -> float | None:
        """Half the 2D map's height in metres, or None when the viewport is in perspective."""
        return self._window.scene_view.map_scale()

    def ground_point(self, lon: float, lat: float) -> tuple[float, float, float]:
        """The scene point (x, y, z) of the ground at lon/lat, as drawn (the terrain's exaggeration)."""
        import numpy as np

        view = self._window.scene_view
        x, y = view.scene.projection.to_scene(np.array([lon]), np.array([lat]))
        return float(x[0]), float(y[0]), float(view.ctx.surface.z(x, y, 0.0)[0])

    def lonlat_of(self, x: float, y: float) -> tuple[float, float]:
        """lon/lat of the scene point (x, y)."""
        import numpy as np

        lon, lat = self._window.scene_view.scene.projection.from_scene(np.array([x]), np.array([y]))
        return float(lon[0]), float(lat[0])

    def add_handle(self, xyz, radius: float, colour, moved: Callable) -> object:
        """A sphere in the view the user drags (at ``xyz``, scene metres); ``moved((x, y, z))`` when released
        → the handle (for ``remove_handle``)."""
        plotter = self._window.scene_view.plotter
        handle = plotter.add_sphere_widget(lambda c: moved(tuple(float(v) for v in c)), center=tuple(xyz),
                                           radius=radius, color=colour, selected_color="yellow", test_callback=False)
        self._window.scene_view.request_render()
        return handle

    def remove_handle(self, handle) -> None:
        plotter = self._window.scene_view.plotter
        handle.Off()
        widgets = getattr(getattr(plotter, "widgets", None), "sphere_widgets", None)
        if widgets is None:  # pyvista before 0.46
            widgets = getattr(plotter, "sphere_widgets", [])
        if handle in widgets:
            widgets.remove(handle)
        self._window.scene_view.request_render()

    def set_pose(self, eye, focal, up, view_angle: float) -> None:
        """Put the viewport's camera at a flythrough pose (scene metres) and redraw."""
        self._window.scene_view.set_pose(eye, focal, up, view_angle)

    def scene_xyz(self, lonlath) -> tuple[float, float, float]:
        """(lon, lat, height) → scene metres, as the viewport draws them (terrain exaggeration included)."""
        return self._window.scene_view._scene_xyz(lonlath)

    def viewport_pixels(self) -> tuple[int, int]:
        """The viewport's size in device pixels."""
        vp = self._window.viewport
        ratio = vp.devicePixelRatioF()
        return max(16, round(vp.width() * ratio)), max(16, round(vp.height() * ratio))
