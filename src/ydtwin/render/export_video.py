"""Flythrough videos (MP4, PNG sequence, GIF): each frame rendered by an :class:`~ydtwin.render.export.Exporter`
and streamed to the encoder while the next one renders.

Frames go to a partial file (or folder) next to the target, hidden and named so that it never looks like a
finished video (``.<name>.incomplete-<pid>@<host>``, see :mod:`ydtwin.io.outputs`); the finished video appears
by one atomic rename at the end. Cancel or an error removes the partial output; the left-overs of a killed export
are removed by the next export to the same folder. The output path is checked before any work (a missing or
unwritable folder, an input as the output: refused, one line). The scene's plan year and layer visibility are
restored either way.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ydtwin.io.outputs import OutputError, check_output_path, clean_partials, partial_path
from ydtwin.render.export_common import Cancelled, ExportError
from ydtwin.render.export_kernels import fxaa
from ydtwin.render.overlay import OverlayOptions, draw_overlays

if TYPE_CHECKING:
    from ydtwin.render.export import Exporter

VIDEO_FORMATS = ("mp4", "png", "gif")


@dataclass(frozen=True)
class VideoQuality:
    """An MP4 encoding: x264's constant-rate factor (the quality every frame aims at), a ceiling on the bit
    rate at 1080p (scaled by the frame's pixels; a burst may reach it for a second, the buffer is two seconds)
    and x264's speed preset."""

    name: str
    crf: int
    #: Mbit/s at 1920 × 1080
    max_mbit_1080p: float
    preset: str

    def max_mbit(self, size: tuple[int, int]) -> float:
        w, h = size
        return max(0.5, self.max_mbit_1080p * (w * h) / (1920 * 1080))

    def output_params(self, size: tuple[int, int]) -> list[str]:
        rate = f"{self.max_mbit(size) * 1000:.0f}k"
        buf = f"{self.max_mbit(size) * 2000:.0f}k"
        return ["-preset", self.preset, "-crf", str(self.crf), "-maxrate", rate, "-bufsize", buf]


#: ``--quality`` of an MP4: draft (small, quick to share), standard (the default: at most 8 Mbit/s at 1080p,
#: at most about 60 MB a minute), high (for projection in a meeting room)
VIDEO_QUALITIES = {
    "draft": VideoQuality("draft", 28, 4.0, "veryfast"),
    "standard": VideoQuality("standard", 23, 8.0, "veryfast"),
    "high": VideoQuality("high", 19, 16.0, "faster"),
}
DEFAULT_VIDEO_QUALITY = "standard"


def video_quality(quality: str | VideoQuality) -> VideoQuality:
    """The named quality, or :class:`ExportError` (one line)."""
    if isinstance(quality, VideoQuality):
        return quality
    q = VIDEO_QUALITIES.get(str(quality).strip().lower())
    if q is None:
        raise ExportError(f"quality {quality!r}: one of {', '.join(VIDEO_QUALITIES)}")
    return q


@dataclass
class VideoResult:
    path: Path
    frames: int
    size: tuple[int, int]
    fps: int
    seconds: float
    #: seconds per frame: rendering (render_s), what the overlays need from the camera (overlay_s), waiting
    #: for the encoder thread (encoder_wait_s), and on that thread FXAA and drawing the overlays (finish_s)
    timings: dict = field(default_factory=dict)


def video_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        fmt = fmt.lower()
    elif path.suffix.lower() == ".mp4":
        fmt = "mp4"
    elif path.suffix.lower() == ".gif":
        fmt = "gif"
    elif path.suffix == "" or path.is_dir():
        fmt = "png"
    else:
        raise ExportError(f"{path.name}: a flythrough is .mp4, .gif or a folder for a PNG sequence")
    if fmt not in VIDEO_FORMATS:
        raise ExportError(f"format {fmt!r}: one of {', '.join(VIDEO_FORMATS)}")
    return fmt


class _Sink:
    """Frames to a temporary target, renamed into place by ``close`` or removed by ``abort``."""

    def write(self, frame: np.ndarray) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def abort(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def _sync_and_rename(tmp: Path, target: Path) -> None:
    """Flush what the encoder wrote to disk, rename it into place in one step, and sync the folder."""
    if tmp.is_file():
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
    os.replace(tmp, target)
    if os.name == "posix":
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _FfmpegSink(_Sink):
    def __init__(self, target: Path, size: tuple[int, int], fps: int, *, gif: bool, quality: VideoQuality) -> None:
        import imageio_ffmpeg

        self.target = target
        # the partial file's name does not end in .mp4/.gif: the container is named to the encoder instead
        self.tmp = partial_path(target)
        self.tmp.unlink(missing_ok=True)  # the encoder writes through links: none is left under this name
        if gif:
            kwargs = dict(codec="gif", pix_fmt_out="rgb8", quality=None,
                          output_params=["-filter_complex", "split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse",
                                         "-f", "gif"])
        else:
            kwargs = dict(codec="libx264", pix_fmt_out="yuv420p", quality=None,
                          output_params=[*quality.output_params(size), "-movflags", "+faststart", "-f", "mp4"])
        self._gen = imageio_ffmpeg.write_frames(str(self.tmp), size, fps=fps, macro_block_size=1,
                                                ffmpeg_log_level="error", **kwargs)
        self._gen.send(None)

    def write(self, frame: np.ndarray) -> None:
        self._gen.send(np.ascontiguousarray(frame[..., :3]))

    def close(self) -> None:
        self._gen.close()
        _sync_and_rename(self.tmp, self.target)

    def abort(self) -> None:
        try:
            self._gen.close()
        except Exception:  # noqa: BLE001 - the encoder's own failure; the file goes anyway
            pass
        self.tmp.unlink(missing_ok=True)


class _PngSink(_Sink):
    def __init__(self, target: Path) -> None:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise ExportError(f"{target}: a PNG sequence goes into a new or empty folder")
        self.target = target
        self.tmp = partial_path(target)
        shutil.rmtree(self.tmp, ignore_errors=True)  # this process's own, from an export that could not clean up
        self.tmp.mkdir()
        self.n = 0

    def write(self, frame: np.ndarray) -> None:
        from PIL import Image

        Image.fromarray(frame).save(self.tmp / f"frame_{self.n:05d}.png", compress_level=1)
        self.n += 1

    def close(self) -> None:
        if self.target.exists():
            self.target.rmdir()
        _sync_and_rename(self.tmp, self.target)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def open_sink(path: Path, fmt: str, size: tuple[int, int], fps: int,
              quality: str | VideoQuality = DEFAULT_VIDEO_QUALITY) -> _Sink:
    """The partial output for ``path`` (whose folder must exist: none is created), after the left-overs of
    dead exports in that folder are removed."""
    w, h = size
    clean_partials(path.parent)
    if fmt == "mp4":
        if w % 2 or h % 2:
            raise ExportError(f"MP4 (H.264, 4:2:0) needs an even width and height, not {w}x{h}")
        return _FfmpegSink(path, size, fps, gif=False, quality=video_quality(quality))
    if fmt == "gif":
        return _FfmpegSink(path, size, fps, gif=True, quality=video_quality(quality))
    return _PngSink(path)


class _Writer:
    """Finishes and encodes frames in a thread while the next one renders: each queued item is a frame and
    what is left to do to it (``finish(item) -> frame``: its FXAA pass and overlays, pixel work that releases
    the interpreter); at most ``depth`` items wait (flat memory: a frame is held only until it is encoded)."""

    def __init__(self, sink: _Sink, depth: int = 2, finish: Callable | None = None) -> None:
        self.sink = sink
        self.finish_frame = finish or (lambda item: item)
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.wait_s = 0.0
        self.finish_s = 0.0
        self.thread = threading.Thread(target=self._run, name="ydtwin-encoder", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                try:
                    t0 = time.perf_counter()
                    frame = self.finish_frame(item)
                    self.finish_s += time.perf_counter() - t0
                    self.sink.write(frame)
                except BaseException as exc:  # noqa: BLE001 - reported on the next put / at the end
                    self.error = exc

    def put(self, frame) -> None:
        if self.error is not None:
            raise ExportError(f"the encoder failed: {self.error}")
        t0 = time.perf_counter()
        self.queue.put(frame)
        self.wait_s += time.perf_counter() - t0

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise ExportError(f"the encoder failed: {self.error}")


def check_video(out: Path, fmt: str | None, size: tuple[int, int], fps: int,
                quality: str | VideoQuality = DEFAULT_VIDEO_QUALITY, *, inputs=()) -> str:
    """The video's format, or :class:`ExportError` for what cannot be made (one line), before any work: the
    format, size, frame rate and quality, and the output path (:func:`~ydtwin.io.outputs.check_output_path`:
    its folder exists and is writable, it is none of ``inputs``, a PNG sequence's folder is new or empty)."""
    from ydtwin.flythrough.path import MAX_VIDEO_SIZE

    out = Path(out)
    fmt = video_format(out, fmt)
    w, h = size
    if not (16 <= w <= MAX_VIDEO_SIZE[0] and 16 <= h <= MAX_VIDEO_SIZE[1]):
        raise ExportError(f"a video frame is at most {MAX_VIDEO_SIZE[0]}x{MAX_VIDEO_SIZE[1]}, not {w}x{h}")
    if fmt == "mp4" and (w % 2 or h % 2):
        raise ExportError(f"MP4 (H.264, 4:2:0) needs an even width and height, not {w}x{h}")
    if not 1 <= fps <= 120:
        raise ExportError(f"frame rate {fps}: 1–120 frames per second")
    video_quality(quality)
    try:
        check_output_path(out, inputs=inputs, kind="folder" if fmt == "png" else "file")
    except OutputError as exc:
        raise ExportError(str(exc)) from None
    return fmt


def _finish_frame(item) -> np.ndarray:
    """A rendered frame made whole: its FXAA pass (when the export left it) and its overlays."""
    rgb, smooth, options, content = item
    if smooth:
        rgb = fxaa(rgb)
    return draw_overlays(rgb, options, content) if content is not None else rgb


class VideoExport:
    """A flythrough being written, one frame per :meth:`step` (a UI drives it between events; a script
    calls :func:`render_flythrough`). :meth:`finish` renames the file into place; :meth:`abort` removes the
    partial output. The scene's plan year and layer visibility are restored either way. What cannot be made
    (the output path, the format, the path's limits at this frame rate) raises :class:`ExportError` here, before
    any frame renders; ``inputs`` are files the output must not replace."""

    def __init__(self, exporter: Exporter, path, out: str | os.PathLike[str], *, size: tuple[int, int] | None = None,
                 fps: int | None = None, fmt: str | None = None,
                 quality: str | VideoQuality = DEFAULT_VIDEO_QUALITY,
                 options: OverlayOptions | None = None, frames: range | None = None, inputs=()) -> None:
        from ydtwin.flythrough.path import PathError, Sampler

        self.exporter = exporter
        self.out = Path(out)
        self.size = tuple(int(v) for v in (size or path.size))
        self.fps = int(fps or path.fps)
        self.fmt = check_video(self.out, fmt, self.size, self.fps, quality, inputs=inputs)
        try:
            path.video_frames(self.fps)  # the path's limits, at this frame rate, before anything renders
        except PathError as exc:
            raise ExportError(str(exc)) from None
        w, h = self.size
        self.sampler = Sampler(path, exporter.scene.projection)
        self.times = self.sampler.times(self.fps)
        self.indices = list(frames if frames is not None else range(len(self.times)))
        self.total = len(self.indices)
        self.done = 0
        self.base = options or OverlayOptions(title=path.title)
        scene = exporter.scene
        self._saved_year = scene.plan_year
        self._saved_visible = {layer.id: layer.visible for layer in scene.layers}
        self._stack = ExitStack()
        self._timings = {"render_s": 0.0, "overlay_s": 0.0}
        self._t_start = time.perf_counter()
        self.sink = open_sink(self.out, self.fmt, self.size, self.fps, quality)
        self.writer = _Writer(self.sink, finish=_finish_frame)
        self._stack.enter_context(exporter.prepared(self.size, video=True))
        self._closed = False

    @property
    def eta_s(self) -> float:
        elapsed = time.perf_counter() - self._t_start
        return elapsed / self.done * (self.total - self.done) if self.done else float("nan")

    def step(self) -> bool:
        """Render and queue the next frame; False when every frame is done."""
        if self.done >= self.total:
            return False
        try:
            ex = self.exporter
            state = self.sampler.state(float(self.times[self.indices[self.done]]))
            ex.apply_state(state)
            t0 = time.perf_counter()
            rgb, _tiles = ex.render(self.size, fxaa_later=True)
            t1 = time.perf_counter()
            opts = replace(self.base, caption=state.caption or self.base.caption)
            # what the overlays need from the camera is taken now; the pixels are the encoder thread's
            content = ex.overlay_content(self.size) if opts.draws_anything() else None
            self._timings["render_s"] += t1 - t0
            self._timings["overlay_s"] += time.perf_counter() - t1
            self.writer.put((rgb, ex.fxaa_pending, opts, content))
        except BaseException:
            self.abort()
            raise
        self.done += 1
        return self.done < self.total

    def finish(self) -> VideoResult:
        try:
            self._restore()
            self.writer.finish()
            self.sink.close()
        except BaseException:
            self.abort()
            raise
        self._closed = True
        n = max(self.total, 1)
        timings = {k: v / n for k, v in self._timings.items()}
        timings["encoder_wait_s"] = self.writer.wait_s / n
        timings["finish_s"] = self.writer.finish_s / n  # FXAA and overlays, on the encoder thread
        return VideoResult(self.out, self.total, self.size, self.fps, time.perf_counter() - self._t_start, timings)

    def abort(self) -> None:
        """Stop: the partial output is removed, the scene restored."""
        if self._closed:
            return
        self._closed = True
        try:
            self._restore()
        finally:
            try:
                self.writer.finish()
            except ExportError:
                pass
            self.sink.abort()

    def _restore(self) -> None:
        self._stack.close()
        scene = self.exporter.scene
        if scene.plan_year != self._saved_year:
            scene.plan_year = self._saved_year
        for layer in scene.layers:
            if layer.id in self._saved_visible and layer.visible != self._saved_visible[layer.id]:
                layer.visible = self._saved_visible[layer.id]


def render_flythrough(
    exporter: Exporter,
    path,
    out: str | os.PathLike[str],
    *,
    progress: Callable[[int, int, float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    **kwargs,
) -> VideoResult:
    """Render a :class:`~ydtwin.flythrough.path.FlightPath` to ``out`` (MP4 up to 4K, PNG sequence, GIF);
    ``kwargs`` as :class:`VideoExport` (size, fps, fmt, quality, options, frames, inputs).

    ``progress(done, total, eta_s)`` after each frame; ``cancelled()`` is asked before each frame (True:
    the partial output is removed and :class:`Cancelled` raised). Each frame's caption comes from the
    path's caption track.
    """
    job = VideoExport(exporter, path, out, **kwargs)
    try:
        while job.done < job.total:
            if cancelled is not None and cancelled():
                raise Cancelled(f"cancelled after {job.done} of {job.total} frames")
            job.step()
            if progress is not None:
                progress(job.done, job.total, job.eta_s if job.done < job.total else 0.0)
    except BaseException:
        job.abort()
        raise
    return job.finish()

