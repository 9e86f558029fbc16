"""Point clouds drawn on the CPU for software GL: each frame the points are projected and splatted (numba) into
one 64-bit key per pixel — the nearest point's distance along the view axis above, its index below — which
gives a colour image and a depth image; one quad then draws them into the scene with the points' own depth
(``gl_FragDepth``), so that buildings and terrain hide the points behind them and points hide what lies
behind them, as points drawn by VTK would.

Why: Mesa's llvmpipe runs the vertex stage of VTK's point rendering on one core, about 5 M vertices a second,
so 1 M points take 180–380 ms a frame however small they are drawn. Splatted here, 1 M points take 17–30 ms
(two threads, each into a buffer of its own, then the nearer per pixel: the same image whichever thread runs
first), and the quad covers only the pixels the points reached. On a GPU the points stay VTK actors
(``ydtwin.render.points``): there, drawing them is far cheaper than this.

The distance is kept in 32 bits between the nearest and farthest corner of the tiles' boxes and drawn with its
24 upper bits; the quad's fragment shader turns it into window depth with the camera's projection as it stands
when the frame starts (``splatProjection``). This observer runs after the others at the renderer's start, so
the camera and clipping range are those the frame draws with (tested against VTK's own depths).

The keys stay until the next frame, so a click identifies the point drawn under it (``SplatLayer.pick``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import pyvista as pv

from ydtwin.render import _vtk

__all__ = ["SplatLayer", "splat_points"]

#: a point is nudged this share of its distance towards the eye, so that ground points lying exactly on the
#: terrain surface are not lost to it (what VTK's coincident-topology offset does for point actors)
DEPTH_NUDGE = 2e-4

_VS_POSITION = """//VTK::PositionVC::Impl
  // whatever the camera, the quad covers the part of the viewport where points were splatted: its corners
  // 0–3 are that box's (splatBox: x0, y0, x1, y1 in normalised device coordinates)
  gl_Position = vec4((gl_VertexID == 1 || gl_VertexID == 2) ? splatBox.z : splatBox.x,
                     gl_VertexID >= 2 ? splatBox.w : splatBox.y, 0.0, 1.0);
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


EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


@numba.njit(cache=True, nogil=True, inline="always")
def _splat_range(local, a, b, clip, view_z, near, scale, width, height, size, keys, box):
    """Splat points ``a``–``b`` of ``local`` (float32, tile coordinates) into ``keys``: ``clip`` (4 × 4) takes
    tile coordinates to clip space, ``view_z`` (4) to the view-space z (negative in front of the eye). Each
    point covers ``size`` × ``size`` pixels; a pixel keeps its nearest point as one 64-bit key — its distance
    along the view axis in 32 bits from ``near`` (× ``scale``) above, the point's index below — so that one
    write per pixel keeps both. Returns how many points landed in the view; widens ``box`` (x0, y0, x1, y1,
    pixels) to hold them."""
    half_size = 0.5 * size
    drawn = 0
    for i in range(a, b):
        x = np.float64(local[i, 0])
        y = np.float64(local[i, 1])
        z = np.float64(local[i, 2])
        w = clip[3, 0] * x + clip[3, 1] * y + clip[3, 2] * z + clip[3, 3]
        if w <= 0.0:
            continue
        inv = 1.0 / w
        nz = (clip[2, 0] * x + clip[2, 1] * y + clip[2, 2] * z + clip[2, 3]) * inv
        if nz < -1.0 or nz > 1.0:
            continue  # beyond the clipping planes
        nx = (clip[0, 0] * x + clip[0, 1] * y + clip[0, 2] * z + clip[0, 3]) * inv
        ny = (clip[1, 0] * x + clip[1, 1] * y + clip[1, 2] * z + clip[1, 3]) * inv
        if nx < -2.0 or nx > 2.0 or ny < -2.0 or ny > 2.0:
            continue  # well outside the view
        # the pixels whose centres lie in the size × size square around the point (as GL rasterises points)
        px = int(np.floor((nx * 0.5 + 0.5) * width - half_size + 0.5))
        py = int(np.floor((ny * 0.5 + 0.5) * height - half_size + 0.5))
        if px >= width or py >= height or px + size <= 0 or py + size <= 0:
            continue
        d = -(view_z[0] * x + view_z[1] * y + view_z[2] * z + view_z[3])
        q = min(max((d - near) * scale, 0.0), 4294967294.0)
        key = (np.uint64(q) << np.uint64(32)) | np.uint64(i)
        box[0] = min(box[0], px)
        box[1] = min(box[1], py)
        box[2] = max(box[2], px + size)
        box[3] = max(box[3], py + size)
        for yy in range(max(py, 0), min(py + size, height)):
            row = keys[yy]
            for xx in range(max(px, 0), min(px + size, width)):
                if key < row[xx]:
                    row[xx] = key
        drawn += 1
    return drawn


