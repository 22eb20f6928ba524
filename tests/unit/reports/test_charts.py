"""The dashboard's SVG charts: every day on the time axis, values readable."""
from __future__ import annotations

import re

from fieldapp.reports.charts import bar_chart, day_chart


def test_day_chart_shows_quiet_days_as_zero():
    days = [{"day": "2026-11-20", "knocks": 10, "contacts": 3},
            {"day": "2026-11-23", "knocks": 4, "contacts": 1}]
    svg = day_chart(days)
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert titles == ["2026-11-20: 10 knocks, 3 contacts", "2026-11-21: 0 knocks, 0 contacts",
                      "2026-11-22: 0 knocks, 0 contacts", "2026-11-23: 4 knocks, 1 contacts"]
    assert "knocks</text>" in svg and "contacts</text>" in svg and "peak 10 knocks a day" in svg


def test_empty_charts_say_so():
    assert "No knocks yet" in day_chart([])
    assert "No data yet" in bar_chart([])


def test_bar_chart_labels_and_values():
    svg = bar_chart([("Not home", 120), ("Talked", 45)])
    assert ">Not home</text>" in svg and ">120</text>" in svg and ">45</text>" in svg


def test_charts_are_named_and_come_with_a_data_table():
    """A screen reader hears every figure; the same figures are a table under the chart."""
    svg = bar_chart([("Not home", 120), ("Talked", 45)], name="Doors by outcome")
    assert 'aria-label="Doors by outcome: Not home 120, Talked 45"' in svg
    assert '<th scope="row">Talked</th><td>45</td>' in svg
    days = day_chart([{"day": "2026-11-20", "knocks": 10, "contacts": 3}])
    assert '<th scope="row">2026-11-20</th><td>10</td><td>3</td>' in days
