"""The planned projects the eight city plugins ship (read by packaging/build_city_plugins.py).

Project NAMES are those of public plans where one is known; GEOMETRY is schematic (waypoints placed by
hand on the region's outlines, border crossings snapped to the shared city border) and every project is
``provenance = "illustrative"``. Some pairs are deliberately faulty so that the review checks have
something to find; they are marked ``# case:`` below and listed in assets/SOURCES.md.

Geometry specs:
- line: a list of waypoints: ``(lon, lat)`` or ``B("Neighbour", lon, lat, shift_m=0)`` — the point where
  the two cities meet nearest to (lon, lat) (on their shared border, or halfway across the water between
  them), moved ``shift_m`` along the border;
- zone: ``Z(lon, lat, radius_km)`` — an irregular disc clipped to the city, or
  ``S("Neighbour", lon, lat, length_km, depth_km, gap_m=0)`` — a strip along the shared border on this
  city's side, starting ``gap_m`` from the border;
- point: ``P(lon, lat)``.
"""

from __future__ import annotations

from typing import NamedTuple


class B(NamedTuple):
    neighbour: str
    lon: float
    lat: float
    shift_m: float = 0.0


class Z(NamedTuple):
    lon: float
    lat: float
    radius_km: float


class S(NamedTuple):
    neighbour: str
    lon: float
    lat: float
    length_km: float
    depth_km: float
    gap_m: float = 0.0


class P(NamedTuple):
    lon: float
    lat: float


def prj(key, title, title_zh, theme, kind, status, phase, owner, geometry, *, capacity=None, grade=None,
        notes="", max_height_m=None):
    return dict(key=key, title=title, title_zh=title_zh, theme=theme, kind=kind, status=status, phase=phase,
                owner=owner, geometry=geometry, capacity=capacity, grade=grade, notes=notes,
                max_height_m=max_height_m)


HSR = ("Shanghai–Suzhou–Huzhou high-speed railway", "沪苏湖高铁")
TSJY = ("Nantong–Suzhou–Jiaxing–Ningbo railway", "通苏嘉甬铁路")
YZ = ("Ningbo–Zhoushan railway", "甬舟铁路")

