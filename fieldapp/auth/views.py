"""Login, logout, joining by invite, and the user's API tokens."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from fieldapp.auth import services
from fieldapp.auth.blueprint import bp
from fieldapp.auth.forms import JoinForm, LoginForm, TokenForm
from fieldapp.auth.models import ApiToken
from fieldapp.errors import DomainError
from fieldapp.extensions import db, limiter
from fieldapp.forms import EmptyForm
from fieldapp.models_base import utcnow


def _login_account_key() -> str:
    """Rate-limit key for the account being tried, whoever tries it."""
    return "login-account:" + services.normalize_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str:
    """Only same-site paths: a login link must not bounce a volunteer to another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def _log_in(user) -> None:
    """Rotate the session and open a fresh server-side login for user."""
    session.clear()
    services.start_session(db.session, user)
    db.session.commit()
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key)
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(gettext("Wrong e-mail or password."))
        else:
            _log_in(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """End this login session on the server and in the browser."""
    if EmptyForm().validate_on_submit() and current_user.is_authenticated:
        services.end_session(db.session, current_user.get_id())
        db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def join(token: str):
    """Create an account from an invite link and log straight in."""
    invite = services.find_invite(db.session, token)
    state = "unknown" if invite is None else invite.state(utcnow())
    if state != "open":
        return render_template("auth/join_closed.html",
                               message=gettext(services.InviteError(state).message)), 410
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invite(db.session, token, form.email.data, form.password.data,
                                          form.name.data)
        except DomainError as error:
            db.session.rollback()
            for field, message in error.fields.items():
                getattr(form, field).errors.append(gettext(message))
            if not error.fields:
                flash(gettext(error.message), "error")
        else:
            turf_id = invite.turf_id
            _log_in(user)
            flash(gettext("Welcome to %(organization)s!", organization=invite.organization.name), "success")
            if turf_id is not None and services.holds_turf(db.session, user.id, turf_id):
                return redirect(url_for("canvass.walk", turf_id=turf_id))
            return redirect(url_for("home.index"))
    return render_template("auth/join.html", form=form, invite=invite)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List, create and revoke the user's API tokens."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        ttl = dt.timedelta(days=current_app.config["API_TOKEN_TTL_DAYS"])
        new_token = services.create_api_token(db.session, current_user, form.name.data, ttl)
        db.session.commit()
    rows = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("auth/tokens.html", form=form, tokens=rows, new_token=new_token,
                           revoke_form=EmptyForm(), now=utcnow())


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    if EmptyForm().validate_on_submit():
        services.revoke_api_token(db.session, current_user, token_id)
        db.session.commit()
        flash("Token revoked.", "info")
    return redirect(url_for("auth.tokens"))
