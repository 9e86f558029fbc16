"""Exports: tiled stills without seams, 16K, overlays, transparency; flythrough videos read back, cancel,
deterministic frames."""

import hashlib
import json

import numpy as np
import pytest

from conftest import run_cli

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def exporter():
    from ydtwin.io.region import open_scene
    from ydtwin.plugins.manager import PluginManager
    from ydtwin.render.export import Exporter

    scene = open_scene()
    PluginManager().add_to_scene(scene, ["suzhou", "shanghai"])
    ex = Exporter(scene)
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def short_path(exporter):
    from ydtwin.flythrough.presets import orbit

    # 2 s at 6 fps around Suzhou: 13 frames, small
    path = orbit(exporter.scene.projection, 120.62, 31.30, seconds=2.0, radius_m=9000.0, size=(320, 180), fps=6)
    path.tracks.plan_year = []
    return path


@pytest.mark.parametrize(("mode", "tile_px"), [("ssaa", 500), ("fxaa", 232)])
def test_tiled_render_has_no_seams(exporter, mode, tile_px):
    """The same view rendered whole and in 40 tiles, supersampled or with FXAA (which runs on the whole
    image): the same image up to rasterisation noise, and no more difference along the tile seams than
    anywhere else."""
    exporter.set_view("Suzhou")
    size = (1600, 900)
    saved, exporter.anti_alias = exporter.anti_alias, mode
    try:
        whole, n_whole = exporter.render(size)
        tiled, n_tiles = exporter.render(size, tile_px=tile_px)
    finally:
        exporter.anti_alias = saved
    assert n_whole == 1 and n_tiles == 40
    assert whole.std() > 20  # a real picture, not a blank one
    diff = np.abs(whole.astype(int) - tiled.astype(int)).max(axis=2)
    print(f"tiles vs one frame: {(diff == 0).mean() * 100:.1f} % identical, {(diff > 8).mean() * 100:.2f} % differ by > 8")
    assert np.percentile(diff, 99) <= 2 and (diff > 8).mean() < 0.02
    # seams of the 8 × 5 tiles of 200 × 180 output pixels
    seam = np.zeros(diff.shape, bool)
    for x in range(200, 1600, 200):
        seam[:, x - 2 : x + 2] = True
    for y in range(180, 900, 180):
        seam[900 - y - 2 : 900 - y + 2, :] = True
    assert diff[seam].mean() < 2 * diff[~seam].mean() + 0.5
    assert (diff[seam] > 8).mean() < 2 * (diff[~seam] > 8).mean() + 0.005


@pytest.mark.slow
def test_a_16k_still_is_tiled_and_complete(exporter, tmp_path):
    """A 16384 × 9216 still in tiles, reduced 16×, is the same picture as a 1024 × 576 render of the view:
    every tile drawn and in its place."""
    from PIL import Image

    exporter.set_view("Suzhou")
    out = tmp_path / "poster.jpg"
    result = exporter.still(out, (16384, 9216), None, quality=90)
    assert result.tiles > 1
    Image.MAX_IMAGE_PIXELS = None
    with Image.open(out) as im:
        assert im.size == (16384, 9216)
        reduced = np.asarray(im.reduce(16)).astype(int)
    small, _ = exporter.render((1024, 576))
    diff = np.abs(reduced - small.astype(int)).mean(axis=2)
    # 16× more detail averaged down is not pixel-identical (thin lines, building LOD): close on average,
    # and no region of the picture missing (a blank or shifted tile would differ over a whole 64-px block)
    assert diff.mean() < 8
    blocks = diff[: 9 * 64, : 16 * 64].reshape(9, 64, 16, 64).mean(axis=(1, 3))
    assert blocks.max() < 20, blocks.round(1)
    assert not list(tmp_path.glob(".*part*"))


def test_the_legend_lists_the_themes_in_the_frame(exporter):
    exporter.set_view("Suzhou")
    city = [label for label, _c in exporter.overlay_content((960, 540)).legend]
    assert "Transportation" in city and "planned" in city
    exporter.set_view("120.60,31.28,120.64,31.31")  # a few streets of the old town: no planned project
    streets = [label for label, _c in exporter.overlay_content((960, 540)).legend]
    assert "Transportation" not in streets and "planned" not in streets and "City blocks (procedural)" in streets


def test_a_tall_legend_on_a_small_frame_takes_columns(exporter):
    from ydtwin.render.overlay import OverlayContent, OverlayOptions, draw_overlays

    rows = [(f"theme {k}", (0.2, 0.6, 0.9)) for k in range(12)]
    content = OverlayContent(legend=rows, labels=[], metres_per_pixel=10.0, north_deg=None, attribution="")
    opts = OverlayOptions(scale_bar=False, north_arrow=False, labels=False, attribution=False, date="")
    img = draw_overlays(np.full((360, 640, 3), 90, np.uint8), opts, content)
    drawn_rows = np.flatnonzero((img != 90).any(axis=(1, 2)))
    assert drawn_rows.max() < 0.5 * 360  # not down the whole frame


