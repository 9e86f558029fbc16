"""Point clouds drawn on the CPU for software GL: each frame, the points are projected and splatted into a colour
image and a depth image (numba), which one screen-covering quad then draws into the scene with the points'
own depth (``gl_FragDepth``), so that buildings and terrain hide the points behind them and points hide what
lies behind them, exactly as points drawn by VTK would.

Why: Mesa's llvmpipe runs the vertex stage of VTK's point rendering on one core, about 5 M vertices a second,
so 1 M points take 180–380 ms a frame however small they are drawn. The same 1 M points projected and splatted
here take about 40 ms on one core, and the quad costs what any full-screen textured quad costs. On a GPU the
points stay VTK actors (``ydtwin.render.points``): there, drawing them is far cheaper than this.

The depth image holds each pixel's nearest point as a distance along the view axis, packed in 24 bits between
the frame's nearest and farthest point; the quad's fragment shader turns it into window depth with the
camera's projection as it stands when the frame starts (``ProjectionRow``). The clipping range the frame draws
with is set before the renderer's start observers run, so the two agree (tested against VTK's own depths).

An index image keeps, per pixel, which point was drawn there, so that a click identifies the point under it.
"""

from __future__ import annotations

import numba
import numpy as np
import pyvista as pv

from ydtwin.render import _vtk

__all__ = ["SplatLayer", "splat_points"]

#: depth images are 24-bit: this many steps between the nearest and the farthest point of a frame
DEPTH_STEPS = float((1 << 24) - 1)
#: a point is nudged this share of its distance towards the eye, so that ground points lying exactly on the
#: terrain surface are not lost to it (what VTK's coincident-topology offset does for point actors)
DEPTH_NUDGE = 2e-4

_VS_POSITION = """//VTK::PositionVC::Impl
  // the quad covers the viewport whatever the camera: its corners 0–3 are the viewport's corners
  gl_Position = vec4((gl_VertexID == 1 || gl_VertexID == 2) ? 1.0 : -1.0, gl_VertexID >= 2 ? 1.0 : -1.0, 0.0, 1.0);
"""
_FS_LIGHT = """//VTK::Light::Impl
  {
    ivec2 pix = ivec2(gl_FragCoord.xy) - splatViewportOrigin;
    vec4 sc = texelFetch(splatColour, pix, 0);
    if (sc.a == 0.0) discard;
    vec4 sd = texelFetch(splatDepth, pix, 0);
    float t = (sd.r * 255.0 + sd.g * 65280.0 + sd.b * 16711680.0) / 16777215.0;
    float zv = -(splatNear + t * (splatFar - splatNear));
    gl_FragDepth = clamp(0.5 * (splatProjection.x * zv + splatProjection.y)
                         / (splatProjection.z * zv + splatProjection.w) + 0.5, 0.0, 1.0);
    fragOutput0 = vec4(sc.rgb, opacity);
  }
"""


@numba.njit(cache=True, nogil=True)
def splat_points(local, rgb, count, clip, view_z, width, height, size, base_id, dist, colour, index):
    """Splat the first ``count`` points of ``local`` (float32, tile coordinates) into the frame: ``clip`` (4 × 4)
    takes tile coordinates to clip space, ``view_z`` (4) to the view-space z (negative in front of the eye).
    Each point covers ``size`` × ``size`` pixels; a pixel keeps its nearest point (distance in ``dist``, packed
    RGBA in ``colour``, ``base_id`` + the point's position in ``index``)."""
    half_size = 0.5 * size
    drawn = 0
    for i in range(count):
        x = np.float64(local[i, 0])
        y = np.float64(local[i, 1])
        z = np.float64(local[i, 2])
        w = clip[3, 0] * x + clip[3, 1] * y + clip[3, 2] * z + clip[3, 3]
        if w <= 0.0:
            continue
        d = -(view_z[0] * x + view_z[1] * y + view_z[2] * z + view_z[3])
        if d <= 0.0:
            continue
        nx = (clip[0, 0] * x + clip[0, 1] * y + clip[0, 2] * z + clip[0, 3]) / w
        ny = (clip[1, 0] * x + clip[1, 1] * y + clip[1, 2] * z + clip[1, 3]) / w
        nz = (clip[2, 0] * x + clip[2, 1] * y + clip[2, 2] * z + clip[2, 3]) / w
        if nz < -1.0 or nz > 1.0 or nx < -2.0 or nx > 2.0 or ny < -2.0 or ny > 2.0:
            continue  # beyond the clipping planes, or well outside the view
        # the pixels whose centres lie in the size × size square around the point (as GL rasterises points)
        px = int(np.floor((nx * 0.5 + 0.5) * width - half_size + 0.5))
        py = int(np.floor((ny * 0.5 + 0.5) * height - half_size + 0.5))
        if px >= width or py >= height or px + size <= 0 or py + size <= 0:
            continue
        c = (np.uint32(rgb[i, 0]) | (np.uint32(rgb[i, 1]) << np.uint32(8))
             | (np.uint32(rgb[i, 2]) << np.uint32(16)) | np.uint32(0xFF000000))
        for yy in range(max(py, 0), min(py + size, height)):
            for xx in range(max(px, 0), min(px + size, width)):
                if d < dist[yy, xx]:
                    dist[yy, xx] = d
                    colour[yy, xx] = c
                    index[yy, xx] = base_id + i
        drawn += 1
    return drawn


