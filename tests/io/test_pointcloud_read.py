"""Point clouds are read into the scene: the real LAS/LAZ/COPC files give laspy's own counts, classes and CRS;
hostile files are one line (never a MemoryError); memory stays bounded by thinning or COPC levels; progress
and cancel follow the contract every layer read has."""

import struct
import time

import numpy as np
import pytest

from las_synth import SW, write_cloud
from ydtwin.errors import ReadError, YdtwinError
from ydtwin.io.buildings import Cancelled
from ydtwin.io.pointcloud_read import read_point_cloud

FIXTURES = ["1_4_w_evlr.laz", "append-bug.laz", "autzen_trim.laz", "extrabytes.las",
            "file_with_both_wkt_and_geotiff_vlrs.las", "simple.copc.laz", "simple.las", "simple.laz",
            "vegetation_1_3.las"]


@pytest.mark.parametrize("name", FIXTURES)
def test_real_files_match_laspy(shared_fixtures, name):
    """Every real fixture reads with laspy's point count, coordinates, classes and the CRS laspy parses (the
    COPC file in octree order: compared as sets)."""
    import laspy

    path = shared_fixtures / "las" / name
    data, report = read_point_cloud(path)
    las = laspy.read(str(path))
    assert len(data) == len(las.points) == report.file_points == report.kept_points
    crs = las.header.parse_crs()
    assert report.crs == (crs.name if crs is not None else "")
    mine = np.column_stack([data.xyz, data.classification])
    theirs = np.column_stack([las.x, las.y, las.z, np.asarray(las.classification)])
    if name.endswith(".copc.laz"):
        mine, theirs = mine[np.lexsort(mine.T)], theirs[np.lexsort(theirs.T)]
    assert np.allclose(mine, theirs)
    assert data.classes() == {int(c): int(n) for c, n in zip(*np.unique(np.asarray(las.classification),
                                                                            return_counts=True), strict=True)}
    assert (data.rgb is not None) == ("red" in las.point_format.dimension_names)


def test_real_files_name_their_crs_and_place_outside_the_region_is_one_line(shared_fixtures, region_data):
    """A real file in its own CRS (Oregon, Lambert-93) is placed through that CRS: outside the region it is one
    line naming the CRS and where it lies; a file without a CRS asks for --crs."""
    from ydtwin.model.scene import Scene

    scene = Scene(region_data[0])
    las = shared_fixtures / "las"
    for name, needle in [("autzen_trim.laz", "Lambert_Conformal"), ("append-bug.laz", "Lambert-93")]:
        with pytest.raises(ReadError) as err:
            read_point_cloud(las / name, projection=scene.projection, region_bbox=scene.region.bbox)
        text = str(err.value)
        assert "outside the region" in text and needle in text and "\n" not in text
    with pytest.raises(ReadError, match="has no CRS.*--crs"):
        read_point_cloud(las / "simple.las", projection=scene.projection, region_bbox=scene.region.bbox)


def test_synthetic_cloud_in_suzhou_lands_in_the_scene(tmp_path, region_data):
    """A UTM 51N cloud (CRS in its WKT VLR) is reprojected to the scene: its centre is where pyproj puts it."""
    from pyproj import Transformer

    from ydtwin.model.scene import Scene

    scene = Scene(region_data[0])
    path = write_cloud(tmp_path / "sz.laz", n_ground=20_000)
    data, report = read_point_cloud(path, projection=scene.projection, region_bbox=scene.region.bbox)
    assert "UTM zone 51N" in report.crs and data.crs == scene.crs
    lon, lat = Transformer.from_crs(32651, 4326, always_xy=True).transform(SW[0] + 150, SW[1] + 150)
    x, y = scene.projection.to_scene(np.array([lon]), np.array([lat]))
    centre = (data.xyz[:, :2].min(axis=0) + data.xyz[:, :2].max(axis=0)) / 2
    assert np.hypot(centre[0] - x[0], centre[1] - y[0]) < 2.0
    assert set(data.classes()) == {2, 5, 6}


def _las_bytes(tmp_path) -> bytes:
    return write_cloud(tmp_path / "good.las", n_ground=5_000).read_bytes()


