"""The 2D map (parallel projection, straight down, north up): exact framing of a box, a scale bar true to the
box, north at 0°, a known place at its pixel, tiles that agree with the whole, and `ydtwin snapshot --map`
going through the same camera function as the app."""

import numpy as np
import pytest
from pyproj import Geod

pytestmark = pytest.mark.render

SIZE = (640, 360)


@pytest.fixture(scope="module")
def exporter():
    from ydtwin.io.region import open_scene
    from ydtwin.render.export import Exporter

    ex = Exporter(open_scene())
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def suzhou(exporter):
    """Suzhou's centre and a box around it 0.5° × 0.2° (wider than the frame's 16:9: its width fills it)."""
    lon, lat = exporter.scene.region.city("Suzhou").centre
    return (lon, lat), (lon - 0.25, lat - 0.1, lon + 0.25, lat + 0.1)


def _box(box) -> str:
    return ",".join(f"{v:.6f}" for v in box)


def _red_marker(exporter, lon, lat):
    """A red disc 1.2 km across, 3 km up (above every hill: the map looks straight down, so height does not
    move it) over (lon, lat)."""
    import pyvista as pv

    x, y = exporter.scene.projection.to_scene(lon, lat)
    disc = pv.Disc(center=(float(x), float(y), 3000.0), inner=0.0, outer=600.0, c_res=48)
    return exporter.plotter.add_mesh(disc, color=(1.0, 0.0, 0.0), lighting=False, name="test-marker")


def _centroid_of_red(rgb):
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    rows, cols = np.nonzero((r > 200) & (g < 60) & (b < 60))
    assert len(rows) > 4, "the marker is not in the image"
    return cols.mean(), rows.mean()


def test_a_box_as_a_2d_map_is_framed_north_up_and_true_to_scale(exporter, suzhou):
    (lon, lat), box = suzhou
    exporter.set_view(_box(box), SIZE, map=True)
    cam = exporter.renderer.GetActiveCamera()
    assert cam.GetParallelProjection()
    assert np.allclose(cam.GetDirectionOfProjection(), (0.0, 0.0, -1.0), atol=1e-9)
    assert np.allclose(cam.GetViewUp(), (0.0, 1.0, 0.0), atol=1e-9)

    content = exporter.overlay_content(SIZE)
    assert content.north_deg == pytest.approx(0.0, abs=1e-6)
    # the box's width on the ground (geodesic, along its middle latitude) over the image's width
    width_m = Geod(ellps="WGS84").inv(box[0], lat, box[2], lat)[2]
    assert content.metres_per_pixel == pytest.approx(width_m / SIZE[0], rel=0.02)

    # the city centre lands where its offset from the box's middle says, in the rendered pixels
    marker = _red_marker(exporter, lon, lat)
    try:
        rgb, _ = exporter.image(SIZE)
        geod = Geod(ellps="WGS84")
        mid_lon, mid_lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        east = geod.inv(mid_lon, lat, lon, lat)[2] * np.sign(lon - mid_lon)
        north = geod.inv(lon, mid_lat, lon, lat)[2] * np.sign(lat - mid_lat)
        expect = (SIZE[0] / 2 + east / content.metres_per_pixel, SIZE[1] / 2 - north / content.metres_per_pixel)
        got = _centroid_of_red(rgb)
        assert np.hypot(got[0] - expect[0], got[1] - expect[1]) < 3.0, (got, expect)
        # tiles of 128 pixels: each tile's parallel scale is its share, the marker stays where it was
        tiled, tiles = exporter.image(SIZE, tile_px=128)
        assert tiles > 1
        assert np.hypot(*np.subtract(_centroid_of_red(tiled), got)) < 0.5
        assert np.abs(tiled.astype(int) - rgb.astype(int)).mean() < 3.0
    finally:
        exporter.plotter.remove_actor(marker)


def test_back_to_perspective_after_a_map(exporter, suzhou):
    _, box = suzhou
    exporter.set_view(_box(box), SIZE, map=True)
    exporter.set_view(_box(box), SIZE)
    cam = exporter.renderer.GetActiveCamera()
    assert not cam.GetParallelProjection()
    assert cam.GetDirectionOfProjection()[1] > 0.5  # from the south, tilted down


def test_the_map_toggles_in_place_keeping_the_scale(exporter, suzhou):
    """Without a view, the map is centred where the camera looks at the scale it had there, and back."""
    from ydtwin.render.decorations import metres_per_pixel

    _, box = suzhou
    view = exporter.view
    exporter.set_view(_box(box), SIZE)
    cam = exporter.renderer.GetActiveCamera()
    focal, before = np.array(cam.GetFocalPoint()), metres_per_pixel(cam, SIZE[1])
    view.set_map(True)
    assert view.map_mode and np.allclose(cam.GetFocalPoint(), focal)
    assert metres_per_pixel(cam, SIZE[1]) == pytest.approx(before, rel=1e-9)
    view.set_map(False)
    assert not view.map_mode and np.allclose(cam.GetFocalPoint(), focal)
    assert metres_per_pixel(cam, SIZE[1]) == pytest.approx(before, rel=1e-9)
    with pytest.raises(ValueError, match="positive scale"):
        view.set_map(True, scale=0.0)


def test_snapshot_map_uses_the_views_map_function(exporter, suzhou, tmp_path, monkeypatch):
    """`ydtwin snapshot --map` frames the view through SceneCamera.set_map (the function the app's action
    calls) and writes a north-up map."""
    from PIL import Image

    from ydtwin.cli import main
    from ydtwin.render.scene_camera import SceneCamera

    calls = []
    original = SceneCamera.set_map

    def spy(self, on=True, view=None, **kw):
        calls.append((on, view))
        return original(self, on, view, **kw)

    monkeypatch.setattr(SceneCamera, "set_map", spy)
    _, box = suzhou
    out = tmp_path / "map.png"
    assert main(["snapshot", "--out", str(out), "--size", "320x180", "--view", _box(box), "--map",
                 "--plugins", "none"]) == 0
    assert calls == [(True, _box(box))]
    assert Image.open(out).size == (320, 180)
