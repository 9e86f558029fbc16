"""The layers panel edits the model and follows it (plain widgets: no viewport, no VTK)."""

import numpy as np
import pytest
import shapely
from PyQt6.QtCore import Qt

from ydtwin.model.buildings import BuildingsData, BuildingsLayer
from ydtwin.model.layer import Provenance


@pytest.fixture
def panel(qtbot):
    from ydtwin.io.region import open_scene
    from ydtwin.qt.layers_panel import LayersPanel

    scene = open_scene()
    zoomed = []
    widget = LayersPanel(scene, zoom_to=zoomed.append)
    widget.zoomed = zoomed
    qtbot.addWidget(widget)
    yield widget
    widget.close_panel()


def _item(panel, name):
    layer = panel.scene.layer(name)
    return layer, panel._items[layer.id]


def test_tree_groups_every_layer(panel):
    groups = {panel.tree.topLevelItem(i).text(0): panel.tree.topLevelItem(i).childCount()
              for i in range(panel.tree.topLevelItemCount())}
    assert sum(groups.values()) == len(panel.scene.layers)
    assert {"Base region", "Cities", "Buildings"} <= set(groups)
    _layer, item = _item(panel, "procedural-blocks")
    assert "procedural" in item.text(0) and "procedural" in item.toolTip(0)


def test_check_box_and_model_stay_in_step(panel):
    layer, item = _item(panel, "district-boundaries")
    item.setCheckState(0, Qt.CheckState.Unchecked)
    assert layer.visible is False
    layer.visible = True  # the model changes elsewhere (a menu, a project file)
    assert item.checkState(0) == Qt.CheckState.Checked


def test_opacity_and_colour_by_edit_the_selected_layer(panel):
    layer, item = _item(panel, "procedural-blocks")
    panel.tree.setCurrentItem(item)
    panel.opacity.setValue(40)
    assert layer.opacity == pytest.approx(0.4)
    assert panel.color_by.isEnabled()
    panel.color_by.setCurrentIndex(panel.color_by.findData("use"))
    assert layer.color_by == "use"
    other, other_item = _item(panel, "coast")
    panel.tree.setCurrentItem(other_item)
    assert not panel.color_by.isEnabled() and panel.opacity.value() == round(other.opacity * 100)


def test_new_layers_appear_and_removal_goes_through_the_model(panel):
    geoms = np.array([shapely.box(120.6, 31.3, 120.601, 31.301)], dtype=object)
    data = BuildingsData.from_geometries(geoms, height=np.array([20.0]), crs="EPSG:4326")
    layer = BuildingsLayer("mine", data, group="Buildings", provenance=Provenance("test", "CC0"))
    panel.scene.add(layer)
    assert layer.id in panel._items
    panel.select(layer)
    panel.zoom_button.click()
    assert panel.zoomed == [layer]
    panel.remove_button.click()
    assert layer not in list(panel.scene.layers) and layer.id not in panel._items


def test_layer_bounds_for_zooming(panel):
    from ydtwin.qt.layers_panel import layer_bounds_wgs84

    box = layer_bounds_wgs84(panel.scene.layer("city-boundaries"))
    assert 119.0 <= box[0] < box[2] <= 123.3 and 28.7 <= box[1] < box[3] <= 32.9
    blocks = layer_bounds_wgs84(panel.scene.layer("procedural-blocks"))
    assert box[0] <= blocks[0] and blocks[2] <= box[2]


def test_a_name_that_states_its_nature_is_not_tagged_twice():
    from ydtwin.model.layer import LabelLayer, PointData
    from ydtwin.qt.layers_panel import display_name

    def layer(name):
        return LabelLayer(name, PointData(np.array([121.0]), np.array([31.0]), "EPSG:4326", {"name": np.array(["a"])}),
                          provenance=Provenance("test", "CC0", nature="illustrative"))

    assert display_name(layer("Corridors (theme, illustrative)")) == "Corridors (theme, illustrative)"
    assert display_name(layer("Corridors")) == "Corridors (illustrative)"


def test_point_cloud_classes_can_be_switched_from_the_panel(panel):
    """A point cloud lists its ASPRS classes with their counts; unchecking one hides that class in the model,
    a class hidden elsewhere is unchecked; the cloud is coloured from the panel and can be zoomed to."""
    from ydtwin.model.pointcloud import PointCloudData, PointCloudLayer

    rng = np.random.default_rng(2)
    n = 3_000
    x, y = panel.scene.projection.to_scene(120.62 + rng.uniform(0, 0.003, n), 31.31 + rng.uniform(0, 0.003, n))
    cls = np.repeat(np.array([2, 5, 6], np.uint8), n // 3)
    data = PointCloudData(np.column_stack([x, y, rng.uniform(0, 40, n)]), panel.scene.crs, cls,
                          np.zeros(n, np.uint16), np.ones(n, np.uint8))
    layer = panel.scene.add(PointCloudLayer("survey", data, group="Point clouds",
                                            provenance=Provenance("test", "CC0", nature="synthetic")))
    item = panel._items[layer.id]
    rows = {item.child(k).text(0): item.child(k) for k in range(item.childCount())}
    assert list(rows) == ["2 ground (1,000)", "5 high vegetation (1,000)", "6 building (1,000)"]
    rows["6 building (1,000)"].setCheckState(0, Qt.CheckState.Unchecked)
    assert layer.hidden_classes == {6} and layer.visible
    layer.set_class_visible(2, False)
    assert rows["2 ground (1,000)"].checkState(0) == Qt.CheckState.Unchecked
    panel.tree.setCurrentItem(item)
    assert panel.color_by.isEnabled() and panel.color_by.findData("rgb") == -1
    panel.color_by.setCurrentIndex(panel.color_by.findData("elevation"))
    assert layer.color_by == "elevation"
    from ydtwin.qt.layers_panel import layer_bounds_wgs84

    lon0, lat0, lon1, lat1 = layer_bounds_wgs84(layer)
    assert 120.619 < lon0 < lon1 < 120.624 and 31.309 < lat0 < lat1 < 31.314