def test_overlays_are_drawn_and_scale_with_the_output(exporter):
    from ydtwin.render.overlay import OverlayOptions, draw_overlays

    exporter.set_view("Suzhou")
    content = exporter.overlay_content((960, 540))
    assert content.legend and content.metres_per_pixel > 0 and content.north_deg is not None
    assert any("Suzhou" in text for _x, _y, text, _c in content.labels)
    assert "Data:" in content.attribution
    blank = np.full((540, 960, 3), 90, np.uint8)
    opts = OverlayOptions(title="Title", caption="Caption", date="2026-11-29")
    small = draw_overlays(blank, opts, content)
    assert (small != 90).any(axis=2).mean() > 0.02
    # from 1080 up, where no legibility floor binds (text of small frames stays at least ~60 % of its size, the
    # attribution at least 12 px): the same share of the image at twice the size
    mid = draw_overlays(np.full((1080, 1920, 3), 90, np.uint8), opts, exporter.overlay_content((1920, 1080)))
    big = draw_overlays(np.full((2160, 3840, 3), 90, np.uint8), opts, exporter.overlay_content((3840, 2160)))
    drawn_mid = (mid != 90).any(axis=2).mean()
    drawn_big = (big != 90).any(axis=2).mean()
    assert abs(drawn_big / drawn_mid - 1) < 0.35
    none = draw_overlays(blank, OverlayOptions(legend=False, scale_bar=False, north_arrow=False, labels=False,
                                               attribution=False), content)
    assert (none == 90).all()


def test_transparent_background(exporter, tmp_path):
    from PIL import Image

    from ydtwin.render.export import ExportError

    exporter.set_view("Zhoushan")  # sky in the upper right corner
    out = tmp_path / "t.png"
    exporter.still(out, (480, 270), None, transparent=True)
    with Image.open(out) as im:
        assert im.mode == "RGBA"
        a = np.asarray(im)[..., 3]
    assert a[0, -1] == 0 and a[-1, 0] == 255
    with pytest.raises(ExportError, match="JPEG has no transparency"):
        exporter.still(tmp_path / "t.jpg", (480, 270), None, transparent=True)


def test_mp4_is_read_back_with_its_frames_size_and_rate(exporter, short_path, tmp_path):
    import imageio_ffmpeg

    from ydtwin.render.export import render_flythrough

    out = tmp_path / "orbit.mp4"
    seen = []
    result = render_flythrough(exporter, short_path, out, progress=lambda d, t, eta: seen.append((d, t, eta)))
    assert result.frames == short_path.frame_count() == 13
    assert seen[-1][:2] == (13, 13) and seen[-1][2] == 0
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    frames = [np.frombuffer(f, np.uint8).reshape(180, 320, 3) for f in reader]
    assert tuple(meta["size"]) == (320, 180) and meta["fps"] == 6 and len(frames) == 13
    assert meta["codec"].startswith("h264")
    assert all(f.std() > 10 for f in frames)
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


def test_gif_and_png_sequence(exporter, short_path, tmp_path):
    import imageio.v3 as iio

    from ydtwin.render.export import render_flythrough

    render_flythrough(exporter, short_path, tmp_path / "orbit.gif", frames=range(4))
    assert iio.imread(tmp_path / "orbit.gif", index=None).shape == (4, 180, 320, 3)
    render_flythrough(exporter, short_path, tmp_path / "frames", frames=range(3))
    assert sorted(p.name for p in (tmp_path / "frames").iterdir()) == [f"frame_0000{k}.png" for k in range(3)]


