"""The camera of a scene view: named views (the region, a city, a district, a layer, a lon/lat box) resolved
to a box and framed for the window, the 2D map (a parallel projection looking straight down, north up),
viewpoints kept in lon/lat + height, and the poses of fly-tos and flythroughs."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ydtwin.model.buildings import BuildingsLayer
from ydtwin.model.pointcloud import PointCloudLayer
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
    #: scene height (m) of the ground the box lies on; 0 (sea level) for views of cities and the region, the
    #: terrain's height for small views (a 300 m survey on terrain drawn 50 m up would slip out of the frame)
    ground_z: float = 0.0


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
        for layer in self.scene.layers:
            if isinstance(layer, PointCloudLayer) and name in (layer.name, f"layer:{layer.name}") and len(layer.data):
                xyz = layer.data.xyz[:: max(1, len(layer.data) // 100_000)]  # a sample sets the view
                lon, lat = _lonlat(xyz[:, 0], xyz[:, 1], layer.data.crs)
                x0, x1 = np.percentile(lon, [0.5, 99.5])
                y0, y1 = np.percentile(lat, [0.5, 99.5])
                mx, my = (x1 - x0) * 0.15, (y1 - y0) * 0.15  # a margin: the survey's edges stay in the frame
                cx, cy = self.scene.projection.to_scene(np.array([(x0 + x1) / 2]), np.array([(y0 + y1) / 2]))
                ground = float(self.ctx.surface.z(cx, cy, 0.0)[0])
                return ViewSpec(layer.name, (x0 - mx, y0 - my, x1 + mx, y1 + my), elevation_deg=45.0,
                                ground_z=ground)
        for layer in self.scene.layers:
            if getattr(layer, "kind", "") == "model" and name in (layer.name, f"layer:{layer.name}"):
                x0, y0, x1, y1 = layer.footprint(self.scene.projection).bounds
                tall = float(np.ptp(layer.data.bounds()[:, 2])) * layer.anchor.scale
                m = max(x1 - x0, y1 - y0, tall) * 0.8  # a margin as large as the model is tall: it all shows
                lon, lat = self.scene.projection.from_scene(np.array([x0 - m, x1 + m]), np.array([y0 - m, y1 + m]))
                cx, cy = self.scene.projection.to_scene(np.array([layer.anchor.lon]), np.array([layer.anchor.lat]))
                # looking at its middle height: the whole model in the frame, not only its foot
                ground = float(self.ctx.surface.z(cx, cy, 0.0)[0]) + tall / 2
                return ViewSpec(layer.name, (float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])),
                                elevation_deg=35.0, ground_z=ground)
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
        """Frame a named view in perspective, from the south, tilted down (the 2D map is left)."""
        spec = self.view_spec(name)
        self.plotter.camera.SetParallelProjection(False)
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
        corners = np.column_stack([x, y, np.full(4, spec.ground_z)])
        dist = max(w, h) / math.tan(math.radians(VIEW_ANGLE_DEG) / 2)
        focal = np.array([cx, cy, spec.ground_z])
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

    # --- the 2D map: a parallel projection looking straight down, north up ----------------------------

    @property
    def map_mode(self) -> bool:
        """Whether the camera shows the 2D map."""
        return bool(self.plotter.camera.GetParallelProjection())

    def map_scale(self) -> float | None:
        """Half the 2D map's height in metres (VTK's parallel scale), or None in a perspective view."""
        cam = self.plotter.camera
        return float(cam.GetParallelScale()) if cam.GetParallelProjection() else None

    def set_map(self, on: bool = True, view: str | None = None, *, scale: float | None = None) -> ViewSpec | None:
        """Switch to the 2D map or back to perspective.

        On: a parallel projection looking straight down with grid north (+y) up, framing ``view`` (any name
        :meth:`view_spec` takes) exactly — the box's wider side fills the frame, nothing added — or, without
        a view, centred where the camera looks at the scale it has there (``scale``: half the frame's height in
        metres, instead). Off: a perspective view of the same place from the south at the usual tilt, its
        scale at the focal point that of the map; with ``view``, that view as :meth:`set_view` frames it.
        Returns the view framed, if any."""
        cam = self.plotter.camera
        if not on:
            if view is not None:
                return self.set_view(view)
            half = self.map_scale()
            cam.SetParallelProjection(False)
            if half is not None:
                focal = np.array(cam.focal_point)
                el = math.radians(VIEW_ELEVATION_DEG)
                dist = half / math.tan(math.radians(VIEW_ANGLE_DEG) / 2)
                cam.view_angle = VIEW_ANGLE_DEG
                cam.up = (0.0, 0.0, 1.0)
                cam.position = tuple(focal + dist * np.array([0.0, -math.cos(el), math.sin(el)]))
                self.plotter.renderer.ResetCameraClippingRange()
            self.request_render()
            return None
        spec = None
        if view is not None:
            spec = self.view_spec(view)
            lon0, lat0, lon1, lat1 = spec.bounds
            x, y = self.scene.projection.to_scene(np.array([lon0, lon1, lon0, lon1]),
                                                  np.array([lat0, lat0, lat1, lat1]))
            width, height = self.plotter.window_size
            aspect = max(width / max(height, 1), 0.1)
            w, h = float(x.max() - x.min()), float(y.max() - y.min())
            centre = ((float(x.max()) + float(x.min())) / 2, (float(y.max()) + float(y.min())) / 2, 0.0)
            half = scale if scale is not None else max(h / 2, w / (2 * aspect))
        else:
            centre = tuple(float(v) for v in cam.focal_point)
            half = scale if scale is not None else (
                self.map_scale() or cam.GetDistance() * math.tan(math.radians(cam.GetViewAngle()) / 2))
        if not (half > 0 and math.isfinite(half)):
            raise ValueError(f"a 2D map needs a positive scale, not {half!r}")
        cam.focal_point = centre
        cam.SetParallelProjection(True)
        cam.SetParallelScale(float(half))
        cam.view_angle = VIEW_ANGLE_DEG
        self.keep_map()
        self.request_render()
        return spec

    def keep_map(self) -> None:
        """In the 2D map: straight down and north up again (after a mouse drag that would rotate or tilt it),
        the eye at the height whose perspective scale at the ground equals the map's, so that levels of
        detail and label fading, which measure distances from the eye, see the map's scale. No-op in
        perspective. Moves the eye along the line of sight only: the map's image does not change."""
        cam = self.plotter.camera
        if not cam.GetParallelProjection():
            return
        focal = np.array(cam.focal_point)
        dist = cam.GetParallelScale() / math.tan(math.radians(cam.GetViewAngle()) / 2)
        eye = focal + np.array([0.0, 0.0, dist])
        if np.allclose(eye, cam.position, rtol=0, atol=1e-6 * dist) and np.allclose(cam.up, (0.0, 1.0, 0.0)):
            return
        cam.position = tuple(eye)
        cam.up = (0.0, 1.0, 0.0)
        self.plotter.renderer.ResetCameraClippingRange()

    # --- viewpoints (lon/lat + height: they survive a change of scene projection) ---------------------

    def viewpoint(self, name: str = "") -> Viewpoint:
        """The current camera as a Viewpoint."""
        cam = self.plotter.camera
        return Viewpoint(name, self._lonlatz(cam.position), self._lonlatz(cam.focal_point), float(cam.view_angle))

    def viewpoint_for(self, view: str) -> Viewpoint:
        """Where ``set_view(view)`` would put the camera, without moving it."""
        cam = self.plotter.camera
        saved = (cam.position, cam.focal_point, cam.up, cam.view_angle)
        parallel = (cam.GetParallelProjection(), cam.GetParallelScale())
        request, self._request_render = self._request_render, (lambda: None)
        try:
            spec = self.set_view(view)
            return self.viewpoint(spec.name)
        finally:
            self._request_render = request
            cam.position, cam.focal_point, cam.up, cam.view_angle = saved
            cam.SetParallelProjection(parallel[0])
            cam.SetParallelScale(parallel[1])

    def fly_frames(self, goal: Viewpoint, steps: int) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """Camera frames (focal, eye, view angle; scene metres) from the current view to ``goal``."""
        from ydtwin.geo.camera import fly_path

        start = self.viewpoint()
        return fly_path(self._scene_xyz(start.target), self._scene_xyz(start.eye), self._scene_xyz(goal.target),
                        self._scene_xyz(goal.eye), steps, start_angle=start.view_angle, goal_angle=goal.view_angle)

    def set_camera(self, focal, eye, view_angle: float) -> None:
        """A perspective camera (a fly-to's frame): the 2D map is left."""
        cam = self.plotter.camera
        cam.SetParallelProjection(False)
        cam.focal_point = tuple(float(v) for v in focal)
        cam.position = tuple(float(v) for v in eye)
        cam.up = (0.0, 0.0, 1.0)
        cam.view_angle = float(view_angle)
        self.plotter.renderer.ResetCameraClippingRange()

    def set_pose(self, eye, focal, up, view_angle: float) -> None:
        """The camera at a flythrough pose (scene metres; ``up`` explicit: a path may roll or look down), in
        perspective."""
        cam = self.plotter.camera
        cam.SetParallelProjection(False)
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
        cam.SetParallelProjection(False)
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

    def view_ground_box(self, *, max_side_km: float = 60.0) -> tuple[float, float, float, float]:
        """The lon/lat box of the ground the camera shows: the viewport's edges cast onto the level of the focal
        point (rays above the horizon stop at three times the focal distance), at most ``max_side_km`` a side
        around the focal point. What "export the view" takes."""
        cam = self.plotter.camera
        width, height = self.plotter.window_size
        aspect = max(width / max(height, 1), 0.1)
        m = cam.GetCompositeProjectionTransformMatrix(aspect, -1, 1)
        inv = np.linalg.inv(np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)]))
        focal = np.array(cam.GetFocalPoint(), dtype=np.float64)
        reach = 3.0 * float(cam.GetDistance())
        edge = np.linspace(-1.0, 1.0, 9)
        ndc = np.vstack([np.column_stack([edge, np.full(9, -1.0)]), np.column_stack([edge, np.full(9, 1.0)]),
                         np.column_stack([np.full(9, -1.0), edge]), np.column_stack([np.full(9, 1.0), edge])])
        ground = []
        for x, y in ndc:
            near, far = (inv @ np.array([x, y, z, 1.0]) for z in (-1.0, 1.0))
            near, far = near[:3] / near[3], far[:3] / far[3]
            ray = far - near
            ray /= max(np.linalg.norm(ray), 1e-12)
            t = (focal[2] - near[2]) / ray[2] if abs(ray[2]) > 1e-9 else np.inf
            start = near if cam.GetParallelProjection() else np.array(cam.GetPosition())
            hit = near + t * ray if 0 < t < np.inf else None
            if hit is None or np.linalg.norm(hit[:2] - start[:2]) > reach:  # above the horizon, or far off
                flat = ray[:2] / max(np.linalg.norm(ray[:2]), 1e-12)
                hit = np.r_[start[:2] + flat * reach, focal[2]]
            ground.append(hit[:2])
        xy = np.array(ground)
        half = max_side_km * 500.0
        xy = np.clip(xy, focal[:2] - half, focal[:2] + half)
        lon, lat = self.scene.projection.from_scene(xy[:, 0], xy[:, 1])
        return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())

    def _to_ndc(self, points: np.ndarray, aspect: float) -> np.ndarray:
        m = self.plotter.camera.GetCompositeProjectionTransformMatrix(aspect, -1, 1)
        mat = np.array([[m.GetElement(r, c) for c in range(4)] for r in range(4)])
        hom = np.column_stack([points, np.ones(len(points))]) @ mat.T
        return hom[:, :2] / hom[:, 3:4]
