"""`flask imports voters` and `flask imports census`, in-process and as a real process."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.voters.models import Household, ImportRun, Voter
from tests import factories

DATA = Path(__file__).resolve().parents[2] / "data" / "voters"


@pytest.fixture
def race(db):
    contest = factories.race(db, factories.org(db), "Test race", with_script=False)
    db.commit()
    return contest


def test_import_by_race_name_prints_the_report(db, runner, race):
    result = runner.invoke(args=["imports", "voters", str(DATA / "van.csv"), "--race",
                                 "Test race", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "van.csv -> Test race" in result.output and "columns: van" in result.output
    assert "imported (new door)" in result.output and "rows" in result.output
    assert db.scalar(sa.select(sa.func.count(Voter.id))) == 5
    again = runner.invoke(args=["imports", "voters", str(DATA / "van.csv"), "--race",
                                str(race.id)])
    assert again.exit_code == 0
    unchanged = [line for line in again.output.splitlines() if "unchanged" in line]
    assert unchanged[0].split()[-1] == "5"


def test_mapping_option(db, runner, race):
    result = runner.invoke(args=[
        "imports", "voters", str(DATA / "custom.csv"), "--race", str(race.id),
        "--map", "first_name=Given", "--map", "last_name=Family", "--map", "address=Home Street",
        "--map", "city=Town", "--map", "zip=Postcode", "--map", "external_id=Voter Number"])
    assert result.exit_code == 0, result.output
    assert "columns: mapping" in result.output
    assert set(db.scalars(sa.select(Voter.external_id))) == {"C-1", "C-2"}


def test_rejections_are_listed_at_most_twenty_and_written_on_request(db, runner, race, tmp_path):
    lines = ["first_name,last_name,address,city,zip"]
    lines += [f"V{i},N,,Testville,11758" for i in range(25)]  # empty addresses
    lines += ["Ok,Row,1 Elm St,Testville,11758"]
    source = tmp_path / "bad.csv"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "rejected.csv"
    result = runner.invoke(args=["imports", "voters", str(source), "--race", str(race.id),
                                 "--rejections", str(out)])
    assert result.exit_code == 0, result.output  # the import ran, rows were rejected
    listed = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert len(listed) == 20 and listed[0] == "line 2: empty_address: The address is empty."
    assert "... and 5 more." in result.output
    assert f"25 rows not imported, all of them: {out}" in result.output
    with out.open() as handle:
        assert len(list(csv.DictReader(handle))) == 25


@pytest.mark.parametrize("content, message", [
    (b"FirstName,Email\nAna,a@example.org\n", "columns were not recognised"),
    (b"\x00\x01binary\x00", "not a CSV file"),
])
def test_refused_files_exit_2_and_write_nothing(db, runner, race, tmp_path, content, message):
    source = tmp_path / "refused.csv"
    source.write_bytes(content)
    result = runner.invoke(args=["imports", "voters", str(source), "--race", str(race.id)])
    assert result.exit_code == 2
    assert message in result.output
    assert db.scalar(sa.select(sa.func.count(ImportRun.id))) == 0


def test_unknown_race_exits_2(runner, race):
    result = runner.invoke(args=["imports", "voters", str(DATA / "van.csv"), "--race", "Nope"])
    assert result.exit_code == 2 and "No race 'Nope'" in result.output


def test_census_command(db, runner, race):
    plain = DATA / "plain.csv"
    assert runner.invoke(args=["imports", "voters", str(DATA / "action_network.csv"),
                               "--race", str(race.id)]).exit_code == 0
    census = plain.parent / "census_answers.csv"
    result = runner.invoke(args=["imports", "census", str(census), "--race", str(race.id)])
    assert result.exit_code == 0, result.output
    assert "4 lines, 0 matched, 0 doors placed" in result.output
    assert "line 1: not_found" in result.output and "line 2: no_match" in result.output
    assert db.scalar(sa.select(sa.func.count(Household.id)).where(Household.lat.is_not(None))) == 0


def test_import_as_a_real_process(db, race, app_config, tmp_path):
    """The installed `flask` entry point, in a child process, against the test database."""
    env = os.environ | {"DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
                        "FIELDAPP_CONFIG": "development",
                        "FIELDAPP_INSTANCE_PATH": str(tmp_path / "inst")}
    flask = [sys.executable, "-m", "flask", "--app", "fieldapp"]
    result = subprocess.run(flask + ["imports", "voters", str(DATA / "plain.csv"), "--race",
                                     str(race.id)], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Importing plain.csv" in result.stderr  # the progress bar's label
    assert "columns: plain" in result.stdout
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count(Voter.id))) == 4
    refused = subprocess.run(flask + ["imports", "voters", str(DATA / "README.md"), "--race",
                                      str(race.id)], env=env, capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode == 2
    assert "Error:" in refused.stderr
