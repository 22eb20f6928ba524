"""Held knocks for a race's organizers: the list, and accept or reject (one, some, or all).

Every decision goes through a confirmation page (no JavaScript needed): the first POST shows
what would happen, the second (with `confirm`) does it.
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.canvass import held as held_knocks
from fieldapp.canvass.blueprint import bp
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.knocklog.models import HeldKnock

PAGE = 200  # held knocks listed at once; bulk decisions act on the ones listed


@bp.app_template_global("held_knock_count")
def held_knock_count(race_id: int) -> int:
    """Pending held knocks of a race (for the race page and the dashboard)."""
    return held_knocks.pending_counts(db.session, [race_id]).get(race_id, 0)


def _pending(race_id: int, ids: list[int] | None = None) -> list[HeldKnock]:
    query = (sa.select(HeldKnock).where(HeldKnock.race_id == race_id,
                                        HeldKnock.state == "pending")
             .order_by(HeldKnock.received_at, HeldKnock.id).limit(PAGE))
    if ids is not None:
        query = query.where(HeldKnock.id.in_(ids))
    return list(db.session.scalars(query))


def _summary(held: HeldKnock) -> dict:
    """What an organizer needs to decide: the door, outcome, time and note as sent."""
    try:
        payload = json.loads(held.payload)
    except ValueError:
        payload = None
    payload = payload if isinstance(payload, dict) else {}
    return {key: str(payload.get(key, ""))[:200]
            for key in ("household_id", "outcome", "knocked_at", "note")}


@bp.route("/races/<int:race_id>/held")
@login_required
def held_list(race_id: int):
    """The race's held knocks waiting for review."""
    race = access.race_for_manager(db.session, current_user, race_id)
    pending = _pending(race.id)
    return render_template("canvass/held.html", race=race, pending=pending,
                           summaries={h.id: _summary(h) for h in pending},
                           total=held_knock_count(race.id), form=EmptyForm())


@bp.route("/races/<int:race_id>/held/decide", methods=["POST"])
@login_required
def held_decide(race_id: int):
    """Accept or reject the chosen held knocks, after a confirmation page."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action not in ("accept", "reject"):
        abort(422)
    ids = [int(i) for i in request.form.getlist("held_id")
           if i.isascii() and i.isdigit() and len(i) < 10]
    chosen = _pending(race.id, ids)  # only this race's pending ones: per-object access
    if not chosen:
        flash("Choose at least one held knock.")
        return redirect(url_for("canvass.held_list", race_id=race.id))
    if request.form.get("confirm") != "yes":
        return render_template("canvass/held_confirm.html", race=race, action=action,
                               chosen=chosen, summaries={h.id: _summary(h) for h in chosen},
                               form=form)
    problems = []
    for held in chosen:
        if action == "reject":
            held_knocks.reject(db.session, held, current_user)
        elif (problem := held_knocks.accept(db.session, held, current_user)) is not None:
            problems.append(f"#{held.id}: {problem}")
    db.session.commit()
    done = len(chosen) - len(problems)
    flash(f"{done} held knock{'s' if done != 1 else ''} {action}ed."
          + (f" Could not accept {len(problems)}: " + "; ".join(problems[:5]) if problems else ""))
    return redirect(url_for("canvass.held_list", race_id=race.id))
