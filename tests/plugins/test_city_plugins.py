"""The bundled plan plugins: eight cities over six themes, inside their cities, with the deliberate
cross-border cases the review must find."""

import numpy as np
import pytest
import shapely
import shapely.ops
from pyproj import Geod

from ydtwin.plugins.discovery import discover
from ydtwin.plugins.manager import PluginManager
from ydtwin.plugins.trust import PluginSettings
from ydtwin.plugins.validate import validate

CITIES = ("Shanghai", "Suzhou", "Wuxi", "Nantong", "Jiaxing", "Ningbo", "Zhoushan", "Huzhou")
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    settings = PluginSettings(tmp_path_factory.mktemp("settings") / "plugins.json")
    m = PluginManager(settings=settings, user=False, entry_points=False)
    layers = {layer.city or layer.plugin: layer for layer in m.plan_layers()}
    return m, layers


def project(layers, city, pid):
    layer = layers[city]
    i = list(layer.data.attributes["id"]).index(pid)
    return layer.data.geometries[i], {k: v[i] for k, v in layer.data.attributes.items()}


def metres(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def test_every_bundled_plugin_validates(region_data):
    region, _ = region_data
    everything = discover(user=False, entry_points=False)
    for found in everything:
        assert validate(found, everything, region_bbox=region.bbox) == [], found.name


def test_eight_cities_each_with_eight_projects_over_six_themes(plans):
    m, layers = plans
    assert set(CITIES) <= set(layers)
    for city in CITIES:
        attrs = layers[city].data.attributes
        assert len(layers[city].data) >= 8, city
        assert set(attrs["theme"]) == {"transportation", "ecological", "municipal", "internet", "tourism",
                                       "industry"}, city
        assert set(attrs["status"]) <= {"planned", "under_construction", "built"}
        assert (attrs["start"] <= attrs["end"]).all()
        assert layers[city].provenance.nature == "illustrative"
    eco = layers["ydtwin-ecocorridors"]
    assert set(eco.data.attributes["theme"]) == {"ecocorridors.blue-green"}
    assert "ecocorridors.blue-green" in m.theme_styles()


def test_projects_lie_in_their_own_city(plans, region_data):
    _m, layers = plans
    _region, region_layers = region_data
    bounds = next(layer for layer in region_layers if layer.role == "city-boundaries")
    outline = dict(zip(bounds.data.attributes["name"], bounds.data.geometries, strict=True))
    others = {c: shapely.union_all([g for n, g in outline.items() if n != c]) for c in CITIES}
    for city in CITIES:
        own = outline[city].buffer(0.01)  # ~1 km: border crossings, bridges, Wuxi's GCJ-02 shift
        for g, pid in zip(layers[city].data.geometries, layers[city].data.attributes["id"], strict=True):
            if g.geom_type in ("Point", "MultiPoint"):
                assert own.contains(g) and not others[city].contains(g), pid
                continue
            area = g.geom_type in ("Polygon", "MultiPolygon")
            measure = (lambda x: x.area) if area else (lambda x: x.length)
            # zones on their city's land; corridors mostly (bridges and cables cross open water)
            assert measure(own.intersection(g)) >= (0.9 if area else 0.5) * measure(g), pid
            share = measure(others[city].intersection(g)) / measure(g)
            assert share < 0.1, f"{pid}: {share:.0%} in a neighbouring city"


def _end_near(geom, point):
    coords = shapely.get_coordinates(geom)
    ends = [coords[0], coords[-1]]
    return min(ends, key=lambda c: metres(c, point))


def test_clean_pairs_meet_at_the_border(plans):
    _m, layers = plans
    for a, pa, b, pb in [("Shanghai", "shanghai.hsr", "Suzhou", "suzhou.hsr"),
                         ("Suzhou", "suzhou.hsr", "Huzhou", "huzhou.hsr"),
                         ("Nantong", "nantong.tsjy", "Suzhou", "suzhou.tsjy"),
                         ("Suzhou", "suzhou.tsjy", "Jiaxing", "jiaxing.tsjy"),
                         ("Jiaxing", "jiaxing.tsjy", "Ningbo", "ningbo.tsjy"),
                         ("Ningbo", "ningbo.yz-rail", "Zhoushan", "zhoushan.yz-rail"),
                         ("Shanghai", "shanghai.yingdian-road", "Suzhou", "suzhou.xinle-road"),
                         ("Shanghai", "shanghai.metro-11-huaqiao", "Suzhou", "suzhou.s1-kunshan")]:
        same_year = pa != "shanghai.metro-11-huaqiao"  # Line 11 reached Huaqiao in 2013, S1 met it in 2023
        ga, aa = project(layers, a, pa)
        gb, ab = project(layers, b, pb)
        ca = shapely.get_coordinates(ga)
        end_a = min((ca[0], ca[-1]), key=lambda c: gb.distance(shapely.Point(c)))
        assert metres(end_a, _end_near(gb, end_a)) < 1.0, (pa, pb)
        assert aa["kind"] == ab["kind"] and aa["capacity"] == ab["capacity"]
        assert aa["end"] == ab["end"] or not same_year


def test_the_deliberate_cases_are_there(plans):
    _m, layers = plans
    # offset: Jiayi Road and Loujiang Road meet the border 350 m apart (along the border)
    ga, _ = project(layers, "Shanghai", "shanghai.jiayi-road")
    gb, _ = project(layers, "Suzhou", "suzhou.loujiang-road")
    end_a = shapely.get_coordinates(ga)[-1]
    end_b = shapely.get_coordinates(gb)[0]
    assert 250 < metres(end_a, end_b) < 360
    # dangling: Pinghu–Jinshan road reaches the border; no Shanghai corridor within 2 km of its end
    g, _ = project(layers, "Jiaxing", "jiaxing.pinghu-jinshan-road")
    end = shapely.Point(shapely.get_coordinates(g)[-1])
    sh = layers["Shanghai"].data
    lines = sh.geometries[np.isin(shapely.get_type_id(sh.geometries), (1, 5))]
    assert min(metres(end.coords[0], shapely.ops.nearest_points(line, end)[0].coords[0]) for line in lines) > 2000
    # class mismatch 6 vs 2 lanes, phase mismatch 2027 vs 2035, grade mismatch bridge vs at grade
    assert project(layers, "Suzhou", "suzhou.lize-xitang-road")[1]["capacity"] == 6
    assert project(layers, "Jiaxing", "jiaxing.xitang-lize-road")[1]["capacity"] == 2
    assert project(layers, "Shanghai", "shanghai.jinping-rail")[1]["end"] == 2027
    assert project(layers, "Jiaxing", "jiaxing.pingjin-rail")[1]["end"] == 2035
    assert project(layers, "Suzhou", "suzhou.suxichang-south")[1]["grade"] == "bridge"
    assert project(layers, "Wuxi", "wuxi.suxichang-south")[1]["grade"] == "at_grade"
    # conflict: industry ~300 m from the neighbour's water source zone
    zi, ai = project(layers, "Jiaxing", "jiaxing.jiashan-industry")
    zw, aw = project(layers, "Shanghai", "shanghai.jinze-water-source")
    assert ai["kind"] == "industrial" and aw["kind"] == "water_source"
    a, b = shapely.ops.nearest_points(zi, zw)
    assert 200 < metres(a.coords[0], b.coords[0]) < 400
    # datum: Wuxi's ends sit off Suzhou's by about the GCJ-02 shift, in the same direction each time
    shifts = []
    for pid in ("suxichang-south", "xishan-xiangcheng-road", "taihu-pipeline"):
        gw, _ = project(layers, "Wuxi", f"wuxi.{pid}")
        gs, _ = project(layers, "Suzhou", f"suzhou.{pid.replace('xishan-xiangcheng', 'xiangcheng-xishan')}")
        w = shapely.get_coordinates(gw)[0]
        s = shapely.get_coordinates(gs)[-1]
        shifts.append(w - s)
    shifts = np.array(shifts)
    assert np.allclose(shifts, shifts[0], atol=6e-4)  # systematic (the GCJ-02 offset varies slowly in space)
    assert 0.003 < shifts[0][0] < 0.006 and -0.004 < shifts[0][1] < 0.0  # GCJ-02 here: ~+0.0045° E, ~-0.002° N
