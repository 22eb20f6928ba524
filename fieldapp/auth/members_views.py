"""An organization's members and invite links, for its organizers."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.auth import services
from fieldapp.auth.blueprint import bp
from fieldapp.auth.forms import InviteForm, RoleForm
from fieldapp.auth.models import Invite
from fieldapp.chapters.models import Membership
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.turf.models import Turf


@bp.route("/orgs/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str):
    """Members with their roles, open invites, and a form for a new invite link."""
    org = access.organization_for_manager(db.session, current_user, slug)
    form = InviteForm()
    if not form.is_submitted():
        form.expires_hours.data = current_app.config["INVITE_TTL_HOURS"]
    form.turf.choices = [(0, gettext("None"))] + turf_choices(db.session, org.id)
    new_link, status = None, 200
    if form.validate_on_submit():
        if form.role.data != "volunteer":
            access.require_admin_of(current_user, org.id)
        try:
            _invite, token = services.create_invite(
                db.session, org, form.role.data, current_user,
                dt.timedelta(hours=form.expires_hours.data or current_app.config["INVITE_TTL_HOURS"]),
                form.note.data or "", max_uses=form.max_uses.data or 1,
                turf_id=form.turf.data or None)
        except DomainError as error:
            db.session.rollback()
            form.turf.errors = [error.fields.get("turf", error.message)]
            status = 422
        else:
            db.session.commit()
            new_link = url_for("auth.join", token=token, _external=True)
    elif form.is_submitted():
        status = 422
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.organization_id == org.id)
        .join(Membership.user).order_by(Membership.role, Membership.user_id)
    ).all()
    invites = db.session.scalars(
        sa.select(Invite).where(Invite.organization_id == org.id)
        .order_by(Invite.created_at.desc()).limit(50)
    ).all()
    return render_template("auth/members.html", org=org, form=form, memberships=memberships,
                           invites=invites, new_link=new_link, now=utcnow(),
                           revoke_form=EmptyForm(), role_form=RoleForm(),
                           my_role=current_user.role_in(org.id),
                           can_invite_organizers=current_user.role_in(org.id) == "admin"), status


def turf_choices(db_session, org_id: int) -> list[tuple[int, str]]:
    """The chapter's active turfs of active races, as (id, "race: turf") for a select."""
    rows = db_session.execute(
        sa.select(Turf.id, Race.name, Turf.name).join(Race, Race.id == Turf.race_id)
        .where(Race.organization_id == org_id, Race.status == "active",
               Turf.status == "active").order_by(Race.name, Turf.name)).all()
    return [(turf_id, f"{race}: {turf}") for turf_id, race, turf in rows]


@bp.route("/orgs/<slug>/invites/<int:invite_id>/revoke", methods=["POST"])
@login_required
def revoke_invite(slug: str, invite_id: int):
    """Withdraw an unused invite link."""
    org = access.organization_for_manager(db.session, current_user, slug)
    invite = db.session.get(Invite, invite_id)
    if invite is None or invite.organization_id != org.id:
        return render_template("errors/error.html", status=404, message="No such invite."), 404
    if EmptyForm().validate_on_submit():
        services.revoke_invite(db.session, invite)
        db.session.commit()
        flash(gettext("Invite withdrawn."), "info")
    return redirect(url_for("auth.members", slug=org.slug))
