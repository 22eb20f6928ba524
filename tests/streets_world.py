"""A small generated city in the database and as street files (OSM XML, GeoJSON lines)."""
from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

from fieldapp.streets.synthetic import synthetic_city
from fieldapp.voters.models import Household
from tests import factories


def city(g: int = 4, seed: int = 1):
    """The synthetic city (primary road, railway; rivers only from g = 6)."""
    return synthetic_city(g, apartments=0.08, seed=seed)


def race_with_doors(db, c, organization=None, name: str = "Street race"):
    """A race whose district is the city's box, with one household per city door."""
    organization = organization or factories.org(db, "st-wfp")
    (south, west), (north, east) = c.coords.min(axis=0) - 2e-4, c.coords.max(axis=0) + 2e-4
    south, west, north, east = (float(v) for v in (south, west, north, east))
    contest = factories.race(db, organization, name=name,
                             centre=((south + north) / 2, (west + east) / 2))
    contest.district = {"type": "Polygon", "coordinates": [[
        [west, south], [east, south], [east, north], [west, north], [west, south]]]}
    rows = []
    numbers: dict[str, int] = {}
    for i, ((lat, lon), street, group, unit) in enumerate(zip(c.coords, c.streets, c.group_ids,
                                                              c.units)):
        if group is None or unit == "1" or f"g{group}" not in numbers:
            numbers.setdefault(street, 100)
            numbers[street] += 2
            if group is not None:
                numbers[f"g{group}"] = numbers[street]
        number = numbers[f"g{group}"] if group is not None else numbers[street]
        line = f"{number} {street}"
        rows.append(Household(
            race_id=contest.id, household_key=f"{line.upper()}|{unit or ''}|{i}",
            address_line=line, unit=unit or "", city="Oakland", state="CA", zip5="94607",
            lat=float(lat), lon=float(lon), street_key=street.upper(),
            building_key=f"B{group}" if group is not None else f"{line.upper()}|{i}"))
    db.add_all(rows)
    db.flush()
    return contest, rows


def write_osm(c, path: Path, ways=None) -> Path:
    """The city's ways as OpenStreetMap XML (nodes shared where streets meet)."""
    ids: dict[tuple[float, float], int] = {}
    nodes, out_ways = [], []
    for w in (ways if ways is not None else c.ways):
        refs = []
        for lat, lon in w.coords:
            key = (round(lat, 7), round(lon, 7))
            if key not in ids:
                ids[key] = len(ids) + 1
                nodes.append(f'<node id="{ids[key]}" version="1" lat="{key[0]}" lon="{key[1]}"/>')
            refs.append(ids[key])
        tags = {"railway": ("railway", "rail"), "waterway": ("waterway", "river")}.get(
            w.kind, ("highway", w.kind))
        body = "".join(f'<nd ref="{r}"/>' for r in refs)
        body += f'<tag k="{tags[0]}" v="{tags[1]}"/>'
        if w.name:
            body += f'<tag k="name" v={quoteattr(w.name)}/>'
        out_ways.append(f'<way id="{len(out_ways) + 1}" version="1">{body}</way>')
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
                    + "\n".join(nodes + out_ways) + "\n</osm>\n")
    return path


def write_geojsonl(c, path: Path, scale: float = 1.0) -> Path:
    """The city's ways as GeoJSON lines (one Feature a line); scale != 1 fakes a projection."""
    lines = []
    for w in c.ways:
        props = {"railway": "rail"} if w.kind == "railway" else \
            {"waterway": "river"} if w.kind == "waterway" else {"highway": w.kind}
        props["name"] = w.name
        coords = [[lon * scale, lat * scale] for lat, lon in w.coords]
        lines.append(json.dumps({"type": "Feature", "properties": props,
                                 "geometry": {"type": "LineString", "coordinates": coords}}))
    path.write_text("\n".join(lines) + "\n")
    return path
