"""The script editor (intro, questions, answers, VAN ids), copy, JSON import and export."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.races import scripts
from fieldapp.races.blueprint import bp
from fieldapp.races.forms import ImportScriptForm
from fieldapp.races.models import QUESTION_KINDS, Race
from fieldapp.races.script_form import rows_for_page, script_from_form


def _page(race: Race, script: dict, errors: dict | None = None, status: int = 200):
    others = [r for r in access.races_for_manager(db.session, current_user, include_archived=True)
              if r.organization_id == race.organization_id and r.id != race.id]
    return render_template("races/script.html", race=race, intro=script.get("intro", ""),
                           intro_es=script.get("intro_es", ""),
                           rows=rows_for_page(script), kinds=QUESTION_KINDS, errors=errors or {},
                           others=others, form=EmptyForm(), import_form=ImportScriptForm()), status


@bp.route("/<int:race_id>/script", methods=["GET", "POST"])
@login_required
def script_editor(race_id: int):
    """Edit the whole script; a removed question or answer is retired, never deleted."""
    race = access.race_for_manager(db.session, current_user, race_id)
    if not EmptyForm().validate_on_submit():
        return _page(race, scripts.export_script(race))
    wanted = script_from_form(request.form)
    try:
        scripts.save_script(db.session, race, wanted)
    except DomainError as error:
        db.session.rollback()
        return _page(db.session.get(Race, race_id), wanted, error.fields, 422)
    db.session.commit()
    flash(gettext("Script saved. Phones get it when they next load their turf."), "success")
    return redirect(url_for("races.script_editor", race_id=race.id))


@bp.post("/<int:race_id>/script/copy")
@login_required
def copy_script(race_id: int):
    """Replace the script by a copy of another race's of the same chapter."""
    race = access.race_for_manager(db.session, current_user, race_id)
    if EmptyForm().validate_on_submit():
        source_id = request.form.get("source", "")
        if not source_id.isdigit():
            flash(gettext("Choose a race to copy the script from."), "error")
            return redirect(url_for("races.script_editor", race_id=race.id))
        source = access.race_for_manager(db.session, current_user, int(source_id))
        scripts.copy_script(db.session, source, race)
        db.session.commit()
        flash(gettext("Script copied from %(name)s.", name=source.name), "success")
    return redirect(url_for("races.script_editor", race_id=race.id))


@bp.get("/<int:race_id>/script.json")
@login_required
def export_script(race_id: int):
    """The script as a JSON file (import it into this or another race)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    body = json.dumps(scripts.export_script(race), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="script-race-{race.id}.json"'})


@bp.post("/<int:race_id>/script/import")
@login_required
def import_script(race_id: int):
    """Replace the script by an uploaded JSON file; a bad file changes nothing."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = ImportScriptForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("races.script_editor", race_id=race.id))
    try:
        data = json.loads(form.file.data.read(2_000_000).decode("utf-8"))
        scripts.save_script(db.session, race, scripts.for_import(race, data))
    except (UnicodeDecodeError, json.JSONDecodeError):
        flash(gettext("That file is not JSON: export a script from fieldapp to see the layout."),
              "error")
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        flash(gettext("Nothing imported. %(reason)s %(details)s", reason=error.message,
                      details=details).strip(), "error")
    else:
        db.session.commit()
        flash(gettext("Script imported."), "success")
    return redirect(url_for("races.script_editor", race_id=race.id))
