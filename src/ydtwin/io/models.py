"""Reading 3D models (glTF 2.0 .gltf/.glb, OBJ + MTL, PLY, STL through trimesh) into
:class:`ydtwin.model.models.ModelData`, defensively.

A model is untrusted input. Before trimesh sees a glTF file its structure is checked: a GLB's declared
length and chunks against the file, every buffer's length against what holds it (the GLB's binary chunk, a
``data:`` URI, a file), every buffer view and accessor inside its buffer. Every file a model refers to (glTF
buffers and images, OBJ material libraries and their textures) is read through one resolver that refuses a
URL (``http:``, ``file:`` … nothing is ever fetched), an absolute path, a path that leaves the model's folder
and a symbolic link; nothing outside the folder is read. After reading, a face that names a vertex the mesh
does not have is refused, triangles with vertices that are not numbers are left out (and counted), and a
model kilometres wide is refused when it is placed (:func:`ydtwin.model.models.place`). Whatever is wrong is
one :class:`ReadError` line.

Up axis: glTF is +Y up (turned to the app's +Z up when read); OBJ files are taken as +Y up (what most
modelling tools write) and PLY/STL as +Z up, unless ``up`` says otherwise. A glTF's own georeference is kept:
``CESIUM_RTC`` (a centre in Earth-centred coordinates) or nodes placed in Earth-centred coordinates.
"""

from __future__ import annotations

import json
import os
import re
import struct
from pathlib import Path
from urllib.parse import unquote

import numpy as np

from ydtwin.errors import ReadError
from ydtwin.model.models import Anchor, ModelData, ModelPart

__all__ = ["MAX_MODEL_BYTES", "MAX_TRIANGLES", "MODEL_SUFFIXES", "is_model", "read_model"]

MODEL_SUFFIXES = {".glb": "glb", ".gltf": "gltf", ".obj": "obj", ".ply": "ply", ".stl": "stl", ".ifc": "ifc"}
#: a model file (or a file it refers to) larger than this is refused
MAX_MODEL_BYTES = 4 * 1024**3
#: triangles a model may hold
MAX_TRIANGLES = 60_000_000
_MAX_JSON_BYTES = 256 * 1024**2
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_COMPONENT = {5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4}
_TYPE = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
#: an Earth-centred position is at least this far from the Earth's centre (m)
_ECEF_MIN_RADIUS = 6_300_000.0


