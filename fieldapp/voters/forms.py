"""Forms of the voter pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional


class ImportForm(FlaskForm):
    """Upload a voter file (the reader, not the file name, decides whether it is CSV)."""

    file = FileField(_l("Voter file (CSV: VAN, Action Network or plain columns)"),
                     validators=[FileRequired(_l("Choose a CSV file."))])
    mapping = TextAreaField(_l("Column names, if not recognised (one field=Header a line, "
                            "e.g. first_name=Given Name)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Import"))
