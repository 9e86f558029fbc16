"""``ydtwin info``: what files hold, and one clear line (exit 2) for files it cannot read."""

import json

from conftest import ROOT, run_cli

REGION = ROOT / "assets" / "region" / "yrd8"


def _one_line_error(proc, *needles):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


def test_missing_file(tmp_path):
    """A missing file: one line, exit 2."""
    _one_line_error(run_cli("info", str(tmp_path / "nope.geojson")), "file not found", "nope.geojson")


def test_text_file_named_geojson(tmp_path):
    """Plain text with a .geojson name: one line naming the JSON problem."""
    path = tmp_path / "notes.geojson"
    path.write_text("meeting notes, not geodata\n", encoding="utf-8")
    _one_line_error(run_cli("info", str(path)), "not valid JSON")


def test_geojson_with_nan_coordinates(tmp_path):
    """NaN coordinates (which Python's json accepts) are caught: one line with the count, exit 2."""
    path = tmp_path / "nan.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":'
        "[[[120.1,31.1],[NaN,31.2],[120.2,31.2],[120.1,31.1]]]}},"
        '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[120.5,31.3]}}]}',
        encoding="utf-8",
    )
    line = _one_line_error(run_cli("info", str(path)), "1 of 2 features", "non-finite")
    assert "feature 0" in line


def test_metres_labelled_as_degrees(tmp_path):
    """Projected metres in a file that claims WGS84: the message names the CRS and the problem."""
    path = tmp_path / "metres.geojson"
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [351900.0, 3457700.0]}}]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    _one_line_error(run_cli("info", str(path)), "EPSG:4326", "cannot be lon/lat")


def test_binary_garbage_and_empty_files(tmp_path):
    """Unknown binary content and empty files are refused in one line each."""
    bad = tmp_path / "x.dat"
    bad.write_bytes(b"\x00\x01\x02garbage")
    _one_line_error(run_cli("info", str(bad)), "unsupported file type")
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    _one_line_error(run_cli("info", str(empty)), "not valid JSON")


def test_truncated_las(tmp_path, shared_fixtures):
    """A LAS file cut in half is reported as truncated with the counts, not silently half-read."""
    data = (shared_fixtures / "las" / "simple.las").read_bytes()
    path = tmp_path / "cut.las"
    path.write_bytes(data[: len(data) // 2])
    _one_line_error(run_cli("info", str(path)), "truncated")


def test_region_files_are_described():
    """The bundled files describe themselves: counts, CRS and bounds."""
    proc = run_cli("info", str(REGION / "region.toml"), str(REGION / "cities.ydv.npz"), str(REGION / "terrain.npz"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "cities:   8" in out
    assert "MultiPolygon 8" in out and "EPSG:4326" in out
    assert "terrain grid 504 × 480" in out and "synthetic bathymetry" in out


def test_real_osm_buildings(shared_fixtures):
    """2,000 real OSM footprints in Suzhou/Wuxi: count, CRS and bounds inside the region."""
    proc = run_cli("info", str(shared_fixtures / "osm" / "suzhou_osm_buildings.geojson"))
    assert proc.returncode == 0, proc.stderr
    assert "features: 2,000" in proc.stdout and "EPSG:4326" in proc.stdout
    bounds = next(ln for ln in proc.stdout.splitlines() if ln.startswith("bounds:"))
    lon0 = float(bounds.split()[1])
    assert 119.0 < lon0 < 122.0


def test_real_las_with_crs(shared_fixtures):
    """A LAS 1.4 file with WKT: point count and its projected CRS are reported with WGS84 bounds."""
    proc = run_cli("info", str(shared_fixtures / "las" / "file_with_both_wkt_and_geotiff_vlrs.las"))
    assert proc.returncode == 0, proc.stderr
    assert "points:" in proc.stdout and "LAS 1.4" in proc.stdout
    assert "bounds:" in proc.stdout and "(empty)" not in proc.stdout


def test_polygon_with_hole_and_chinese_path(tmp_path):
    """A polygon with a hole (ragged rings) in a folder with a Chinese name is read and described."""
    folder = tmp_path / "苏州规划"
    folder.mkdir()
    path = folder / "地块.geojson"
    doc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"名称": "园区"},
        "geometry": {"type": "Polygon", "coordinates": [
            [[120.70, 31.30], [120.80, 31.30], [120.80, 31.40], [120.70, 31.40], [120.70, 31.30]],
            [[120.72, 31.32], [120.74, 31.32], [120.73, 31.34], [120.72, 31.32]],
        ]}}]}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    proc = run_cli("info", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "Polygon 1" in proc.stdout and "地块.geojson" in proc.stdout and "名称" in proc.stdout
