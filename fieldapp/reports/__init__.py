"""Progress figures, dashboards and exports (CSV, GeoJSON)."""
