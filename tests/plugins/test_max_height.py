"""A zone's height limit (``max_height_m``): checked in the manifest, carried to the plans layer, set on the
bundled height-controlled zones."""

import pytest
from test_engine import PROJECT, make_plugin

from ydtwin.plugins.discovery import read_manifest
from ydtwin.plugins.projects import load_projects

ZONE = PROJECT.replace('kind = "road"', 'kind = "urban"').replace('feature = "r"', 'feature = "z"')
SQUARE = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"id": "z"}, "geometry": {"type": "Polygon", "coordinates": [
        [[120.60, 31.30], [120.61, 31.30], [120.61, 31.31], [120.60, 31.31], [120.60, 31.30]]]}}]}


@pytest.mark.parametrize("value", ["0", "-5", "1000.5", "nan", "inf", '"24"', "true", "[24]"])
def test_a_bad_height_limit_is_one_line_naming_its_key(tmp_path, value):
    """Finite, above 0, at most 1000 m, a number: anything else is one problem naming the key."""
    found = read_manifest(make_plugin(tmp_path, "ydtwin-hl", ZONE + f"max_height_m = {value}\n", data=SQUARE))
    assert found.manifest is None and len(found.errors) == 1, found.errors
    assert found.errors[0].startswith("ydtwin.toml: contributions.projects.0.max_height_m: Input should be "), \
        found.errors[0]


def test_only_a_zone_can_limit_heights(tmp_path):
    """A corridor with a height limit is refused, and the line says why."""
    found = read_manifest(make_plugin(tmp_path, "ydtwin-hl", PROJECT + "max_height_m = 30\n"))
    assert found.manifest is None and len(found.errors) == 1
    assert "max_height_m: only a zone can limit building heights, not a road" in found.errors[0]


def test_the_limit_reaches_the_plans_layer(tmp_path):
    """The zone's limit is the layer's ``max_height_m``; a project without one has None."""
    from ydtwin.plugins.validate import _themes

    other = ZONE.replace('"SHORT.road"', '"SHORT.zone2"')
    found = read_manifest(make_plugin(tmp_path, "ydtwin-hl", ZONE + "max_height_m = 24\n" + other, data=SQUARE))
    assert found.ok, found.errors
    layer = load_projects(found, _themes(found, []))
    assert list(layer.data.attributes["max_height_m"]) == [24.0, None]


def test_bundled_height_controlled_zones():
    """Suzhou's historic city (24 m) and Hongqiao's western approach (45 m) ship with their limits."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "plugins"
    limits = {}
    for city in ("suzhou", "shanghai"):
        found = read_manifest(root / city, "local")
        assert found.ok, found.errors
        limits.update({p.id: p.max_height_m for p in found.manifest.contributions.projects if p.max_height_m})
    assert limits == {"suzhou.gusu-height-control": 24.0, "shanghai.hongqiao-approach-height": 45.0}