@numba.njit(cache=True, nogil=True)
def _depth_range(dist):
    lo, hi = np.inf, -np.inf
    for v in dist.ravel():
        if v < np.inf:
            lo = min(lo, v)
            hi = max(hi, v)
    return lo, hi


@numba.njit(cache=True, nogil=True)
def _pack_depth(dist, near, far, nudge, packed):
    """Each pixel's distance as 24 bits between ``near`` and ``far`` (alpha 255), nudged towards the eye."""
    span = far - near
    flat, out = dist.ravel(), packed.ravel()
    for k in range(flat.size):
        d = flat[k]
        if d < np.inf:
            t = (d * (1.0 - nudge) - near) / span
            t = min(max(t, 0.0), 1.0)
            out[k] = np.uint32(t * 16777215.0 + 0.5) | np.uint32(0xFF000000)
        else:
            out[k] = 0


def _matrix(m) -> np.ndarray:
    return np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])


class SplatLayer:
    """The images, textures and quad actor that draw one cloud's points by CPU splatting.

    ``tiles``: (float32 local points, uint8 RGB, float64 origin) per tile; ``counts``: how many of each tile's
    first points the next frame draws (``PointsVisual.update_level``)."""

    def __init__(self, plotter: pv.Plotter, bounds: tuple[float, ...], *, point_size: int, name: str) -> None:
        self.plotter = plotter
        self.point_size = max(1, int(point_size))
        self.tiles: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.counts: list[int] = []
        #: points the last frame put on screen (in front of the eye, inside the view)
        self.points_splatted = 0
        self.size = (0, 0)
        self._images: dict[str, tuple] = {}
        self.dist = np.zeros((0, 0), np.float32)
        self.index = np.zeros((0, 0), np.int64)
        self._bases: np.ndarray = np.zeros(0, np.int64)
        self.actor = self._quad(bounds, name)
        self._observer = plotter.renderer.AddObserver("StartEvent", lambda *_: self.before_frame(), -10.0)

    # --- VTK objects -------------------------------------------------------------------------------

    def _texture(self, name: str, width: int, height: int):
        image = _vtk.vtkImageData()
        image.SetDimensions(width, height, 1)
        pixels = np.zeros((height, width, 4), np.uint8)
        array = _vtk.numpy_to_vtk(pixels.reshape(-1, 4), deep=False)
        array.SetName(name)
        image.GetPointData().SetScalars(array)
        texture = _vtk.vtkTexture()
        texture.SetInputData(image)
        texture.InterpolateOff()
        texture.MipmapOff()
        texture.RepeatOff()
        texture.EdgeClampOn()
        texture.SetColorModeToDirectScalars()
        self._images[name] = (image, pixels, texture)
        self.actor.GetProperty().SetTexture(name, texture)
        return pixels.view(np.uint32).reshape(height, width)

    def _quad(self, bounds, name: str):
        x0, x1, y0, y1, z0, z1 = bounds
        # its points span the cloud's box: VTK culls it, and fits clipping ranges to it, as it would the cloud
        quad = pv.PolyData(np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z1], [x0, y1, z1]], dtype=float),
                           faces=[4, 0, 1, 2, 3])
        actor = self.plotter.add_mesh(quad, lighting=False, pickable=False, reset_camera=False, render=False,
                                      name=name, color="white")
        shader = actor.GetShaderProperty()
        shader.AddVertexShaderReplacement("//VTK::PositionVC::Impl", True, _VS_POSITION, False)
        shader.AddFragmentShaderReplacement("//VTK::Light::Impl", True, _FS_LIGHT, False)
        shader.AddFragmentShaderReplacement("//VTK::TCoord::Impl", True, "", False)  # textures are data here
        uniforms = shader.GetFragmentCustomUniforms()
        uniforms.SetUniformf("splatNear", 1.0)
        uniforms.SetUniformf("splatFar", 2.0)
        uniforms.SetUniform4f("splatProjection", [1.0, 0.0, -1.0, 0.0])
        uniforms.SetUniform2i("splatViewportOrigin", [0, 0])
        actor.ForceOpaqueOn()
        actor._ydtwin_splat = self
        return actor

    def set_tiles(self, tiles: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        self.tiles = tiles
        self.counts = [len(t[0]) for t in tiles]
        self._bases = np.cumsum([0] + [len(t[0]) for t in tiles])[:-1].astype(np.int64)

    def set_opacity(self, opacity: float) -> None:
        self.actor.prop.opacity = opacity
        self.actor.SetForceOpaque(opacity >= 1.0)

    def detach(self) -> None:
        """Stop splatting before each frame (the actor is removed with the visual's others)."""
        if self._observer is not None:
            self.plotter.renderer.RemoveObserver(self._observer)
            self._observer = None

    # --- each frame --------------------------------------------------------------------------------

    def _resize(self, width: int, height: int) -> None:
        self._images = {}
        self._colour = self._texture("splatColour", width, height)
        self._depth = self._texture("splatDepth", width, height)
        self.dist = np.full((height, width), np.inf, np.float32)
        self.index = np.full((height, width), -1, np.int64)
        self.size = (width, height)

    def before_frame(self) -> None:
        """Project and splat the points for the frame about to be drawn (the renderer's start: the camera
        and clipping range are those of the frame)."""
        if not self.actor.GetVisibility() or not self.tiles:
            self.points_splatted = 0
            return
        renderer = self.plotter.renderer
        width, height = (int(v) for v in renderer.GetSize())
        if width <= 0 or height <= 0:
            return
        if (width, height) != self.size:
            self._resize(width, height)
        camera = renderer.GetActiveCamera()
        aspect = renderer.GetTiledAspectRatio()
        composite = _matrix(camera.GetCompositeProjectionTransformMatrix(aspect, -1, 1))
        view = _matrix(camera.GetViewTransformMatrix())
        projection = _matrix(camera.GetProjectionTransformMatrix(aspect, -1, 1))
        self.dist.fill(np.inf)
        self._colour.fill(0)
        self.index.fill(-1)
        drawn = 0
        move = np.eye(4)
        for (local, rgb, origin), count, base in zip(self.tiles, self.counts, self._bases, strict=True):
            move[:3, 3] = origin
            drawn += splat_points(local, rgb, int(count), composite @ move, (view @ move)[2], width, height,
                                  self.point_size, int(base), self.dist, self._colour, self.index)
        self.points_splatted = drawn
        near, far = _depth_range(self.dist)
        if not np.isfinite(near):
            near, far = 1.0, 2.0
        far = max(far, near * (1.0 + 1e-6) + 1e-6)
        _pack_depth(self.dist, near * (1.0 - DEPTH_NUDGE), far, DEPTH_NUDGE, self._depth)
        uniforms = self.actor.GetShaderProperty().GetFragmentCustomUniforms()
        uniforms.SetUniformf("splatNear", float(near * (1.0 - DEPTH_NUDGE)))
        uniforms.SetUniformf("splatFar", float(far))
        uniforms.SetUniform4f("splatProjection", [projection[2, 2], projection[2, 3], projection[3, 2],
                                                  projection[3, 3]])
        vx, vy = renderer.GetOrigin()
        uniforms.SetUniform2i("splatViewportOrigin", [int(vx), int(vy)])
        for image, _pixels, _texture in self._images.values():
            image.Modified()

    def pick(self, x: int, y: int, radius: int = 3) -> tuple[int, int, float] | None:
        """The point drawn nearest to display pixel (x, y) (origin bottom-left) within ``radius`` pixels in the
        last frame: (tile, point within the tile, distance along the view axis), or None."""
        width, height = self.size
        if width == 0:
            return None
        vx, vy = self.plotter.renderer.GetOrigin()
        x, y = x - int(vx), y - int(vy)
        best = None
        for r in range(radius + 1):
            for yy in range(max(y - r, 0), min(y + r + 1, height)):
                for xx in range(max(x - r, 0), min(x + r + 1, width)):
                    k = int(self.index[yy, xx])
                    if k >= 0 and (best is None or self.dist[yy, xx] < best[1]):
                        best = (k, float(self.dist[yy, xx]))
            if best is not None:
                break
        if best is None:
            return None
        tile = int(np.searchsorted(self._bases, best[0], side="right") - 1)
        return tile, best[0] - int(self._bases[tile]), best[1]
