"""Synthetic classified LiDAR in the region, written with laspy for tests: a block of ground around Suzhou
(EPSG:32651, UTM 51N) with flat-roofed buildings and trees of known heights."""

from __future__ import annotations

import numpy as np

#: the block's south-west corner (UTM 51N metres), about 120.62 E 31.31 N in Suzhou
SW = (273_500.0, 3_466_000.0)
GROUND_Z = 3.0
#: (x0, y0, x1, y1 relative to SW, roof height above the ground)
BUILDINGS = [(60.0, 60.0, 120.0, 140.0, 42.0), (200.0, 80.0, 240.0, 110.0, 18.0), (150.0, 220.0, 260.0, 260.0, 9.0)]
TREES = (20.0, 220.0, 90.0, 290.0)  # a copse (class 5), 8–14 m


def cloud_arrays(n_ground: int = 60_000, *, seed: int = 3, size: float = 300.0):
    """(x, y, z, classification, intensity, return_number) of the block (UTM 51N metres)."""
    rng = np.random.default_rng(seed)
    xs, ys, zs, cs = [], [], [], []
    gx, gy = rng.uniform(0, size, n_ground), rng.uniform(0, size, n_ground)
    inside = np.zeros(n_ground, dtype=bool)
    for x0, y0, x1, y1, _h in BUILDINGS:
        inside |= (gx >= x0) & (gx <= x1) & (gy >= y0) & (gy <= y1)
    xs.append(gx[~inside])
    ys.append(gy[~inside])
    zs.append(GROUND_Z + rng.normal(0, 0.05, (~inside).sum()))
    cs.append(np.full((~inside).sum(), 2))
    density = n_ground / size**2
    for x0, y0, x1, y1, h in BUILDINGS:
        m = int(density * (x1 - x0) * (y1 - y0))
        xs.append(rng.uniform(x0 + 0.5, x1 - 0.5, m))
        ys.append(rng.uniform(y0 + 0.5, y1 - 0.5, m))
        zs.append(GROUND_Z + h + rng.normal(0, 0.05, m))
        cs.append(np.full(m, 6))
    x0, y0, x1, y1 = TREES
    m = int(density * (x1 - x0) * (y1 - y0) * 0.6)
    xs.append(rng.uniform(x0, x1, m))
    ys.append(rng.uniform(y0, y1, m))
    zs.append(GROUND_Z + rng.uniform(8, 14, m))
    cs.append(np.full(m, 5))
    x = SW[0] + np.concatenate(xs)
    y = SW[1] + np.concatenate(ys)
    z = np.concatenate(zs)
    c = np.concatenate(cs).astype(np.uint8)
    intensity = rng.integers(100, 4000, len(x)).astype(np.uint16)
    ret = np.where(c == 5, rng.integers(1, 3, len(x)), 1).astype(np.uint8)
    return x, y, z, c, intensity, ret


def write_cloud(path, *, n_ground: int = 60_000, compress: bool | None = None, crs: str | None = "EPSG:32651",
                rgb: bool = False):
    """Write the block to ``path`` (LAS or LAZ by its suffix), with its CRS as a WKT VLR."""
    import laspy
    from pyproj import CRS

    x, y, z, c, intensity, ret = cloud_arrays(n_ground)
    header = laspy.LasHeader(point_format=7 if rgb else 6, version="1.4")
    header.scales = np.array([0.001, 0.001, 0.001])
    header.offsets = np.array([SW[0], SW[1], 0.0])
    if crs:
        header.add_crs(CRS.from_user_input(crs))
    las = laspy.LasData(header)
    las.x, las.y, las.z = x, y, z
    las.classification = c
    las.intensity = intensity
    las.return_number = ret
    las.number_of_returns = np.maximum(ret, 1)
    if rgb:
        las.red = c.astype(np.uint16) * 9000
        las.green = np.full(len(x), 30000, np.uint16)
        las.blue = np.full(len(x), 50000, np.uint16)
    if compress is None:
        compress = str(path).lower().endswith(".laz")
    las.write(str(path), do_compress=compress, laz_backend=laspy.LazBackend.Lazrs if compress else None)
    return path
