"""Forms for logging in, joining by invite, inviting and managing tokens."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Log in"))


class JoinForm(FlaskForm):
    """Create an account from an invite link."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password (10+ characters)"),
                             validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Password again"),
                            validators=[EqualTo("password", _l("Passwords differ."))])
    submit = SubmitField(_l("Join"))


ROLE_CHOICES = [("volunteer", _l("Volunteer")), ("organizer", _l("Organizer")), ("admin", _l("Admin"))]


class InviteForm(FlaskForm):
    """An organizer creates an invite link."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="volunteer")
    note = StringField(_l("Note (who it is for)"), validators=[Optional(), Length(max=200)])
    max_uses = IntegerField(_l("How many people may join with it"), default=1,
                            validators=[Optional(), NumberRange(1, 1000)])
    expires_hours = IntegerField(_l("Expires after (hours)"), default=72,
                                 validators=[Optional(), NumberRange(1, 24 * 90)])
    turf = SelectField(_l("Turf each newcomer gets (optional)"), coerce=int, default=0,
                       validate_choice=False)
    submit = SubmitField(_l("Create invite link"))


class TokenForm(FlaskForm):
    """Name a new API token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Create token"))


class RoleForm(FlaskForm):
    """An organizer changes a member's role."""

    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Change role"))


class NewPasswordForm(FlaskForm):
    """Set a new password from a reset link."""

    password = PasswordField(_l("New password (10+ characters)"),
                             validators=[DataRequired(), Length(
                                 min=10, max=200, message=_l("Use 10 to 200 characters."))])
    confirm = PasswordField(_l("New password again"),
                            validators=[EqualTo("password", _l("Passwords differ."))])
    submit = SubmitField(_l("Set password"))


class ChangePasswordForm(NewPasswordForm):
    """A logged-in user changes their own password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
