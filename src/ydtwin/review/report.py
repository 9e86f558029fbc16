"""The review report: one self-contained HTML page (images inline) from a session and a still per finding.

Pure text generation; the stills are rendered by the caller (``ydtwin.render.finding_still``) and the
PDF is printed by the Qt shell from this same HTML.
"""

from __future__ import annotations

import base64
import html
import math
from collections import Counter, defaultdict

__all__ = ["finding_links", "finding_points", "finding_view", "report_html"]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
STATUS_COLOURS = {"open": "#c0392b", "agreed": "#2e86c1", "deferred": "#b9770e", "resolved": "#239b56"}


def finding_view(finding: dict, half_deg: float = 0.03) -> str:
    """The box view (``lon0,lat0,lon1,lat1``) a finding is looked at from: around the ends it is about (both
    sides of a link, with as much again around them, at least ~700 m across), else around its location."""
    points = finding_points(finding)
    if points:
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        lon, lat = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
        half = max(max(lons) - min(lons), max(lats) - min(lats), 0.0035)
        return f"{lon - half},{lat - half * 0.8},{lon + half},{lat + half * 0.8}"
    lon, lat = finding["location"]
    return f"{lon - half_deg},{lat - half_deg * 0.8},{lon + half_deg},{lat + half_deg * 0.8}"


