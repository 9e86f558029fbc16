"""3D models read through trimesh (glTF with its buffers and texture, GLB, OBJ + MTL, PLY, STL) with the right
counts, axes, colours and textures; a glTF's own georeference (CESIUM_RTC); hostile files refused with one
line and nothing read from outside the model's folder."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import numpy as np
import pytest

import model_synth as ms
from ydtwin.errors import ReadError
from ydtwin.io.models import read_model

FORMATS = {"tower.gltf": "y", "tower.glb": "y", "tower.obj": "y", "tower.ply": "z", "tower.stl": "z"}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_reads_with_its_counts_axes_and_look(tmp_path, name):
    textured = name in ("tower.gltf", "tower.obj")
    mesh = ms.tower(textured=textured)
    path = ms.write(tmp_path / name, mesh, up=FORMATS[name])
    data = read_model(path)
    assert data.format == Path(name).suffix[1:].upper() and data.georeference is None
    assert data.n_triangles == len(mesh.faces) == 12
    # STL stores three vertices per triangle; the others keep the mesh's own vertices
    assert data.n_vertices == (36 if name == "tower.stl" else len(mesh.vertices))
    # whatever the file's up axis, the model stands +Z up with its origin at the south-west ground corner
    assert np.allclose(data.bounds(), [[0, 0, 0], ms.SIZE], atol=1e-4)
    part = data.parts[0]
    if textured:
        assert part.texture is not None and part.texture.shape[:2] == (16, 16) and part.uv is not None
        assert tuple(part.texture[1, 0, :3]) == (40, 90, 200)
    elif name == "tower.ply":
        assert part.colour[:3] == (190, 70, 60)
    elif name == "tower.glb":  # trimesh writes face colours as vertex colours: all one, the part's colour
        assert part.vertex_colours is None and part.colour == (190, 70, 60, 255)
        assert part.normals is not None and part.normals.shape == (len(mesh.vertices), 3)


def test_the_up_axis_can_be_given(tmp_path):
    path = ms.write(tmp_path / "zup.obj", up="z")  # an OBJ written +Z up: taken as +Y up unless told
    assert np.allclose(read_model(path).bounds(), [[0, -120, 0], [40, 0, 30]], atol=1e-4)
    assert np.allclose(read_model(path, up="z").bounds(), [[0, 0, 0], ms.SIZE], atol=1e-4)


def test_a_cesium_rtc_centre_places_the_model(tmp_path):
    from pyproj import Transformer

    doc, binary = ms.glb_parts(ms.write(tmp_path / "t.glb").read_bytes())
    to_ecef = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    centre = to_ecef.transform(121.5, 31.24, 12.0)
    doc.setdefault("extensionsUsed", []).append("CESIUM_RTC")
    doc["extensions"] = {"CESIUM_RTC": {"center": list(centre)}}
    # in 3D Tiles' convention the content is +Y up in a frame whose +Z up is the Earth's axis at the centre:
    # a model made around the centre in east/north/up must be turned into ECEF first
    lam, phi = math.radians(121.5), math.radians(31.24)
    enu = np.array([[-math.sin(lam), math.cos(lam), 0],
                    [-math.sin(phi) * math.cos(lam), -math.sin(phi) * math.sin(lam), math.cos(phi)],
                    [math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)]])
    m = np.eye(4)
    m[:3, :3] = ms.Z_TO_Y[:3, :3] @ enu.T @ ms.Z_TO_Y[:3, :3].T  # local y-up → ECEF (turned y-up)
    doc["nodes"][0]["matrix"] = m.T.ravel().tolist()  # glTF matrices are column-major
    path = tmp_path / "rtc.glb"
    path.write_bytes(ms.glb_bytes(doc, binary))
    data = read_model(path)
    assert data.georeference is not None and "CESIUM_RTC" in data.georeference_note
    g = data.georeference
    # the anchor is the point under the model's middle; the model in east/north/up around it
    assert abs(g.lon - 121.5) < 0.001 and abs(g.lat - 31.24) < 0.001 and g.height_ref == "absolute"
    lo, hi = data.bounds()
    assert np.allclose(hi - lo, ms.SIZE, atol=0.05)


# --- hostile models ---------------------------------------------------------------------------------------------


def _gltf(tmp_path: Path) -> tuple[Path, dict]:
    path = ms.write(tmp_path / "t.gltf")
    return path, json.loads(path.read_text())


def _refused(path: Path, words: str) -> str:
    with pytest.raises(ReadError) as info:
        read_model(path)
    text = str(info.value)
    assert words in text and len(text.splitlines()) == 1, text
    return text


@pytest.mark.parametrize(("uri", "words"), [
    ("../outside.bin", "leaves the model's folder"),
    ("sub/../../outside.bin", "leaves the model's folder"),
    ("/etc/passwd", "absolute path"),
    ("C:/Windows/win.ini", "absolute path"),
    ("http://example.com/t.bin", "http: address"),
    ("file:///etc/passwd", "file: address"),
    ("%2E%2E/outside.bin", "leaves the model's folder"),
    ("missing.bin", "missing beside the model"),
])
def test_buffers_never_read_from_outside_the_folder(tmp_path, uri, words):
    folder = tmp_path / "model"
    folder.mkdir()
    (tmp_path / "outside.bin").write_bytes(b"\0" * 10_000)
    path, doc = _gltf(folder)
    doc["buffers"][0]["uri"] = uri
    path.write_text(json.dumps(doc))
    _refused(path, words)


def test_a_link_inside_the_folder_is_not_followed(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    path, doc = _gltf(folder)
    target = folder / doc["buffers"][0]["uri"]
    outside = tmp_path / "elsewhere.bin"
    outside.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(outside)
    _refused(path, "symbolic link")
    target.unlink()
    target.write_bytes(outside.read_bytes())
    assert read_model(path).n_triangles == 12
    # an image through a linked folder
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "a.png").write_bytes(b"\x89PNG")
    (folder / "pics").symlink_to(tmp_path / "pictures")
    doc["images"] = [{"uri": "pics/a.png"}]
    path.write_text(json.dumps(doc))
    _refused(path, "symbolic link")


def test_lengths_that_lie_are_refused(tmp_path):
    path, doc = _gltf(tmp_path)
    real = (tmp_path / doc["buffers"][0]["uri"]).stat().st_size
    doc["buffers"][0]["byteLength"] = real + 4096
    path.write_text(json.dumps(doc))
    _refused(path, f"claims {real + 4096:,} bytes")

    path, doc = _gltf(tmp_path)
    doc["accessors"][0]["count"] = 10**9
    path.write_text(json.dumps(doc))
    _refused(path, "needs")

    path, doc = _gltf(tmp_path)
    doc["bufferViews"][0]["byteOffset"] = 10**6
    path.write_text(json.dumps(doc))
    _refused(path, "runs past the end of buffer")

    glb = ms.write(tmp_path / "t.glb").read_bytes()
    (tmp_path / "short.glb").write_bytes(glb[:-100])
    _refused(tmp_path / "short.glb", "says it is")
    doc, binary = ms.glb_parts(glb)
    doc["buffers"][0]["byteLength"] = len(binary) * 4
    (tmp_path / "big.glb").write_bytes(ms.glb_bytes(doc, binary))
    _refused(tmp_path / "big.glb", "the GLB's binary chunk holds")
    (tmp_path / "junk.glb").write_bytes(b"glTF" + b"\xff" * 64)
    _refused(tmp_path / "junk.glb", "glTF version")


def test_an_index_out_of_range_and_nan_vertices(tmp_path):
    doc, binary = ms.glb_parts(ms.write(tmp_path / "t.glb").read_bytes())
    binary = bytearray(binary)
    idx = next(a for a in doc["accessors"] if a["type"] == "SCALAR")
    view = doc["bufferViews"][idx["bufferView"]]
    at = view.get("byteOffset", 0) + idx.get("byteOffset", 0)
    size = {5121: 1, 5123: 2, 5125: 4}[idx["componentType"]]
    binary[at:at + size] = (200).to_bytes(size, "little")  # the box has 8 vertices
    (tmp_path / "index.glb").write_bytes(ms.glb_bytes(doc, bytes(binary)))
    text = _refused(tmp_path / "index.glb", "refers to vertex 200")
    assert "has 8" in text

    obj = "v 0 0 0\nv 10 0 0\nv 0 10 0\nv nan 0 5\nv 10 10 0\nf 1 2 3\nf 2 4 5\nf 2 5 3\n"
    (tmp_path / "nan.obj").write_text(obj)
    data = read_model(tmp_path / "nan.obj", up="z")
    assert data.n_triangles == 2 and "1 triangles" in data.notes[0] and "not numbers" in data.notes[0]


def test_obj_materials_and_textures_stay_in_the_folder(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    path = ms.write(folder / "t.obj", ms.tower(textured=True))
    text = path.read_text()
    path.write_text(text.replace("mtllib t.mtl", "mtllib ../evil.mtl"))
    (tmp_path / "evil.mtl").write_text("newmtl x\n")
    _refused(path, "material library '../evil.mtl' leaves the model's folder")
    path.write_text(text)
    mtl = folder / "t.mtl"
    mtl.write_text(mtl.read_text().replace("map_Kd material_0.png", "map_Kd /etc/hostname"))
    _refused(path, "absolute path")


def test_data_uris_and_other_damage(tmp_path):
    path, doc = _gltf(tmp_path)
    raw = (tmp_path / doc["buffers"][0]["uri"]).read_bytes()
    doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + base64.b64encode(raw).decode()
    path.write_text(json.dumps(doc))
    assert read_model(path).n_triangles == 12  # an embedded buffer is fine
    doc["buffers"][0]["byteLength"] = len(raw) + 100
    path.write_text(json.dumps(doc))
    _refused(path, "its data: URI holds")
    path.write_text("{not json")
    _refused(path, "not valid glTF JSON")
    (tmp_path / "empty.stl").write_bytes(b"")
    _refused(tmp_path / "empty.stl", "")
    (tmp_path / "x.fbx").write_bytes(b"")
    _refused(tmp_path / "x.fbx", "is not a model")


def test_big_models_get_simplified_levels_that_keep_their_colours():
    import trimesh

    from ydtwin.geo.decimate import MIN_LEVEL_TRIANGLES
    from ydtwin.model.models import ModelData, ModelPart, with_levels

    sphere = trimesh.creation.icosphere(subdivisions=7, radius=40.0)  # 327,680 triangles
    colours = np.where(sphere.vertices[:, 2:3] > 0, [[200, 40, 40, 255]], [[40, 40, 200, 255]]).astype(np.uint8)
    door = ModelPart("door", np.array([[0, 0, 0], [1, 0, 0], [0, 0, 2.0]]), np.array([[0, 1, 2]]))
    data = with_levels(ModelData((ModelPart("dome", sphere.vertices, sphere.faces, vertex_colours=colours), door),
                                 "GLB"))
    counts = [data.n_triangles] + [sum(p.n_triangles for p in level) for level in data.levels]
    assert len(counts) >= 3 and counts[-1] >= MIN_LEVEL_TRIANGLES * 0.9
    for finer, coarser in zip(counts, counts[1:], strict=False):
        assert 0.2 <= coarser / finer <= 0.3  # a quarter each
    for level in data.levels:
        dome, kept_door = level
        assert kept_door is door  # small parts stay whole
        assert dome.vertex_colours is not None and len(dome.vertex_colours) == len(dome.vertices)
        # the colours follow the vertices: red above, blue below
        upper = dome.vertices[:, 2] > 5
        lower = dome.vertices[:, 2] < -5
        assert (dome.vertex_colours[upper, 0] == 200).mean() > 0.95 and (dome.vertex_colours[lower, 2] == 200).mean() > 0.95
        # the shape stays: every vertex within a metre of the sphere
        assert np.abs(np.linalg.norm(dome.vertices, axis=1) - 40.0).max() < 1.0


def test_info_describes_a_model(tmp_path):
    from conftest import run_cli

    path = ms.write(tmp_path / "tower.glb")
    r = run_cli("info", str(path))
    assert r.returncode == 0, r.stderr
    assert "GLB 3D model" in r.stdout and "triangles: 12" in r.stdout and "40.00 × 30.00 m, 120.00 m tall" in r.stdout
    assert "give an anchor" in r.stdout
    r = run_cli("info", str(ms.write_ifc(tmp_path / "t.ifc", map_conversion={
        "Eastings": 355000.0, "Northings": 3457000.0, "OrthogonalHeight": 4.0, "XAxisAbscissa": 1.0,
        "XAxisOrdinate": 0.0, "Scale": 1.0})))
    assert r.returncode == 0 and "IfcMapConversion" in r.stdout and "121.47" in r.stdout, r.stdout
    doc, binary = ms.glb_parts(path.read_bytes())
    doc["buffers"][0]["byteLength"] *= 10
    (tmp_path / "lie.glb").write_bytes(ms.glb_bytes(doc, binary))
    r = run_cli("info", str(tmp_path / "lie.glb"))
    assert r.returncode == 2 and "binary chunk holds" in r.stderr and len(r.stderr.strip().splitlines()) == 1
