"""The organizer's voter-file import page and the rejected rows of each import."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from fieldapp.auth import access
from fieldapp.errors import DomainError, NotFound
from fieldapp.extensions import db
from fieldapp.voters.blueprint import bp
from fieldapp.voters.forms import ImportForm
from fieldapp.voters.imports.columns import parse_mapping
from fieldapp.voters.imports.runs import first_rejections, recent_runs, rejections_csv
from fieldapp.voters.imports.service import BUCKETS, import_voters
from fieldapp.voters.models import ImportRun


@bp.route("/races/<int:race_id>/import", methods=["GET", "POST"])
@login_required
def import_page(race_id: int):
    """Upload a voter file; after an import, its report (?run=ID); the race's past imports."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_voters(db.session, race, upload.stream,
                                   secure_filename(upload.filename or "") or "upload.csv",
                                   current_user, parse_mapping(form.mapping.data.splitlines())
                                   or None)
        except DomainError as error:
            db.session.rollback()
            form.file.errors.append(error.message)
            form.file.errors.extend(f"{name}: {text}" for name, text in error.fields.items())
        else:
            return redirect(url_for("voters.import_page", race_id=race.id, run=report.run_id))
    run = db.session.get(ImportRun, request.args.get("run", 0, type=int))
    run = run if run is not None and run.race_id == race.id else None
    return render_template(
        "voters/import.html", race=race, form=form, run=run, buckets=BUCKETS,
        rejections=first_rejections(db.session, run.id) if run else [],
        runs=recent_runs(db.session, race.id)), 422 if form.errors else 200


@bp.route("/imports/<int:run_id>/rejections.csv")
@login_required
def rejections(run_id: int):
    """Every row an import did not take, with line number, category, reason and excerpt."""
    run = db.session.get(ImportRun, run_id)
    if run is None:
        raise NotFound("No such import.")
    access.race_for_manager(db.session, current_user, run.race_id)
    return Response(stream_with_context(rejections_csv(db.session, run.id)), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="import-{run.id}-rejections.csv"'})
