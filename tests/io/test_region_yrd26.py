"""The second bundled region: the 26-city Yangtze River Delta agglomeration (``--region yrd26``)."""

import numpy as np
import pytest
import shapely

from ydtwin.errors import ReadError
from ydtwin.io.region import ASSETS, bundled_regions, load_region, read_region_file

#: the 2016 development plan's 26 cities (Shanghai, 9 of Jiangsu, 8 of Zhejiang, 8 of Anhui)
ADCODES = {"310000", "320100", "320200", "320400", "320500", "320600", "320900", "321000", "321100", "321200",
           "330100", "330200", "330400", "330500", "330600", "330700", "330900", "331000",
           "340100", "340200", "340500", "340700", "340800", "341100", "341700", "341800"}


def test_both_regions_are_bundled_and_found_by_id():
    assert {"yrd8", "yrd26"} <= set(bundled_regions())
    rf = read_region_file("yrd26")
    assert rf.path == ASSETS / "region" / "yrd26" / "region.toml"
    assert read_region_file().region.id == "yrd8"  # the eight cities stay the default
    with pytest.raises(ReadError, match="yrd26"):  # an unknown id lists the bundled ones
        read_region_file("yrd99")


def test_yrd26_has_26_cities_named_in_both_languages_with_outlines_and_districts():
    region, layers = load_region("yrd26")
    assert {c.adcode for c in region.cities} == ADCODES
    names = [c.name for c in region.cities]
    zh = [c.name_zh for c in region.cities]
    assert len(set(names)) == len(set(zh)) == 26 and all(zh)
    assert {"Taizhou (Jiangsu)", "Taizhou (Zhejiang)"} <= set(names) and {"泰州", "台州"} <= set(zh)
    by_role = {layer.role: layer for layer in layers}
    cities = by_role["city-boundaries"].data
    assert set(map(str, cities.attributes["adcode"])) == ADCODES
    districts = by_role["district-boundaries"].data
    assert set(map(str, districts.attributes["city_adcode"])) == ADCODES  # every city has its districts
    assert len(districts) > 150
    # each city's centre lies in its own outline (outlines corrected from GCJ-02, in the region's box)
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs(cities.crs, "EPSG:4326", always_xy=True)
    for c in region.cities:
        i = list(map(str, cities.attributes["adcode"])).index(c.adcode)
        geom = shapely.transform(cities.geometries[i], lambda xy: np.column_stack(to_lonlat.transform(*xy.T)))
        assert geom.contains(shapely.Point(c.centre)), c.name
        x0, y0, x1, y1 = geom.bounds
        b = region.bbox
        assert b[0] <= x0 and b[1] <= y0 and x1 <= b[2] and y1 <= b[3], c.name
    assert len(by_role["city-labels"].data) == 26
