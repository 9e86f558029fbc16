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
