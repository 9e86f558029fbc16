"""The bundled region: files, datum correction, known places, DEM values, region-as-data."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import shapely

from ydtwin.errors import ReadError
from ydtwin.geo.datum import wgs84_to_gcj02
from ydtwin.geo.measure import island_coast_offset, outline_offset
from ydtwin.io import vectorpack
from ydtwin.io.region import DEFAULT_REGION, load_region, read_region_file, read_terrain
from ydtwin.model import TerrainLayer, VectorLayer

REGION_DIR = DEFAULT_REGION.parent


def _pack(name):
    data, prov, _ = vectorpack.read(REGION_DIR / f"{name}.ydv.npz")
    return data, prov


def _layer(layers, role):
    return next(layer for layer in layers if layer.role == role)


def test_region_assets_are_compact():
    """All region files together stay within 15 MB."""
    rf = read_region_file()
    total = sum(p.stat().st_size for p in rf.files.values())
    assert total <= 15 * 2**20


def test_every_layer_carries_crs_and_provenance(region_data):
    """Each layer has a CRS pyproj parses and a provenance with source and licence; bathymetry is synthetic."""
    from pyproj import CRS

    region, layers = region_data
    for layer in layers:
        CRS.from_user_input(layer.crs)
        assert layer.provenance.source and layer.provenance.licence
    terrain = _layer(layers, "terrain")
    assert isinstance(terrain, TerrainLayer)
    assert terrain.bathymetry_provenance.nature == "synthetic"


def test_eight_cities_with_districts(region_data):
    """The region file names eight cities; each has its outline and its districts."""
    region, layers = region_data
    assert [c.name for c in region.cities] == [
        "Shanghai", "Suzhou", "Wuxi", "Nantong", "Jiaxing", "Ningbo", "Zhoushan", "Huzhou"
    ]
    districts = _layer(layers, "district-boundaries").data
    per_city = {c.adcode: int((districts.attributes["city_adcode"] == c.adcode).sum()) for c in region.cities}
    assert per_city["310000"] == 16 and all(n >= 4 for n in per_city.values())


def _city_of(layers, lon, lat, role="city-boundaries"):
    data = _layer(layers, role).data
    hit = shapely.contains_xy(data.geometries, lon, lat)
    return [str(a) for a in data.attributes["adcode"][hit]]


@pytest.mark.parametrize(
    "name, lon, lat, role, adcode",
    [
        ("Shanghai Tower", 121.50129, 31.2356, "district-boundaries", "310115"),  # Pudong New Area
        ("The Bund", 121.4853, 31.2396, "district-boundaries", "310101"),  # Huangpu
        ("Chongming Island", 121.55, 31.62, "district-boundaries", "310151"),
        ("Zhoushan Island (Dinghai)", 122.10, 30.05, "city-boundaries", "330900"),
        ("Putuoshan", 122.385, 30.01, "city-boundaries", "330900"),
        ("Suzhou old town", 120.62, 31.31, "city-boundaries", "320500"),
        ("Moganshan", 119.87, 30.61, "city-boundaries", "330500"),
    ],
)
def test_known_points_land_in_the_right_polygon(region_data, name, lon, lat, role, adcode):
    """Well-known places fall inside the right (corrected) district or city outline."""
    _, layers = region_data
    assert _city_of(layers, lon, lat, role) == [adcode], name


def test_city_centres_lie_in_their_cities(region_data):
    """Each city's label point lies inside that city's outline."""
    region, layers = region_data
    for city in region.cities:
        assert _city_of(layers, *city.centre) == [city.adcode], city.name


@pytest.mark.slow
def test_corrected_outlines_match_the_official_ones():
    """Datum check against the official (Tianditu, EPSG:4490) district outlines.

    The GCJ-02 source sits ≈ +0.0045° lon / −0.0025° lat off; after the correction the median offset
    must stay ≤ 0.0002° on each axis (measured: ~0.00002°).
    """
    districts, _ = _pack("districts")
    official, _ = _pack("official_districts")
    order = [list(official.attributes["adcode"]).index(a) for a in districts.attributes["adcode"]]
    ref = official.geometries[order]

    def to_gcj(c):
        lon, lat = wgs84_to_gcj02(c[:, 0], c[:, 1])
        return np.column_stack([lon, lat])

    before = outline_offset(shapely.transform(districts.geometries, to_gcj), ref)
    after = outline_offset(districts.geometries, ref)
    assert before["dlon"] == pytest.approx(0.0045, abs=0.0007)
    assert before["dlat"] == pytest.approx(-0.0025, abs=0.0007)
    assert abs(after["dlon"]) <= 0.0002 and abs(after["dlat"]) <= 0.0002


@pytest.mark.slow
def test_corrected_islands_sit_on_gshhs_like_the_official_ones():
    """Around Zhoushan the corrected island outlines lie on the GSHHS coasts as the official ones do.

    GSHHS itself sits ~0.0004°/0.0010° off both official and corrected outlines (its known positional
    error); the corrected islands must agree with the official ones to 0.0004° on that measure.
    """
    land, _ = _pack("land")
    cities, _ = _pack("cities")
    ocities, _ = _pack("official_cities")
    zs = list(cities.attributes["adcode"]).index("330900")
    oz = list(ocities.attributes["adcode"]).index("330900")
    ours = island_coast_offset(cities.geometries[zs], land)
    official = island_coast_offset(ocities.geometries[oz], land)
    assert ours["islands"] > 50
    assert abs(ours["dlon"] - official["dlon"]) <= 0.0004
    assert abs(ours["dlat"] - official["dlat"]) <= 0.0004


def test_build_report_records_the_same_offsets():
    """build_report.json (written by the recipe) holds the measured offsets and file hashes."""
    report = json.loads((REGION_DIR / "build_report.json").read_text(encoding="utf-8"))
    after = report["datum_offsets_deg"]["districts_vs_official"]["corrected"]
    before = report["datum_offsets_deg"]["districts_vs_official"]["gcj02_source"]
    assert abs(after["dlon"]) <= 0.0002 and abs(after["dlat"]) <= 0.0002
    assert before["dlon"] > 0.004 and before["dlat"] < -0.002
    assert set(report["sources"]) == {"coast", "boundaries", "official_boundaries", "dem"}


# DEM values of the source file (meteva dem_0.00833.nc) at the nearest cell of each place
DEM_SPOTS = {
    "Sheshan": (121.1950, 31.0960, 5),
    "The Bund": (121.4853, 31.2396, 4),
    "Zhoushan Island": (122.10, 30.05, 86),
    "Moganshan": (119.87, 30.61, 263),
    "West Tianmu": (119.43, 30.35, 1045),
    "Chongming": (121.55, 31.62, 4),
}


@pytest.mark.parametrize("place", sorted(DEM_SPOTS))
def test_dem_spot_values_match_the_source(place):
    """Terrain at named places equals the source DEM's cell (nearest cell) and bilinear stays within 40 m."""
    lon, lat, source_m = DEM_SPOTS[place]
    grid, is_land, _, _ = read_terrain(REGION_DIR / "terrain.npz")
    i = int(round((lon - grid.x0) / grid.dx))
    j = int(round((lat - grid.y0) / grid.dy))
    assert is_land[j, i]
    assert grid.values[j, i] == pytest.approx(max(source_m, 0.5), abs=0.5)
    assert float(grid.sample(lon, lat)) == pytest.approx(source_m, abs=40.0)


