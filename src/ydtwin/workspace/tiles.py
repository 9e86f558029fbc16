"""Tile packs of building footprints, point clouds and the basemap, built on Dask (``ydtwin tiles build``) and
opened as layers (buildings, points) and a basemap."""

from __future__ import annotations

import os
from pathlib import Path

from ydtwin.errors import YdtwinError

__all__ = ["SCHEDULERS", "build_tiles", "check_pack_folder", "tiles_summary"]

#: what ``--scheduler`` takes besides a scheduler's address (``tcp://host:8786``)
SCHEDULERS = ("sync", "local")


def check_scheduler(scheduler: str) -> str:
    scheduler = scheduler.strip()
    if scheduler in SCHEDULERS or scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        return scheduler
    if ":" in scheduler and scheduler.rsplit(":", 1)[1].isdigit():  # host:port
        return f"tcp://{scheduler}"
    raise YdtwinError(f"--scheduler {scheduler}: give sync, local, or a scheduler's address (tcp://HOST:PORT)")


def check_pack_folder(out: str | os.PathLike[str]) -> Path:
    """``out`` where a pack may be written: a new or empty folder, or one holding a pack (rebuilt or resumed);
    never a link, a file, or a folder holding anything else."""
    from ydtwin.tiling.basemap import BASEMAP
    from ydtwin.tiling.build import WORK
    from ydtwin.tiling.pack import MANIFEST
    from ydtwin.tiling.points import POINTS
    from ydtwin.workspace.outputs import check_output_folder

    return check_output_folder(out, {MANIFEST, "tiles", POINTS, BASEMAP, WORK}, "a tile pack's")


def build_tiles(inputs: list[tuple[str, str | None]], out: str | os.PathLike[str], *, region, scheduler: str = "local",
                workers: int | None = None, tile_size_m: float | None = None, retries: int = 2, progress=None,
                cancel=None, point_tile_size_m: float | None = None, basemap: bool = True):
    """Build (or resume) a tile pack of ``inputs`` for ``region`` → the BuildReport."""
    from ydtwin.tiling.build import TILE_SIZE_M, build_pack, make_job

    scheduler = check_scheduler(scheduler)
    folder = check_pack_folder(out)
    cores = os.cpu_count() or 1
    n_workers = workers or (max(1, min(cores, 8)) if scheduler == "local" else None)
    # workers share the cores: each task's kernel keeps to its share (one worker gets them all)
    threads = max(1, cores // n_workers) if n_workers else 0
    job = make_job(inputs, folder, region=region, tile_size_m=tile_size_m or TILE_SIZE_M, kernel_threads=threads,
                   point_tile_size_m=point_tile_size_m or 500.0, basemap=basemap)
    return build_pack(job, scheduler=scheduler, workers=n_workers, retries=retries, progress=progress, cancel=cancel)


def tiles_summary(report) -> str:
    rejected = sum(report.rejected.values())
    note = f"; {rejected:,} footprints quarantined" if rejected else ""
    if report.failed:
        lines = [f"{len(report.failed)} task(s) failed after their retries; {report.tiles:,} tiles built are kept "
                 f"in {report.out} — rerun the same command to finish (finished tiles are skipped):"]
        lines += [f"  {task}: {text}" for task, text in report.failed[:20]]
        return "\n".join(lines)
    parts = [f"{report.buildings:,} buildings, {report.triangles:,} triangles in {report.tiles:,} tiles"]
    if report.point_tiles or report.points:
        dropped = f" ({report.points_dropped:,} not finite left out)" if report.points_dropped else ""
        parts.append(f"{report.points:,} points in {report.point_tiles:,} point tiles{dropped}")
    if report.basemap_tiles:
        dup = f", {report.basemap_duplicates:,} copies in overlapping extracts dropped" if report.basemap_duplicates else ""
        parts.append(f"{report.basemap_features:,} basemap features in {report.basemap_tiles:,} tiles{dup}")
    done = report.built + report.skipped
    return (f"wrote tile pack {report.out}: {'; '.join(parts)} ({report.built:,} of {done:,} tiles built, "
            f"{report.skipped:,} already done), on {report.scheduler} in {report.seconds:.1f} s{note}")