def is_model(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in MODEL_SUFFIXES


def _refuse(path: Path, problem: str, hint: str = "") -> ReadError:
    return ReadError(path, problem, hint)


def inside(folder: Path, name: str, path: Path, what: str) -> Path:
    """The file ``name`` (a URI or relative path from a model file) refers to, if it is a plain file inside
    ``folder``; else ReadError (``path`` is the model file, ``what`` what refers to it)."""
    text = unquote(str(name)).strip()
    if _SCHEME.match(text) and not re.match(r"^[A-Za-z]:[\\/]", text):
        scheme = text.split(":", 1)[0]
        raise _refuse(path, f"{what} {name[:80]!r} is a {scheme}: address; a model's files are read from its own "
                      "folder only (nothing is fetched)")
    if text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", text) or "\x00" in text:
        raise _refuse(path, f"{what} {name[:80]!r} is an absolute path; a model's files are read from its own "
                      "folder only")
    base = folder.resolve()
    target = Path(os.path.normpath(base / text.replace("\\", "/")))
    if target != base and base not in target.parents:
        raise _refuse(path, f"{what} {name[:80]!r} leaves the model's folder; nothing outside it is read")
    probe = base
    for part in target.relative_to(base).parts:
        probe = probe / part
        if probe.is_symlink():
            raise _refuse(path, f"{what} {name[:80]!r} is a symbolic link; links are never followed")
    if not target.is_file():
        raise _refuse(path, f"{what} {name[:80]!r} is missing beside the model")
    return target


def _read_limited(path: Path, limit: int, model: Path) -> bytes:
    from ydtwin.atomic import LinkRefused, open_regular, read_fd

    try:
        fd = open_regular(path, os.O_RDONLY)
    except LinkRefused as exc:
        raise _refuse(model, str(exc)) from None
    except OSError as exc:
        raise _refuse(model, f"cannot read {path.name} ({exc.strerror or exc})") from None
    try:
        return read_fd(fd, limit, what="model file")
    except ValueError as exc:
        raise _refuse(model, str(exc)) from None
    finally:
        os.close(fd)


class _FolderResolver:
    """What trimesh asks for by name, from the model's folder only (see :func:`inside`)."""

    def __init__(self, model: Path) -> None:
        self.model = model
        self.folder = model.parent

    def get(self, name: str) -> bytes:
        return _read_limited(inside(self.folder, name, self.model, "a file it refers to"), MAX_MODEL_BYTES, self.model)

    def get_base(self) -> Path:
        return self.folder

    def keys(self):  # trimesh lists a resolver's names for some formats: none are offered
        return iter(())

    def namespaced(self, namespace: str):
        return self

    def write(self, name, data) -> None:
        raise PermissionError("models are read-only here")

    def __getitem__(self, name: str) -> bytes:
        return self.get(name)

    def __contains__(self, name: str) -> bool:
        try:
            inside(self.folder, name, self.model, "a file it refers to")
        except ReadError:
            return False
        return True


# --- glTF structure ---------------------------------------------------------------------------------------------


def _glb_chunks(path: Path, raw: bytes) -> tuple[dict, int]:
    """A GLB's JSON and the length of its binary chunk, checked against the file."""
    if len(raw) < 20:
        raise _refuse(path, "is too short to be a GLB (binary glTF)")
    magic, version, length = struct.unpack_from("<4sII", raw, 0)
    if magic != b"glTF":
        raise _refuse(path, "is not a GLB (binary glTF): its first bytes are not 'glTF'")
    if version != 2:
        raise _refuse(path, f"is glTF version {version}; ydtwin reads glTF 2.0")
    if length != len(raw):
        raise _refuse(path, f"says it is {length:,} bytes long but the file has {len(raw):,} (cut short or padded)")
    at, doc, bin_len = 12, None, -1
    while at < len(raw):
        if at + 8 > len(raw):
            raise _refuse(path, f"has a chunk header cut off at byte {at:,}")
        size, kind = struct.unpack_from("<II", raw, at)
        if at + 8 + size > len(raw):
            raise _refuse(path, f"has a chunk of {size:,} bytes at byte {at:,} that runs past the end of the file")
        if kind == 0x4E4F534A and doc is None:  # JSON
            try:
                doc = json.loads(raw[at + 8:at + 8 + size].decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError) as exc:
                raise _refuse(path, f"has a JSON chunk that is not valid JSON ({exc})") from None
        elif kind == 0x004E4942 and bin_len < 0:  # BIN
            bin_len = size
        at += 8 + size
    if not isinstance(doc, dict):
        raise _refuse(path, "has no JSON chunk")
    return doc, bin_len


def _int(value, path: Path, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _refuse(path, f"{what} is not a count of bytes or items ({str(value)[:40]!r})")
    return value


def check_gltf(path: Path, doc: dict, bin_len: int) -> None:
    """Every buffer, view, accessor and image of a glTF checked against what holds it (see module doc)."""
    if not isinstance(doc, dict) or not str((doc.get("asset") or {}).get("version", "")).startswith("2"):
        raise _refuse(path, "is not glTF 2.0 (its asset.version is not 2.x)")
    folder = path.parent
    buffers = doc.get("buffers") or []
    lengths = []
    for k, b in enumerate(buffers):
        if not isinstance(b, dict):
            raise _refuse(path, f"buffer {k} is malformed")
        n = _int(b.get("byteLength"), path, f"buffer {k}'s byteLength")
        uri = b.get("uri")
        if uri is None:
            if k != 0 or bin_len < 0:
                raise _refuse(path, f"buffer {k} has no uri and no GLB binary chunk to be")
            have, where = bin_len, "the GLB's binary chunk"
        elif not isinstance(uri, str):
            raise _refuse(path, f"buffer {k}'s uri is not text")
        elif uri.startswith("data:"):
            head, _, data = uri.partition(",")
            if ";base64" not in head:
                raise _refuse(path, f"buffer {k} is a data: URI that is not base64")
            have, where = len(data) * 3 // 4 - data[-2:].count("="), "its data: URI"
        else:
            have, where = inside(folder, uri, path, f"buffer {k}").stat().st_size, f"its file {uri[:60]!r}"
        if n > have:
            raise _refuse(path, f"buffer {k} claims {n:,} bytes but {where} holds {have:,}")
        lengths.append(n)
    views = doc.get("bufferViews") or []
    view_len = []
    for k, v in enumerate(views):
        if not isinstance(v, dict) or not isinstance(v.get("buffer"), int) or not 0 <= v["buffer"] < len(lengths):
            raise _refuse(path, f"buffer view {k} names a buffer the file does not have")
        off = _int(v.get("byteOffset", 0), path, f"buffer view {k}'s byteOffset")
        n = _int(v.get("byteLength"), path, f"buffer view {k}'s byteLength")
        if off + n > lengths[v["buffer"]]:
            raise _refuse(path, f"buffer view {k} (bytes {off:,}–{off + n:,}) runs past the end of buffer "
                          f"{v['buffer']} ({lengths[v['buffer']]:,} bytes)")
        view_len.append((n, v.get("byteStride")))
    for k, a in enumerate(doc.get("accessors") or []):
        if not isinstance(a, dict):
            raise _refuse(path, f"accessor {k} is malformed")
        count = _int(a.get("count"), path, f"accessor {k}'s count")
        comp, kind = _COMPONENT.get(a.get("componentType")), _TYPE.get(a.get("type"))
        if comp is None or kind is None:
            raise _refuse(path, f"accessor {k} has an unknown component type or type")
        if "bufferView" not in a:
            continue  # all zeros (or sparse): nothing read from a buffer
        bv = a["bufferView"]
        if not isinstance(bv, int) or not 0 <= bv < len(view_len):
            raise _refuse(path, f"accessor {k} names a buffer view the file does not have")
        off = _int(a.get("byteOffset", 0), path, f"accessor {k}'s byteOffset")
        n, stride = view_len[bv]
        element = comp * kind
        stride = stride if isinstance(stride, int) and stride >= element else element
        need = off + (stride * (count - 1) + element if count else 0)
        if need > n:
            raise _refuse(path, f"accessor {k} needs {need:,} bytes of buffer view {bv}, which has {n:,}")
    for k, im in enumerate(doc.get("images") or []):
        uri = im.get("uri") if isinstance(im, dict) else None
        if isinstance(uri, str) and not uri.startswith("data:"):
            inside(folder, uri, path, f"image {k}")


def _cesium_rtc(doc: dict) -> np.ndarray | None:
    centre = ((doc.get("extensions") or {}).get("CESIUM_RTC") or {}).get("center")
    if isinstance(centre, list) and len(centre) == 3 and all(isinstance(v, int | float) for v in centre):
        c = np.array(centre, dtype=np.float64)
        if np.isfinite(c).all():
            return c
    return None


def _check_obj(path: Path, raw: bytes) -> None:
    """An OBJ's material libraries and their texture maps, each inside the model's folder."""
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.startswith("mtllib"):
            for name in line.split(None, 1)[1:2]:
                mtl = inside(path.parent, name.strip(), path, "material library")
                for mline in _read_limited(mtl, _MAX_JSON_BYTES, path).decode("utf-8", "replace").splitlines():
                    words = mline.strip().split()
                    if words and words[0].lower().startswith(("map_", "bump", "disp", "decal", "refl")) and len(words) > 1:
                        inside(path.parent, words[-1], path, f"texture of {mtl.name}")


# --- reading ----------------------------------------------------------------------------------------------------


def _zup(v: np.ndarray) -> np.ndarray:
    """+Y up → +Z up (x stays east, the file's −Z becomes north)."""
    return np.column_stack([v[:, 0], -v[:, 2], v[:, 1]])


def _image(img) -> np.ndarray | None:
    if img is None:
        return None
    try:
        a = np.asarray(img.convert("RGBA") if getattr(img, "mode", "RGBA") not in ("RGB", "RGBA") else img)
    except (OSError, ValueError):
        return None
    return a.astype(np.uint8) if a.ndim == 3 and a.shape[2] in (3, 4) else None


def _part(path: Path, name: str, mesh, matrix: np.ndarray, notes: list[str]) -> ModelPart | None:
    """One trimesh mesh placed by its node's ``matrix`` → a part (file axes), or None when it is empty."""
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces, dtype=np.int64)
    if faces.ndim != 2 or (len(faces) and faces.shape[1] != 3):
        raise _refuse(path, f"mesh {name!r} has faces that are not triangles")
    if not len(faces):
        return None
    if faces.min() < 0 or faces.max() >= len(vertices):
        bad = int(faces.max()) if faces.max() >= len(vertices) else int(faces.min())
        raise _refuse(path, f"mesh {name!r}: a face refers to vertex {bad:,}, but the mesh has {len(vertices):,}")
    finite = np.isfinite(vertices).all(axis=1)
    if not finite.all():
        good = finite[faces].all(axis=1)
        notes.append(f"{int((~good).sum()):,} triangles of {name!r} with vertices that are not numbers left out")
        faces = faces[good]
        if not len(faces):
            return None
    if not np.allclose(matrix, np.eye(4)):
        vertices = vertices @ matrix[:3, :3].T + matrix[:3, 3]
    normals = None
    cached = getattr(mesh, "_cache", None)
    try:
        given = cached["vertex_normals"] if cached is not None and "vertex_normals" in cached else None
    except (KeyError, TypeError):
        given = None
    if given is not None and np.shape(given) == vertices.shape:
        normals = np.asarray(given, dtype=np.float64) @ matrix[:3, :3].T
        length = np.linalg.norm(normals, axis=1, keepdims=True)
        normals = np.where(length > 0, normals / np.where(length > 0, length, 1), 0).astype(np.float32)
    colour = (200, 200, 200, 255)
    vertex_colours = uv = texture = None
    visual = getattr(mesh, "visual", None)
    kind = getattr(visual, "kind", None)
    if kind == "texture":
        material = getattr(visual, "material", None)
        factor = getattr(material, "baseColorFactor", None)
        if factor is not None and len(factor) >= 3:
            f = np.asarray(factor, dtype=np.float64)
            f = f / 255.0 if f.max() > 1.0 else f
            colour = tuple(int(round(v * 255)) for v in (list(f[:3]) + [f[3] if len(f) > 3 else 1.0]))
        elif getattr(material, "main_color", None) is not None:
            colour = tuple(int(v) for v in material.main_color[:4])
        image = getattr(material, "baseColorTexture", None) or getattr(material, "image", None)
        if getattr(visual, "uv", None) is not None and len(visual.uv) == len(mesh.vertices):
            texture = _image(image)
            if texture is not None:
                uv = np.asarray(visual.uv, dtype=np.float32)
    elif kind == "vertex":
        vertex_colours = np.asarray(visual.vertex_colors, dtype=np.uint8)
        if len(vertex_colours) and (vertex_colours == vertex_colours[0]).all():  # one colour: the part's
            colour, vertex_colours = tuple(int(c) for c in vertex_colours[0]), None
    elif kind == "face":
        fc = np.asarray(visual.face_colors, dtype=np.uint8)
        if (fc == fc[0]).all():
            colour = tuple(int(v) for v in fc[0])
        else:  # a colour per face: each face its own three vertices
            vertices = vertices[faces].reshape(-1, 3)
            normals = None if normals is None else normals[faces].reshape(-1, 3)
            vertex_colours = np.repeat(fc[:len(faces)] if finite.all() else fc[good], 3, axis=0)
            faces = np.arange(len(vertices), dtype=np.int64).reshape(-1, 3)
    return ModelPart(name, vertices, faces, colour, vertex_colours, normals, uv, texture)


def read_model(path: str | os.PathLike[str], *, up: str | None = None, progress=None) -> ModelData:
    """Read a model file → ModelData (local metres, +Z up). ReadError (one line) for anything wrong."""
    path = Path(path)
    fmt = MODEL_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise _refuse(path, f"is not a model ({', '.join(sorted(MODEL_SUFFIXES))})")
    if fmt == "ifc":
        from ydtwin.io.ifc import read_ifc

        return read_ifc(path, progress=progress)
    raw = _read_limited(path, MAX_MODEL_BYTES, path)
    rtc = None
    if fmt in ("glb", "gltf"):
        if fmt == "glb":
            doc, bin_len = _glb_chunks(path, raw)
        else:
            try:
                doc, bin_len = json.loads(raw.decode("utf-8")), -1
            except (UnicodeDecodeError, ValueError, RecursionError) as exc:
                raise _refuse(path, f"is not valid glTF JSON ({exc})") from None
        check_gltf(path, doc, bin_len)
        rtc = _cesium_rtc(doc)
    elif fmt == "obj":
        _check_obj(path, raw)
    return _load(path, raw, fmt, up or ("y" if fmt in ("glb", "gltf", "obj") else "z"), rtc)


def _load(path: Path, raw: bytes, fmt: str, up: str, rtc: np.ndarray | None) -> ModelData:
    import io

    import trimesh

    try:
        scene = trimesh.load_scene(io.BytesIO(raw), file_type=fmt, resolver=_FolderResolver(path), process=False)
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - trimesh's errors on a damaged file, worded for the user
        text = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise _refuse(path, f"cannot be read as {fmt.upper()} ({type(exc).__name__}: {text})") from None
    notes: list[str] = []
    parts = []
    for node in scene.graph.nodes_geometry:
        matrix, geom_name = scene.graph[node]
        mesh = scene.geometry.get(geom_name)
        if mesh is None or not hasattr(mesh, "faces"):
            continue  # points and paths are not drawn as models
        part = _part(path, str(node), mesh, np.asarray(matrix, dtype=np.float64), notes)
        if part is not None:
            parts.append(part)
    if not parts:
        raise _refuse(path, "holds no triangles")
    total = sum(p.n_triangles for p in parts)
    if total > MAX_TRIANGLES:
        raise _refuse(path, f"holds {total:,} triangles; at most {MAX_TRIANGLES:,} are read",
                      "simplify it in the modelling tool first")
    georef, note = None, ""
    if up == "y":
        parts = [_turned(p) for p in parts]
        if rtc is not None:  # 3D Tiles' convention: the glTF's +Y up turned to +Z, then the centre added
            parts, georef = _from_ecef(parts, rtc)
            note = "the file's CESIUM_RTC centre"
    if georef is None:
        centre = np.mean([p.vertices.mean(axis=0) for p in parts], axis=0)
        if float(np.linalg.norm(centre)) > _ECEF_MIN_RADIUS:  # placed in Earth-centred coordinates
            parts, georef = _from_ecef(parts, np.zeros(3))
            note = "the file's Earth-centred (ECEF) node transforms"
    return ModelData(tuple(parts), fmt.upper(), georef, note, tuple(notes))


def _turned(part: ModelPart) -> ModelPart:
    from dataclasses import replace

    normals = None if part.normals is None else _zup(part.normals.astype(np.float64)).astype(np.float32)
    return replace(part, vertices=_zup(part.vertices), normals=normals)


def _from_ecef(parts: list[ModelPart], centre: np.ndarray) -> tuple[list[ModelPart], Anchor]:
    """Parts in Earth-centred metres (relative to ``centre``) → parts in local east/north/up metres around the
    point under their middle, and the anchor (absolute height) of that point."""
    from dataclasses import replace

    from ydtwin.geo.ecef import ecef_to_lonlath, enu_frame

    middle = centre + np.mean([p.vertices.mean(axis=0) for p in parts], axis=0)
    lon, lat, h = (float(v[0]) for v in ecef_to_lonlath(middle))
    _origin, enu = enu_frame(lon, lat, h)  # rows: east, north, up at the middle
    out = []
    for p in parts:
        local = (p.vertices + (centre - middle)) @ enu.T
        normals = None if p.normals is None else (p.normals.astype(np.float64) @ enu.T).astype(np.float32)
        out.append(replace(p, vertices=local, normals=normals))
    # ellipsoidal height taken as height above sea level (no geoid model ships: about 10 m off near Shanghai)
    return out, Anchor(lon, lat, h, "absolute")
