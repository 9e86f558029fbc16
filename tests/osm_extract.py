"""A small OpenStreetMap extract written for the tests: a lake (a multipolygon with an island), a river as an
area, roads of each class (one on a bridge, one in a tunnel), a railway, a metro in a tunnel, a power line,
land use, a way cut by the extract's edge — around Jinji Lake in Suzhou (schematic shapes, real place)."""

from __future__ import annotations

from pathlib import Path

import osmium

#: the box the extract's features lie in (lon_min, lat_min, lon_max, lat_max)
BOX = (120.66, 31.28, 120.76, 31.34)
LAKE = [(120.690, 31.300), (120.725, 31.300), (120.725, 31.330), (120.690, 31.330)]
ISLAND = [(120.700, 31.310), (120.705, 31.310), (120.705, 31.315), (120.700, 31.315)]
RIVER = [(120.66, 31.290), (120.76, 31.290), (120.76, 31.293), (120.66, 31.293)]


def write_extract(path: Path, *, with_header_box: bool = True) -> Path:
    """Write the extract to ``path`` (.osm.pbf) and return it."""
    path = Path(path)
    if path.exists():
        path.unlink()
    header = osmium.io.Header()
    if with_header_box:
        header.add_box(osmium.osm.Box(osmium.osm.Location(BOX[0], BOX[1]), osmium.osm.Location(BOX[2], BOX[3])))
    header.set("osmosis_replication_timestamp", "2026-11-30T21:00:00Z")
    writer = osmium.SimpleWriter(str(path), header=header)
    nid = [0]
    wid = [0]

    def nodes(coords) -> list[int]:
        ids = []
        for lon, lat in coords:
            nid[0] += 1
            writer.add_node(osmium.osm.mutable.Node(id=nid[0], location=(lon, lat)))
            ids.append(nid[0])
        return ids

    def way(coords, tags, closed: bool = False, refs=None) -> int:
        ids = refs if refs is not None else nodes(coords)
        if closed:
            ids = [*ids, ids[0]]
        wid[0] += 1
        writer.add_way(osmium.osm.mutable.Way(id=wid[0], nodes=ids, tags=tags))
        return wid[0]

    try:
        outer = way(LAKE, {}, closed=True)
        inner = way(ISLAND, {}, closed=True)
        way(RIVER, {"natural": "water", "water": "river", "name": "River (test)"}, closed=True)
        way([(120.66, 31.320), (120.76, 31.320)], {"highway": "motorway", "name": "G2 (test)", "ref": "G2"})
        way([(120.66, 31.284), (120.76, 31.284)], {"highway": "primary", "name": "Primary (test)"})
        way([(120.735, 31.28), (120.735, 31.34)], {"highway": "secondary", "bridge": "yes", "layer": "2"})
        way([(120.74, 31.28), (120.74, 31.34)], {"highway": "tertiary", "tunnel": "yes", "layer": "-1"})
        way([(120.745, 31.28), (120.745, 31.34)], {"railway": "rail", "name": "Rail (test)"})
        way([(120.68, 31.296), (120.75, 31.296)], {"railway": "subway", "tunnel": "yes", "layer": "-2"})
        way([(120.66, 31.338), (120.76, 31.338)], {"power": "line", "voltage": "220000"})
        way([(120.666, 31.330), (120.672, 31.330), (120.672, 31.336), (120.666, 31.336)],
            {"landuse": "industrial"}, closed=True)
        way([(120.70, 31.31), (120.71, 31.31)], {"highway": "footway"})  # not part of a basemap
        # a way whose first nodes lie outside the extract (cut by its edge): its nodes are not in the file
        inside = nodes([(120.75, 31.336), (120.76, 31.336)])
        way([], {"highway": "trunk"}, refs=[10_000_001, 10_000_002, *inside])
        writer.add_relation(osmium.osm.mutable.Relation(
            id=1, members=[("w", outer, "outer"), ("w", inner, "inner")],
            tags={"type": "multipolygon", "natural": "water", "water": "lake", "name": "Jinji Lake (test)",
                  "name:zh": "金鸡湖"}))
    finally:
        writer.close()
    return path
