"""Small SVG charts drawn on the server: no chart library, no CDN, readable when printed."""
from __future__ import annotations

from html import escape


def bar_chart(items: list[tuple[str, float]], *, width: int = 640, bar_height: int = 22,
              colour: str = "#5b2a86", unit: str = "") -> str:
    """Horizontal bars with labels and values, one row per item."""
    if not items:
        return '<p class="muted">No data yet.</p>'
    label_w, value_w = 150, 70
    peak = max(value for _, value in items) or 1
    span = width - label_w - value_w
    rows = []
    for index, (label, value) in enumerate(items):
        y = index * (bar_height + 6)
        length = max(1.0, span * value / peak) if value else 0
        rows.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.7:.0f}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + bar_height * 0.7:.0f}">{value:,.0f}{escape(unit)}</text>')
    height = len(items) * (bar_height + 6)
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="13">{"".join(rows)}</svg>')


def day_chart(days: list[dict], *, width: int = 640, height: int = 180) -> str:
    """Knocks (bars) and contacts (darker bars) per day."""
    if not days:
        return '<p class="muted">No knocks yet.</p>'
    peak = max(d["knocks"] for d in days) or 1
    step = width / len(days)
    bar = max(2.0, step * 0.8)
    parts = []
    for index, day in enumerate(days):
        x = index * step
        knocks_h = (height - 30) * day["knocks"] / peak
        contacts_h = (height - 30) * day["contacts"] / peak
        title = escape(f'{day["day"]}: {day["knocks"]} knocks, {day["contacts"]} contacts')
        parts.append(f'<g><title>{title}</title>'
                     f'<rect x="{x:.1f}" y="{height - 20 - knocks_h:.1f}" width="{bar:.1f}" height="{knocks_h:.1f}" fill="#b9a3d0"/>'
                     f'<rect x="{x:.1f}" y="{height - 20 - contacts_h:.1f}" width="{bar:.1f}" height="{contacts_h:.1f}" fill="#5b2a86"/></g>')
    first, last = escape(days[0]["day"]), escape(days[-1]["day"])
    parts.append(f'<text x="0" y="{height - 4}">{first}</text>'
                 f'<text x="{width}" y="{height - 4}" text-anchor="end">{last}</text>')
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="12">{"".join(parts)}</svg>')
