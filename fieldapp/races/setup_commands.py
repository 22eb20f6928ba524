"""`flask races create|edit|archive|script`: set a race up from the command line."""
from __future__ import annotations

import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from fieldapp.chapters.models import Organization
from fieldapp.cli_support import fail_on_domain_error
from fieldapp.errors import DomainError, NotFound
from fieldapp.extensions import db
from fieldapp.races import scripts, setup
from fieldapp.races.services import get_race_by_ref
from fieldapp.reports.race_setup import archive_impact
from fieldapp.turf.limits import DOORS_RANGE


def race_options(func):
    """The race fields as options, shared by create and edit."""
    for option in reversed([
        click.option("--office", help="The office sought, e.g. 'State Assembly AD-36'."),
        click.option("--candidate", help="The candidate's name."),
        click.option("--election-date", help="Election day, YYYY-MM-DD."),
        click.option("--ocd-id", help="OCD division id, e.g. ocd-division/country:us/state:ny/sldl:36."),
        click.option("--goal", help="Door goal (0 or more)."),
        click.option("--doors-per-turf", help=f"Turf size the cutter proposes ({DOORS_RANGE})."),
    ]):
        func = option(func)
    return func


def _fields(**given) -> dict:
    names = {"ocd_id": "ocd_division_id", "goal": "door_goal"}
    return {names.get(k, k): v for k, v in given.items() if v is not None}


@click.command("create")
@click.argument("name")
@click.option("--org", "slug", required=True, help="The chapter's slug (flask orgs list).")
@race_options
@with_appcontext
@fail_on_domain_error
def create(name: str, slug: str, **options) -> None:
    """Create race NAME in a chapter; prints the new race's id on the last line."""
    org = db.session.scalar(sa.select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound(f"No organization {slug!r}. Use `flask orgs list`.")
    race = setup.create_race(db.session, org, {"name": name, **_fields(**options)})
    db.session.commit()
    click.echo(f"created race {race.name!r} in {org.slug}")
    click.echo(race.id)


@click.command("edit")
@click.argument("race_ref", metavar="RACE")
@click.option("--name", help="A new name.")
@race_options
@with_appcontext
@fail_on_domain_error
def edit(race_ref: str, name: str | None, **options) -> None:
    """Change the fields given of RACE (id or exact name)."""
    race = get_race_by_ref(db.session, race_ref)
    fields = _fields(name=name, **options)
    if not fields:
        raise DomainError("Nothing to change: give at least one option (see --help).")
    setup.edit_race(db.session, race, fields)
    db.session.commit()
    click.echo(f"race {race.id} updated: " + ", ".join(sorted(fields)))


@click.command("archive")
@click.argument("race_ref", metavar="RACE")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
@fail_on_domain_error
def archive(race_ref: str, yes: bool) -> None:
    """Archive RACE: it leaves the race list and volunteers' phones; knocks and exports stay."""
    race = get_race_by_ref(db.session, race_ref)
    impact = archive_impact(db.session, race)
    click.echo(f"Archiving {race.name!r} ends {impact.turfs} active turfs on the phones of "
               f"{impact.volunteers} volunteers; its {impact.knocks} knocks stay.")
    if not yes:
        click.confirm("Archive it?", abort=True)
    setup.archive_race(db.session, race)
    db.session.commit()
    click.echo(f"archived race {race.id}")


@click.command("script")
@click.argument("race_ref", metavar="RACE")
@click.option("--import", "import_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Replace the script by this JSON file (questions left out are retired).")
@click.option("--export", "export_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the script as JSON ('-' for standard output).")
@click.option("--copy-from", help="Replace the script by a copy of another race's (id or name).")
@with_appcontext
@fail_on_domain_error
def script(race_ref: str, import_file: Path | None, export_file: Path | None,
           copy_from: str | None) -> None:
    """Import, export or copy RACE's script (JSON: intro and questions)."""
    race = get_race_by_ref(db.session, race_ref)
    if sum(x is not None for x in (import_file, export_file, copy_from)) != 1:
        raise DomainError("Give exactly one of --import FILE, --export FILE, --copy-from RACE.")
    if export_file is not None:
        text = json.dumps(scripts.export_script(race), indent=2, ensure_ascii=False) + "\n"
        if str(export_file) == "-":
            click.echo(text, nl=False)
        else:
            export_file.write_text(text, encoding="utf-8")
            click.echo(f"wrote {len(race.current_questions)} questions to {export_file}")
        return
    if copy_from is not None:
        scripts.copy_script(db.session, get_race_by_ref(db.session, copy_from), race)
    else:
        try:
            data = json.loads(import_file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DomainError(f"{import_file} is not a JSON file: {error}") from None
        scripts.save_script(db.session, race, scripts.for_import(race, data))
    db.session.commit()
    db.session.refresh(race)
    click.echo(f"race {race.id} script: {len(race.current_questions)} questions")
