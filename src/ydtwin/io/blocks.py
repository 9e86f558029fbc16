"""Procedural city blocks (labelled PROCEDURAL everywhere) and the region's real landmarks.

The model (``blocks.toml`` next to ``region.toml``): around each listed centre (CBDs and town centres,
public facts), a street grid of blocks at ``pitch_m`` whose presence thins out as exp(-d/σ); each block
holds two to five rectangular buildings whose heights fall off from the centre's ``peak_m``. Blocks
stay inside the real districts of the centre's city, on land, off lakes and clear of rivers. The draw
is seeded, so the same region gives the same blocks on every machine.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import shapely

from ydtwin.errors import ReadError
from ydtwin.geo.projection import WGS84, SceneProjection
from ydtwin.model.buildings import HEIGHT_RULES, BuildingsData
from ydtwin.model.layer import Provenance, VectorData

__all__ = ["landmarks", "procedural_blocks", "read_blocks_model"]


def read_blocks_model(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            model = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ReadError(path, f"cannot read the blocks model ({exc})") from None
    for key in ("seed", "pitch_m", "street_m", "centres"):
        if key not in model:
            raise ReadError(path, f"blocks model lacks {key!r}")
    return model


def procedural_blocks(
    model: dict,
    projection: SceneProjection,
    *,
    districts: VectorData,
    land: VectorData,
    lakes: VectorData,
    rivers: VectorData,
    city_names: dict[str, str],
) -> BuildingsData:
    rng = np.random.default_rng(int(model["seed"]))
    pitch = float(model["pitch_m"])
    street = float(model["street_m"])
    min_p = float(model.get("min_probability", 0.04))
    centres = model["centres"]
    c_xy = np.array([projection.to_scene(*c["lonlat"]) for c in centres], dtype=np.float64).reshape(-1, 2)
    sigma = np.array([c["sigma_km"] * 1000.0 for c in centres])
    peak = np.array([c["peak_m"] for c in centres], dtype=np.float64)

    # 1. block centres on each centre's rotated street grid, kept with probability exp(-d/σ)
    blocks_xy, blocks_centre, blocks_angle = [], [], []
    for k, c in enumerate(centres):
        radius = sigma[k] * np.log(1 / min_p)
        n = int(radius // pitch)
        u, v = np.meshgrid(np.arange(-n, n + 1) * pitch, np.arange(-n, n + 1) * pitch)
        u, v = u.ravel(), v.ravel()
        d = np.hypot(u, v)
        keep = (d <= radius) & (rng.random(len(u)) < np.exp(-d / sigma[k]))
        a = np.radians(c.get("angle_deg", 0.0))
        x = c_xy[k, 0] + u[keep] * np.cos(a) - v[keep] * np.sin(a)
        y = c_xy[k, 1] + u[keep] * np.sin(a) + v[keep] * np.cos(a)
        blocks_xy.append(np.column_stack([x, y]))
        blocks_centre.append(np.full(keep.sum(), k))
        blocks_angle.append(np.full(keep.sum(), a))
    bxy = np.concatenate(blocks_xy)
    bc = np.concatenate(blocks_centre)
    ba = np.concatenate(blocks_angle)
    # where grids overlap, a block belongs to the centre with the strongest pull
    pull = np.exp(-np.hypot(bxy[:, None, 0] - c_xy[None, :, 0], bxy[:, None, 1] - c_xy[None, :, 1]) / sigma[None])
    own = pull.argmax(axis=1) == bc
    bxy, bc, ba = bxy[own], bc[own], ba[own]

    # 2. two to five buildings per block, along the block's u axis
    nb = len(bxy)
    m = rng.integers(2, 6, nb)
    size = pitch - street
    gap = 8.0
    owner = np.repeat(np.arange(nb), m)
    idx = np.arange(len(owner)) - np.repeat(np.cumsum(m) - m, m)
    width = (size - (m[owner] - 1) * gap) / m[owner]
    u0 = -size / 2 + idx * (width + gap)
    depth = size * rng.uniform(0.55, 0.95, len(owner))
    v0 = -size / 2 + rng.uniform(0, 1, len(owner)) * (size - depth)
    corners_u = np.stack([u0, u0 + width, u0 + width, u0], axis=1)
    corners_v = np.stack([v0, v0, v0 + depth, v0 + depth], axis=1)
    a = ba[owner][:, None]
    cx = bxy[owner, 0][:, None] + corners_u * np.cos(a) - corners_v * np.sin(a)
    cy = bxy[owner, 1][:, None] + corners_u * np.sin(a) + corners_v * np.cos(a)

    # heights: a peak at the centre falling off over ~0.35 σ over a mid-rise base, lognormal spread, whole storeys
    k = bc[owner]
    d = np.hypot(bxy[owner, 0] - c_xy[k, 0], bxy[owner, 1] - c_xy[k, 1])
    mean_h = 8.0 + 12.0 * np.exp(-d / sigma[k]) + peak[k] * np.exp(-((d / (0.35 * sigma[k])) ** 2))
    height = np.clip(np.round(mean_h * rng.lognormal(0.0, 0.45, len(owner)) / 3.0) * 3.0, 6.0, 330.0)

    # 3. on land, in the centre's city, off lakes, clear of rivers, not on a landmark
    keep = np.ones(len(owner), dtype=bool)
    pts_x, pts_y = cx.ravel(), cy.ravel()
    lon, lat = projection.from_scene(pts_x, pts_y)
    corner_owner = np.repeat(np.arange(len(owner)), 4)

    points = shapely.points(lon, lat)
    # the points go into the tree and the polygons are the (prepared) queries: fast for big polygons
    point_tree = shapely.STRtree(points)

    def inside(geoms: np.ndarray) -> np.ndarray:
        hit = np.zeros(len(lon), dtype=bool)
        if len(geoms):
            _, p_idx = point_tree.query(geoms, predicate="contains")
            hit[p_idx] = True
        return hit

    on_land = inside(land.geometries)
    city_of_centre = np.array([c["city"] for c in centres])
    dist_city = np.asarray(districts.attributes.get("city_adcode", np.full(len(districts), "")), dtype=str)
    dist_name = np.asarray(districts.attributes.get("name_zh", np.full(len(districts), "")), dtype=object)
    g_idx, p_idx = point_tree.query(districts.geometries, predicate="contains")
    corner_city = np.full(len(lon), "", dtype=object)
    corner_city[p_idx] = dist_city[g_idx]
    corner_district = np.full(len(lon), "", dtype=object)
    corner_district[p_idx] = dist_name[g_idx]
    ok_corner = on_land & (corner_city == city_of_centre[k][corner_owner])
    keep &= ok_corner.reshape(-1, 4).all(axis=1)
    if len(lakes):
        # the whole footprint, not only its corners: a narrow arm of a lake can pass between them
        rects = shapely.polygons(np.stack([lon.reshape(-1, 4), lat.reshape(-1, 4)], axis=-1))
        _, wet = shapely.STRtree(rects).query(lakes.geometries, predicate="intersects")
        keep[wet] = False
    if len(rivers):
        clearance = float(model.get("river_clearance_m", 120.0))
        rx = shapely.transform(rivers.geometries, lambda xy: np.column_stack(projection.to_scene(xy[:, 0], xy[:, 1],
                                                                                                 rivers.crs)))
        centres_pts = shapely.points(cx.mean(axis=1), cy.mean(axis=1))
        near, _ = shapely.STRtree(rx).query(centres_pts, predicate="dwithin", distance=clearance + size / 2)
        keep[near] = False
    lm = model.get("landmarks", [])
    if lm:
        lxy = np.array([projection.to_scene(*m_["lonlat"]) for m_ in lm]).reshape(-1, 2)
        dmin = np.hypot(cx.mean(axis=1)[:, None] - lxy[None, :, 0], cy.mean(axis=1)[:, None] - lxy[None, :, 1]).min(1)
        keep &= dmin > 150.0

    # 4. ragged arrays in WGS84 (rectangles are counter-clockwise in the scene and stay so in lon/lat)
    sel = np.flatnonzero(keep)
    n = len(sel)
    xy = np.column_stack([lon.reshape(-1, 4)[sel].ravel(), lat.reshape(-1, 4)[sel].ravel()])
    cities = city_of_centre[k[sel]]
    use = np.where(height[sel] >= 60, "office/commercial", np.where(height[sel] >= 24, "mixed", "residential"))
    return BuildingsData(
        xy,
        np.arange(n + 1, dtype=np.int64) * 4,
        np.arange(n + 1, dtype=np.int64),
        np.arange(n, dtype=np.int64),
        height[sel],
        np.zeros(n),
        np.full(n, HEIGHT_RULES.index("procedural"), dtype=np.uint8),
        np.zeros(n, dtype=np.uint8),
        WGS84,
        {
            "city": np.array([city_names.get(c, c) for c in cities], dtype=object),
            "district": corner_district.reshape(-1, 4)[sel, 0],
            "use": use.astype(object),
            "centre": np.array([centres[i]["name"] for i in k[sel]], dtype=object),
        },
    )


def landmarks(model: dict, projection: SceneProjection) -> BuildingsData:
    """The landmark list as buildings: schematic outlines at the public positions and heights."""
    items = model.get("landmarks", [])
    if not items:
        return BuildingsData.empty()
    geoms, heights = [], []
    for item in items:
        x, y = projection.to_scene(*item["lonlat"])
        r = float(item.get("size_m", 50.0)) / 2
        n = {"circle": 32, "octagon": 8}.get(item.get("shape", "square"), 4)
        t = np.linspace(0, 2 * np.pi, n, endpoint=False) + (np.pi / 4 if n == 4 else np.pi / n if n == 8 else 0)
        rr = r * (np.sqrt(2) if n == 4 else 1.0)
        lon, lat = projection.from_scene(float(x) + rr * np.cos(t), float(y) + rr * np.sin(t))
        geoms.append(shapely.Polygon(np.column_stack([lon, lat])))
        heights.append(float(item["height_m"]))
    return BuildingsData.from_geometries(
        np.array(geoms, dtype=object),
        height=np.array(heights),
        crs=WGS84,
        height_rule=HEIGHT_RULES.index("landmark"),
        attributes={
            "name": np.array([i["name"] for i in items], dtype=object),
            "name_zh": np.array([i.get("name_zh", "") for i in items], dtype=object),
        },
    )


BLOCKS_PROVENANCE = Provenance(
    source="ydtwin procedural block model (blocks.toml): grid around real centres, inside real districts",
    licence="GPL-3.0-or-later",
    nature="procedural",
    notes="Not surveyed buildings: positions, shapes and heights come from a seeded density model.",
)
LANDMARKS_PROVENANCE = Provenance(
    source="public facts: landmark positions (WGS84, ±30 m) and architectural heights (blocks.toml)",
    licence="facts",
    nature="schematic",
    notes="Positions and heights are real; the outlines are simple shapes of the right size.",
)