def test_dem_agrees_with_independent_aster_points(shared_fixtures):
    """Against 138k ASTER GDEM points (a different sensor), flat land differs by a median < 10 m."""
    doc = json.loads((shared_fixtures / "dem" / "suzhou_aster_dem_points.json").read_text())
    pts = np.asarray(doc["points"], dtype=float)
    grid, _, _, _ = read_terrain(REGION_DIR / "terrain.npz")
    ours = grid.sample(pts[:, 0], pts[:, 1])
    ok = np.isfinite(ours) & (pts[:, 2] < 30)
    assert ok.sum() > 50_000
    assert float(np.median(np.abs(ours[ok] - pts[ok, 2]))) < 10.0


def test_sea_floor_is_synthetic_and_shallow_in_hangzhou_bay(region_data):
    """The sea floor is negative, ~10 m deep in Hangzhou Bay, and deeper out on the shelf."""
    _, layers = region_data
    grid = _layer(layers, "terrain").elevation
    bay = float(grid.sample(121.2, 30.45))
    shelf = float(grid.sample(123.1, 29.5))
    assert -20 < bay < 0
    assert shelf < bay


def test_official_boundaries_are_one_setting_away():
    """boundaries='official' swaps in the Tianditu outlines without other changes."""
    _, layers = load_region(boundaries="official")
    cities = _layer(layers, "city-boundaries")
    assert isinstance(cities, VectorLayer) and "Tianditu" in cities.provenance.source


