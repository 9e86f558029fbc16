"""The review report: one self-contained HTML page (images inline) from a session and a still per finding.

Pure text generation; the stills are rendered by the caller (``ydtwin.render.snapshot.snapshots``) and the
PDF is printed by the Qt shell from this same HTML.
"""

from __future__ import annotations

import base64
import html
from collections import Counter, defaultdict

__all__ = ["finding_view", "report_html"]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
STATUS_COLOURS = {"open": "#c0392b", "agreed": "#2e86c1", "deferred": "#b9770e", "resolved": "#239b56"}


def finding_view(finding: dict, half_deg: float = 0.03) -> str:
    """The box view (``lon0,lat0,lon1,lat1``) a finding's still is taken from: around its location."""
    lon, lat = finding["location"]
    return f"{lon - half_deg},{lat - half_deg * 0.8},{lon + half_deg},{lat + half_deg * 0.8}"


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


def report_html(session, images: dict[str, bytes], *, inline: bool = True, title: str = "") -> str:
    """HTML of the session: a summary per city pair, then each finding (still, status, thread). ``images``:
    finding id → PNG bytes; ``inline`` puts them in the page as data URIs (else they are named
    ``finding-<n>.png`` for the caller to provide)."""
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
        "<h2>Summary by city pair</h2><table><tr><th>cities</th>"
        + "".join(f"<th>{s}</th>" for s in statuses) + "<th>total</th></tr>",
    ]
    for pair in sorted(pairs):
        c = pairs[pair]
        out.append(f"<tr><td>{e(pair)}</td>" + "".join(f"<td>{c[s]}</td>" for s in statuses)
                   + f"<td>{sum(c.values())}</td></tr>")
    out.append("</table><h2>Findings</h2>")
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
