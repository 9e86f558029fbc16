"""The scene model is evented: views learn of every change through signals."""

import numpy as np
import pytest
import shapely

from ydtwin.model import Provenance, Scene, VectorData, VectorLayer


def _layer(name="roads"):
    data = VectorData(np.array([shapely.LineString([(121.0, 31.0), (121.1, 31.1)])], dtype=object), "EPSG:4326")
    return VectorLayer(name, data, provenance=Provenance(source="test", licence="CC0", nature="schematic"))


def test_layer_changes_emit_events():
    """Visibility, opacity and style changes emit once each; setting the same value emits nothing."""
    layer = _layer()
    seen = []
    layer.events.visible.connect(lambda v: seen.append(("visible", v)))
    layer.events.opacity.connect(lambda v: seen.append(("opacity", v)))
    layer.events.style.connect(lambda v: seen.append(("style", v.line_width)))
    layer.visible = False
    layer.visible = False
    layer.opacity = 0.5
    layer.restyle(line_width=4.0)
    assert seen == [("visible", False), ("opacity", 0.5), ("style", 4.0)]


def test_scene_layer_list_is_evented(region_data):
    """Adding and removing layers emits inserted/removed with the layer."""
    region, _ = region_data
    scene = Scene(region)
    events = []
    scene.layers.events.inserted.connect(lambda i, v: events.append(("in", v.name)))
    scene.layers.events.removed.connect(lambda i, v: events.append(("out", v.name)))
    layer = scene.add(_layer())
    scene.layers.remove(layer)
    assert events == [("in", "roads"), ("out", "roads")]


def test_scene_has_float64_origins_and_extent(region_data):
    """Scene extent, origin and tile origins are float64; the extent covers ~400 x 450 km."""
    region, _ = region_data
    scene = Scene(region)
    assert scene.origin.dtype == np.float64
    assert scene.tiles.origin(0, 0).dtype == np.float64
    x0, y0, x1, y1 = scene.extent
    assert 380_000 < x1 - x0 < 460_000 and 420_000 < y1 - y0 < 470_000


def test_exaggeration_is_validated_and_evented(region_data):
    region, _ = region_data
    scene = Scene(region)
    got = []
    scene.events.vertical_exaggeration.connect(got.append)
    scene.vertical_exaggeration = 10
    with pytest.raises(ValueError):
        scene.vertical_exaggeration = -1
    assert got == [10.0]


def test_non_real_data_is_labelled():
    """A schematic layer says so in its display name; an unknown nature is refused."""
    assert _layer().display_name() == "roads (schematic)"
    with pytest.raises(ValueError):
        Provenance(source="x", licence="y", nature="made-up")  # type: ignore[arg-type]


def test_big_geometry_batches_are_converted_in_chunks_with_the_same_result(monkeypatch):
    """Ragged arrays are built GEOMETRY_CHUNK buildings at a time (short GIL holds): same data as at once."""
    import ydtwin.model.buildings as mb

    rng = np.random.default_rng(3)
    geoms = []
    for i in range(23):
        x, y = 120.0 + i * 0.01, 31.0
        box = shapely.box(x, y, x + 0.002, y + 0.002)
        if i % 5 == 0:  # a multipolygon now and then, and a hole
            geoms.append(shapely.MultiPolygon([box, shapely.box(x + 0.003, y, x + 0.004, y + 0.001)]))
        elif i % 7 == 0:
            geoms.append(box.difference(shapely.box(x + 0.0005, y + 0.0005, x + 0.001, y + 0.001)))
        else:
            geoms.append(box)
    geoms = np.array(geoms, dtype=object)
    kw = dict(height=rng.uniform(5, 50, 23), crs="EPSG:4326", min_height=np.zeros(23), height_rule=2,
              flags=np.arange(23, dtype=np.uint8) % 2, attributes={"name": np.array([f"b{i}" for i in range(23)],
                                                                                      dtype=object)})
    whole = mb.BuildingsData.from_geometries(geoms, **kw)
    monkeypatch.setattr(mb, "GEOMETRY_CHUNK", 4)
    chunked = mb.BuildingsData.from_geometries(geoms, **kw)
    for field in ("xy", "ring_offsets", "part_offsets", "part_building", "height", "min_height", "height_rule",
                  "flags"):
        assert np.array_equal(getattr(whole, field), getattr(chunked, field)), field
    assert list(chunked.attributes["name"]) == list(whole.attributes["name"])
    assert shapely.equals(chunked.geometries(), geoms).all()