@numba.njit(cache=True, nogil=True)
def splat_points(local, starts, counts, clips, view_zs, near, far, size, keys, part, parts):
    """Splat share ``part`` of ``parts`` of the first ``counts[t]`` points of each tile ``t`` (from
    ``starts[t]`` in ``local``; its matrices ``clips[t]``, ``view_zs[t]``) into ``keys`` (height × width,
    filled with ``EMPTY`` first). Returns how many points landed in the view and the box of pixels they cover
    (x0, y0, x1, y1; x1, y1 past the last)."""
    height, width = keys.shape
    keys[:, :] = EMPTY
    scale = 4294967294.0 / (far - near)
    box = np.empty(4, np.int64)
    box[0:2] = 1 << 40
    box[2:4] = -(1 << 40)
    drawn = 0
    for t in range(len(starts)):
        a = starts[t] + counts[t] * part // parts
        b = starts[t] + counts[t] * (part + 1) // parts
        drawn += _splat_range(local, a, b, clips[t], view_zs[t], near, scale, width, height, size, keys, box)
    return drawn, box


@numba.njit(cache=True, nogil=True)
def _nearer(keys, other):
    """Per pixel, the nearer of two splats' keys (into ``keys``)."""
    a, b = keys.ravel(), other.ravel()
    for k in range(a.size):
        if b[k] < a[k]:
            a[k] = b[k]


def _helper() -> ThreadPoolExecutor:
    global _HELPER
    if _HELPER is None:
        _HELPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ydtwin-splat")
    return _HELPER


_HELPER: ThreadPoolExecutor | None = None


@numba.njit(cache=True, nogil=True)
def _resolve(keys, rgb, colour, depth):
    """Each pixel's colour (RGBA, alpha 255 where a point is drawn, else 0) and the 24 upper bits of its
    distance (alpha 255), from the keys."""
    flat, c, d = keys.ravel(), colour.ravel(), depth.ravel()
    for k in range(flat.size):
        key = flat[k]
        if key == EMPTY:
            c[k] = 0
            d[k] = 0
        else:
            i = np.int64(key & np.uint64(0xFFFFFFFF))
            c[k] = (np.uint32(rgb[i, 0]) | (np.uint32(rgb[i, 1]) << np.uint32(8))
                    | (np.uint32(rgb[i, 2]) << np.uint32(16)) | np.uint32(0xFF000000))
            d[k] = np.uint32(key >> np.uint64(40)) | np.uint32(0xFF000000)


def _matrix(m) -> np.ndarray:
    return np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])


