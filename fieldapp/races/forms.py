"""Forms of the race pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField


class DistrictForm(FlaskForm):
    """Upload a district boundary as GeoJSON."""

    file = FileField("GeoJSON file (.geojson or .json)", validators=[
        FileRequired("Choose a GeoJSON file."),
        FileAllowed(["geojson", "json"], "Upload a .geojson or .json file.")])
    submit = SubmitField("Upload boundary")
