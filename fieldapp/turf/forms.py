"""Forms of the organizer's turf pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from fieldapp.turf.limits import MAX_DOORS, MIN_DOORS


class CutForm(FlaskForm):
    """Cut the race automatically."""

    doors = IntegerField("Doors per turf", default=50, validators=[DataRequired(), NumberRange(MIN_DOORS, MAX_DOORS)])
    replace = BooleanField("Re-cut every door (turfs with knocks are archived, never lost)")
    submit = SubmitField("Cut turf")


class AssignForm(FlaskForm):
    """Give a turf to a member of the chapter."""

    volunteer = SelectField("Volunteer", coerce=int, validators=[DataRequired()])
    shift_date = DateField("Shift date", validators=[Optional()])
    submit = SubmitField("Assign")


class RenameForm(FlaskForm):
    """A new name for a turf."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Rename")


class ClaimForm(FlaskForm):
    """A volunteer types the code an organizer handed out."""

    code = StringField("Turf code", validators=[DataRequired(), Length(max=20)])
    submit = SubmitField("Get this turf")