class SplatLayer:
    """The images, textures and quad actor that draw one cloud's points by CPU splatting.

    ``tiles``: (float32 local points, uint8 RGB, float64 origin) per tile; ``counts``: how many of each tile's
    first points the next frame draws (``PointsVisual.update_level``)."""

    def __init__(self, plotter: pv.Plotter, bounds: tuple[float, ...], *, point_size: int, name: str) -> None:
        self.plotter = plotter
        self.tiles: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.counts: list[int] = []
        #: points the last frame put on screen (in front of the eye, inside the view)
        self.points_splatted = 0
        self.size = (0, 0)
        self._images: dict[str, tuple] = {}
        #: per pixel of the last frame: its nearest point's key (``splat_points``); all ones where none
        self.keys = np.zeros((0, 0), np.uint64)
        self._bases: np.ndarray = np.zeros(0, np.int64)
        self._rgb = np.zeros((0, 3), np.uint8)
        self._range = (1.0, 2.0)
        self.actor = self._quad(bounds, name, point_size)
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
        prop = self.actor.GetProperty()
        if prop.GetTexture(name) is not None:
            prop.RemoveTexture(name)  # the window was resized: a new size
        prop.SetTexture(name, texture)
        return pixels.view(np.uint32).reshape(height, width)

    def _quad(self, bounds, name: str, point_size: int):
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
        shader.GetVertexCustomUniforms().SetUniform4f("splatBox", [-1.0, -1.0, 1.0, 1.0])
        actor.ForceOpaqueOn()
        # the points' size in render pixels lives on the property, where exports scale it as they scale VTK's
        actor.prop.point_size = max(1, int(point_size))
        actor._ydtwin_splat = self
        return actor

    def set_tiles(self, tiles: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        self.tiles = tiles
        self.counts = [len(t[0]) for t in tiles]
        self._bases = np.cumsum([0] + [len(t[0]) for t in tiles])[:-1].astype(np.int64)
        self._rgb = np.concatenate([t[1] for t in tiles]) if tiles else np.zeros((0, 3), np.uint8)
        self._local = np.concatenate([t[0] for t in tiles]) if tiles else np.zeros((0, 3), np.float32)
        # the tiles' arrays become views of the joined ones (one copy in memory)
        ends = self._bases + np.array(self.counts, dtype=np.int64)
        self.tiles = [(self._local[a:b], self._rgb[a:b], origin)
                      for (a, b), (_local, _rgb, origin) in zip(zip(self._bases, ends, strict=True), tiles, strict=True)]
        # each tile's box corners (tile coordinates): the frame's distance range is bounded by theirs
        self._corners = []
        for local, _rgb, _origin in tiles:
            lo, hi = local.min(axis=0).astype(float), local.max(axis=0).astype(float)
            self._corners.append(np.array([[x, y, z, 1.0] for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
                                           for z in (lo[2], hi[2])]))

    def point_size(self) -> int:
        """Pixels a point covers on each side (the property's point size, as VTK rounds it)."""
        return max(1, int(round(self.actor.GetProperty().GetPointSize())))

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
        self.keys = np.full((height, width), EMPTY, np.uint64)
        self._spare = np.full((height, width), EMPTY, np.uint64)
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
        moves = []
        near, far = np.inf, 0.0
        for (_local, _rgb, origin), corners in zip(self.tiles, self._corners, strict=True):
            move = np.eye(4)
            move[:3, 3] = origin
            moves.append(move)
            d = -(corners @ (view @ move)[2])
            near, far = min(near, float(d.min())), max(far, float(d.max()))
        near = max(near * (1.0 - DEPTH_NUDGE), 1e-6)
        far = max(far, near * (1.0 + 1e-6) + 1e-6)
        self._range = (near, far)
        clips = np.array([composite @ move for move in moves])
        # nudged towards the eye: the distance rows scaled by (1 - nudge)
        view_zs = np.array([(view @ move)[2] * (1.0 - DEPTH_NUDGE) for move in moves])
        counts = np.asarray(self.counts, dtype=np.int64)
        args = (self._local, self._bases, counts, clips, view_zs, near, far, self.point_size())
        # two halves, each into a buffer of its own, then the nearer per pixel: the same image whichever half
        # runs first. A second thread (the kernels release the GIL) rather than a parallel kernel: with the
        # other core busy, it simply runs after this one, where a parallel region would wait on its partner.
        other = _helper().submit(splat_points, *args, self._spare, 1, 2)
        drawn, box = splat_points(*args, self.keys, 0, 2)
        drawn_other, box_other = other.result()
        _nearer(self.keys, self._spare)
        drawn += drawn_other
        box = np.array([min(box[0], box_other[0]), min(box[1], box_other[1]), max(box[2], box_other[2]),
                        max(box[3], box_other[3])])
        box = np.clip(box, 0, [width, height, width, height])
        self.points_splatted = drawn
        _resolve(self.keys, self._rgb, self._colour, self._depth)
        uniforms = self.actor.GetShaderProperty().GetFragmentCustomUniforms()
        uniforms.SetUniformf("splatNear", float(near))
        uniforms.SetUniformf("splatFar", float(far))
        uniforms.SetUniform4f("splatProjection", [projection[2, 2], projection[2, 3], projection[3, 2],
                                                  projection[3, 3]])
        vx, vy = renderer.GetOrigin()
        uniforms.SetUniform2i("splatViewportOrigin", [int(vx), int(vy)])
        x0, y0, x1, y1 = (int(v) for v in box)
        if x1 <= x0 or y1 <= y0:
            x0, y0, x1, y1 = 0, 0, 0, 0  # nothing splatted: an empty quad
        self.actor.GetShaderProperty().GetVertexCustomUniforms().SetUniform4f(
            "splatBox", [2.0 * x0 / width - 1.0, 2.0 * y0 / height - 1.0, 2.0 * x1 / width - 1.0,
                         2.0 * y1 / height - 1.0])
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
        empty = EMPTY
        best = empty
        for r in range(radius + 1):
            patch = self.keys[max(y - r, 0):max(y + r + 1, 0), max(x - r, 0):max(x + r + 1, 0)]
            if patch.size and patch.min() != empty:
                best = patch.min()
                break
        if best == empty:
            return None
        k = int(best & np.uint64(0xFFFFFFFF))
        near, far = self._range
        distance = near + float(best >> np.uint64(32)) / 4294967294.0 * (far - near)
        tile = int(np.searchsorted(self._bases, k, side="right") - 1)
        return tile, k - int(self._bases[tile]), distance / (1.0 - DEPTH_NUDGE)