CITIES = {
    "Shanghai": dict(adcode="310000", zh="上海", bureau={
        "transportation": "Shanghai Municipal Transportation Commission",
        "ecological": "Shanghai Municipal Bureau of Ecology and Environment",
        "municipal": "Shanghai Water Authority",
        "internet": "Shanghai Municipal Commission of Economy and Informatization",
        "tourism": "Shanghai Municipal Administration of Culture and Tourism",
        "industry": "Shanghai Municipal Development and Reform Commission"}, projects=[
        prj("hsr", f"{HSR[0]} (Shanghai section)", f"{HSR[1]}（上海段）", "transportation", "rail", "built",
            (2020, 2024), None, [(121.32, 31.195), (121.18, 31.06), (121.02, 31.05), B("Suzhou", 120.895, 31.05)],
            capacity=2, grade="at_grade"),
        prj("metro-11-huaqiao", "Metro Line 11 Huaqiao extension", "轨道交通11号线花桥延伸段", "transportation",
            "metro", "built", (2010, 2013), None, [(121.20, 31.285), (121.17, 31.29), B("Suzhou", 121.145, 31.299)],
            capacity=2, grade="at_grade"),
        prj("metro-17-west", "Metro Line 17 western extension to the Water Town Living Room",
            "轨道交通17号线西延伸（至水乡客厅）", "transportation", "metro", "planned", (2025, 2030), None,
            [(121.05, 31.11), (120.97, 31.08), B("Suzhou", 120.895, 31.085)], capacity=2, grade="tunnel"),
        prj("yingdian-road", "Yingdian Road cross-border link (Qingpu–Kunshan)", "盈淀路省界连通", "transportation",
            "road", "built", (2017, 2018), None, [(121.12, 31.17), (121.09, 31.175), B("Suzhou", 121.065, 31.175)],
            capacity=4, grade="at_grade"),
        # case: offset — the two sides meet the border 350 m apart
        prj("jiayi-road", "Jiading–Taicang road link (Jiayi Road extension)", "嘉宜路延伸（嘉定—太仓）",
            "transportation", "road", "planned", (2026, 2028), None,
            [(121.24, 31.42), (121.21, 31.445), B("Suzhou", 121.19, 31.465)], capacity=4, grade="at_grade"),
        # case: phase mismatch — Shanghai opens in 2027, Jiaxing's side in 2035
        prj("jinping-rail", "Jinshan–Pinghu intercity railway (Shanghai section)", "金山—平湖城际铁路（上海段）",
            "transportation", "rail", "under_construction", (2023, 2027), None,
            [(121.33, 30.73), (121.22, 30.81), (121.16, 30.815), B("Jiaxing", 121.118, 30.81)],
            capacity=2, grade="at_grade"),
        prj("chongqi-g40", "G40 Shanghai–Xi'an expressway, Chongming section to the Chongqi Bridge",
            "G40沪陕高速崇明段（至崇启大桥）", "transportation", "road", "built", (2008, 2011), None,
            [(121.52, 31.60), (121.60, 31.66), B("Nantong", 121.62, 31.70)], capacity=6, grade="bridge"),
        prj("donghai-bridge", "Donghai Bridge (Shanghai section)", "东海大桥（上海段）", "transportation", "road",
            "built", (2002, 2005), None, [(121.90, 30.88), (121.93, 30.83), B("Zhoushan", 121.95, 30.785)],
            capacity=6, grade="bridge"),
        # case: conflict — Jiaxing plans an industrial zone 300 m from this water source zone
        prj("jinze-water-source", "Jinze water source protection zone (Taipu River)", "金泽水源地保护区（太浦河）",
            "ecological", "water_source", "built", (2014, 2016), None, S("Jiaxing", 120.965, 31.015, 4.0, 1.5)),
        prj("water-town-living-room", "Water Town Living Room, Yangtze Delta eco-green integration demonstration zone",
            "长三角生态绿色一体化发展示范区·水乡客厅（青浦）", "tourism", "tourism", "under_construction", (2021, 2026),
            None, Z(120.935, 31.075, 2.0)),
        prj("lingang-ic-park", "Lingang Special Area integrated-circuit industry park", "临港新片区集成电路产业园",
            "industry", "industrial", "under_construction", (2019, 2027), None, Z(121.88, 30.91, 3.0)),
        prj("fibre-qingpu-kunshan", "Shanghai–Suzhou cross-border fibre backbone (Qingpu–Kunshan)",
            "沪苏跨界骨干光缆（青浦—昆山）", "internet", "fibre", "planned", (2025, 2026), None,
            [(121.12, 31.15), (121.10, 31.21), B("Suzhou", 121.065, 31.22)]),
        prj("fibre-chongqi", "Chongming–Nantong fibre along the Chongqi Bridge (Chongming section)",
            "崇启大桥沿线光缆（崇明段）", "internet", "fibre", "planned", (2025, 2026), None,
            [(121.52, 31.62), (121.58, 31.68), B("Nantong", 121.60, 31.71)]),
        prj("bailonggang-wwtp", "Bailonggang wastewater treatment plant upgrade", "白龙港污水处理厂提标改造",
            "municipal", "facility", "under_construction", (2022, 2026), None, P(121.69, 31.28)),
        # a height-controlled zone: 45 m is the height of an airport's inner horizontal obstacle surface (ICAO
        # Annex 14); the zone's outline west of Hongqiao's runways is schematic
        prj("hongqiao-approach-height", "Hongqiao Airport western approach height-control area",
            "虹桥机场西侧进近净空限高区", "transportation", "urban", "built", (2010, 2010),
            "Shanghai Municipal Bureau of Planning and Natural Resources", Z(121.29, 31.195, 1.5), max_height_m=45,
            notes="Illustrative: 45 m as an inner horizontal obstacle surface; the outline is schematic."),
    ]),
    "Suzhou": dict(adcode="320500", zh="苏州", bureau={
        "transportation": "Suzhou Municipal Transport Bureau",
        "ecological": "Suzhou Municipal Bureau of Ecology and Environment",
        "municipal": "Suzhou Water Affairs Bureau",
        "internet": "Suzhou Bureau of Industry and Information Technology",
        "tourism": "Suzhou Municipal Bureau of Culture, Radio, Television and Tourism",
        "industry": "Suzhou Municipal Development and Reform Commission"}, projects=[
        prj("hsr", f"{HSR[0]} (Suzhou section)", f"{HSR[1]}（苏州段）", "transportation", "rail", "built",
            (2020, 2024), None, [B("Shanghai", 120.895, 31.05), (120.80, 31.02), (120.72, 31.00), (120.62, 30.94),
                                 B("Huzhou", 120.44, 30.88)], capacity=2, grade="at_grade"),
        prj("s1-kunshan", "Suzhou Rail Transit Line S1 (Kunshan–Huaqiao)", "苏州轨道交通S1线（昆山—花桥）",
            "transportation", "metro", "built", (2018, 2023), None,
            [B("Shanghai", 121.145, 31.299), (121.115, 31.30), (121.05, 31.33), (120.97, 31.38)],
            capacity=2, grade="at_grade"),
        prj("metro-10-wujiang", "Rail Transit Line 10 extension to the Water Town Living Room",
            "轨道交通10号线延伸（至水乡客厅）", "transportation", "metro", "planned", (2025, 2030), None,
            [B("Shanghai", 120.895, 31.085), (120.84, 31.08), (120.74, 31.12)], capacity=2, grade="tunnel"),
        prj("xinle-road", "Xinle Road cross-border link (Kunshan–Qingpu)", "新乐路省界连通", "transportation", "road",
            "built", (2017, 2018), None, [B("Shanghai", 121.065, 31.175), (121.03, 31.19), (121.00, 31.21)],
            capacity=4, grade="at_grade"),
        # case: offset — moved 350 m along the border from Shanghai's Jiayi Road
        prj("loujiang-road", "Taicang Loujiang Road east extension", "太仓娄江路东延", "transportation", "road",
            "planned", (2026, 2028), None, [B("Shanghai", 121.19, 31.465, shift_m=350.0), (121.17, 31.48),
                                           (121.12, 31.49)], capacity=4, grade="at_grade"),
        prj("tsjy", f"{TSJY[0]} (Suzhou section)", f"{TSJY[1]}（苏州段）", "transportation", "rail",
            "under_construction", (2023, 2028), None,
            [B("Nantong", 120.90, 31.90), (120.82, 31.70), (120.82, 31.35), (120.74, 31.05),
             B("Jiaxing", 120.74, 30.96)], capacity=2, grade="bridge"),
        # case: class mismatch — six lanes here, two on Jiaxing's side
        prj("lize-xitang-road", "Lize–Xitang cross-border road (Wujiang)", "黎里—西塘跨界道路（吴江）",
            "transportation", "road", "planned", (2026, 2029), None,
            [(120.72, 31.02), (120.78, 31.02), B("Jiaxing", 120.80, 30.995)], capacity=6, grade="at_grade"),
        # case: grade mismatch — a viaduct here, at grade on Wuxi's side
        prj("suxichang-south", "Su–Xi–Chang South Expressway extension (Suzhou section)",
            "苏锡常南部高速延伸（苏州段）", "transportation", "road", "planned", (2026, 2030), None,
            [(120.50, 31.28), (120.44, 31.36), B("Wuxi", 120.40, 31.44)], capacity=6, grade="bridge"),
        prj("xiangcheng-xishan-road", "Xiangcheng–Xishan cross-border road", "相城—锡山跨界道路", "transportation",
            "road", "planned", (2025, 2028), None, [(120.62, 31.45), (120.58, 31.49), B("Wuxi", 120.554, 31.51)],
            capacity=4, grade="at_grade"),
        prj("taihu-pipeline", "Taihu raw-water transfer pipeline (Suzhou section)", "太湖原水输送管道（苏州段）",
            "municipal", "pipe", "planned", (2026, 2029), None,
            [(120.66, 31.62), (120.61, 31.63), B("Wuxi", 120.58, 31.635)], capacity=1),
        prj("fibre-kunshan-qingpu", "Shanghai–Suzhou cross-border fibre backbone (Kunshan–Qingpu)",
            "沪苏跨界骨干光缆（昆山—青浦）", "internet", "fibre", "planned", (2025, 2026), None,
            [B("Shanghai", 121.065, 31.22), (121.02, 31.26), (120.95, 31.33)]),
        prj("nanxun-zhenze-road", "Zhenze–Nanxun road link", "震泽—南浔道路连通", "transportation", "road",
            "under_construction", (2024, 2026), None, [(120.52, 30.92), (120.46, 30.91), B("Huzhou", 120.43, 30.90)],
            capacity=4, grade="at_grade"),
        prj("taihu-shore-restoration", "East Taihu lakeshore ecological restoration (Wujiang)", "东太湖生态岸线修复（吴江）",
            "ecological", "ecological", "under_construction", (2022, 2027), None, Z(120.55, 31.08, 3.0)),
        prj("sip-nanotech", "Suzhou Industrial Park nanotechnology cluster", "苏州工业园区纳米技术产业集群", "industry",
            "industrial", "under_construction", (2021, 2026), None, Z(120.76, 31.30, 2.5)),
        prj("tongli-zhouzhuang", "Tongli–Zhouzhuang water-town tourism zone", "同里—周庄水乡旅游区", "tourism",
            "tourism", "planned", (2025, 2030), None, Z(120.78, 31.14, 3.0)),
        # a height-controlled zone: Suzhou's historic city plan keeps new buildings inside the old town to 24 m;
        # the outline here is a schematic disc over the moat-ringed old town
        prj("gusu-height-control", "Suzhou historic city (Gusu) height-control area", "苏州古城高度控制区",
            "tourism", "urban", "built", (2013, 2013), "Suzhou Municipal Bureau of Natural Resources and Planning",
            Z(120.622, 31.312, 1.9), max_height_m=24,
            notes="Illustrative: 24 m after the historic city conservation plan; the outline is schematic."),
    ]),
    "Wuxi": dict(adcode="320200", zh="无锡", gcj02_undeclared=True, bureau={
        "transportation": "Wuxi Municipal Transport Bureau",
        "ecological": "Wuxi Municipal Bureau of Ecology and Environment",
        "municipal": "Wuxi Water Affairs Bureau",
        "internet": "Wuxi Bureau of Industry and Information Technology",
        "tourism": "Wuxi Municipal Bureau of Culture, Radio, Television and Tourism",
        "industry": "Wuxi Municipal Development and Reform Commission"}, projects=[
        # case: datum — the whole Wuxi file was digitised on a web map (GCJ-02) and is declared WGS84
        prj("suxichang-south", "Su–Xi–Chang South Expressway extension (Wuxi section)", "苏锡常南部高速延伸（无锡段）",
            "transportation", "road", "planned", (2026, 2030), None,
            [B("Suzhou", 120.40, 31.44), (120.33, 31.46), (120.27, 31.50)], capacity=6, grade="at_grade"),
        prj("xishan-xiangcheng-road", "Xishan–Xiangcheng cross-border road", "锡山—相城跨界道路", "transportation",
            "road", "planned", (2025, 2028), None, [B("Suzhou", 120.554, 31.51), (120.45, 31.56), (120.40, 31.58)],
            capacity=4, grade="at_grade"),
        prj("taihu-pipeline", "Taihu raw-water transfer pipeline (Wuxi section)", "太湖原水输送管道（无锡段）",
            "municipal", "pipe", "planned", (2026, 2029), None,
            [B("Suzhou", 120.58, 31.635), (120.50, 31.64), (120.40, 31.62)], capacity=1),
        prj("shuofang-airport", "Sunan Shuofang International Airport expansion", "苏南硕放国际机场改扩建",
            "transportation", "facility", "under_construction", (2023, 2027), None, P(120.43, 31.49)),
        prj("meiliang-bay", "Meiliang Bay (Taihu) ecological protection zone", "太湖梅梁湾生态保护区", "ecological",
            "ecological", "built", (2008, 2012), None, Z(120.17, 31.47, 3.0)),
        prj("iot-ring", "Wuxi IoT backbone fibre ring", "无锡物联网骨干光纤环网", "internet", "fibre", "planned",
            (2025, 2027), None, [(120.25, 31.50), (120.32, 31.60), (120.40, 31.57), (120.35, 31.52),
                                 (120.25, 31.50)]),
        prj("yuantouzhu", "Yuantouzhu–Lingshan lakeside tourism zone", "鼋头渚—灵山环湖旅游区", "tourism", "tourism",
            "planned", (2025, 2028), None, Z(120.21, 31.51, 2.0)),
        prj("hitech-ic", "Wuxi High-tech Zone integrated-circuit park", "无锡高新区集成电路产业园", "industry",
            "industrial", "under_construction", (2020, 2026), None, Z(120.40, 31.53, 2.0)),
        prj("xidong-waterworks", "Xidong waterworks expansion", "锡东水厂扩建", "municipal", "facility", "planned",
            (2026, 2028), None, P(120.46, 31.62)),
    ]),
    "Nantong": dict(adcode="320600", zh="南通", bureau={
        "transportation": "Nantong Municipal Transport Bureau",
        "ecological": "Nantong Municipal Bureau of Ecology and Environment",
        "municipal": "Nantong Water Affairs Bureau",
        "internet": "Nantong Bureau of Industry and Information Technology",
        "tourism": "Nantong Municipal Bureau of Culture, Radio, Television and Tourism",
        "industry": "Nantong Municipal Development and Reform Commission"}, projects=[
        prj("tsjy", f"{TSJY[0]} (Nantong section)", f"{TSJY[1]}（南通段）", "transportation", "rail",
            "under_construction", (2023, 2028), None, [(120.80, 32.08), (120.88, 31.98), B("Suzhou", 120.90, 31.90)],
            capacity=2, grade="bridge"),
        prj("chongqi-g40", "G40 Chongqi Bridge, Qidong approach", "G40崇启大桥启东接线", "transportation", "road",
            "built", (2008, 2011), None, [B("Shanghai", 121.62, 31.70), (121.65, 31.82), (121.66, 31.88)],
            capacity=6, grade="bridge"),
        prj("new-airport", "Nantong New Airport (Shanghai's third airport)", "南通新机场（上海第三机场）",
            "transportation", "facility", "planned", (2025, 2030), None, P(121.20, 31.93)),
        prj("tongzhou-bay-port", "Tongzhou Bay container port area", "通州湾集装箱港区", "transportation", "port",
            "under_construction", (2020, 2027), None, Z(121.38, 32.20, 3.0)),
        prj("river-shore-belt", "Yangtze shoreline ecological belt (Nantong)", "长江岸线生态带（南通）", "ecological",
            "ecological", "under_construction", (2019, 2025), None, Z(120.97, 31.94, 2.5)),
        prj("fibre-chongqi", "Nantong–Chongming fibre along the Chongqi Bridge", "崇启大桥沿线光缆（南通—崇明）",
            "internet", "fibre", "planned", (2025, 2026), None,
            [B("Shanghai", 121.60, 31.71), (121.64, 31.84), (121.62, 31.90)]),
        prj("langshan", "Langshan scenic area renewal", "狼山风景区提升", "tourism", "tourism", "planned",
            (2025, 2027), None, Z(120.885, 31.955, 1.2)),
        prj("langshan-intake", "Langshan Yangtze water intake upgrade", "狼山长江取水口改造", "municipal", "facility",
            "planned", (2025, 2027), None, P(120.87, 31.975)),
        prj("qidong-marine", "Qidong offshore-equipment and shipbuilding cluster", "启东海工装备与船舶产业集群",
            "industry", "industrial", "under_construction", (2021, 2026), None, Z(121.72, 31.80, 2.5)),
    ]),
    "Jiaxing": dict(adcode="330400", zh="嘉兴", bureau={
        "transportation": "Jiaxing Municipal Transport Bureau",
        "ecological": "Jiaxing Municipal Bureau of Ecology and Environment",
        "municipal": "Jiaxing Water Resources Bureau",
        "internet": "Jiaxing Bureau of Economy and Information Technology",
        "tourism": "Jiaxing Municipal Bureau of Culture, Radio, Television and Tourism",
        "industry": "Jiaxing Municipal Development and Reform Commission"}, projects=[
        prj("tsjy", f"{TSJY[0]} (Jiaxing section)", f"{TSJY[1]}（嘉兴段）", "transportation", "rail",
            "under_construction", (2023, 2028), None,
            [B("Suzhou", 120.74, 30.96), (120.76, 30.78), (120.90, 30.55), B("Ningbo", 121.00, 30.40)],
            capacity=2, grade="bridge"),
        # case: phase mismatch with Shanghai's 2027 opening
        prj("pingjin-rail", "Pinghu–Jinshan intercity railway (Jiaxing section)", "平湖—金山城际铁路（嘉兴段）",
            "transportation", "rail", "planned", (2030, 2035), None,
            [B("Shanghai", 121.118, 30.81), (121.08, 30.80), (121.02, 30.70)], capacity=2, grade="at_grade"),
        # case: dangling — nothing on Shanghai's side
        prj("pinghu-jinshan-road", "Pinghu–Jinshan intercity road (Pinghu section)", "平湖—金山城际公路（平湖段）",
            "transportation", "road", "planned", (2027, 2030), None,
            [(121.02, 30.68), (121.10, 30.70), B("Shanghai", 121.17, 30.73)], capacity=4, grade="at_grade"),
        # case: class mismatch — two lanes here, six on Suzhou's side
        prj("xitang-lize-road", "Xitang–Lize cross-border road (Jiashan)", "西塘—黎里跨界道路（嘉善）",
            "transportation", "road", "planned", (2026, 2029), None,
            [B("Suzhou", 120.80, 30.995), (120.82, 30.96), (120.86, 30.93)], capacity=2, grade="at_grade"),
        # case: conflict — industry 300 m from Shanghai's Jinze water source zone
        prj("jiashan-industry", "Jiashan north industrial cluster expansion (Yaozhuang)", "嘉善北部产业集群扩区（姚庄）",
            "industry", "industrial", "planned", (2026, 2030), None, S("Shanghai", 120.965, 31.015, 4.0, 1.5, 300.0)),
        prj("xitang-town", "Xitang ancient town tourism zone", "西塘古镇旅游区", "tourism", "tourism", "built",
            (2015, 2020), None, Z(120.89, 30.94, 1.2)),
        prj("nanhu-wetland", "Nanhu (South Lake) ecological zone", "南湖生态区", "ecological", "ecological",
            "built", (2016, 2021), None, Z(120.765, 30.755, 1.5)),
        prj("wuzhen-fibre", "Wuzhen–Jiaxing internet backbone fibre", "乌镇—嘉兴互联网骨干光缆", "internet", "fibre",
            "under_construction", (2024, 2026), None, [(120.49, 30.74), (120.62, 30.75), (120.75, 30.76)]),
        prj("hangjiahu-water", "Hang–Jia–Hu water diversion pipeline (Jiaxing)", "杭嘉湖引水管线（嘉兴）", "municipal",
            "pipe", "planned", (2026, 2029), None, [(120.50, 30.60), (120.62, 30.66), (120.74, 30.72)]),
    ]),
    "Ningbo": dict(adcode="330200", zh="宁波", bureau={
        "transportation": "Ningbo Municipal Transport Bureau",
        "ecological": "Ningbo Municipal Bureau of Ecology and Environment",
        "municipal": "Ningbo Water Resources Bureau",
        "internet": "Ningbo Bureau of Economy and Information Technology",
        "tourism": "Ningbo Municipal Bureau of Culture, Radio, Television and Tourism",
        "industry": "Ningbo Municipal Development and Reform Commission"}, projects=[
        prj("tsjy", f"{TSJY[0]} (Ningbo section)", f"{TSJY[1]}（宁波段）", "transportation", "rail",
            "under_construction", (2023, 2028), None,
            [B("Jiaxing", 121.00, 30.40), (121.20, 30.18), (121.40, 30.00), (121.55, 29.87)], capacity=2,
            grade="bridge"),
        prj("yz-rail", f"{YZ[0]} (Ningbo section)", f"{YZ[1]}（宁波段）", "transportation", "rail",
            "under_construction", (2021, 2028), None, [(121.60, 29.88), (121.78, 29.93), B("Zhoushan", 121.90, 30.00)],
            capacity=2, grade="bridge"),
        prj("meishan-port", "Ningbo-Zhoushan Port Meishan container terminals", "宁波舟山港梅山集装箱码头",
            "transportation", "port", "under_construction", (2020, 2026), None, Z(121.96, 29.78, 2.0)),
        prj("hangzhou-bay-wetland", "Hangzhou Bay national wetland park", "杭州湾国家湿地公园", "ecological",
            "ecological", "built", (2010, 2015), None, Z(121.17, 30.30, 2.0)),
        prj("zhenhai-petrochem", "Zhenhai petrochemical cluster", "镇海石化产业集群", "industry", "industrial",
            "under_construction", (2021, 2027), None, Z(121.67, 29.99, 2.0)),
        prj("dongqian-lake", "Dongqian Lake tourism resort", "东钱湖旅游度假区", "tourism", "tourism", "planned",
            (2025, 2030), None, Z(121.65, 29.77, 2.0)),
        prj("submarine-fibre", "Ningbo–Zhoushan submarine fibre (Ningbo landing)", "甬舟海底光缆（宁波登陆段）",
            "internet", "fibre", "planned", (2025, 2027), None, [(121.75, 29.95), B("Zhoushan", 121.88, 30.02)]),
        prj("mainland-water", "Zhoushan mainland water diversion phase III (Ningbo section)",
            "舟山大陆引水三期（宁波段）", "municipal", "pipe", "under_construction", (2020, 2026), None,
            [(121.62, 29.94), (121.75, 29.97), B("Zhoushan", 121.86, 30.04)], capacity=1),
        prj("lishe-t3", "Lishe International Airport Terminal 3", "栎社国际机场T3航站楼", "transportation", "facility",
            "under_construction", (2022, 2026), None, P(121.46, 29.83)),
    ]),
    "Zhoushan": dict(adcode="330900", zh="舟山", bureau={
        "transportation": "Zhoushan Municipal Transport Bureau",
        "ecological": "Zhoushan Municipal Bureau of Ecology and Environment",
        "municipal": "Zhoushan Water Resources Bureau",
        "internet": "Zhoushan Bureau of Economy and Information Technology",
        "tourism": "Zhoushan Municipal Bureau of Culture, Radio, Television and Tourism",
        "industry": "Zhoushan Municipal Development and Reform Commission"}, projects=[
        prj("yz-rail", f"{YZ[0]} (Zhoushan section)", f"{YZ[1]}（舟山段）", "transportation", "rail",
            "under_construction", (2021, 2028), None, [B("Ningbo", 121.90, 30.00), (121.93, 30.04), (122.10, 30.03)],
            capacity=2, grade="bridge"),
        prj("submarine-fibre", "Ningbo–Zhoushan submarine fibre (Zhoushan landing)", "甬舟海底光缆（舟山登陆段）",
            "internet", "fibre", "planned", (2025, 2027), None, [B("Ningbo", 121.88, 30.02), (121.95, 30.05)]),
        prj("mainland-water", "Zhoushan mainland water diversion phase III (Zhoushan section)",
            "舟山大陆引水三期（舟山段）", "municipal", "pipe", "under_construction", (2020, 2026), None,
            [B("Ningbo", 121.86, 30.04), (121.93, 30.06), (122.05, 30.04)], capacity=1),
        prj("donghai-bridge", "Donghai Bridge (Shengsi section, to Xiaoyangshan)", "东海大桥（嵊泗段，至小洋山）",
            "transportation", "road", "built", (2002, 2005), None,
            [B("Shanghai", 121.95, 30.785), (122.00, 30.70), (122.04, 30.64)], capacity=6, grade="bridge"),
        prj("xiaoyangshan-north", "Yangshan Port, Xiaoyangshan North operation area", "洋山港小洋山北作业区",
            "transportation", "port", "planned", (2024, 2030), None, Z(122.06, 30.65, 1.5)),
        prj("green-petrochem", "Zhoushan green petrochemical base (Yushan Island)", "舟山绿色石化基地（鱼山岛）",
            "industry", "industrial", "built", (2015, 2022), None, Z(122.22, 30.24, 1.2)),
        prj("putuoshan", "Putuoshan scenic area", "普陀山风景区", "tourism", "tourism", "built", (2018, 2023), None,
            Z(122.385, 30.005, 1.5)),
        prj("shengsi-marine", "Shengsi Islands marine special protection area", "嵊泗列岛海洋特别保护区", "ecological",
            "ecological", "built", (2012, 2016), None, Z(122.45, 30.72, 3.0)),
        prj("putuo-airport", "Zhoushan Putuoshan Airport expansion", "舟山普陀山机场扩建", "transportation",
            "facility", "planned", (2025, 2028), None, P(122.36, 29.935)),
    ]),
    "Huzhou": dict(adcode="330500", zh="湖州", bureau={
        "transportation": "Huzhou Municipal Transport Bureau",
        "ecological": "Huzhou Municipal Bureau of Ecology and Environment",
        "municipal": "Huzhou Water Resources Bureau",
        "internet": "Huzhou Bureau of Economy and Information Technology",
        "tourism": "Huzhou Municipal Bureau of Culture, Radio, Television and Tourism",
        "industry": "Huzhou Municipal Development and Reform Commission"}, projects=[
        prj("hsr", f"{HSR[0]} (Huzhou section)", f"{HSR[1]}（湖州段）", "transportation", "rail", "built",
            (2020, 2024), None, [B("Suzhou", 120.44, 30.88), (120.40, 30.87), (120.12, 30.87)],
            capacity=2, grade="at_grade"),
        prj("nanxun-zhenze-road", "Nanxun–Zhenze road link", "南浔—震泽道路连通", "transportation", "road",
            "under_construction", (2024, 2026), None, [B("Suzhou", 120.43, 30.90), (120.40, 30.88), (120.37, 30.87)],
            capacity=4, grade="at_grade"),
        prj("anji-bamboo", "Anji bamboo-forest ecological protection zone", "安吉竹林生态保护区", "ecological",
            "ecological", "built", (2015, 2020), None, Z(119.65, 30.60, 4.0)),
        prj("moganshan", "Moganshan international tourism resort", "莫干山国际旅游度假区", "tourism", "tourism",
            "under_construction", (2021, 2026), None, Z(119.87, 30.60, 2.5)),
        prj("changxing-battery", "Changxing new-energy battery industry park", "长兴新能源电池产业园", "industry",
            "industrial", "under_construction", (2021, 2027), None, Z(119.90, 31.01, 2.5)),
        prj("south-taihu-fibre", "South Taihu digital backbone fibre", "南太湖数字骨干光缆", "internet", "fibre",
            "planned", (2025, 2027), None, [(119.90, 31.00), (120.05, 30.92), (120.12, 30.88), (120.30, 30.87)]),
        prj("taihu-waterworks", "South Taihu waterworks", "南太湖水厂", "municipal", "facility", "planned",
            (2026, 2028), None, P(120.08, 30.90)),
        prj("nanxun-town", "Nanxun ancient town tourism zone", "南浔古镇旅游区", "tourism", "tourism", "built",
            (2016, 2020), None, Z(120.42, 30.875, 1.0)),
    ]),
}

