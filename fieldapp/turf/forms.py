"""Forms of the organizer's turf pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fieldapp.turf.limits import MAX_DOORS, MIN_DOORS


class CutForm(FlaskForm):
    """Cut the race automatically."""

    doors = IntegerField(_l("Doors per turf"), default=50,
                         validators=[DataRequired(), NumberRange(MIN_DOORS, MAX_DOORS)])
    replace = BooleanField(_l("Re-cut every door (turfs with knocks are archived, never lost)"))
    submit = SubmitField(_l("Cut turf"))


class AssignForm(FlaskForm):
    """Give a turf to a member of the chapter."""

    volunteer = SelectField(_l("Volunteer"), coerce=int, validators=[DataRequired()])
    shift_date = DateField(_l("Shift date"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class RenameForm(FlaskForm):
    """A new name for a turf."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Rename"))


class ClaimForm(FlaskForm):
    """A volunteer types the code an organizer handed out."""

    code = StringField(_l("Turf code"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Get this turf"))
