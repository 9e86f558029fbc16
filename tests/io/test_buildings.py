"""Building readers: every format, heights and their rules, CRSs, hostile files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from ydtwin.errors import ReadError
from ydtwin.geo.datum import wgs84_to_bd09, wgs84_to_gcj02
from ydtwin.io.buildings import Cancelled, HeightRules, parse_numbers, read_buildings
from ydtwin.model.buildings import FLAG_ABSURD_BASE, FLAG_ABSURD_HEIGHT, FLAG_REPAIRED, HEIGHT_RULES

REGION = (119.0, 28.8, 123.2, 32.8)
BASE = (120.62, 31.30)  # Suzhou


def _square(lon, lat, size_deg=0.0004, hole=False):
    d = size_deg
    shell = [(lon, lat), (lon + d, lat), (lon + d, lat + d), (lon, lat + d), (lon, lat)]
    holes = []
    if hole:
        q = d / 4
        holes = [[(lon + q, lat + q), (lon + q, lat + 3 * q), (lon + 3 * q, lat + 3 * q), (lon + 3 * q, lat + q),
                  (lon + q, lat + q)]]
    return shapely.Polygon(shell, holes)


def _feature(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def _write_geojson(path: Path, features, crs=None):
    doc = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _rule(data, i):
    return HEIGHT_RULES[int(data.height_rule[i])]


def test_height_rules_flags_and_bases(tmp_path):
    lon, lat = BASE
    feats = [
        _feature(_square(lon, lat), height="45 m", name="explicit"),
        _feature(_square(lon + 0.001, lat), **{"building:levels": 10}),
        _feature(_square(lon + 0.002, lat)),
        _feature(_square(lon + 0.003, lat), height=-5, **{"building:levels": 4}),
        _feature(_square(lon + 0.004, lat), height=5000),
        _feature(_square(lon + 0.005, lat), height=30, min_height=12),
        _feature(_square(lon + 0.006, lat), height=30, min_height=40),
        _feature(_square(lon + 0.007, lat), height="120 ft"),
        _feature(_square(lon + 0.008, lat), height=20, **{"building:min_level": 2}),
    ]
    data, report = read_buildings(_write_geojson(tmp_path / "b.geojson", feats),
                                  rules=HeightRules(storey_height_m=3.2, default_height_m=9.0), region_bbox=REGION)
    assert len(data) == 9
    assert data.height[0] == 45.0 and _rule(data, 0) == "explicit"
    assert data.height[1] == pytest.approx(32.0) and _rule(data, 1) == "levels"
    assert data.height[2] == 9.0 and _rule(data, 2) == "default"
    # absurd heights are flagged and the next rule decides
    assert data.flags[3] & FLAG_ABSURD_HEIGHT and _rule(data, 3) == "levels" and data.height[3] == pytest.approx(12.8)
    assert data.flags[4] & FLAG_ABSURD_HEIGHT and _rule(data, 4) == "default"
    assert data.min_height[5] == 12.0 and data.height[5] == 30.0
    assert data.flags[6] & FLAG_ABSURD_BASE and data.min_height[6] == 0.0
    assert data.height[7] == pytest.approx(36.576)
    assert data.min_height[8] == pytest.approx(6.4)
    assert report.rules == {"explicit": 5, "levels": 2, "default": 2}
    assert report.flags == {"absurd height": 2, "absurd base": 1}
    assert data.attribute_record(0)["name"] == "explicit"


def test_height_keys_mixed_from_feature_to_feature(tmp_path):
    """One file, each feature naming its height differently: each is read under its own key."""
    lon, lat = BASE
    feats = [
        _feature(_square(lon, lat), height=80),
        _feature(_square(lon + 0.001, lat), **{"高度": "45 m"}),
        _feature(_square(lon + 0.002, lat), **{"building:height": "30"}),
        _feature(_square(lon + 0.003, lat), **{"building:levels": 12}),
        _feature(_square(lon + 0.004, lat), **{"层数": "6层"}),
        _feature(_square(lon + 0.005, lat), height=20, **{"min_height": 5}),
        _feature(_square(lon + 0.006, lat), height=20, **{"building:min_height": 8}),
    ]
    data, report = read_buildings(_write_geojson(tmp_path / "mixed.geojson", feats),
                                  rules=HeightRules(storey_height_m=3.0), region_bbox=REGION)
    assert list(data.height) == [80.0, 45.0, 30.0, 36.0, 18.0, 20.0, 20.0]
    assert report.rules == {"explicit": 5, "levels": 2}
    assert list(data.min_height) == [0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 8.0]


def test_parse_numbers():
    got = parse_numbers(np.array(["12", "12.5 m", "12,5", "40'", "7层", "tall", None, "3 storeys"], dtype=object))
    assert got[:5] == pytest.approx([12, 12.5, 12.5, 12.192, 7])
    assert np.isnan(got[5:]).all()


def test_holes_multipolygons_and_repairs(tmp_path):
    lon, lat = BASE
    bowtie = shapely.Polygon([(lon, lat), (lon + 0.001, lat + 0.001), (lon + 0.001, lat), (lon, lat + 0.001)])
    multi = shapely.MultiPolygon([_square(lon + 0.01, lat), _square(lon + 0.02, lat, hole=True)])
    line = shapely.LineString([(lon, lat), (lon + 0.001, lat)])
    feats = [
        _feature(_square(lon, lat + 0.01, hole=True), height=20),
        _feature(multi, height=30),
        _feature(bowtie, height=10),
        _feature(line, height=10),
        {"type": "Feature", "properties": {}, "geometry": None},
    ]
    data, report = read_buildings(_write_geojson(tmp_path / "h.geojson", feats), region_bbox=REGION)
    assert len(data) == 3
    assert np.diff(data.part_offsets)[data.part_building == 0].tolist() == [2]  # outer + hole
    assert (data.part_building == 1).sum() == 2
    assert data.flags[2] & FLAG_REPAIRED
    geoms = data.geometries()
    # both lobes of the bow tie are kept (buffer(0) would drop one)
    assert geoms[2].geom_type == "MultiPolygon" and geoms[2].area == pytest.approx(0.001 * 0.001 / 2)
    assert geoms[0].area == pytest.approx(_square(lon, lat, hole=True).area)
    assert report.rejected == {"features without geometry": 1, "features that are not polygons": 1}


def test_nan_and_out_of_region_are_quarantined(tmp_path):
    lon, lat = BASE
    text = json.dumps({"type": "FeatureCollection", "features": [
        _feature(_square(lon, lat), height=10), _feature(_square(2.35, 48.85), height=10)]})
    nan_feature = ('{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":'
                   '[[[120.1,31.1],[NaN,31.2],[120.2,31.2],[120.1,31.1]]]}}')
    text = text[:-2] + "," + nan_feature + "]}"
    path = tmp_path / "q.geojson"
    path.write_text(text, encoding="utf-8")
    data, report = read_buildings(path, region_bbox=REGION)
    assert len(data) == 1
    assert report.rejected["outside the region"] == 1
    assert sum(v for k, v in report.rejected.items() if "non-finite" in k) == 1


def test_metres_read_as_degrees_is_one_line(tmp_path):
    feats = [_feature(shapely.box(351900, 3457700, 351950, 3457750), height=10)]
    with pytest.raises(ReadError) as err:
        read_buildings(_write_geojson(tmp_path / "m.geojson", feats), region_bbox=REGION)
    line = str(err.value)
    assert "\n" not in line and "m.geojson" in line and "EPSG:4326" in line and "cannot be lon/lat" in line


def test_everything_outside_the_region_names_the_crs(tmp_path):
    # valid degrees, but in Europe: the CRS is probably wrong
    feats = [_feature(_square(2.35, 48.85), height=10)]
    with pytest.raises(ReadError) as err:
        read_buildings(_write_geojson(tmp_path / "eu.geojson", feats), region_bbox=REGION)
    assert "none of its 1 footprints lies in the region" in str(err.value) and "EPSG:4326" in str(err.value)


@pytest.mark.parametrize("content, needle", [(b"", "empty file"), (b'{"type": "FeatureCollection", "features": []}',
                                                                       "no features")])
def test_empty_files(tmp_path, content, needle):
    path = tmp_path / "e.geojson"
    path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_buildings(path)
    assert needle in str(err.value)


def test_unknown_extension_and_garbage(tmp_path):
    bad = tmp_path / "x.dwg"
    bad.write_bytes(b"AC1032garbage")
    with pytest.raises(ReadError, match="unknown building file type"):
        read_buildings(bad)
    gpkg = tmp_path / "broken.gpkg"
    gpkg.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(ReadError, match="broken.gpkg"):
        read_buildings(gpkg)


def test_projected_geopackage_round_trips_within_a_metre(tmp_path):
    import pyogrio.raw

    lon, lat = BASE
    geoms = np.array([_square(lon + 0.001 * i, lat, hole=i % 2 == 0) for i in range(20)], dtype=object)
    fwd = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    projected = shapely.transform(geoms, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    path = tmp_path / "utm.gpkg"
    pyogrio.raw.write(path, shapely.to_wkb(projected), field_data=[np.arange(20.0) + 10], fields=["height"],
                      crs="EPSG:32651", driver="GPKG", geometry_type="Polygon")
    progress = []
    data, report = read_buildings(path, region_bbox=REGION, progress=lambda done, total: progress.append((done, total)),
                                  batch_size=7)
    assert len(data) == 20 and report.format == "gpkg"
    assert progress[-1] == (20, 20) and len(progress) == 3  # streamed in batches of 7
    assert data.height.tolist() == list(np.arange(20.0) + 10)
    back = data.geometries()
    m_per_deg = 111_000
    for a, b in zip(back, geoms, strict=True):
        assert shapely.hausdorff_distance(a, b) * m_per_deg < 1.0


@pytest.mark.parametrize("keep_cpg", [False, True])
def test_shapefile_gbk_with_and_without_cpg(tmp_path, keep_cpg):
    import pyogrio.raw

    lon, lat = BASE
    geoms = np.array([_square(lon, lat), _square(lon + 0.001, lat)], dtype=object)
    names = np.array(["苏州中心", "金鸡湖大厦"], dtype=object)
    path = tmp_path / "gbk.shp"
    pyogrio.raw.write(path, shapely.to_wkb(geoms), field_data=[names, np.array([88.0, 66.0])],
                      fields=["name", "height"], crs="EPSG:4326", driver="ESRI Shapefile", geometry_type="Polygon",
                      encoding="GBK")
    dbf = path.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    assert "苏州中心".encode("gbk") in raw  # really GBK bytes on disk
    if keep_cpg:
        assert path.with_suffix(".cpg").exists()
    else:
        for extra in (path.with_suffix(".cpg"), path.with_suffix(".CPG")):
            extra.unlink(missing_ok=True)
        raw[29] = 0  # no code page mark either
        dbf.write_bytes(bytes(raw))
    data, report = read_buildings(path, region_bbox=REGION)
    assert list(data.attributes["name"]) == ["苏州中心", "金鸡湖大厦"]
    assert any("GB18030" in n for n in report.notes) != keep_cpg


def test_geoparquet_in_web_mercator(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    lon, lat = BASE
    geoms = np.array([_square(lon + 0.001 * i, lat) for i in range(5)], dtype=object)
    fwd = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    merc = shapely.transform(geoms, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    table = pa.table({"geometry": shapely.to_wkb(merc), "levels": [3, 5, 8, 13, 21], "use": ["a", "b", "a", "c", "a"]})
    meta = {"version": "1.1.0", "primary_column": "geometry",
            "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Polygon"], "crs": "EPSG:3857"}}}
    table = table.replace_schema_metadata({b"geo": json.dumps(meta).encode()})
    path = tmp_path / "b.parquet"
    pq.write_table(table, path)
    data, report = read_buildings(path, region_bbox=REGION)
    assert len(data) == 5 and report.rules == {"levels": 5}
    assert data.height.tolist() == [9.0, 15.0, 24.0, 39.0, 63.0]
    assert abs(data.xy[:, 0].min() - lon) < 1e-8
    no_geo = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"a": [1]}), no_geo)
    with pytest.raises(ReadError, match="GeoParquet"):
        read_buildings(no_geo)


@pytest.mark.parametrize("datum, forward", [("GCJ-02", wgs84_to_gcj02), ("BD-09", wgs84_to_bd09)])
def test_gcj02_and_bd09_footprints_are_corrected(tmp_path, datum, forward):
    lon, lat = BASE
    truth = _square(lon, lat, 0.001)
    shifted = shapely.transform(truth, lambda xy: np.column_stack(forward(xy[:, 0], xy[:, 1])))
    path = _write_geojson(tmp_path / "amap.geojson", [_feature(shifted, height=50)])
    data, _ = read_buildings(path, crs=datum, region_bbox=REGION)
    assert shapely.hausdorff_distance(data.geometries()[0], truth) * 111_000 < 0.5
    raw, _ = read_buildings(path, region_bbox=REGION)
    assert shapely.hausdorff_distance(raw.geometries()[0], truth) * 111_000 > 100  # the shift is hundreds of metres


def test_bad_crs_override_is_one_line(tmp_path):
    path = _write_geojson(tmp_path / "b.geojson", [_feature(_square(*BASE), height=5)])
    with pytest.raises(ReadError, match="unknown CRS"):
        read_buildings(path, crs="EPSG:999999")


def test_cancel_stops_reading(tmp_path):
    lon, lat = BASE
    path = tmp_path / "many.geojsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(3000):
            fh.write(json.dumps(_feature(_square(lon + (i % 100) * 0.001, lat + (i // 100) * 0.001), height=10)) + "\n")
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        read_buildings(path, cancel=cancel, batch_size=500)
    data, report = read_buildings(path, batch_size=500)
    assert len(data) == 3000 and report.format == "geojsonseq"


def test_cityjson_lod1_and_lod2(tmp_path):
    # CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549), compound with a height datum in the URL
    fwd = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    x0, y0 = fwd.transform(*BASE)
    scale = 0.001

    def v(x, y, z):
        return [round((x - x0) / scale), round((y - y0) / scale), round(z / scale)]

    verts = []
    for z in (4.0, 34.0):  # LOD1 box 20 x 10 m, 30 m tall
        verts += [v(x0, y0, z), v(x0 + 20, y0, z), v(x0 + 20, y0 + 10, z), v(x0, y0 + 10, z)]
    # LOD2: a 10 x 10 m house, walls to 6 m, ridge at 9 m; ground surface tagged
    b = 8
    verts += [v(x0 + 50, y0, 2), v(x0 + 60, y0, 2), v(x0 + 60, y0 + 10, 2), v(x0 + 50, y0 + 10, 2),
              v(x0 + 50, y0, 8), v(x0 + 60, y0, 8), v(x0 + 60, y0 + 10, 8), v(x0 + 50, y0 + 10, 8),
              v(x0 + 55, y0, 11), v(x0 + 55, y0 + 10, 11)]
    lod1 = {"type": "Solid", "lod": "1", "boundaries": [[
        [[0, 3, 2, 1]], [[4, 5, 6, 7]], [[0, 1, 5, 4]], [[1, 2, 6, 5]], [[2, 3, 7, 6]], [[3, 0, 4, 7]]]]}
    lod2 = {"type": "MultiSurface", "lod": "2.2",
            "boundaries": [[[b + 0, b + 3, b + 2, b + 1]], [[b + 4, b + 5, b + 8]], [[b + 7, b + 9, b + 6]],
                           [[b + 0, b + 1, b + 5, b + 4]]],
            "semantics": {"surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"}, {"type": "WallSurface"}],
                          "values": [0, 1, 1, 2]}}
    doc = {
        "type": "CityJSON", "version": "2.0",
        "transform": {"scale": [scale] * 3, "translate": [x0, y0, 0.0]},
        "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/4549"},
        "CityObjects": {
            "tower": {"type": "Building", "attributes": {"function": "office"}, "geometry": [lod1]},
            "house": {"type": "Building", "geometry": [lod2]},
            "tree": {"type": "SolitaryVegetationObject", "geometry": [lod1]},
        },
        "vertices": verts,
    }
    path = tmp_path / "city.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    data, report = read_buildings(path, region_bbox=REGION)
    assert report.format == "cityjson" and len(data) == 2
    assert data.height.tolist() == pytest.approx([30.0, 9.0])
    assert report.rules == {"geometry": 2}
    areas_m2 = [g.area * (111_320 * np.cos(np.radians(BASE[1]))) * 110_900 for g in data.geometries()]
    assert areas_m2 == pytest.approx([200.0, 100.0], rel=0.01)
    assert data.attributes["function"][0] == "office"


def test_real_osm_pbf(shared_fixtures):
    data, report = read_buildings(shared_fixtures / "pbf" / "test.osm.pbf")
    assert report.format == "osm-pbf" and report.features == 2219
    assert len(data) == 2171 and report.rejected == {"building ways with missing nodes": 48}
    assert report.rules == {"levels": 10, "default": 2161}
    assert set(np.unique(data.attributes["osm_type"])) <= {"way", "relation"}


def test_dbf_code_page_sniffing_leaves_utf8_alone(tmp_path):
    import pyogrio.raw

    path = tmp_path / "utf8.shp"
    pyogrio.raw.write(path, shapely.to_wkb(np.array([_square(*BASE)], dtype=object)),
                      field_data=[np.array(["嘉兴"], dtype=object)], fields=["name"], crs="EPSG:4326",
                      driver="ESRI Shapefile", geometry_type="Polygon", encoding="UTF-8")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    data, _ = read_buildings(path, region_bbox=REGION)
    assert data.attributes["name"][0] == "嘉兴"


def test_big_geojson_is_streamed_in_batches_not_parsed_whole(tmp_path, monkeypatch):
    """A big GeoJSON file goes to GDAL's streaming reader, batch by batch, not to json.loads."""
    import ydtwin.io.footprint_sources as sources
    import ydtwin.io.geojson as gj

    lon, lat = BASE
    path = _write_geojson(tmp_path / "big.geojson",
                          [_feature(_square(lon + (i % 50) * 0.001, lat + (i // 50) * 0.001), height=10 + i % 7)
                           for i in range(1000)])
    monkeypatch.setattr(sources, "STREAM_GEOJSON_ABOVE", 10_000)  # pretend the file is big

    def refuse(*_a, **_k):
        raise AssertionError("the whole-file parser must not be used for a file above the guard")

    monkeypatch.setattr(gj, "read_geojson", refuse)
    seen = []
    data, report = read_buildings(path, region_bbox=REGION, batch_size=128,
                                  progress=lambda done, total: seen.append(done))
    assert len(data) == 1000 and report.rules == {"explicit": 1000}
    assert seen == sorted(seen) and len(seen) == 8 and seen[-1] == 1000


def test_flatgeobuf(tmp_path):
    import pyogrio.raw

    lon, lat = BASE
    geoms = np.array([_square(lon + 0.001 * i, lat, hole=i == 1) for i in range(3)], dtype=object)
    fgb = tmp_path / "b.fgb"
    pyogrio.raw.write(fgb, shapely.to_wkb(geoms), field_data=[np.array([12.0, 24.0, 36.0])], fields=["height"],
                      crs="EPSG:4326", driver="FlatGeobuf", geometry_type="Polygon")
    data, report = read_buildings(fgb, region_bbox=REGION)
    # FlatGeobuf stores features in its spatial index's order
    assert report.format == "flatgeobuf" and sorted(data.height.tolist()) == [12.0, 24.0, 36.0]
    rings = np.diff(data.part_offsets)
    assert rings[data.height == 24.0].tolist() == [2] and rings[data.height != 24.0].tolist() == [1, 1]


def test_cityjsonseq(tmp_path):
    fwd = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    x0, y0 = fwd.transform(*BASE)
    header = {"type": "CityJSON", "version": "2.0", "transform": {"scale": [0.01, 0.01, 0.01], "translate": [x0, y0, 0]},
              "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/4549"}, "CityObjects": {},
              "vertices": []}
    lines = [json.dumps(header)]
    for k in range(3):
        dx = k * 3000  # 30 m apart, in 0.01 m units
        verts = [[dx, 0, 0], [dx + 1000, 0, 0], [dx + 1000, 1000, 0], [dx, 1000, 0],
                 [dx, 0, 1500 * (k + 1)], [dx + 1000, 0, 1500 * (k + 1)], [dx + 1000, 1000, 1500 * (k + 1)],
                 [dx, 1000, 1500 * (k + 1)]]
        solid = {"type": "Solid", "lod": "1", "boundaries": [[[[0, 3, 2, 1]], [[4, 5, 6, 7]], [[0, 1, 5, 4]],
                                                              [[1, 2, 6, 5]], [[2, 3, 7, 6]], [[3, 0, 4, 7]]]]}
        lines.append(json.dumps({"type": "CityJSONFeature", "id": f"b{k}",
                                 "CityObjects": {f"b{k}": {"type": "Building", "geometry": [solid]}},
                                 "vertices": verts}))
    path = tmp_path / "city.city.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data, report = read_buildings(path, region_bbox=REGION)
    assert report.format == "cityjsonseq" and len(data) == 3
    assert data.height.tolist() == pytest.approx([15.0, 30.0, 45.0])
