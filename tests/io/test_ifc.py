"""IFC models through IfcOpenShell: products as parts with their class, name, GlobalId and storey; placed by
their IfcMapConversion (a known corner within 0.1 m, rotated and scaled) or their IfcSite reference point;
the parser's own failing sample files refused with one line."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod, Transformer

import model_synth as ms
from ydtwin.errors import ReadError
from ydtwin.io.models import read_model

GEOD = Geod(ellps="WGS84")
UTM = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)
E0, N0 = 355_000.0, 3_457_000.0  # in Pudong, UTM 51N


def _stand_error(data, expected_lonlat) -> float:
    """Metres between ``expected_lonlat`` and the nearest vertex of the model placed by its own georeference
    (in the default region's scene): a corner the model has must stand there."""
    from ydtwin.io.region import read_region_file
    from ydtwin.model.models import place

    projection = read_region_file().region.projection
    best = math.inf
    for xyz in place(data, data.georeference, projection):
        lon, lat = projection.from_scene(xyz[:, 0], xyz[:, 1])
        n = len(lon)
        d = GEOD.inv(lon, lat, np.full(n, expected_lonlat[0]), np.full(n, expected_lonlat[1]))[2]
        best = min(best, float(np.min(d)))
    return best


def test_walls_storeys_and_attributes(tmp_path):
    data = read_model(ms.write_ifc(tmp_path / "t.ifc"))
    assert data.format == "IFC" and len(data.parts) == 2 and data.n_triangles == 24
    assert data.georeference is None  # no map conversion, no site reference: the user places it
    assert {p.attributes["storey"] for p in data.parts} == {"Level 0", "Level 1"}
    assert all(p.attributes["ifc_class"] == "IfcWall" and len(p.attributes["global_id"]) == 22 for p in data.parts)
    assert np.allclose(data.bounds(), [[0, 0, 0], [10, 0.3, 8]], atol=1e-6)


@pytest.mark.parametrize(("angle", "scale"), [(0.0, 1.0), (30.0, 1.0), (-120.0, 0.5)])
def test_a_map_conversion_places_each_corner(tmp_path, angle, scale):
    a = math.radians(angle)
    conversion = {"Eastings": E0, "Northings": N0, "OrthogonalHeight": 4.0, "XAxisAbscissa": math.cos(a),
                  "XAxisOrdinate": math.sin(a), "Scale": scale}
    data = read_model(ms.write_ifc(tmp_path / "t.ifc", map_conversion=conversion))
    assert "IfcMapConversion" in data.georeference_note and "UTM zone 51N" in data.georeference_note
    assert data.georeference.height_ref == "absolute"
    for local in ((0.0, 0.0), (10.0, 0.0), (10.0, 0.3)):
        e = E0 + scale * (math.cos(a) * local[0] - math.sin(a) * local[1])
        n = N0 + scale * (math.sin(a) * local[0] + math.cos(a) * local[1])
        assert _stand_error(data, UTM.transform(e, n)) < 0.1
    # heights above sea level: the map conversion's plus the model's own (scaled in plan only: IFC4 scales all)
    lo, hi = data.bounds()
    assert data.georeference.height + lo[2] == pytest.approx(4.0, abs=0.05)
    assert hi[2] - lo[2] == pytest.approx(8.0, abs=0.05)


def test_a_site_reference_point_places_the_origin(tmp_path):
    data = read_model(ms.write_ifc(tmp_path / "t.ifc", site=((31, 14, 15, 0), (121, 30, 0, 0))))
    g = data.georeference
    assert g is not None and "IfcSite" in data.georeference_note
    assert g.lon == pytest.approx(121.5) and g.lat == pytest.approx(31 + 14 / 60 + 15 / 3600)


def test_the_parsers_failing_samples_and_damage_are_one_line(tmp_path):
    import ifcopenshell

    fixtures = Path(ifcopenshell.__file__).parent / "simple_spf" / "fixtures"
    samples = sorted(fixtures.glob("fail_*.ifc")) if fixtures.is_dir() else []
    for sample in samples[:8]:
        local = tmp_path / sample.name
        local.write_bytes(sample.read_bytes())
        with pytest.raises(ReadError) as info:
            read_model(local)
        assert len(str(info.value).splitlines()) == 1
    (tmp_path / "cut.ifc").write_bytes(ms.write_ifc(tmp_path / "whole.ifc").read_bytes()[:400])
    with pytest.raises(ReadError) as info:
        read_model(tmp_path / "cut.ifc")
    assert len(str(info.value).splitlines()) == 1
