"""The ``ydtwin`` command line's arguments: every command, option and example (no work is done here)."""

from __future__ import annotations

import argparse
import math

from ydtwin import __version__

#: the choices of ``flythrough --quality`` (ydtwin.render.export_video.VIDEO_QUALITIES, named here so that
#: parsing the command line imports no renderer; a test keeps the two the same)
VIDEO_QUALITY_NAMES = ("draft", "standard", "high")

DESCRIPTION = """\
ydtwin — 3D digital twin of the Yangtze River Delta for joint review of city plans.
ydtwin — 长三角三维数字孪生，用于各城市规划的联合审查。

Without a command, ydtwin opens the desktop app on the bundled region (Shanghai and the
seven neighbouring cities: Suzhou, Wuxi, Nantong, Jiaxing, Ningbo, Zhoushan, Huzhou)."""

EPILOG = """\
examples:
  ydtwin                                      open the app on the region
  ydtwin app --view Suzhou                    open the app looking at Suzhou
  ydtwin snapshot --out region.png            render the region to a PNG (no screen needed)
  ydtwin snapshot --out nb.png --view Ningbo --size 3840x2160
  ydtwin info buildings.geojson               what a file holds: kind, count, CRS, bounds, heights
  ydtwin snapshot --out sz.png --layer footprints.gpkg --view footprints --color-by height
  ydtwin snapshot --out a.png --layer amap.geojson --crs GCJ-02 --view 120.6,31.28,120.7,31.34
  ydtwin snapshot --out plan.png --view 120.85,30.9,121.25,31.25 --map    a 2D map, north up, true to scale
  ydtwin plugins list                         plugins found, their state and what they contribute
  ydtwin plugins validate --all               check every plugin (manifest, files, data)
  ydtwin plugins new my-plans                 scaffold a working data plugin
  ydtwin plugins install my-plans.zip         install a plugin (folder or .zip) for this user
  ydtwin analyse inundation --level 2 --out flood.csv   land under +2 m connected to the sea, per city
  ydtwin analyse heights --layer fp.geojson --cloud survey.laz --out heights.geojson   roof heights from LiDAR
  ydtwin analyse measure --points 121.4737,31.2304 120.5853,31.2990    geodesic and 3D distance
  ydtwin analyse profile --corridor suzhou.hsr --out hsr.png    terrain, buildings, grade along a corridor
  ydtwin analyse viewshed --from 121.4905,31.2402 --radius 2000 --out bund.geojson   visible/hidden areas
  ydtwin analyse sightline --from 121.4905,31.2402 --to 121.50105,31.2355   seen, or what blocks it
  ydtwin analyse sunlight --layer fp.geojson --plan towers.geojson --area 121.49,31.23,121.51,31.245 --out sun.geojson
  ydtwin analyse figures --by district --out districts.csv    buildings, coverage, floor area, FAR per district
  ydtwin analyse heights-check --out violations.csv    buildings above the height limits of plan zones
                                              hours of winter sun (冬至 9–15 h) before and after a plan
  ydtwin snapshot --out cloud.png --layer survey.laz --view survey --color-by classification   a point cloud
  ydtwin snapshot --out surge.png --view Shanghai --sea-level 2    the sea at +2 m, flooded land as water
  ydtwin snapshot --out hb.png --dem gebco.nc --dem survey.tif      imported DEMs over the bundled terrain
  ydtwin snapshot --out p.png --project review.ydtwin.json --view Suzhou   a project saved in the app
  ydtwin basemap build china-latest.osm.pbf --out yrd-basemap    existing roads, rail, water from OSM
  ydtwin snapshot --out sh.png --view Shanghai --basemap yrd-basemap
  ydtwin review check --out findings.json     cross-border checks of all eight cities' plans
  ydtwin review new review.json               a review session with those findings (statuses, threads)
  ydtwin review report review.json --out report.html   (or report.pdf) with a still of each finding
  ydtwin snapshot --out poster.jpg --size 16384x9216 --view Suzhou --title "苏州 2035"   tiled 16K still
  ydtwin path preset orbit --around Shanghai --seconds 10 --out orbit.json
  ydtwin path preset review --out review-tour.json      one stop per finding, with its caption
  ydtwin flythrough orbit.json --out orbit.mp4 --size 1920x1080 --fps 30

Views are "region", a city name in English or Chinese (e.g. Shanghai, 上海), a loaded layer's name
(its file name without extension) or a box lon_min,lat_min,lon_max,lat_max.
Building files: GeoJSON, GeoPackage, Shapefile, GeoParquet, FlatGeobuf, OSM PBF, CityJSON.
Data sources and their licences: assets/SOURCES.md."""


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake in the arguments said in one line (and where to look), exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1920x1080, not {text!r}") from None
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise argparse.ArgumentTypeError("width and height must be between 16 and 16384 pixels")
    return w, h


