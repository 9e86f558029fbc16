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