def test_a_second_region_file_opens_with_the_same_code(tmp_path: Path):
    """The region is data: another region.toml (other cities, box, projection) loads unchanged."""
    for f in REGION_DIR.iterdir():
        if f.suffix in (".npz", ".json") or f.name == "blocks.toml":
            shutil.copy(f, tmp_path / f.name)
    text = (REGION_DIR / "region.toml").read_text(encoding="utf-8")
    text = text.replace('id = "yrd8"', 'id = "test2"').replace("lon_0 = 121.1", "lon_0 = 120.5")
    start = text.index('[[cities]]\nname = "Wuxi"')
    end = text.index("\n[sources]\n") + 1
    text = text[:start] + text[end:]  # keep only Shanghai and Suzhou
    (tmp_path / "region.toml").write_text(text, encoding="utf-8")
    region, layers = load_region(tmp_path / "region.toml")
    assert region.id == "test2" and [c.name for c in region.cities] == ["Shanghai", "Suzhou"]
    assert region.projection.lon_0 == 120.5
    assert _layer(layers, "city-labels").texts() == ["Shanghai", "Suzhou"]


@pytest.mark.parametrize(
    "content, needle",
    [
        ("not toml = = =", "not a valid region file"),
        ("schema_version = 1\nid='x'\nbbox=[1,2]\n", "invalid region file"),
        ("schema_version = 99\n", "schema_version"),
    ],
)
def test_broken_region_files_give_one_line(tmp_path, content, needle):
    """A broken region file raises ReadError with one line naming the file."""
    path = tmp_path / "region.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReadError) as err:
        read_region_file(path)
    assert needle in str(err.value) and "\n" not in str(err.value) and str(path) in str(err.value)


def test_procedural_blocks_stand_on_land_off_lakes_and_rivers(region_data):
    """No generated block touches a lake (its whole footprint, not its corners) or comes within the river
    clearance of a river line; every block stands on land in its centre's city."""
    region, layers = region_data
    by_role = {layer.role: layer for layer in layers}
    blocks = by_role["procedural-blocks"].data
    rects = blocks.geometries()
    assert len(rects) > 50_000
    _, wet = shapely.STRtree(rects).query(by_role["lakes"].data.geometries, predicate="intersects")
    assert len(wet) == 0
    proj = region.projection

    def to_scene(c):
        return np.column_stack(proj.to_scene(c[:, 0], c[:, 1]))

    rivers = shapely.transform(by_role["rivers"].data.geometries, to_scene)
    scene_rects = shapely.transform(rects, to_scene)
    _, near = shapely.STRtree(scene_rects).query(rivers, predicate="dwithin", distance=100.0)
    assert len(near) == 0
    land = shapely.union_all(by_role["coast"].data.geometries)
    assert shapely.contains(land, shapely.centroid(rects)).all()
