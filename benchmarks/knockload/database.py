"""A fresh database for one run, fieldapp's environment, and the seeded world."""
from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from knockload.common import BIN, ROOT, log


class Database:
    """A fresh database for one run: SQLite file, PostgreSQL database, or PostgreSQL schema."""

    def __init__(self, workdir: Path, pg_url: str | None, label: str = "fieldapp") -> None:
        self.kind = "postgresql" if pg_url else "sqlite"
        self.dropped_by: str | None = None
        self._admin_url = pg_url
        self._name = f"{label}_bench_{secrets.token_hex(4)}"
        if not pg_url:
            self.url = f"sqlite:///{workdir / f'{label}.sqlite3'}"
            return
        import sqlalchemy as sa

        base = sa.engine.make_url(pg_url)
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{self._name}"'))
            self.url = base.set(database=self._name).render_as_string(hide_password=False)
            self.dropped_by = "database"
        except sa.exc.ProgrammingError as error:
            log(f"cannot create a database ({error.orig}); using schema {self._name} instead")
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE SCHEMA "{self._name}"'))
            query = dict(base.query) | {"options": f"-csearch_path={self._name}"}
            self.url = base.set(query=query).render_as_string(hide_password=False)
            self.dropped_by = "schema"
        finally:
            admin.dispose()
        log(f"created PostgreSQL {self.dropped_by} {self._name}")

    def engine(self):
        """A small engine on the benchmark database, for seeding and counting rows."""
        import sqlalchemy as sa

        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)

    def drop(self) -> None:
        """Drop what __init__ created (the SQLite file goes with the temporary folder)."""
        if self.dropped_by is None:
            return
        import sqlalchemy as sa

        admin = sa.create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                if self.dropped_by == "database":
                    connection.execute(
                        sa.text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
                    )
                else:
                    connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self._name}" CASCADE'))
            log(f"dropped PostgreSQL {self.dropped_by} {self._name}")
            self.dropped_by = None
        finally:
            admin.dispose()


def server_env(workdir: Path, database_url: str, secret_key: str) -> dict[str, str]:
    """The environment fieldapp runs with: production settings on the benchmark database."""
    env = dict(os.environ)
    env.update(
        FIELDAPP_CONFIG="production",
        SECRET_KEY=secret_key,
        DATABASE_URL=database_url,
        FIELDAPP_INSTANCE_PATH=str(workdir / "instance"),
        PYTHONUNBUFFERED="1",
    )
    return env


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade` on the environment's DATABASE_URL: fieldapp's own schema."""
    subprocess.run([str(BIN / "flask"), "--app", "fieldapp", "db", "upgrade"], env=env, cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@dataclass
class Volunteer:
    """One simulated canvasser: a token and the doors of their turf."""

    token: str
    doors: list[tuple[int, int, float, float]]  # household id, voter id, lat, lon


@dataclass
class World:
    """What the load generator needs from the seeded database."""

    volunteers: list[Volunteer]
    question: int
    choices: list[int]


def seed(env: dict[str, str], volunteers: int, doors_per_turf: int) -> World:
    """Chapter, race, script, turfs, volunteers, tokens: through fieldapp's models and services."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        sys.path.insert(0, str(ROOT))
        from fieldapp import create_app
        from fieldapp.auth import services
        from fieldapp.auth.models import User
        from fieldapp.chapters import services as chapters
        from fieldapp.chapters.models import Organization
        from fieldapp.extensions import db
        from fieldapp.races.models import Race, SurveyChoice, SurveyQuestion
        from fieldapp.turf.models import Assignment, Turf
        from fieldapp.voters.models import Household, Voter

        app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    with app.app_context():
        session = db.session
        org = Organization(slug="bench-wfp", name="Benchmark chapter")
        session.add(org)
        session.flush()
        lat, lon = 40.68, -73.45
        race = Race(
            organization_id=org.id,
            name="Benchmark race",
            office="Assembly",
            election_date=dt.date(2017, 11, 7),
            centre_lat=lat,
            centre_lon=lon,
            door_goal=volunteers * doors_per_turf,
            district={
                "type": "Polygon",
                "coordinates": [
                    [
                        [lon - 0.1, lat - 0.1],
                        [lon + 0.1, lat - 0.1],
                        [lon + 0.1, lat + 0.1],
                        [lon - 0.1, lat + 0.1],
                        [lon - 0.1, lat - 0.1],
                    ]
                ],
            },
        )
        session.add(race)
        session.flush()
        question = SurveyQuestion(race=race, key="support", text="Support?", position=0)
        question.choices = [
            SurveyChoice(position=i, value=str(i), label=str(i)) for i in range(1, 6)
        ]
        session.add(question)
        session.flush()
        people = []
        for v in range(volunteers):
            # A plain User row: create_user's password hashing (scrypt) would only slow the setup.
            person = User(
                email=f"vol{v}@bench.example.org", name=f"Volunteer {v}", password_hash="!unusable"
            )
            session.add(person)
            session.flush()
            chapters.set_membership(session, person, org, "volunteer")
            turf = Turf(race_id=race.id, name=f"Turf {v}", door_count=doors_per_turf)
            session.add(turf)
            session.flush()
            doors = []
            for i in range(doors_per_turf):
                line = f"{100 + 2 * i} Bench St {v}"
                door = Household(
                    race_id=race.id,
                    household_key=f"{line.upper()}||11758",
                    building_key=f"{line.upper()}||11758",
                    address_line=line,
                    city="Benchville",
                    state="NY",
                    zip5="11758",
                    street_key=f"BENCH ST {v}",
                    lat=lat - 0.05 + (v % 8) * 0.01 + (i // 20) * 0.0008,
                    lon=lon - 0.05 + (v // 8) * 0.01 + (i % 20) * 0.0002,
                    turf_id=turf.id,
                    walk_seq=i,
                )
                door.voters = [
                    Voter(
                        race_id=race.id,
                        first_name=f"Voter{i}",
                        last_name=f"V{v}",
                        external_id=f"B{v}-{i}",
                    )
                ]
                doors.append(door)
            session.add_all(doors)
            session.add(Assignment(turf_id=turf.id, volunteer_id=person.id))
            session.flush()
            token = services.create_api_token(session, person, "knock_load")
            people.append(Volunteer(token, [(d.id, d.voters[0].id, d.lat, d.lon) for d in doors]))
        session.commit()
        world = World(people, question.id, [c.id for c in question.choices])
        session.remove()
        db.engine.dispose()
    return world