def _position(value) -> tuple[float, float] | None:
    """[lon, lat] from a finding's details (a file a planner opened: anything malformed is None)."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value):
        return None
    lon, lat = float(value[0]), float(value[1])
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


def _ends(finding) -> list[tuple[float, float]]:
    details = finding.get("details") if isinstance(finding, dict) else None
    ends = details.get("ends") if isinstance(details, dict) else None
    if not isinstance(ends, list) or not 1 <= len(ends) <= 2:
        return []
    out = [_position(e) for e in ends]
    return [] if None in out else out  # type: ignore[return-value]


def _children(finding: dict) -> list[dict]:
    details = finding.get("details")
    children = details.get("children") if isinstance(details, dict) else None
    return [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []


def finding_links(finding: dict) -> list[tuple[tuple[float, float], tuple[float, float], float, tuple[str, str]]]:
    """The measured gaps a finding is about: (end a, end b, metres, (city of a, city of b)) for its two
    ``details.ends`` and for those of its children (the offsets a datum shift explains); the metres are
    ``details.distance_m`` where given, the cities ``details.sides`` ("" where not given)."""
    out = []
    for f in [finding, *_children(finding)]:
        ends = _ends(f)
        if len(ends) != 2:
            continue
        details = f["details"]  # there: the ends came from the details
        d = details.get("distance_m")
        if not (isinstance(d, int | float) and not isinstance(d, bool) and math.isfinite(d) and d >= 0):
            d = _metres(*ends)
        sides = details.get("sides")
        if not (isinstance(sides, list) and len(sides) == 2 and all(isinstance(c, str) for c in sides)):
            sides = ["", ""]
        out.append((ends[0], ends[1], float(d), (sides[0][:60], sides[1][:60])))
    return out


def finding_points(finding: dict) -> list[tuple[float, float]]:
    """Every position a finding is about (the ends of its links and its children's, a dangling end)."""
    return [p for f in [finding, *_children(finding)] for p in _ends(f)]


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance on the ground between two nearby positions (m; an equirectangular approximation)."""
    k = math.cos(math.radians((a[1] + b[1]) / 2))
    return 6_371_008.8 * math.radians(math.hypot((b[0] - a[0]) * k, b[1] - a[1]))


def scenario_text(scenario: dict) -> str:
    """What a session was checked on, for people: "Region yrd8 · plan year 2030 · plugins: … · rules: …"."""
    parts = [f"Region {scenario['region']}"] if scenario.get("region") else []
    year = scenario.get("year")
    parts.append(f"plan year {year}" if year is not None else "all plan years")
    for key in ("plugins", "rules"):
        values = scenario.get(key) or []
        if values:
            parts.append(f"{len(values)} {key}: {', '.join(map(str, values))}")
    return " · ".join(parts)


def _img(data: bytes | None, name: str, inline: bool) -> str:
    if data is None:
        return '<p class="noimg">(no still)</p>'
    src = f"data:image/png;base64,{base64.b64encode(data).decode()}" if inline else name
    return f'<img src="{src}" alt="{html.escape(name)}" width="480">'


def report_html(session, images: dict[str, bytes], *, inline: bool = True, title: str = "", sources: str = "",
                figures: list[dict] = ()) -> str:
    """HTML of the session: a summary per city pair, the scenario figures, then each finding (still, status,
    thread). ``images``: finding id → PNG bytes; ``inline`` puts them in the page as data URIs (else they are named
    ``finding-<n>.png`` for the caller to provide); ``sources``: the data the stills show, credited once;
    ``figures``: tables ({title, columns, rows, notes}) of scenario figures."""
    e = html.escape
    recs = sorted(session.findings.values(),
                  key=lambda r: (SEVERITY_ORDER.get(r["finding"].get("severity"), 3), r["finding"]["kind"],
                                 r["finding"]["id"]))
    pairs: dict[str, Counter] = defaultdict(Counter)
    for rec in recs:
        f = rec["finding"]
        pairs[" – ".join(f.get("cities", []))][rec["status"]] += 1
    statuses = ("open", "agreed", "deferred", "resolved")
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title or session.title or 'ydtwin review')}</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}"
        "td,th{border:1px solid #bbb;padding:4px 8px}.finding{border-top:2px solid #444;margin-top:1.5em;"
        "padding-top:.5em}.status{color:#fff;padding:2px 6px;border-radius:3px}.comment{margin:.3em 0 .3em 1em}"
        ".meta{color:#555;font-size:90%}</style></head><body>",
        f"<h1>{e(title or session.title or 'Joint review')}</h1>",
        f'<p class="meta">{e(scenario_text(session.scenario))} · {len(recs)} findings · plans are illustrative '
        "where their plugins say so.</p>",
        *([f'<p class="meta">Sources of the stills: {e(sources)}</p>'] if sources else []),
        "<h2>Summary by city pair</h2><table><tr><th>cities</th>"
        + "".join(f"<th>{s}</th>" for s in statuses) + "<th>total</th></tr>",
    ]
    for pair in sorted(pairs):
        c = pairs[pair]
        out.append(f"<tr><td>{e(pair)}</td>" + "".join(f"<td>{c[s]}</td>" for s in statuses)
                   + f"<td>{sum(c.values())}</td></tr>")
    out.append("</table>")
    for table in figures:
        out.append(f"<h2>{e(table['title'])}</h2><table><tr>" + "".join(f"<th>{e(c)}</th>" for c in table["columns"])
                   + "</tr>")
        out.extend("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in table["rows"])
        out.append("</table>" + "".join(f'<p class="meta">{e(n)}</p>' for n in table.get("notes", [])))
    out.append("<h2>Findings</h2>")
    for n, rec in enumerate(recs, 1):
        f = rec["finding"]
        status = rec["status"]
        lon, lat = f["location"]
        out.append(f'<div class="finding" id="{e(f["id"])}">')
        out.append(f"<h3>{n}. {e(f['kind'].replace('_', ' '))} — {e(', '.join(f.get('cities', [])))}</h3>")
        out.append(f'<p><span class="status" style="background:{STATUS_COLOURS.get(status, "#777")}">'
                   f"{e(status)}</span> severity {e(f.get('severity', ''))} · at {lat:.5f} N, {lon:.5f} E · "
                   f"<code>{e(f['id'])}</code></p>")
        out.append(f"<p>{e(f['message'])}</p>")
        why = (f.get("details") or {}).get("tolerance") if isinstance(f.get("details"), dict) else None
        if isinstance(why, str):  # which connection tolerance the check used, and why
            out.append(f'<p class="meta">Tolerance: {e(why)}</p>')
        children = (f.get("details") or {}).get("children", [])  # e.g. the offsets a datum shift explains
        if children:
            out.append("<ul>" + "".join(f"<li>{e(str(c.get('message', '')))}</li>" for c in children) + "</ul>")
        out.append(f"<p class=\"meta\">Projects: {e(', '.join(f.get('projects', [])))}</p>")
        # the still in a block of its own (Qt's PDF layout would float an image beside a short line of text)
        out.append(f'<p style="page-break-inside:avoid">{_img(images.get(f["id"]), f"finding-{n}.png", inline)}</p>')
        for h in rec.get("history", []):
            out.append(f'<p class="meta">{e(h["time"])} {e(h["author"])} ({e(h["city"])}): status '
                       f"{e(h['from'])} → {e(h['to'])}</p>")
        for c in rec.get("comments", []):
            out.append(f'<p class="comment"><b>{e(c["author"])}</b> ({e(c["city"])}, {e(c["time"])}): '
                       f"{e(c['text'])}</p>")
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out)
