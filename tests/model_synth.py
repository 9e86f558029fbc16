"""3D model files written for the tests: a tower (a box 40 m east × 30 m north × 120 m tall, its origin at its
south-west corner on the ground) as glTF (+ .bin + texture), GLB, OBJ + MTL (+ texture), PLY and STL, with
trimesh; and a GLB's JSON edited (georeference, hostile values)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

SIZE = (40.0, 30.0, 120.0)
#: +Z up → +Y up (glTF, OBJ): (x, y, z) → (x, z, −y)
Z_TO_Y = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, -1, 0, 0], [0, 0, 0, 1]], dtype=float)


def tower(*, textured: bool = False, colour=(190, 70, 60, 255)):
    """The tower as a trimesh mesh, +Z up, origin at its south-west ground corner."""
    import trimesh

    mesh = trimesh.creation.box(extents=SIZE)
    mesh.apply_translation(np.array(SIZE) / 2)
    if textured:
        from PIL import Image

        mesh = mesh.unmerge_vertices() or mesh
        mesh = trimesh.Trimesh(mesh.vertices[mesh.faces].reshape(-1, 3), np.arange(len(mesh.faces) * 3).reshape(-1, 3),
                               process=False)
        uv = np.tile(np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]), (len(mesh.faces), 1))
        image = np.zeros((16, 16, 3), dtype=np.uint8)
        image[:, :] = (40, 90, 200)  # glass blue
        image[::4, :] = (230, 230, 230)  # floor bands
        mesh.visual = trimesh.visual.TextureVisuals(uv=uv, image=Image.fromarray(image))
    else:
        mesh.visual.face_colors = colour
    return mesh


def write(path: Path, mesh=None, *, up: str = "y") -> Path:
    """Write ``mesh`` (default: the tower) to ``path`` by its suffix (with its companions: .bin, .mtl, .png)."""
    import trimesh

    path = Path(path)
    mesh = (mesh if mesh is not None else tower()).copy()
    if up == "y":
        mesh.apply_transform(Z_TO_Y)
    suffix = path.suffix.lower()
    if suffix == ".gltf":
        files = trimesh.Scene(mesh).export(file_type="gltf")
        for name, data in files.items():
            target = path if name == "model.gltf" else path.parent / name
            target.write_bytes(data)
        return path
    if suffix == ".obj":
        text, extra = trimesh.exchange.obj.export_obj(mesh, include_texture=True, return_texture=True,
                                                      mtl_name=path.stem + ".mtl")
        path.write_text(text)
        for name, data in extra.items():
            (path.parent / name).write_bytes(data)
        return path
    if suffix == ".glb":
        mesh.export(path, include_normals=True)
    else:
        mesh.export(path)
    return path


def glb_parts(raw: bytes) -> tuple[dict, bytes]:
    """(JSON, binary chunk) of a GLB."""
    n = struct.unpack_from("<I", raw, 12)[0]
    doc = json.loads(raw[20:20 + n])
    at = 20 + n
    size = struct.unpack_from("<I", raw, at)[0]
    return doc, raw[at + 8:at + 8 + size]


def glb_bytes(doc: dict, binary: bytes) -> bytes:
    """A GLB of ``doc`` and ``binary`` (chunks padded to 4 bytes)."""
    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    binary += b"\0" * (-len(binary) % 4)
    body = struct.pack("<II", len(js), 0x4E4F534A) + js + struct.pack("<II", len(binary), 0x004E4942) + binary
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body


def write_ifc(path: Path, *, map_conversion: dict | None = None, crs: str = "EPSG:32651", site: tuple | None = None,
              schema: str = "IFC4") -> Path:
    """An IFC model made with IfcOpenShell's API: a building of two storeys, one wall each (10 m long, 0.3 m
    thick, 4 m tall, from the origin along +X; the second 4 m up), georeferenced by an IfcMapConversion
    (``map_conversion``: Eastings, Northings, OrthogonalHeight, XAxisAbscissa, XAxisOrdinate, Scale) and/or
    an IfcSite reference point (``site``: (lat, lon) as IFC compound angles)."""
    import ifcopenshell.api
    import ifcopenshell.api.project

    run = ifcopenshell.api.run
    f = ifcopenshell.api.project.create_file(version=schema)
    project = run("root.create_entity", f, ifc_class="IfcProject", name="Tower")
    run("unit.assign_unit", f)
    model = run("context.add_context", f, context_type="Model")
    body = run("context.add_context", f, context_type="Model", context_identifier="Body", target_view="MODEL_VIEW",
               parent=model)
    ifc_site = run("root.create_entity", f, ifc_class="IfcSite", name="Site")
    building = run("root.create_entity", f, ifc_class="IfcBuilding", name="Tower")
    run("aggregate.assign_object", f, relating_object=project, products=[ifc_site])
    run("aggregate.assign_object", f, relating_object=ifc_site, products=[building])
    for k in range(2):
        storey = run("root.create_entity", f, ifc_class="IfcBuildingStorey", name=f"Level {k}")
        run("aggregate.assign_object", f, relating_object=building, products=[storey])
        wall = run("root.create_entity", f, ifc_class="IfcWall", name=f"Wall {k}")
        matrix = np.eye(4)
        matrix[2, 3] = 4.0 * k
        run("geometry.edit_object_placement", f, product=wall, matrix=matrix)
        rep = run("geometry.add_wall_representation", f, context=body, length=10, height=4, thickness=0.3)
        run("geometry.assign_representation", f, product=wall, representation=rep)
        run("spatial.assign_container", f, relating_structure=storey, products=[wall])
    if map_conversion is not None:
        run("georeference.add_georeferencing", f)
        run("georeference.edit_georeferencing", f, projected_crs={"Name": crs}, coordinate_operation=map_conversion)
    if site is not None:
        ifc_site.RefLatitude, ifc_site.RefLongitude = site
    f.write(str(path))
    return Path(path)
