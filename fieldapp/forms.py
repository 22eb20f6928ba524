"""Forms every domain's pages share (no domain logic): today the CSRF-only form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """Carries only the CSRF token, for POST-only buttons."""

    submit = SubmitField("Submit")
