"""How exports trade speed for quality: the anti-aliasing chosen by the frame's size and the GL (and what each
mode does to an edge), the MP4 qualities (x264's constant-rate factor under a bit-rate ceiling that holds even
for noise), and the command line's progress bar."""

import io

import numpy as np
import pytest

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def exporter():
    from ydtwin.io.region import open_scene
    from ydtwin.plugins.manager import PluginManager
    from ydtwin.render.export import Exporter

    scene = open_scene()
    PluginManager().add_to_scene(scene, ["suzhou"])
    ex = Exporter(scene)
    yield ex
    ex.close()


def test_auto_anti_aliasing_follows_the_frame_size_and_the_gl(exporter):
    from ydtwin.render.export import SSAA_MAX_PX_GPU, SSAA_MAX_PX_SOFTWARE, Exporter, ExportError

    exporter.native_max()
    limit = SSAA_MAX_PX_SOFTWARE if exporter._software else SSAA_MAX_PX_GPU
    assert exporter.anti_alias == "auto"
    assert exporter.anti_alias_for((1280, 720)) == "ssaa"  # within both limits
    assert exporter.anti_alias_for((7680, 4320)) == "fxaa"  # beyond both: 4× an 8K frame is never worth it
    assert exporter.anti_alias_for((limit // 1000 + 2, 1000)) == "fxaa"
    assert exporter.anti_alias_for((320, 180), video=True) == ("fxaa" if exporter._software else "ssaa")
    assert exporter.tiles_for((1280, 720)) == 1
    assert exporter.tiles_for((16384, 9216)) > 1
    with pytest.raises(ExportError, match="one of auto, ssaa, fxaa, none"):
        Exporter(exporter.scene, anti_alias="msaa")


def test_each_anti_aliasing_mode_smooths_edges_its_own_way(exporter):
    """The same view without anti-aliasing, with FXAA and supersampled: both kinds of anti-aliasing add the
    in-between shades an aliased edge lacks, and stay the same picture (FXAA close to the supersampled one)."""
    exporter.set_view("Suzhou")
    size = (480, 270)
    images = {}
    mode0 = exporter.anti_alias
    try:
        for mode in ("none", "fxaa", "ssaa"):
            exporter.anti_alias = mode
            images[mode], _ = exporter.render(size)
    finally:
        exporter.anti_alias = mode0
    assert all(img.std() > 20 for img in images.values())  # a picture, not a blank frame

    def edge_softness(img):
        """Share of strong horizontal steps (> 40 in green) among all steps > 8: aliasing makes hard steps."""
        d = np.abs(np.diff(img[..., 1].astype(int), axis=1))
        return (d > 40).sum() / max((d > 8).sum(), 1)

    hard = edge_softness(images["none"])
    assert edge_softness(images["fxaa"]) < hard and edge_softness(images["ssaa"]) < hard
    diff = {m: np.abs(images[m].astype(int) - images["ssaa"].astype(int)).mean() for m in ("none", "fxaa")}
    assert diff["fxaa"] <= diff["none"] + 0.5 and diff["fxaa"] < 8, diff


def test_video_qualities_name_x264_settings_scaled_to_the_frame():
    from ydtwin.cli.parser import VIDEO_QUALITY_NAMES
    from ydtwin.render.export import DEFAULT_VIDEO_QUALITY, VIDEO_QUALITIES, ExportError, video_quality

    assert tuple(VIDEO_QUALITIES) == VIDEO_QUALITY_NAMES and DEFAULT_VIDEO_QUALITY == "standard"
    standard = video_quality("Standard ")
    params = standard.output_params((1920, 1080))
    assert params[params.index("-crf") + 1] == "23" and params[params.index("-maxrate") + 1] == "8000k"
    assert standard.max_mbit((3840, 2160)) == pytest.approx(32.0)
    assert standard.max_mbit((640, 360)) == pytest.approx(8 / 9)
    assert video_quality("draft").max_mbit((1920, 1080)) < standard.max_mbit((1920, 1080)) \
        < video_quality("high").max_mbit((1920, 1080))
    with pytest.raises(ExportError, match="quality 'best': one of draft, standard, high"):
        video_quality("best")


def _bitrate_mbit(path, seconds: float) -> float:
    return path.stat().st_size * 8 / 1e6 / seconds


@pytest.mark.parametrize("quality", ["draft", "standard"])
def test_the_bit_rate_ceiling_holds_for_noise(tmp_path, quality):
    """Noise is the worst case for an encoder (at CRF alone it runs to tens of Mbit/s): each quality stays
    near its ceiling (the buffer is two seconds of it) and the better quality is the larger file."""
    from ydtwin.render.export import open_sink, video_quality

    size, fps, n = (640, 360), 30, 90
    rng = np.random.default_rng(3)
    sink = open_sink(tmp_path / f"{quality}.mp4", "mp4", size, fps, quality)
    for _ in range(n):
        sink.write(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    sink.close()
    rate = _bitrate_mbit(tmp_path / f"{quality}.mp4", n / fps)
    ceiling = video_quality(quality).max_mbit(size)
    print(f"{quality}: {rate:.2f} Mbit/s for noise, ceiling {ceiling:.2f}")
    assert rate < 1.5 * ceiling


def test_the_progress_bar_draws_in_place_on_a_terminal_and_lines_in_a_log():
    from ydtwin.cli.export import ProgressBar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    bar = ProgressBar(tty)
    for done in range(1, 5):
        bar.update(done, 4, 3.0 * (4 - done))
    bar.end()
    text = tty.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n")
    assert "100 % · frame 4/4 · 0 s left" in text and "25 % · frame 1/4 · 9 s left" in text and "Ctrl+C" in text
    log = io.StringIO()
    bar = ProgressBar(log, every_s=3600)
    for done in range(1, 5):
        bar.update(done, 4, float("nan") if done == 1 else 1.0)
    bar.end()
    assert log.getvalue().splitlines() == ["  frame 1/4", "  frame 4/4 · 1 s left"]


@pytest.mark.slow
def test_cli_video_quality_and_its_refusal(tmp_path):
    from conftest import run_cli

    path = tmp_path / "orbit.json"
    assert run_cli("path", "preset", "orbit", "--around", "Suzhou", "--seconds", "1", "--size", "320x180",
                   "--fps", "6", "--out", str(path)).returncode == 0
    bad = run_cli("flythrough", str(path), "--out", str(tmp_path / "x.mp4"), "--quality", "8", no_display=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "invalid choice: '8' (choose from 'draft', 'standard', 'high')" in bad.stderr
    out = tmp_path / "draft.mp4"
    proc = run_cli("flythrough", str(path), "--out", str(out), "--quality", "draft", "--plugins", "none",
                   no_display=True)
    assert proc.returncode == 0, proc.stderr
    assert "quality draft" in proc.stdout and "Mbit/s" in proc.stdout and out.is_file()
    assert "frame 7/7" in proc.stderr  # the log's progress lines (not a terminal)


def test_the_level_of_detail_follows_the_output_pixels(exporter):
    """One level of detail for the whole image, from a budget of its output pixels: a small frame coarsens the
    procedural blocks' aggregates, a poster in tiles draws more triangles than a 1080p frame of the same view,
    and the lock is released after the export (the view chooses per frame again)."""
    from ydtwin.geo.lod import MAX_ERROR_PX

    exporter.set_view("region")
    blocks = exporter.scene.layer("procedural-blocks").id
    exporter.render((1920, 1080))
    hd_error, hd_triangles = exporter.detail_lock[blocks], exporter.drawn_triangles
    exporter.render((192, 108))
    assert hd_error == MAX_ERROR_PX and exporter.detail_lock[blocks] > hd_error
    _img, tiles = exporter.render((3840, 2160), tile_px=1100)
    assert tiles > 1 and exporter.detail_lock[blocks] == MAX_ERROR_PX
    print(f"triangles drawn: {hd_triangles:,} at 1080p, {exporter.drawn_triangles:,} at 4K in {tiles} tiles")
    assert exporter.drawn_triangles > 2 * hd_triangles
    assert exporter.view.ctx.error_px_lock is None