def _number(kind, lo, hi, unit: str = ""):
    """An argparse type: a finite number of ``kind`` within [lo, hi] (NaN, infinities, 1e309 and values out of
    range are refused with the accepted range)."""

    def parse(text: str):
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (math.isfinite(value) and lo <= value <= hi):
            raise argparse.ArgumentTypeError(f"must be between {lo:g} and {hi:g}{unit}, not {text}")
        return value

    parse.__name__ = f"{kind.__name__} in {lo:g}–{hi:g}"
    return parse


def _year(text: str) -> int:
    """An argparse type: a plan year between 1900 and 2200."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}") from None
    if not 1900 <= value <= 2200:
        raise argparse.ArgumentTypeError(f"a year between 1900 and 2200, not {text}")
    return value


def _add_layer_options(p: argparse.ArgumentParser) -> None:
    p.add_argument_group("existing networks").add_argument(
        "--basemap", default=None, metavar="DIR",
        help="show a basemap built by `ydtwin basemap build` (existing roads, railways, water, land use)")
    g = p.add_argument_group("building footprints and point clouds")
    g.add_argument("--layer", action="append", default=[], metavar="FILE",
                   help="load building footprints or a point cloud (LAS, LAZ, COPC) from FILE (repeatable)")
    g.add_argument("--crs", default=None, metavar="CRS",
                   help="CRS of the --layer files when they do not say (EPSG:xxxx, WKT, PROJ) or GCJ-02 / BD-09")
    g.add_argument("--color-by", default="", metavar="ATTR",
                   help="colour the loaded buildings by an attribute (height, height_rule or any field); point "
                   "clouds by classification (default), elevation, intensity, rgb or return_number")
    g.add_argument("--replace", choices=("area", "city", "none"), default="area",
                   help="loaded footprints hide the procedural blocks in their area (default), their whole "
                   "cities, or nowhere")
    g.add_argument("--storey-height", type=_number(float, 1.0, 20.0, " m"), default=3.0, metavar="M",
                   help="metres per storey for buildings known only by their levels (default 3)")
    g.add_argument("--default-height", type=_number(float, 1.0, 1000.0, " m"), default=10.0, metavar="M",
                   help="height of buildings with neither height nor levels (default 10)")


def _add_project_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", dest="project_file", default=None, metavar="FILE",
                   help="open a saved project (*.ydtwin.json: File ▸ Save project in the app) first: its files, "
                   "basemap, DEMs, terrain colouring, sea level and bookmarks; the other options add to it")


def _add_terrain_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("terrain and sea")
    g.add_argument("--dem", action="append", default=[], metavar="FILE",
                   help="a DEM (GeoTIFF, or NetCDF such as GEBCO: land and/or bathymetry, any CRS) that replaces "
                   "the bundled terrain where it has data (repeatable)")
    g.add_argument("--sea-level", type=_number(float, -10.0, 20.0, " m"), default=None, metavar="M",
                   help="a sea-level / storm-surge scenario: the sea at M metres, the land under it that the sea "
                   "reaches shown as water")
    g.add_argument("--terrain-colour", choices=("elevation", "hillshade"), default=None,
                   help="colour the terrain by elevation (hypsometric tints, the default) or as a grey hillshade")


def _add_overlay_options(p: argparse.ArgumentParser, *, date_default: bool = True) -> None:
    g = p.add_argument_group("overlays")
    g.add_argument("--title", default=None, help="title, top left")
    g.add_argument("--caption", default="", help="caption, bottom centre")
    g.add_argument("--date", default="today" if date_default else "", metavar="TEXT",
                   help="date shown bottom right ('today' = the ISO date; '' for none)")
    for name, what in (("legend", "legend"), ("scale-bar", "scale bar"), ("north-arrow", "north arrow"),
                       ("labels", "place labels"), ("attribution", "data sources and labels of non-real data")):
        g.add_argument(f"--no-{name}", action="store_true", help=f"no {what}")


def _add_plugin_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plugins", default="all", metavar="NAMES",
                   help="plan plugins to show: all (default), none, or names separated by commas "
                   "(e.g. suzhou,shanghai)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="ydtwin",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ydtwin {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    parser.add_argument(
        "--region", metavar="PATH|ID",
        help="a bundled region's id (yrd8: Shanghai and seven neighbours, the default; yrd26: the 26-city "
             "agglomeration), or a region file (region.toml) or its folder"
    )
    parser.add_argument(
        "--boundaries",
        choices=("corrected", "official"),
        default="corrected",
        help="city/district outlines: detailed Amap outlines corrected from GCJ-02 (default), "
        "or the generalised official outlines",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    app = sub.add_parser("app", help="open the desktop app (the default)", description="Open the desktop app.")
    app.add_argument("--view", default="region", help="start view: region, a city name, a layer or a box")
    app.add_argument("--safe-mode", action="store_true",
                     help="start without the remembered window layout and without third-party plugin code")
    app.add_argument("--lang", choices=("auto", "en", "zh_CN"), default=None,
                     help="interface language for this start (default: the preference, else the system's)")
    app.add_argument("--reset-settings", action="store_true",
                     help="forget remembered settings (window layout, recent files, folders) before starting")
    app.add_argument("--screenshot", default=None, metavar="FILE.png",
                     help="once the whole scene is drawn, save the view to FILE.png and quit (a smoke test of an "
                          "installation)")
    _add_project_option(app)
    _add_layer_options(app)
    _add_terrain_options(app)
    _add_plugin_options(app)

    snap = sub.add_parser(
        "snapshot",
        help="render the scene to an image without a screen",
        description="Render the scene offscreen (no X server needed) to a PNG, JPEG or TIFF file.",
    )
    snap.add_argument("--out", required=True, metavar="FILE", help="image file to write (.png, .jpg, .tif)")
    snap.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH", help="pixels (default 1920x1080)")
    snap.add_argument("--view", default="region",
                      help="region (default), a city name (Suzhou or 苏州), a loaded layer's name, a box "
                      "lon_min,lat_min,lon_max,lat_max, or a viewpoint saved in the --project (its name)")
    snap.add_argument("--map", action="store_true",
                      help="a 2D map: looking straight down, north up, without perspective (the view fills the "
                           "frame; the scale bar holds across the whole image)")
    snap.add_argument("--exaggeration", type=_number(float, 0.1, 100.0), default=None, metavar="X",
                      help="vertical exaggeration of the terrain (default from the region file)")
    _add_overlay_options(snap)
    snap.add_argument("--transparent", action="store_true", help="transparent background (PNG, TIFF)")
    snap.add_argument("--quality", type=_number(int, 1, 100), default=92, metavar="Q",
                      help="JPEG quality 1–100 (default 92)")
    snap.add_argument("--tile", type=_number(int, 64, 16384, " px"), default=None, metavar="PX",
                      help="render in tiles of at most PX pixels (default: as large as the GL context allows)")
    _add_project_option(snap)
    _add_layer_options(snap)
    _add_terrain_options(snap)
    _add_plugin_options(snap)

    fly = sub.add_parser(
        "flythrough", help="render a camera path to a video (MP4, GIF) or PNG sequence without a screen",
        description="Render a flight path (JSON, see `ydtwin path preset`) offscreen to MP4 (H.264), GIF or a "
                    "folder of PNG frames. The file appears only when complete.")
    fly.add_argument("path", metavar="PATH.json", help="flight path file")
    fly.add_argument("--out", required=True, metavar="FILE", help="tour.mp4, tour.gif, or a folder for PNG frames")
    fly.add_argument("--size", type=_size, default=None, metavar="WxH", help="frame size (default: the path's; ≤ 3840x2160)")
    fly.add_argument("--fps", type=_number(int, 1, 120), default=None, help="frames per second (default: the path's)")
    fly.add_argument("--quality", choices=VIDEO_QUALITY_NAMES, default="standard",
                     help="MP4 quality: draft (≤ 4 Mbit/s at 1080p), standard (default, ≤ 8 Mbit/s, about 60 MB "
                          "a minute) or high (≤ 16 Mbit/s); the ceilings scale with the frame's pixels")
    fly.add_argument("--format", choices=("mp4", "gif", "png"), default=None, help="default: from --out")
    _add_overlay_options(fly, date_default=False)
    _add_layer_options(fly)
    _add_plugin_options(fly)

    path = sub.add_parser("path", help="make flight paths for `ydtwin flythrough`",
                          description="Make flight paths (JSON) for `ydtwin flythrough` and the app's path editor.")
    pathsub = path.add_subparsers(dest="path_command", metavar="ACTION", required=True)
    preset = pathsub.add_parser("preset", help="a ready-made path: orbit, tour, corridor or review",
                                description="A ready-made path: orbit (around a city or lon,lat), tour (city to "
                                            "city), corridor (along a planned project) or review (one stop per "
                                            "finding, with its caption).")
    preset.add_argument("kind", choices=("orbit", "tour", "corridor", "review"))
    preset.add_argument("--out", required=True, metavar="PATH.json")
    preset.add_argument("--around", default="Shanghai", metavar="PLACE", help="orbit: a city name or lon,lat")
    preset.add_argument("--radius", type=_number(float, 100.0, 500_000.0, " m"), default=None, metavar="M",
                        help="orbit: radius in metres")
    preset.add_argument("--cities", default=None, metavar="NAMES",
                        help="tour: cities separated by commas (default: all eight)")
    preset.add_argument("--project", default=None, metavar="NAME",
                        help="corridor: a planned linear project's id or title (`--project list` lists them)")
    preset.add_argument("--height", type=_number(float, 10.0, 50_000.0, " m"), default=600.0, metavar="M",
                        help="corridor: flying height")
    preset.add_argument("--findings", default=None, metavar="FILE",
                        help="review: findings.json or a session file (default: run the checks now)")
    preset.add_argument("--year", type=_year, default=None, metavar="Y", help="review: the plans as of year Y")
    preset.add_argument("--seconds", type=_number(float, 0.1, 1800.0, " s"), default=None, metavar="S",
                        help="orbit: whole turn; tour/review: each flight; corridor: whole flight")
    preset.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH")
    preset.add_argument("--fps", type=_number(int, 1, 120), default=30)
    _add_plugin_options(preset)

    bm = sub.add_parser("basemap", help="build a basemap of existing networks from an OpenStreetMap extract",
                        description="Existing roads (motorway to tertiary), railways and metro, bridges and "
                        "tunnels, power lines, water areas and land use from an OpenStreetMap extract, streamed "
                        "(never whole in memory) into tiled packs. Show it with --basemap DIR or File ▸ Add "
                        "basemap… in the app.")
    bmsub = bm.add_subparsers(dest="basemap_command", metavar="ACTION", required=True)
    bmb = bmsub.add_parser("build", help="build a basemap folder from an extract (.osm.pbf)")
    bmb.add_argument("extract", metavar="EXTRACT.osm.pbf")
    bmb.add_argument("--out", required=True, metavar="DIR", help="the basemap folder to create (new or empty)")
    bmb.add_argument("--bbox", default=None, metavar="BOX",
                     help="lon_min,lat_min,lon_max,lat_max to keep (default: the region's box)")
    bmi = bmsub.add_parser("info", help="what a basemap folder holds")
    bmi.add_argument("folder", metavar="DIR")

    tl = sub.add_parser("tiles", help="prepare footprints, point clouds and the basemap by tile, on one machine "
                        "or a Dask cluster",
                        description="Partition building footprints, point clouds (LAS/LAZ/COPC) and the basemap of "
                        "OpenStreetMap extracts by tile, and make each tile with the app's kernels, as a task graph "
                        "on Dask: in this process (sync), on local worker processes (local, the default) or on a "
                        "cluster given its scheduler's address. A rerun resumes: finished parts and tiles are "
                        "skipped. Open the pack's buildings with --layer DIR, its points with --layer DIR/points, "
                        "its basemap with --basemap DIR (or File ▸ Open).")
    tlsub = tl.add_subparsers(dest="tiles_command", metavar="ACTION", required=True)
    tlb = tlsub.add_parser("build", help="build (or resume) a tile pack from footprint files, point clouds and "
                           "OpenStreetMap extracts")
    tlb.add_argument("inputs", nargs="+", metavar="INPUT",
                     help="footprint files (GeoParquet, GeoPackage, Shapefile, FlatGeobuf, GeoJSON, CityJSON), point "
                     "clouds (LAS, LAZ, COPC) and OpenStreetMap extracts (.osm.pbf: their buildings and basemap)")
    tlb.add_argument("--out", required=True, metavar="DIR", help="the pack's folder (new, empty, or a pack to resume)")
    tlb.add_argument("--scheduler", default="local", metavar="sync|local|ADDRESS",
                     help="sync: in this process; local: worker processes on this machine (default); "
                     "tcp://HOST:PORT: a running Dask scheduler")
    tlb.add_argument("--workers", type=_number(int, 1, 256), default=None, metavar="N",
                     help="worker processes of --scheduler local (default: one per core, at most 8)")
    tlb.add_argument("--tile-size", type=_number(float, 100.0, 64_000.0, " m"), default=None, metavar="M",
                     help="tile side in metres (default 2000)")
    tlb.add_argument("--point-tile-size", type=_number(float, 50.0, 16_000.0, " m"), default=None, metavar="M",
                     help="point tile side in metres (default 500)")
    tlb.add_argument("--no-basemap", action="store_true",
                     help="take only the buildings of OpenStreetMap extracts, not their roads, rail and water")
    tlb.add_argument("--crs", default=None, help="CRS of the inputs when the files do not say (e.g. GCJ-02)")
    tlb.add_argument("--retries", type=_number(int, 0, 10), default=2, metavar="N",
                     help="times a failed task is tried again before it is reported (default 2)")
    tli = tlsub.add_parser("info", help="what a tile pack holds")
    tli.add_argument("folder", metavar="DIR")
    tle = tlsub.add_parser("export", help="the scene's buildings, terrain and plans as OGC 3D Tiles 1.1 (CesiumJS, "
                           "QGIS, ArcGIS)", description="Write the buildings shown (the region's, --layer files and "
                           "packs, a project's) with their attributes as metadata, the terrain, and the plans (one "
                           "feature per project, its attributes as metadata) as a 3D Tiles 1.1 tileset: "
                           "tileset.json and binary glTF content.")
    tle.add_argument("--out", required=True, metavar="DIR", help="the tileset's folder (new, empty, or an earlier export)")
    tle.add_argument("--no-terrain", action="store_true", help="leave the terrain out")
    tle.add_argument("--no-plans", action="store_true", help="leave the plans out")
    _add_project_option(tle)
    _add_layer_options(tle)
    _add_plugin_options(tle)

    an = sub.add_parser("analyse", help="analyses: sea-level / storm-surge inundation, building heights from LiDAR, "
                        "sunlight, sight lines and viewsheds",
                        description="Analyses of the region's terrain, printed as a table or written as CSV/JSON.")
    ansub = an.add_subparsers(dest="analyse_command", metavar="ANALYSIS", required=True)
    inu = ansub.add_parser("inundation", help="land under a sea level and connected to the sea, per city",
                           description="Land at or below the level that the sea reaches through land at or below "
                           "it (8 neighbours; low pockets inland stay dry), with the flooded area per city in km² "
                           "(equal-area). Sea walls, tides and surge duration are not modelled.")
    inu.add_argument("--level", type=_number(float, -10.0, 20.0, " m"), required=True, metavar="M",
                     help="the water level in metres above the DEM's datum (−10 to +20)")
    inu.add_argument("--out", default=None, metavar="FILE", help="write the table as .csv or .json")
    inu.add_argument("--connectivity", type=int, choices=(4, 8), default=8,
                     help="neighbours water passes to: 8 (default, through corners) or 4")
    inu.add_argument("--dem", action="append", default=[], metavar="FILE",
                     help="a DEM (GeoTIFF or NetCDF) over the bundled terrain before the analysis (repeatable)")

    hts = ansub.add_parser("heights", help="building heights from a classified point cloud",
                           description="For each footprint: the median height of the cloud's building points "
                           "(class 6) inside it minus the ground (the median of class 2 points around it, else the "
                           "terrain), written as the attributes height_from_cloud, cloud_points and ground_from.")
    hts.add_argument("--layer", required=True, metavar="FILE", help="building footprints (any format ydtwin reads)")
    hts.add_argument("--cloud", required=True, metavar="FILE", help="a classified LAS, LAZ or COPC file")
    hts.add_argument("--out", required=True, metavar="FILE", help="the footprints with their heights (.geojson)")
    hts.add_argument("--crs", default=None, help="CRS of the footprints when the file does not say")
    hts.add_argument("--cloud-crs", default=None, help="CRS of the cloud when the file does not say")
    hts.add_argument("--ground-radius", type=_number(float, 1.0, 1000.0, " m"), default=30.0, metavar="M",
                     help="ground points within M metres of a footprint give its ground (default 30)")
    hts.add_argument("--min-points", type=_number(int, 1, 1_000_000), default=5, metavar="N",
                     help="roof points a footprint needs to be measured (default 5)")

    _add_sunlight_parser(ansub)

    from ydtwin.cli.viewshed import add_viewshed_parsers

    add_viewshed_parsers(ansub, number=_number, size=_size, add_options=lambda p: (
        _add_project_option(p), _add_layer_options(p), _add_terrain_options(p), _add_plugin_options(p)))

    from ydtwin.cli.measure import add_measure_parsers

    add_measure_parsers(ansub, number=_number, add_options=lambda p: (
        _add_project_option(p), _add_layer_options(p), _add_terrain_options(p), _add_plugin_options(p)))

    from ydtwin.cli.figures import add_figures_parsers

    add_figures_parsers(ansub, year=_year, size=_size, add_options=lambda p: (
        _add_project_option(p), _add_layer_options(p), _add_terrain_options(p), _add_plugin_options(p)))

    info = sub.add_parser(
        "info",
        help="describe a geodata file (kind, count, CRS, bounds)",
        description="Print what a geodata file holds: kind, feature/point count, CRS and WGS84 bounds. "
        "Exits with 2 if a file cannot be read.",
    )
    info.add_argument("paths", nargs="+", metavar="PATH")

    plugins = sub.add_parser("plugins", help="list, check, install or create plugins",
                             description="Plugins add planned projects, layers, themes, readers, panels and "
                             "review rules. See docs/plugins.md.")
    psub = plugins.add_subparsers(dest="plugins_command", metavar="ACTION", required=True)
    psub.add_parser("list", help="plugins found, their state and what they contribute")
    val = psub.add_parser("validate", help="check plugins: manifest, files, data (exit 2 on problems)")
    val.add_argument("paths", nargs="*", metavar="PATH", help="plugin folders")
    val.add_argument("--all", action="store_true", help="every plugin ydtwin finds")
    inst = psub.add_parser("install", help="install a plugin folder or .zip for this user")
    inst.add_argument("source", metavar="PATH|ZIP")
    inst.add_argument("--replace", action="store_true", help="replace an installed plugin of the same name")
    new = psub.add_parser("new", help="scaffold a working data plugin")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--dir", default=".", metavar="DIR", help="where to create it (default: here)")
    for action, text in (("trust", "run this plugin's code (this exact version)"),
                         ("distrust", "stop running this plugin's code"),
                         ("enable", "switch a plugin on"), ("disable", "switch a plugin off")):
        a = psub.add_parser(action, help=text)
        a.add_argument("name", metavar="NAME")

    ex = sub.add_parser("export", help="plans and findings as GeoPackage or KML; a part of the scene as glTF or OBJ",
                        description="Standard formats for other tools: QGIS, ArcGIS and Google Earth read the "
                        "GeoPackage and KML (WGS 84); Blender, SketchUp and Rhino the glTF binary and OBJ models.")
    exsub = ex.add_subparsers(dest="export_command", required=True, metavar="WHAT")
    exp = exsub.add_parser("plans", help="the plans (corridors, zones, facilities) with their attributes")
    exp.add_argument("--out", required=True, metavar="FILE", help="plans.gpkg or plans.kml")
    exp.add_argument("--year", type=_year, default=None, metavar="Y", help="the projects' status in year Y")
    _add_plugin_options(exp)
    exf = exsub.add_parser("findings", help="a review session's (or findings.json's) findings and border gaps")
    exf.add_argument("source", metavar="SESSION|FINDINGS", help="a review session or `ydtwin review check` output")
    exf.add_argument("--out", required=True, metavar="FILE", help="findings.gpkg or findings.kml")
    exs = exsub.add_parser("scene", help="the buildings, terrain, water and plans in a box as one 3D model")
    exs.add_argument("--box", required=True, metavar="LON0,LAT0,LON1,LAT1",
                     help="the part of the scene (at most 60 km a side), e.g. 121.47,31.21,121.53,31.26")
    exs.add_argument("--out", required=True, metavar="FILE", help="area.glb (glTF 2.0 binary) or area.obj")
    exs.add_argument("--no-terrain", action="store_true", help="leave the terrain out")
    exs.add_argument("--no-plans", action="store_true", help="leave the plans out")
    _add_plugin_options(exs)
    _add_layer_options(exs)

    review = sub.add_parser("review", help="cross-border checks of the cities' plans",
                            description="Joint review of the plan plugins' projects.")
    rsub = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    chk = rsub.add_parser("check", help="run the review rules and write the findings as JSON")
    chk.add_argument("--out", required=True, metavar="FILE", help="findings.json to write")
    chk.add_argument("--year", type=_year, default=None, metavar="Y",
                     help="the plans as of year Y (projects opening after Y are left out)")
    _add_plugin_options(chk)
    _add_layer_options(chk)  # footprints the height limits are checked against, with the bundled buildings
    new = rsub.add_parser("new", help="start a review session with the checks' findings")
    new.add_argument("session", metavar="SESSION", help="session file to create (JSON)")
    new.add_argument("--title", default="Joint review", help="the session's title")
    new.add_argument("--year", type=_year, default=None, metavar="Y", help="the plans as of year Y")
    new.add_argument("--include-connected", action="store_true",
                     help="also record the clean connections (info), not only the problems")
    _add_plugin_options(new)
    _add_layer_options(new)
    rep = rsub.add_parser("report", help="a self-contained HTML (or PDF) report of a session, or its tables as CSV")
    rep.add_argument("session", metavar="SESSION")
    rep.add_argument("--out", required=True, metavar="FILE",
                     help="report.html, report.pdf, or report.csv (the findings; the summary by city pair and "
                          "any --figures tables go beside it as report-summary.csv, report-figures-….csv)")
    rep.add_argument("--format", choices=("html", "pdf", "csv"), default=None, help="default: from the extension")
    rep.add_argument("--size", type=_size, default=(960, 540), metavar="WxH", help="size of each still")
    rep.add_argument("--figures", action="append", choices=("city", "district"), default=[],
                     help="also tabulate the scenario figures (buildings, footprint, coverage, floor area, FAR) by "
                     "city or district, as of the session's plan year (repeatable)")
    _add_plugin_options(rep)
    _add_layer_options(rep)
    return parser


def _add_sunlight_parser(ansub) -> None:
    sun = ansub.add_parser(
        "sunlight", help="hours of direct sun on a day (冬至 / 大寒) over an area, before and after a plan",
        description="Hours of direct sun at ground points (and on facades) over an area on a day, with the shadows "
        "of the terrain and of the buildings in the scene (--layer files, the landmarks, the procedural blocks unless "
        "--no-procedural, and the --plan buildings). The sun's path is NREL's SPA; times are China Standard Time "
        "(UTC+8). With --plan: the hours without and with the planned buildings and the loss per point.")
    sun.set_defaults(plugins="none")
    sun.add_argument("--area", required=True, metavar="BOX",
                     help="lon_min,lat_min,lon_max,lat_max inside the region, at most 10 km a side")
    sun.add_argument("--plan", action="append", default=[], metavar="FILE",
                     help="planned buildings (footprints with heights, any format ydtwin reads; repeatable): hours "
                     "without and with them")
    sun.add_argument("--plan-crs", default=None, metavar="CRS", help="CRS of the --plan files when they do not say")
    sun.add_argument("--date", default="winter-solstice", metavar="DAY",
                     help="YYYY-MM-DD, or winter-solstice (冬至, the default) or major-cold (大寒), optionally :YEAR "
                     "(default this year's)")
    sun.add_argument("--window", default=None, metavar="H:MM-H:MM",
                     help="when sun counts, in true solar time (default: 9:00-15:00 on 冬至, 8:00-16:00 on 大寒)")
    sun.add_argument("--clock-time", action="store_true",
                     help="read --window as China Standard Time on the clock instead of true solar time")
    sun.add_argument("--step", type=_number(float, 0.1, 60.0, " min"), default=1.0, metavar="MIN",
                     help="minutes between sun positions (default 1)")
    sun.add_argument("--spacing", type=_number(float, 0.0, 1000.0, " m"), default=10.0, metavar="M",
                     help="ground points every M metres (default 10; 0 for facades only)")
    sun.add_argument("--height", type=_number(float, 0.0, 500.0, " m"), default=0.0, metavar="M",
                     help="ground points M metres above the ground (default 0)")
    sun.add_argument("--facades", action="store_true",
                     help="also points on the walls of the buildings in the area, on every storey's window sill")
    sun.add_argument("--facade-spacing", type=_number(float, 0.5, 1000.0, " m"), default=5.0, metavar="M",
                     help="facade points every M metres along the walls (default 5)")
    sun.add_argument("--floors", type=_number(int, 1, 500), default=None, metavar="N",
                     help="facade points on the lowest N storeys only (default: every storey)")
    sun.add_argument("--min-hours", type=_number(float, 0.0, 24.0, " h"), default=2.0, metavar="H",
                     help="flag points with fewer hours (default 2; the standards ask 2 or 3)")
    sun.add_argument("--min-run", type=_number(float, 0.0, 600.0, " min"), default=0.0, metavar="MIN",
                     help="count only spells of sun at least MIN minutes long (default 0: every minute)")
    sun.add_argument("--no-procedural", action="store_true",
                     help="leave the procedural city blocks out: only the files' buildings and the landmarks (real "
                     "positions and heights, schematic outlines) cast shadows")
    sun.add_argument("--out", default=None, metavar="FILE", help="write the points and hours as .geojson or .csv")
    sun.add_argument("--image", default=None, metavar="FILE",
                     help="also render the result over the scene (.png, .jpg, .tif), looking at the area")
    sun.add_argument("--size", type=_size, default=(1600, 1000), metavar="WxH",
                     help="the image's pixels (default 1600x1000)")
    sun.add_argument("--map", action="store_true", help="the image as a plan view, north up")
    sun.add_argument("--dem", action="append", default=[], metavar="FILE",
                     help="a DEM (GeoTIFF or NetCDF) over the bundled terrain before the analysis (repeatable)")
    _add_layer_options(sun)
