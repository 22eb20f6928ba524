"""The street file upload form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField


class StreetFileForm(FlaskForm):
    """Upload an OpenStreetMap extract or GeoJSON street lines."""

    file = FileField(_l("Street file (.osm, .osm.bz2, .osm.pbf, .geojson, .geojsonl)"), validators=[
        FileRequired(_l("Choose a street file.")),
        FileAllowed(["osm", "bz2", "pbf", "gz", "geojson", "geojsonl", "geojsons", "json",
                     "jsonl"], _l("Upload an .osm, .osm.bz2, .osm.pbf or GeoJSON file."))])
    submit = SubmitField(_l("Import streets"))