# A theme that is not a city: blue-green ecological corridors across the region, as its own plugin.
ECOCORRIDORS = dict(
    name="ydtwin-ecocorridors",
    theme=dict(id="ecocorridors.blue-green", title="Blue-green corridors", title_zh="蓝绿生态廊道",
               colour="#12a4b4"),
    corridors=[
        ("taipu-river", "Taipu River blue-green corridor", "太浦河蓝绿廊道",
         [(120.48, 30.98), (120.65, 31.00), (120.80, 31.02), (120.93, 31.03), (121.05, 31.00)]),
        ("yangtze-shore", "Yangtze south-bank ecological corridor", "长江南岸生态廊道",
         [(120.30, 31.95), (120.60, 31.97), (120.85, 31.80), (121.10, 31.60), (121.30, 31.50)]),
        ("hangzhou-bay-shore", "Hangzhou Bay north-shore coastal corridor", "杭州湾北岸滨海廊道",
         [(120.85, 30.50), (121.00, 30.62), (121.20, 30.72), (121.45, 30.78), (121.70, 30.85)]),
        ("taihu-ring", "Taihu lakeshore greenway", "环太湖绿道",
         [(119.95, 31.10), (120.05, 31.30), (120.20, 31.45), (120.40, 31.35), (120.45, 31.15), (120.30, 30.97),
          (120.10, 30.95), (119.95, 31.10)]),
    ],
)
