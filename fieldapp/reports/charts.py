"""Small SVG charts drawn on the server: no chart library, no CDN, readable when printed."""
from __future__ import annotations

import datetime as dt
from html import escape


def data_table(caption: str, head: tuple[str, ...], rows: list[tuple]) -> str:
    """A chart's text alternative: its figures as a table, folded under the chart."""
    def row_html(row: tuple) -> str:
        first, rest = row[0], row[1:]
        return (f'<tr><th scope="row">{escape(str(first))}</th>'
                + "".join(f"<td>{escape(str(v))}</td>" for v in rest) + "</tr>")
    cells = "".join(row_html(row) for row in rows)
    heads = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    return (f'<details class="chart-data"><summary>{escape(caption)}: as a table</summary>'
            f'<table class="table"><caption class="sr-only">{escape(caption)}</caption>'
            f"<thead><tr>{heads}</tr></thead><tbody>{cells}</tbody></table></details>")


def bar_chart(items: list[tuple[str, float]], *, width: int = 640, bar_height: int = 22,
              colour: str = "#5b2a86", unit: str = "", name: str = "Bar chart") -> str:
    """Horizontal bars with labels and values, one row per item; named for screen readers
    (every figure in its label) and followed by the same figures as a table."""
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
    summary = ", ".join(f"{label} {value:,.0f}{unit}" for label, value in items)
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="{escape(name)}: {escape(summary)}" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="13">{"".join(rows)}</svg>'
            + data_table(name, (name, "Count"), [(label, f"{value:,.0f}{unit}")
                                               for label, value in items]))


def _every_day(days: list[dict]) -> list[dict]:
    """The days from the first to the last, those without knocks as zeros: a time axis that
    skipped quiet days made a gap in the canvass look like steady work."""
    known = {d["day"]: d for d in days}
    first, last = dt.date.fromisoformat(days[0]["day"]), dt.date.fromisoformat(days[-1]["day"])
    span = (last - first).days + 1
    return [known.get(day, {"day": day, "knocks": 0, "contacts": 0})
            for day in ((first + dt.timedelta(days=i)).isoformat() for i in range(span))]


def day_chart(days: list[dict], *, width: int = 640, height: int = 200) -> str:
    """Knocks (light bars) and contacts (dark bars) per day, every day shown, with a legend."""
    if not days:
        return '<p class="muted">No knocks yet.</p>'
    days = _every_day(days)
    peak = max(d["knocks"] for d in days) or 1
    top, bottom = 22, 20  # room for the legend above and the dates below
    plot = height - top - bottom
    step = width / len(days)
    bar = max(2.0, step * 0.8)
    parts = [f'<rect x="0" y="4" width="12" height="12" fill="#b9a3d0"/>'
             f'<text x="16" y="15">knocks</text>'
             f'<rect x="80" y="4" width="12" height="12" fill="#5b2a86"/>'
             f'<text x="96" y="15">contacts</text>'
             f'<text x="{width}" y="15" text-anchor="end">peak {peak:,} knocks a day</text>']
    for index, day in enumerate(days):
        x = index * step
        knocks_h = plot * day["knocks"] / peak
        contacts_h = plot * day["contacts"] / peak
        title = escape(f'{day["day"]}: {day["knocks"]} knocks, {day["contacts"]} contacts')
        parts.append(f'<g><title>{title}</title>'
                     f'<rect x="{x:.1f}" y="{top + plot - knocks_h:.1f}" width="{bar:.1f}" '
                     f'height="{knocks_h:.1f}" fill="#b9a3d0"/>'
                     f'<rect x="{x:.1f}" y="{top + plot - contacts_h:.1f}" width="{bar:.1f}" '
                     f'height="{contacts_h:.1f}" fill="#5b2a86"/></g>')
    first, last = escape(days[0]["day"]), escape(days[-1]["day"])
    parts.append(f'<line x1="0" y1="{top + plot}" x2="{width}" y2="{top + plot}" stroke="#888"/>'
                 f'<text x="0" y="{height - 4}">{first}</text>'
                 f'<text x="{width}" y="{height - 4}" text-anchor="end">{last}</text>')
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
            f'aria-label="Knocks and contacts per day, {first} to {last}" '
            f'xmlns="http://www.w3.org/2000/svg" font-size="12">{"".join(parts)}</svg>'
            + data_table("Knocks and contacts per day", ("Day", "Knocks", "Contacts"),
                         [(d["day"], d["knocks"], d["contacts"]) for d in days if d["knocks"]]))
