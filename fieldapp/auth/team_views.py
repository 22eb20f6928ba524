"""Managing a chapter's members (role, deactivate, reset link) and passwords."""
from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, logout_user

from fieldapp import access
from fieldapp.auth import team
from fieldapp.auth.blueprint import bp
from fieldapp.auth.forms import ChangePasswordForm, NewPasswordForm, RoleForm
from fieldapp.errors import DomainError
from fieldapp.extensions import db, limiter
from fieldapp.forms import EmptyForm


def _member(slug: str, user_id: int):
    """The chapter (the caller organizes it) and the membership of user_id in it."""
    org = access.organization_for_manager(db.session, current_user, slug)
    return org, team.member_of(db.session, org, user_id)


def _back(org):
    return redirect(url_for("auth.members", slug=org.slug))


@bp.route("/orgs/<slug>/members/<int:user_id>/role", methods=["POST"])
@login_required
def change_role(slug: str, user_id: int):
    """Give a member another role in this chapter."""
    org, membership = _member(slug, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        team.change_role(db.session, current_user, membership, form.role.data)
        db.session.commit()
        flash(gettext("%(name)s is now %(role)s.", name=membership.user.display_name,
                      role=gettext(form.role.data)), "success")
    return _back(org)


@bp.route("/orgs/<slug>/members/<int:user_id>/deactivate", methods=["GET", "POST"])
@login_required
def deactivate(slug: str, user_id: int):
    """Ask, then deactivate a member: their sessions and API tokens stop at once."""
    org, membership = _member(slug, user_id)
    form = EmptyForm()
    if form.validate_on_submit():
        team.set_active(db.session, current_user, membership.user, False)
        db.session.commit()
        flash(gettext("%(name)s is deactivated; their knocks stay.",
                      name=membership.user.display_name), "info")
        return _back(org)
    return render_template("auth/confirm.html", org=org, form=form, member=membership.user,
                           title=gettext("Deactivate %(name)s?", name=membership.user.display_name),
                           explain=gettext("They are logged out everywhere and their API tokens "
                                           "stop working now. Their knocks stay. You can "
                                           "reactivate them later."),
                           button=gettext("Deactivate"))


@bp.route("/orgs/<slug>/members/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate(slug: str, user_id: int):
    """Let a deactivated member log in again (they make new API tokens)."""
    org, membership = _member(slug, user_id)
    if EmptyForm().validate_on_submit():
        team.set_active(db.session, current_user, membership.user, True)
        db.session.commit()
        flash(gettext("%(name)s can log in again.", name=membership.user.display_name), "success")
    return _back(org)


@bp.route("/orgs/<slug>/members/<int:user_id>/reset-link", methods=["POST"])
@login_required
def reset_link(slug: str, user_id: int):
    """Issue a one-time password-reset link for the organizer to hand over (no mail server needed;
    sending it by e-mail is not built)."""
    org, membership = _member(slug, user_id)
    if not EmptyForm().validate_on_submit():
        return _back(org)
    ttl = dt.timedelta(hours=current_app.config["PASSWORD_RESET_TTL_HOURS"])
    token = team.create_reset_link(db.session, current_user, membership.user, ttl)
    db.session.commit()
    link = url_for("auth.reset_password", token=token, _external=True)
    return render_template("auth/reset_link.html", org=org, member=membership.user, link=link,
                           hours=int(ttl.total_seconds() // 3600))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def reset_password(token: str):
    """Set a new password from a one-time reset link; every session of the account ends."""
    try:
        reset = team.find_reset(db.session, token)
    except team.ResetLinkError as error:
        return render_template("auth/join_closed.html", title="Password reset",
                               message=error.message), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            team.use_reset(db.session, token, form.password.data)
        except DomainError as error:
            db.session.rollback()
            form.password.errors.append(error.fields.get("password", error.message))
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(gettext("Password changed. Log in with your new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, email=reset.user.email)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; one's other login sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            team.change_password(db.session, current_user, form.current.data,
                                 form.password.data, keep_session=current_user.get_id())
        except DomainError as error:
            db.session.rollback()
            for name, message in error.fields.items():
                getattr(form, name).errors.append(message)
        else:
            db.session.commit()
            flash(gettext("Password changed. Your other sessions are logged out."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200
