"""Forms of the race pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired

from fieldapp.turf.limits import DOORS_RANGE


class DistrictForm(FlaskForm):
    """Upload a district boundary as GeoJSON."""

    file = FileField(_l("GeoJSON file (.geojson or .json)"), validators=[
        FileRequired(_l("Choose a GeoJSON file.")),
        FileAllowed(["geojson", "json"], _l("Upload a .geojson or .json file."))])
    # Asked only when a real boundary would be replaced (reports.district_impact).
    confirm_replace = BooleanField(_l("Replace the current boundary"))
    submit = SubmitField(_l("Upload boundary"))


class RaceForm(FlaskForm):
    """A race's fields as typed; fieldapp.races.setup checks them (the API's checks too)."""

    org = SelectField(_l("Chapter"), coerce=str)
    name = StringField(_l("Name"), validators=[DataRequired(_l("A race needs a name."))])
    office = StringField(_l("Office sought"))
    candidate = StringField(_l("Candidate"))
    election_date = StringField(_l("Election day (YYYY-MM-DD)"))
    ocd_division_id = StringField(_l("OCD division id (ocd-division/country:us/...)"))
    door_goal = StringField(_l("Door goal"), default="0")
    doors_per_turf = StringField(_l("Doors per turf when cutting (%(range)s)", range=DOORS_RANGE), default="50")
    submit = SubmitField(_l("Save race"))

    FIELDS = ("name", "office", "candidate", "election_date", "ocd_division_id", "door_goal",
              "doors_per_turf")

    def values(self) -> dict:
        """The race fields as the setup service takes them."""
        return {key: getattr(self, key).data for key in self.FIELDS}

    def show_errors(self, fields: dict[str, str]) -> None:
        """Put a service's field errors under the inputs they are about."""
        for key, message in fields.items():
            getattr(self, key, self.name).errors = [message]


class ImportScriptForm(FlaskForm):
    """Replace a script by an exported JSON file."""

    file = FileField(_l("Script file (.json)"), validators=[
        FileRequired(_l("Choose a script file.")), FileAllowed(["json"], _l("Upload a .json file."))])
    submit = SubmitField(_l("Import script"))