def test_truncated_and_lying_files_are_one_line_without_memory_error(tmp_path, region_data):
    """A LAS cut short and a header claiming 10^12 points are one line each, with the counts, in well under a
    second: nothing is allocated from the header's word."""
    from ydtwin.model.scene import Scene
    from ydtwin.workspace.layers import LayerRequest, read_layer

    scene = Scene(region_data[0])
    data = _las_bytes(tmp_path)
    cut = tmp_path / "cut.las"
    cut.write_bytes(data[: len(data) * 2 // 3])
    huge = bytearray(data)
    struct.pack_into("<I", huge, 107, 0)  # LAS 1.4: the legacy 32-bit count says "see the 64-bit one"
    struct.pack_into("<Q", huge, 247, 10**12)  # and the 64-bit count claims 10^12 points
    liar = tmp_path / "liar.las"
    liar.write_bytes(bytes(huge))
    for path, needle in [(cut, "truncated"), (liar, "promises 1,000,000,000,000 points")]:
        t0 = time.perf_counter()
        with pytest.raises(YdtwinError) as err:
            read_layer(LayerRequest(path), scene=scene)
        assert time.perf_counter() - t0 < 1.0
        text = str(err.value)
        assert "\n" not in text and path.name in text and needle in text, text
        assert not isinstance(err.value, MemoryError)


def test_more_points_than_memory_allows_are_thinned_evenly(tmp_path):
    """Over ``max_points`` a file is thinned as it streams: no more than the limit (plus the draw's spread) is
    kept, every part of the survey keeps its share, and the note says so."""
    path = write_cloud(tmp_path / "sz.las", n_ground=40_000)
    full, _ = read_point_cloud(path)
    data, report = read_point_cloud(path, max_points=4_000, chunk_points=3_000)
    assert 3_400 < len(data) < 4_600 and report.file_points == len(full)
    assert "thinned" in report.note and data.note == report.note
    cells = lambda xyz: {tuple(c) for c in np.floor((xyz[:, :2] - SW) / 50).astype(int)}  # noqa: E731
    assert cells(data.xyz) == cells(full.xyz)
    for code, n in full.classes().items():  # each class keeps its share
        assert abs(data.classes()[code] / len(data) - n / len(full)) < 0.03


def test_copc_is_read_by_level_within_the_budget(shared_fixtures):
    """A COPC file over the limit gives its coarsest octree levels that fit, whole, and says which."""
    from laspy import CopcReader

    from ydtwin.io.pointcloud_read import copc_level_counts

    path = shared_fixtures / "las" / "simple.copc.laz"
    with CopcReader.open(str(path)) as reader:
        counts = copc_level_counts(reader)
    assert sum(counts) == 1065 and len(counts) == 4
    data, report = read_point_cloud(path, max_points=counts[0] + counts[1] + counts[2])
    assert len(data) == counts[0] + counts[1] + counts[2]
    assert "octree levels 0–2 of 4" in report.note
    box, _ = read_point_cloud(path, bounds=(637_000, 849_000, 638_500, 851_500))
    assert 0 < len(box) < 1065 and (box.xyz[:, 0] <= 638_500).all() and "within the box" in box.note


def test_progress_and_cancel(tmp_path):
    """Progress after each chunk up to the total; cancel stops before the next chunk with the shared Cancelled."""
    path = write_cloud(tmp_path / "sz.laz", n_ground=20_000)
    seen = []
    data, _ = read_point_cloud(path, chunk_points=5_000, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 4 and seen[-1] == (len(data), len(data))
    assert all(a[0] < b[0] for a, b in zip(seen, seen[1:], strict=False))
    calls = []
    with pytest.raises(Cancelled):
        read_point_cloud(path, chunk_points=5_000, cancel=lambda: calls.append(1) or len(calls) > 2)


def test_a_damaged_crs_vlr_is_one_line_and_crs_overrides_it(tmp_path, region_data):
    """A WKT VLR that is not WKT: one line asking for --crs; given --crs, the file reads."""
    from ydtwin.model.scene import Scene

    scene = Scene(region_data[0])
    data = bytearray(write_cloud(tmp_path / "good.las", n_ground=3_000).read_bytes())
    at = data.find(b"PROJCRS")
    assert at > 0
    data[at:at + 40] = b"#" * 40
    bad = tmp_path / "bad_wkt.las"
    bad.write_bytes(bytes(data))
    with pytest.raises(ReadError) as err:
        read_point_cloud(bad, projection=scene.projection, region_bbox=scene.region.bbox)
    text = str(err.value)
    assert "\n" not in text and "bad_wkt.las" in text and "CRS" in text and "--crs" in text
    cloud, report = read_point_cloud(bad, crs="EPSG:32651", projection=scene.projection,
                                     region_bbox=scene.region.bbox)
    assert len(cloud) == report.file_points and "UTM zone 51N" in report.crs


def test_reprojection_is_within_a_millimetre_even_when_the_header_box_lies(tmp_path, region_data, monkeypatch):
    """Every point lands within 1 mm of pyproj's exact transform: through the one cubic fitted over the
    header's box, and also when the header's box is wrong (points outside it are fitted chunk by chunk)."""
    import laspy
    from pyproj import Transformer

    from ydtwin.model.scene import Scene

    scene = Scene(region_data[0])
    path = write_cloud(tmp_path / "sz.las", n_ground=60_000)
    raw = laspy.read(path)
    to_scene = Transformer.from_crs(32651, scene.projection.crs, always_xy=True)
    ex, ey = to_scene.transform(np.asarray(raw.x), np.asarray(raw.y))
    import ydtwin.io.pointcloud_read as reader

    per_chunk = []
    fit_per_chunk = reader.transform_points
    monkeypatch.setattr(reader, "transform_points", lambda *a, **k: per_chunk.append(1) or fit_per_chunk(*a, **k))
    for box in (None, (SW[0] + 100, SW[1] + 100, SW[0] + 140, SW[1] + 140)):
        if box is not None:  # LAS 1.4 header: max x, min x, max y, min y (doubles) from byte 179
            data = bytearray(path.read_bytes())
            data[179:211] = struct.pack("<4d", box[2], box[0], box[3], box[1])
            path.write_bytes(bytes(data))
        cloud, report = read_point_cloud(path, projection=scene.projection, region_bbox=scene.region.bbox,
                                         chunk_points=25_000)
        assert len(cloud) == len(raw) and 0 < report.reprojection_error_m < 0.0005
        assert np.abs(cloud.xyz[:, 0] - ex).max() < 0.001 and np.abs(cloud.xyz[:, 1] - ey).max() < 0.001
        assert np.abs(cloud.xyz[:, 2] - np.asarray(raw.z)).max() < 1e-9
        assert (len(per_chunk) > 0) == (box is not None)  # the file's cubic unless a chunk leaves its box
