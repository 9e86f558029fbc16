"""The camera of a scene view: named views (the region, a city, a district, a layer, a lon/lat box) resolved
to a box and framed for the window, viewpoints kept in lon/lat + height, and the poses of fly-tos and flythroughs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ydtwin.model.buildings import BuildingsLayer
from ydtwin.model.project import Viewpoint

if TYPE_CHECKING:
    import pyvista as pv

    from ydtwin.model.scene import Scene

VIEW_ELEVATION_DEG = 50.0
VIEW_ANGLE_DEG = 30.0


def _parse_bbox(text: str) -> tuple[float, float, float, float] | None:
    """'lon0,lat0,lon1,lat1' → a box, else None."""
    parts = text.replace(" ", "").split(",")
    if len(parts) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError:
        return None
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"view box {text!r} must be lon_min,lat_min,lon_max,lat_max")
    return x0, y0, x1, y1


def _lonlat(x, y, crs):
    from ydtwin.geo.projection import to_wgs84

    return to_wgs84(x, y, crs)


@dataclass(frozen=True)
class ViewSpec:
    """A named camera: look at the middle of ``bounds`` (lon/lat) from the south, tilted down."""

    name: str
    bounds: tuple[float, float, float, float]
    elevation_deg: float = VIEW_ELEVATION_DEG


class SceneCamera:
    """The camera part of :class:`~ydtwin.render.scene_view.SceneView` (a mixin): the view provides ``scene``,
    ``plotter`` and ``request_render``; ``viewpoint_for`` silences ``_request_render`` while it measures."""

    scene: Scene
    plotter: pv.Plotter
    _request_render: Callable[[], None]

    # --- cameras ----------------------------------------------------------------------------------

    def views(self) -> list[str]:
        return ["region"] + [c.name for c in self.scene.region.cities]

    def view_spec(self, name: str = "region") -> ViewSpec:
        region = self.scene.region
        if name.strip().lower() in ("", "region", "home"):
            return ViewSpec("region", region.bbox)
        box = _parse_bbox(name)
        if box is not None:
            return ViewSpec(name, box, elevation_deg=45.0)
        for layer in self.scene.layers:
            if isinstance(layer, BuildingsLayer) and name in (layer.name, f"layer:{layer.name}") and len(layer.data):
                lon, lat = _lonlat(layer.data.xy[:, 0], layer.data.xy[:, 1], layer.data.crs)
                # the middle 98 % of the vertices: a few strays should not set the view
                x0, x1 = np.percentile(lon, [1, 99])
                y0, y1 = np.percentile(lat, [1, 99])
                return ViewSpec(layer.name, (x0, y0, x1, y1), elevation_deg=45.0)
        district = self._district_bounds(name)
        if district is not None:
            return ViewSpec(district[0], district[1], elevation_deg=50.0)
        city = region.city(name)
        bounds = region.city_bounds.get(city.adcode)
        if bounds is None:
            lon, lat = city.centre
            bounds = (lon - 0.3, lat - 0.25, lon + 0.3, lat + 0.25)
        return ViewSpec(city.name, bounds)

    def districts(self) -> list[tuple[str, str, str]]:
        """(city adcode, district adcode, district name) of the region's districts, from the boundaries layer."""
        try:
            data = self.scene.layer("district-boundaries").data
        except KeyError:
            return []
        attrs = data.attributes
        codes = attrs.get("adcode")
        if codes is None:
            return []
        names = attrs.get("name_zh", attrs.get("name", codes))
        cities = attrs.get("city_adcode", np.full(len(codes), ""))
        return [(str(cities[i]), str(codes[i]), str(names[i])) for i in range(len(codes))]

    def _district_bounds(self, name: str):
        """("district name", lon/lat box) for "district:<adcode>" or a district's unique name, else None."""
        try:
            data = self.scene.layer("district-boundaries").data
        except KeyError:
            return None
        import shapely

        text = name.strip()
        codes = [str(c) for c in data.attributes.get("adcode", [])]
        names = [str(n) for n in data.attributes.get("name_zh", data.attributes.get("name", codes))]
        if text.startswith("district:"):
            hits = [i for i, c in enumerate(codes) if c == text.split(":", 1)[1]]
        else:
            hits = [i for i, n in enumerate(names) if n == text]
        if len(hits) != 1:
            return None
        i = hits[0]
        lon, lat = _lonlat(*shapely.get_coordinates(data.geometries[i]).T, data.crs)
        return names[i], (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))

    def set_view(self, name: str = "region") -> ViewSpec:
        spec = self.view_spec(name)
        lon0, lat0, lon1, lat1 = spec.bounds
        x, y = self.scene.projection.to_scene(np.array([lon0, lon1, lon0, lon1]), np.array([lat0, lat0, lat1, lat1]))
        cx, cy = float(x.mean()), float(y.mean())
        w, h = float(x.max() - x.min()), float(y.max() - y.min())
        width, height = self.plotter.window_size
        aspect = max(width / max(height, 1), 0.1)
        el = math.radians(spec.elevation_deg)
        cam = self.plotter.camera
        cam.view_angle = VIEW_ANGLE_DEG
        cam.up = (0.0, 0.0, 1.0)
        direction = np.array([0.0, -math.cos(el), math.sin(el)])
        corners = np.column_stack([x, y, np.zeros(4)])
        dist = max(w, h) / math.tan(math.radians(VIEW_ANGLE_DEG) / 2)
        focal = np.array([cx, cy, 0.0])
        # fit the box's corners into the viewport (with a margin): a few fixed-point steps on the distance
        for _ in range(8):
            cam.focal_point = tuple(focal)
            cam.position = tuple(focal + dist * direction)
            ndc = self._to_ndc(corners, aspect)
            # re-centre the box vertically, then scale the distance to the widest extent
            shift = (ndc[:, 1].max() + ndc[:, 1].min()) / 2
            focal = focal + np.array([0.0, shift * h * 0.5, 0.0])
            extent = max(np.abs(ndc[:, 0]).max(), np.abs(ndc[:, 1] - shift).max())
            dist *= extent / 0.92
        cam.focal_point = tuple(focal)
        cam.position = tuple(focal + dist * direction)
        self.plotter.renderer.ResetCameraClippingRange()
        self.request_render()
        return spec

    # --- viewpoints (lon/lat + height: they survive a change of scene projection) ---------------------

    def viewpoint(self, name: str = "") -> Viewpoint:
        """The current camera as a Viewpoint."""
        cam = self.plotter.camera
        return Viewpoint(name, self._lonlatz(cam.position), self._lonlatz(cam.focal_point), float(cam.view_angle))

    def viewpoint_for(self, view: str) -> Viewpoint:
        """Where ``set_view(view)`` would put the camera, without moving it."""
        cam = self.plotter.camera
        saved = (cam.position, cam.focal_point, cam.up, cam.view_angle)
        request, self._request_render = self._request_render, (lambda: None)
        try:
            spec = self.set_view(view)
            return self.viewpoint(spec.name)
        finally:
            self._request_render = request
            cam.position, cam.focal_point, cam.up, cam.view_angle = saved

    def fly_frames(self, goal: Viewpoint, steps: int) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """Camera frames (focal, eye, view angle; scene metres) from the current view to ``goal``."""
        from ydtwin.geo.camera import fly_path

        start = self.viewpoint()
        return fly_path(self._scene_xyz(start.target), self._scene_xyz(start.eye), self._scene_xyz(goal.target),
                        self._scene_xyz(goal.eye), steps, start_angle=start.view_angle, goal_angle=goal.view_angle)

    def set_camera(self, focal, eye, view_angle: float) -> None:
        cam = self.plotter.camera
        cam.focal_point = tuple(float(v) for v in focal)
        cam.position = tuple(float(v) for v in eye)
        cam.up = (0.0, 0.0, 1.0)
        cam.view_angle = float(view_angle)
        self.plotter.renderer.ResetCameraClippingRange()

    def set_pose(self, eye, focal, up, view_angle: float) -> None:
        """The camera at a flythrough pose (scene metres; ``up`` explicit: a path may roll or look down)."""
        cam = self.plotter.camera
        cam.focal_point = tuple(float(v) for v in focal)
        cam.position = tuple(float(v) for v in eye)
        cam.up = tuple(float(v) for v in up)
        cam.view_angle = float(view_angle)
        self.plotter.renderer.ResetCameraClippingRange()
        self.request_render()

    def camera_pose(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(eye, focal, up, view angle) of the current camera, scene metres."""
        cam = self.plotter.camera
        return (np.array(cam.position), np.array(cam.focal_point), np.array(cam.up), float(cam.view_angle))

    def apply_viewpoint(self, vp: Viewpoint) -> None:
        cam = self.plotter.camera
        cam.focal_point = tuple(self._scene_xyz(vp.target))
        cam.position = tuple(self._scene_xyz(vp.eye))
        cam.up = (0.0, 0.0, 1.0)
        cam.view_angle = vp.view_angle
        self.plotter.renderer.ResetCameraClippingRange()
        self.request_render()

    def _lonlatz(self, xyz) -> tuple[float, float, float]:
        lon, lat = self.scene.projection.from_scene(xyz[0], xyz[1])
        return float(lon), float(lat), float(xyz[2])

    def _scene_xyz(self, lonlatz) -> np.ndarray:
        x, y = self.scene.projection.to_scene(lonlatz[0], lonlatz[1])
        return np.array([float(x), float(y), float(lonlatz[2])])

    def _to_ndc(self, points: np.ndarray, aspect: float) -> np.ndarray:
        m = self.plotter.camera.GetCompositeProjectionTransformMatrix(aspect, -1, 1)
        mat = np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])
        hom = np.column_stack([points, np.ones(len(points))]) @ mat.T
        return hom[:, :2] / hom[:, 3:4]
