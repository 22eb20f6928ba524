"""An organization's members and invite links, for its organizers."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from fieldapp.auth import access, services
from fieldapp.auth.blueprint import bp
from fieldapp.auth.forms import EmptyForm, InviteForm
from fieldapp.auth.models import Invite, Membership
from fieldapp.extensions import db
from fieldapp.models_base import utcnow


@bp.route("/orgs/<slug>/members", methods=["GET", "POST"])
@login_required
def members(slug: str):
    """Members with their roles, open invites, and a form for a new invite link."""
    org = access.organization_for_manager(db.session, current_user, slug)
    form = InviteForm()
    new_link = None
    if form.validate_on_submit():
        if form.role.data != "volunteer":
            access.require_admin_of(current_user, org.id)
        ttl = dt.timedelta(hours=current_app.config["INVITE_TTL_HOURS"])
        _invite, token = services.create_invite(db.session, org, form.role.data, current_user,
                                                ttl, form.note.data or "")
        db.session.commit()
        new_link = url_for("auth.join", token=token, _external=True)
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
                           revoke_form=EmptyForm(),
                           can_invite_organizers=current_user.role_in(org.id) == "admin")


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
        flash("Invite withdrawn.", "info")
    return redirect(url_for("auth.members", slug=org.slug))
