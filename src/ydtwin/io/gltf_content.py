"""Binary glTF 2.0 (GLB) meshes for 3D Tiles content and scene exports, written with pygltflib.

A mesh is given in a local east-north-up frame (metres, z up) and stored y up, as glTF requires (x east,
y up, z south); 3D Tiles clients turn y-up content back to z up. Optional per vertex: RGBA colours, and a
feature ID (the building a vertex belongs to) with the features' attributes as a property table
(``EXT_mesh_features`` + ``EXT_structural_metadata``, the 3D Tiles 1.1 way to attach metadata to glTF).
No normals are written: clients compute flat normals, which is what extruded buildings want.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GltfMesh", "glb_bytes"]

_FLOAT, _UBYTE, _UINT = 5126, 5121, 5125
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963


@dataclass
class GltfMesh:
    """One primitive: ENU vertices (float, z up), triangles, and what to show and attach."""

    positions: np.ndarray  # (n, 3) metres in the content's ENU frame
    triangles: np.ndarray  # (m, 3) vertex indices
    colour: tuple[float, float, float, float] = (0.85, 0.85, 0.82, 1.0)  # base colour (linear RGBA)
    vertex_colours: np.ndarray | None = None  # (n, 4) uint8 sRGB, multiplied by ``colour``
    feature_ids: np.ndarray | None = None  # (n,) int: the feature of each vertex
    properties: dict[str, np.ndarray] | None = None  # per feature: numbers or text
    class_name: str = "feature"
    name: str = "mesh"
    mode: int = 4  # 4 triangles, 1 lines


class _Blob:
    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.views: list = []

    def add(self, data: bytes, target: int | None = None, align: int = 8) -> int:
        import pygltflib

        pad = (-self.size) % align
        if pad:
            self.parts.append(b"\0" * pad)
            self.size += pad
        view = pygltflib.BufferView(buffer=0, byteOffset=self.size, byteLength=len(data))
        if target is not None:
            view.target = target
        self.parts.append(data)
        self.size += len(data)
        self.views.append(view)
        return len(self.views) - 1

    def bytes(self) -> bytes:
        pad = (-self.size) % 4
        return b"".join(self.parts) + b"\0" * pad


def _property(values: np.ndarray, blob: _Blob) -> tuple[dict, dict]:
    """(the class property, the property table entry) of one attribute."""
    values = np.asarray(values)
    if values.dtype.kind in "biu" and values.dtype.kind != "b":
        data = values.astype(np.int64)
        return {"type": "SCALAR", "componentType": "INT64"}, {"values": blob.add(data.tobytes())}
    if values.dtype.kind in "fb":
        data = values.astype(np.float64)
        return {"type": "SCALAR", "componentType": "FLOAT64"}, {"values": blob.add(data.tobytes())}
    encoded = [("" if v is None else str(v)).encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.uint32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return ({"type": "STRING"},
            {"values": blob.add(b"".join(encoded)), "stringOffsets": blob.add(offsets.tobytes()),
             "stringOffsetType": "UINT32"})


def glb_bytes(meshes: list[GltfMesh], *, generator: str = "ydtwin", matrix: np.ndarray | None = None) -> bytes:
    """A GLB holding ``meshes`` (one node each; ``matrix``: an optional float64 4×4 (column vectors) for the
    root node, in the glTF's y-up frame)."""
    import pygltflib

    blob = _Blob()
    accessors, gl_meshes, nodes, materials = [], [], [], []
    tables, classes = [], {}
    used: set[str] = set()
    for mesh in meshes:
        enu = np.asarray(mesh.positions, dtype=np.float64)
        pos = np.column_stack([enu[:, 0], enu[:, 2], -enu[:, 1]]).astype(np.float32)  # z up → y up
        tris = np.asarray(mesh.triangles)
        if len(pos) == 0 or len(tris) == 0:
            continue
        if tris.min() < 0 or tris.max() >= len(pos):
            raise ValueError(f"{mesh.name}: a triangle refers to a vertex the mesh does not have")
        accessors.append(pygltflib.Accessor(bufferView=blob.add(pos.tobytes(), _ARRAY_BUFFER, 4), componentType=_FLOAT,
                                            count=len(pos), type="VEC3", min=pos.min(axis=0).tolist(),
                                            max=pos.max(axis=0).tolist()))
        attributes = pygltflib.Attributes(POSITION=len(accessors) - 1)
        idx = tris.astype(np.uint32).ravel()
        accessors.append(pygltflib.Accessor(bufferView=blob.add(idx.tobytes(), _ELEMENT_ARRAY_BUFFER, 4),
                                            componentType=_UINT, count=len(idx), type="SCALAR"))
        indices = len(accessors) - 1
        if mesh.vertex_colours is not None:
            rgba = np.ascontiguousarray(mesh.vertex_colours, dtype=np.uint8)
            accessors.append(pygltflib.Accessor(bufferView=blob.add(rgba.tobytes(), _ARRAY_BUFFER, 4),
                                                componentType=_UBYTE, normalized=True, count=len(rgba), type="VEC4"))
            attributes.COLOR_0 = len(accessors) - 1
        extensions = {}
        if mesh.feature_ids is not None:
            fid = np.asarray(mesh.feature_ids)
            count = int(fid.max()) + 1 if len(fid) else 0
            if count > 1 << 24:
                raise ValueError(f"{mesh.name}: {count:,} features: at most 16,777,216 in one mesh")
            # float feature IDs: exact up to 2^24, and 4-byte elements as vertex attributes must be
            view = blob.add(fid.astype(np.float32).tobytes(), _ARRAY_BUFFER, 4)
            accessors.append(pygltflib.Accessor(bufferView=view, componentType=_FLOAT, count=len(fid), type="SCALAR"))
            attributes._FEATURE_ID_0 = len(accessors) - 1
            feature = {"featureCount": count, "attribute": 0}
            if mesh.properties:
                cls = classes.setdefault(mesh.class_name, {"properties": {}})
                table = {"class": mesh.class_name, "count": count, "properties": {}}
                for key, values in mesh.properties.items():
                    if len(values) != count:
                        raise ValueError(f"{mesh.name}: property {key!r} has {len(values)} values for {count} features")
                    prop, entry = _property(values, blob)
                    name = _identifier(key)
                    cls["properties"][name] = {"name": key, **prop}
                    table["properties"][name] = entry
                tables.append(table)
                feature["propertyTable"] = len(tables) - 1
                used.add("EXT_structural_metadata")
            extensions["EXT_mesh_features"] = {"featureIds": [feature]}
            used.add("EXT_mesh_features")
        r, g, b, a = mesh.colour
        materials.append(pygltflib.Material(
            pbrMetallicRoughness=pygltflib.PbrMetallicRoughness(baseColorFactor=[r, g, b, a], metallicFactor=0.0,
                                                                roughnessFactor=1.0),
            alphaMode="BLEND" if a < 1.0 else "OPAQUE", doubleSided=mesh.mode != 4))
        prim = pygltflib.Primitive(attributes=attributes, indices=indices, material=len(materials) - 1, mode=mesh.mode)
        if extensions:
            prim.extensions = extensions
        gl_meshes.append(pygltflib.Mesh(name=mesh.name, primitives=[prim]))
        nodes.append(pygltflib.Node(mesh=len(gl_meshes) - 1, name=mesh.name))
    root = pygltflib.Node(name="root", children=list(range(len(nodes))))
    if matrix is not None:
        root.matrix = np.asarray(matrix, dtype=np.float64).T.ravel().tolist()  # glTF: column-major
    nodes.append(root)
    data = blob.bytes()
    gltf = pygltflib.GLTF2(
        asset=pygltflib.Asset(version="2.0", generator=generator),
        scene=0, scenes=[pygltflib.Scene(nodes=[len(nodes) - 1])], nodes=nodes, meshes=gl_meshes,
        materials=materials, accessors=accessors, bufferViews=blob.views,
        buffers=[pygltflib.Buffer(byteLength=len(data))],
    )
    if tables:
        gltf.extensions = {"EXT_structural_metadata": {
            "schema": {"id": "ydtwin", "classes": {k: _clean_class(v) for k, v in classes.items()}},
            "propertyTables": tables}}
    if used:
        gltf.extensionsUsed = sorted(used)
    gltf.set_binary_blob(data)
    return b"".join(gltf.save_to_bytes())


def _identifier(key: str) -> str:
    """A property's ID: letters, digits and underscores, not starting with a digit (the metadata schema's rule)."""
    import re

    ident = re.sub(r"[^A-Za-z0-9_]", "_", key) or "_"
    return ident if not ident[0].isdigit() else f"_{ident}"


def _clean_class(cls: dict) -> dict:
    props = {}
    for ident, prop in cls["properties"].items():
        prop = dict(prop)
        if prop.get("name") == ident:
            prop.pop("name")
        props[ident] = prop
    return {"properties": props}
