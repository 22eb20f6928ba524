"""Forms for logging in, joining by invite, inviting and managing tokens."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional


class EmptyForm(FlaskForm):
    """Carries only the CSRF token, for POST-only buttons."""

    submit = SubmitField("Submit")


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Log in")


class JoinForm(FlaskForm):
    """Create an account from an invite link."""

    name = StringField("Your name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password (10+ characters)", validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField("Password again", validators=[EqualTo("password", "Passwords differ.")])
    submit = SubmitField("Join")


class InviteForm(FlaskForm):
    """An organizer creates an invite link."""

    role = SelectField("Role", choices=[("volunteer", "Volunteer"), ("organizer", "Organizer"),
                                        ("admin", "Admin")], default="volunteer")
    note = StringField("Note (who it is for)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Create invite link")


class TokenForm(FlaskForm):
    """Name a new API token."""

    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])
    submit = SubmitField("Create token")
