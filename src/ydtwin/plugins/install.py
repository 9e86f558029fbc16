"""Installing a plugin from a folder or a .zip, and scaffolding a new data plugin.

Everything is checked before anything is written or read: the source must be a folder or a regular file
(a FIFO, a device such as ``/dev/zero`` or a socket is refused unread), the archive no larger than
``MAX_ARCHIVE_BYTES``; a zip member with an absolute path, a '..' part, a drive letter, or a symbolic link
is refused, as is an archive whose members would expand beyond the size, count or ratio limits (zip bombs)
or whose manifest is over ``MAX_MANIFEST_BYTES`` — from the sizes its directory declares, and again while
extracting, since those can lie. A folder is checked the same way (regular files only, sizes and count)
before anything is copied. The plugin is unpacked into a temporary folder inside the plugin folder, its
manifest validated, and only then moved into place in one rename.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ydtwin.errors import YdtwinError
from ydtwin.plugins import MANIFEST_NAME
from ydtwin.plugins.discovery import read_manifest, user_plugin_dir
from ydtwin.plugins.limits import MAX_MANIFEST_BYTES, LimitError, file_kind, one_line, open_regular

__all__ = ["InstallError", "MAX_ARCHIVE_BYTES", "MAX_FILES", "MAX_RATIO", "MAX_TOTAL_BYTES", "install", "scaffold"]

#: limits on what an archive (or a folder) may expand to
MAX_TOTAL_BYTES = 512 * 2**20
MAX_FILES = 10_000
MAX_RATIO = 200  # uncompressed / compressed, per member and in total
#: the largest archive opened (its real size on disk)
MAX_ARCHIVE_BYTES = MAX_TOTAL_BYTES
#: what a damaged or unusual archive raises while read
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
               RuntimeError, zlib.error)


class InstallError(YdtwinError):
    pass


def _safe_member(name: str) -> PurePosixPath:
    clean = name.replace("\\", "/")
    p = PurePosixPath(clean)
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":") or ".." in p.parts:
        raise InstallError(f"archive member {name!r} points outside the plugin folder: nothing was installed")
    return p


def _check_zip(zf: zipfile.ZipFile) -> tuple[list[zipfile.ZipInfo], PurePosixPath]:
    """Members to extract and the folder in the archive that holds the manifest; raises InstallError."""
    infos = zf.infolist()
    if len(infos) > MAX_FILES:
        raise InstallError(f"archive has {len(infos):,} members (limit {MAX_FILES:,}): nothing was installed")
    total = compressed = 0
    for info in infos:
        _safe_member(info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise InstallError(f"archive member {info.filename!r} is a symbolic link: nothing was installed")
        if PurePosixPath(info.filename.replace("\\", "/")).name == MANIFEST_NAME and info.file_size > MAX_MANIFEST_BYTES:
            raise InstallError(f"archive member {info.filename!r} is {info.file_size:,} bytes, over the "
                               f"{MAX_MANIFEST_BYTES:,}-byte limit of a manifest: nothing was installed")
        total += info.file_size
        compressed += info.compress_size
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InstallError(f"archive member {info.filename!r} expands {info.file_size / max(info.compress_size, 1):,.0f}"
                               f"-fold (a zip bomb?): nothing was installed")
    if total > MAX_TOTAL_BYTES or (total > 2**20 and total > MAX_RATIO * max(compressed, 1)):
        raise InstallError(f"archive expands to {total / 2**20:,.0f} MB (limit {MAX_TOTAL_BYTES // 2**20} MB, "
                           f"{MAX_RATIO}-fold): nothing was installed")
    manifests = [PurePosixPath(i.filename.replace("\\", "/")) for i in infos
                 if PurePosixPath(i.filename.replace("\\", "/")).name == MANIFEST_NAME]
    tops = sorted((m.parent for m in manifests), key=lambda p: len(p.parts))
    if not tops:
        raise InstallError(f"archive holds no {MANIFEST_NAME}: nothing was installed")
    if len(tops[0].parts) > 1:
        raise InstallError(f"{MANIFEST_NAME} must be at the archive's top or in one top folder")
    return [i for i in infos if not i.is_dir()], tops[0]


def _extract(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], top: PurePosixPath, dest: Path) -> None:
    written = 0
    for info in members:
        rel = _safe_member(info.filename)
        if top.parts and rel.parts[: len(top.parts)] != top.parts:
            continue
        rel = PurePosixPath(*rel.parts[len(top.parts):])
        target = dest.joinpath(*rel.parts)
        if not target.resolve().is_relative_to(dest.resolve()):
            raise InstallError(f"archive member {info.filename!r} points outside the plugin folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        member = 0
        with zf.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(2**20):
                written += len(chunk)
                member += len(chunk)
                if written > MAX_TOTAL_BYTES or member > info.file_size:  # sizes in the directory can lie
                    raise InstallError("archive expands beyond its stated size: nothing was installed")
                out.write(chunk)


_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".git")


def _check_folder(src: Path) -> None:
    """Regular files and folders only, within the count and size limits: checked before copying."""
    count = total = 0
    for root, dirs, names in os.walk(src, onerror=_walk_error):
        skipped = _SKIPPED(root, [*dirs, *names])
        dirs[:] = [d for d in dirs if d not in skipped]
        for name in [*dirs, *(n for n in names if n not in skipped)]:
            path = Path(root) / name
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                raise InstallError(f"{path} is a symbolic link: nothing was installed")
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                raise InstallError(f"{path} is {file_kind(st.st_mode)}: a plugin holds regular files only; "
                                   "nothing was installed")
            count += 1
            total += st.st_size if stat.S_ISREG(st.st_mode) else 0
            if count > MAX_FILES or total > MAX_TOTAL_BYTES:
                raise InstallError(f"{src} holds more than {MAX_FILES:,} files or {MAX_TOTAL_BYTES // 2**20} MB: "
                                   "nothing was installed")
            if name == MANIFEST_NAME and st.st_size > MAX_MANIFEST_BYTES:
                raise InstallError(f"{path} is {st.st_size:,} bytes, over the {MAX_MANIFEST_BYTES:,}-byte limit "
                                   "of a manifest: nothing was installed")


def _walk_error(exc: OSError) -> None:
    raise InstallError(f"{exc.filename}: cannot be read ({exc.strerror}): nothing was installed")


def _copy_folder(src: Path, dest: Path) -> None:
    """Copy a folder ``_check_folder`` has passed."""
    shutil.copytree(src, dest, dirs_exist_ok=True, ignore=_SKIPPED)


def _open_archive(source: Path):
    """The archive as a binary file once it is known to be a regular file within the size limit."""
    try:
        return open_regular(source, MAX_ARCHIVE_BYTES, str(source))
    except LimitError as exc:
        raise InstallError(f"{exc}: give a plugin folder or a .zip; nothing was installed") from None
    except OSError as exc:
        raise InstallError(f"{source}: cannot be read ({exc.strerror or exc})") from None


def _bad_zip(source: Path, exc: BaseException) -> InstallError:
    return InstallError(f"{source}: not a plugin folder or a readable .zip ({one_line(exc, 200)}): nothing was installed")


def install(source: str | Path, *, target_dir: Path | None = None, replace: bool = False) -> Path:
    """Install a plugin folder or .zip into the user plugin folder → its installed folder. Every check that
    can be made before writing is made before the plugin folder is even created."""
    source = Path(source)
    target_dir = Path(target_dir) if target_dir is not None else user_plugin_dir()
    try:
        st = source.stat()
    except (OSError, ValueError):
        raise InstallError(f"{source}: not found") from None
    archive = zf = None
    if stat.S_ISDIR(st.st_mode):
        if not (source / MANIFEST_NAME).is_file():
            raise InstallError(f"{source}: no {MANIFEST_NAME} in this folder")
        _check_folder(source)
    else:
        archive = _open_archive(source)  # a FIFO, a device or an oversized file is refused here, unread
        try:
            zf = zipfile.ZipFile(archive)
            members, top = _check_zip(zf)
        except _ZIP_ERRORS as exc:
            archive.close()
            raise _bad_zip(source, exc) from None
        except BaseException:
            archive.close()
            raise
    staging = None
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=target_dir))
        if zf is None:
            _copy_folder(source, staging)
        else:
            try:
                _extract(zf, members, top, staging)
            except _ZIP_ERRORS as exc:
                raise _bad_zip(source, exc) from None
        found = read_manifest(staging, "user")
        if not found.ok:
            raise InstallError(f"{source}: not a valid plugin: {found.error}")
        final = target_dir / found.manifest.name
        if final.exists():
            if not replace:
                raise InstallError(f"{found.manifest.name} is already installed at {final} (use --replace)")
            shutil.rmtree(final)
        staging.rename(final)
        return final
    finally:
        if zf is not None:
            zf.close()
            archive.close()
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


_MANIFEST_TEMPLATE = '''# A ydtwin data plugin: planned projects for joint review. Reference: docs/plugins.md
name = "{name}"
display_name = "{title}"
version = "0.1.0"
schema_version = 1
requires_ydtwin = ">=0.1"
description = "Planned projects (illustrative sample: replace with your own)."
licence = "CC-BY-4.0"

[[contributions.projects]]
id = "{short}.sample-road"
title = "Sample road link"
theme = "transportation"
kind = "road"
status = "planned"
phase = [2026, 2030]
owner = "Transport bureau"
source = "data/projects.geojson"
feature = "sample-road"
capacity = 4
grade = "at_grade"

[[contributions.projects]]
id = "{short}.sample-park"
title = "Sample wetland park"
theme = "ecological"
kind = "ecological"
status = "planned"
phase = [2026, 2028]
owner = "Ecology and environment bureau"
source = "data/projects.geojson"
feature = "sample-park"
'''

_GEOJSON_TEMPLATE = '''{{
  "type": "FeatureCollection",
  "features": [
    {{"type": "Feature", "id": "sample-road", "properties": {{"id": "sample-road"}},
      "geometry": {{"type": "LineString", "coordinates": [[121.30, 31.20], [121.36, 31.23], [121.42, 31.24]]}}}},
    {{"type": "Feature", "id": "sample-park", "properties": {{"id": "sample-park"}},
      "geometry": {{"type": "Polygon", "coordinates": [[[121.33, 31.15], [121.37, 31.15], [121.37, 31.18],
                                                        [121.33, 31.18], [121.33, 31.15]]]}}}}
  ]
}}
'''


def scaffold(name: str, parent: str | Path = ".") -> Path:
    """Create a working data plugin folder ``parent/name`` (manifest + sample GeoJSON) → its path."""
    import re

    slug = name.strip().lower()
    if not slug.startswith("ydtwin-"):
        slug = f"ydtwin-{slug}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise InstallError(f"plugin name {name!r}: use lower-case letters, digits and '-' (e.g. ydtwin-my-plans)")
    folder = Path(parent) / slug
    if folder.exists():
        raise InstallError(f"{folder} already exists")
    (folder / "data").mkdir(parents=True)
    short = slug.removeprefix("ydtwin-")
    title = short.replace("-", " ").capitalize()
    (folder / MANIFEST_NAME).write_text(_MANIFEST_TEMPLATE.format(name=slug, short=short, title=title),
                                        encoding="utf-8")
    (folder / "data" / "projects.geojson").write_text(_GEOJSON_TEMPLATE.format(), encoding="utf-8")
    (folder / "README.md").write_text(
        f"# {slug}\n\nA ydtwin data plugin. Edit `ydtwin.toml` and `data/projects.geojson`, then check it with\n"
        f"`ydtwin plugins validate {folder.name}` and install it with `ydtwin plugins install {folder.name}`.\n",
        encoding="utf-8")
    return folder