@pytest.mark.parametrize("target", ["cut.mp4", "cut.gif", "cut-frames"])
def test_cancel_leaves_no_half_written_file(exporter, short_path, tmp_path, target):
    from ydtwin.render.export import Cancelled, render_flythrough

    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 5

    with pytest.raises(Cancelled):
        render_flythrough(exporter, short_path, tmp_path / target, cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_an_encoder_failure_leaves_no_file_and_restores_the_scene(exporter, short_path, tmp_path, monkeypatch):
    from ydtwin.render import export

    year = exporter.scene.plan_year

    def broken(self, frame):
        raise OSError("disk full")

    monkeypatch.setattr(export._FfmpegSink, "write", broken)
    with pytest.raises(export.ExportError, match="disk full"):
        export.render_flythrough(exporter, short_path, tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == [] and exporter.scene.plan_year == year


def test_the_same_path_renders_the_same_frames(exporter, short_path, tmp_path):
    from ydtwin.render.export import render_flythrough

    def digests(folder):
        render_flythrough(exporter, short_path, folder, frames=range(0, 13, 4))
        return [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())]

    first = digests(tmp_path / "a")
    exporter.set_view("Shanghai")  # anything in between changes nothing
    assert digests(tmp_path / "b") == first and len(first) == 4


def test_tracks_drive_plan_year_layers_and_captions(exporter, tmp_path):
    from ydtwin.flythrough.path import Caption, FlightPath, LayerKey, Tracks, YearKey
    from ydtwin.flythrough.presets import view_of
    from ydtwin.render.export import render_flythrough

    proj = exporter.scene.projection
    keys = [view_of(proj, 120.62, 31.30, distance_m=20000, seconds=1.0),
            view_of(proj, 120.70, 31.32, distance_m=15000)]
    path = FlightPath(keyframes=keys, fps=4, size=[320, 180], tracks=Tracks(
        plan_year=[YearKey(time=0.0, year=2025), YearKey(time=0.5, year=2035)],
        layers=[LayerKey(time=0.5, layer="city-boundaries", visible=False)],
        captions=[Caption(start=0.5, end=1.0, text="Phase 2")]))
    seen = []
    real_apply = exporter.apply_state

    def spy(state):
        real_apply(state)
        boundaries = next(layer for layer in exporter.scene.layers if layer.role == "city-boundaries")
        seen.append((state.plan_year, boundaries.visible, state.caption))

    exporter.apply_state = spy
    try:
        render_flythrough(exporter, path, tmp_path / "t", frames=range(5))
    finally:
        del exporter.apply_state
    assert seen == [(2025, True, ""), (2025, True, ""), (2035, False, "Phase 2"), (2035, False, "Phase 2"),
                    (2035, False, "Phase 2")]
    # the scene is as it was after the export
    assert next(layer for layer in exporter.scene.layers if layer.role == "city-boundaries").visible


@pytest.mark.slow
def test_cli_preset_and_flythrough(tmp_path):
    path = tmp_path / "orbit.json"
    proc = run_cli("path", "preset", "orbit", "--around", "苏州", "--seconds", "1", "--size", "320x180", "--fps", "4",
                   "--out", str(path))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "ydtwin-flightpath/1" and doc["closed"] and len(doc["keyframes"]) == 12
    out = tmp_path / "orbit.gif"
    proc = run_cli("flythrough", str(path), "--out", str(out), "--plugins", "none", no_display=True)
    assert proc.returncode == 0, proc.stderr
    assert "5 frames, 320x180 at 4 fps" in proc.stdout and out.is_file()


@pytest.mark.slow
def test_cli_hostile_path_files_are_one_line(tmp_path):
    cases = {
        "not-json.json": "{keyframes: [",
        "no-keys.json": json.dumps({"keyframes": []}),
        "bad-eye.json": json.dumps({"keyframes": [{"eye": [500, 31, 100], "target": [121, 31, 0]}]}),
        "huge.json": json.dumps({"size": [20000, 20000], "keyframes": [{"eye": [121, 31, 100], "target": [121, 31.1, 0]}]}),
    }
    for name, text in cases.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        proc = run_cli("flythrough", str(p), "--out", str(tmp_path / "x.mp4"), no_display=True)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and name in lines[0], (name, proc.stderr)
    assert not (tmp_path / "x.mp4").exists()


def test_a_video_that_cannot_be_made_is_refused_before_any_frame(exporter, short_path, tmp_path):
    """An output in a missing folder was rendered frame by frame (and the folder made silently); an output that
    is an input, or a frame count beyond the limit at the frame rate asked, is refused too: each an
    ExportError before the first frame renders, and nothing is created."""
    from ydtwin.flythrough.path import FlightPath
    from ydtwin.flythrough.presets import view_of
    from ydtwin.render.export import ExportError, render_flythrough

    calls = []
    real_render = exporter.render

    def spy(*args, **kw):
        calls.append(1)
        return real_render(*args, **kw)

    exporter.render = spy
    source = tmp_path / "tour.mp4"
    source.write_bytes(b"an earlier video")
    proj = exporter.scene.projection
    long_path = FlightPath(keyframes=[view_of(proj, 120.62, 31.30, distance_m=20000, seconds=1000.0),
                                      view_of(proj, 120.70, 31.32, distance_m=15000)], fps=60, size=[320, 180])
    try:
        with pytest.raises(ExportError, match="does not exist"):
            render_flythrough(exporter, short_path, tmp_path / "missing" / "x.mp4")
        with pytest.raises(ExportError, match="is one of the inputs"):
            render_flythrough(exporter, short_path, source, inputs=[source])
        with pytest.raises(ExportError, match="120,001 frames at 120 fps"):
            render_flythrough(exporter, long_path, tmp_path / "long.mp4", fps=120)
    finally:
        del exporter.render
    assert calls == [] and source.read_bytes() == b"an earlier video"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tour.mp4"]
