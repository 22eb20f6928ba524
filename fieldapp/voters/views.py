"""The organizer's voter-file import page and the rejected rows of each import."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from fieldapp import access
from fieldapp.body_limits import accepts_upload
from fieldapp.errors import DomainError, NotFound
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.jobs.kinds import KINDS
from fieldapp.jobs.services import JobAlreadyRunning, latest_jobs
from fieldapp.jobs.submit import submit, submit_upload
from fieldapp.voters import field_added as field_added_
from fieldapp.voters.blueprint import bp
from fieldapp.voters.forms import ImportForm
from fieldapp.voters.imports.columns import parse_mapping
from fieldapp.voters.imports.runs import first_rejections, recent_runs, rejections_csv
from fieldapp.voters.imports.service import BUCKETS
from fieldapp.voters.jobs import VOTER_IMPORT_NAME, start_geocode, start_voter_import
from fieldapp.voters.models import ImportRun


@bp.route("/races/<int:race_id>/import", methods=["GET", "POST"])
@accepts_upload
@login_required
def import_page(race_id: int):
    """Upload a voter file (checked, then imported by a worker: see its job's page); after an
    import, its report (?run=ID); the race's imports under way and past."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form, clash = ImportForm(), None
    if form.validate_on_submit():
        upload, mapping = form.file.data, parse_mapping((form.mapping.data or "").splitlines()) or None
        try:
            job = submit_upload(upload.stream, secure_filename(upload.filename or "") or
                                "upload.csv", lambda stored: start_voter_import(
                                    db.session, race, current_user, stored, mapping))
        except DomainError as error:
            clash = error.job_id if isinstance(error, JobAlreadyRunning) else None
            form.file.errors.append(error.message)
            form.file.errors.extend(f"{name}: {text}" for name, text in error.fields.items()
                                    if name != "job")
        else:
            return redirect(url_for("jobs.job_page", job_id=job.id))
    run = db.session.get(ImportRun, request.args.get("run", 0, type=int))
    run = run if run is not None and run.race_id == race.id else None
    jobs = latest_jobs(db.session, race.id, VOTER_IMPORT_NAME)
    return render_template(
        "voters/import.html", race=race, form=form, run=run, buckets=BUCKETS, clash=clash,
        rejections=first_rejections(db.session, run.id) if run else [], jobs=jobs, kinds=KINDS,
        runs=recent_runs(db.session, race.id)), 422 if form.errors else 200


@bp.route("/races/<int:race_id>/geocode", methods=["POST"])
@login_required
def geocode(race_id: int):
    """Geocode the race's doors without coordinates: a worker does it (see its job's page)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    if not EmptyForm().validate_on_submit():
        raise DomainError("The form expired: reload the page and try again.")
    try:
        job = submit(start_geocode(db.session, race, current_user))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("races.detail", race_id=race.id))
    return redirect(url_for("jobs.job_page", job_id=job.id))


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


@bp.route("/races/<int:race_id>/field-added")
@login_required
def field_added(race_id: int):
    """People met at the door and doors found missing from the list, added by canvassers."""
    race = access.race_for_manager(db.session, current_user, race_id)
    return render_template("voters/field_added.html", race=race, form=EmptyForm(),
                           people=field_added_.field_people(db.session, race.id),
                           doors=field_added_.field_doors(db.session, race.id))


@bp.route("/races/<int:race_id>/field-added/<int:voter_id>/merge", methods=["POST"])
@login_required
def merge_field_person(race_id: int, voter_id: int):
    """Say which imported voter a person added in the field is."""
    race = access.race_for_manager(db.session, current_user, race_id)
    if not EmptyForm().validate_on_submit():
        flash(gettext("The form expired; try again."), "error")
        return redirect(url_for("voters.field_added", race_id=race.id)), 303
    try:
        target = field_added_.merge_person(db.session, race.id, voter_id,
                                           request.form.get("into", ""))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return field_added(race.id), 422
    db.session.commit()
    flash(gettext("Merged with %(name)s (%(id)s).", name=target.name or gettext("the voter"),
                  id=target.external_id or target.id), "success")
    return redirect(url_for("voters.field_added", race_id=race.id))
