"""`flask users ...` and friends, invoked as a user would."""
from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy as sa

from fieldapp.auth import services
from fieldapp.auth.models import ApiToken, User
from tests import factories


def test_users_create_with_password_from_environment(db, runner):
    factories.org(db, "ny-wfp")
    db.commit()
    result = runner.invoke(args=["users", "create", "Ana@Example.org", "--org", "ny-wfp",
                                 "--role", "organizer", "--name", "Ana"],
                           env={"FIELDAPP_PASSWORD": "a long password"})
    assert result.exit_code == 0, result.output
    assert "ana@example.org: organizer in ny-wfp" in result.output
    user = db.scalar(sa.select(User))
    assert services.authenticate(db, "ana@example.org", "a long password") is not None
    assert user.role_in(user.memberships[0].organization_id) == "organizer"


def test_users_create_prompts_for_password(db, runner):
    factories.org(db, "ny-wfp")
    db.commit()
    result = runner.invoke(args=["users", "create", "b@example.org", "--org", "ny-wfp",
                                 "--role", "volunteer"], input="prompted password\nprompted password\n")
    assert result.exit_code == 0, result.output
    assert services.authenticate(db, "b@example.org", "prompted password") is not None


def test_unknown_org_names_the_valid_ones(db, runner):
    factories.org(db, "ny-wfp")
    factories.org(db, "pa-wfp")
    db.commit()
    result = runner.invoke(args=["users", "create", "c@example.org", "--org", "nope",
                                 "--role", "volunteer"], env={"FIELDAPP_PASSWORD": "a long password"})
    assert result.exit_code != 0
    assert "No organization 'nope'. Valid: ny-wfp, pa-wfp." in result.output


def test_unknown_role_names_the_valid_ones(db, runner):
    result = runner.invoke(args=["users", "create", "c@example.org", "--org", "ny-wfp",
                                 "--role", "boss"])
    assert result.exit_code != 0
    assert "admin" in result.output and "organizer" in result.output and "volunteer" in result.output


def test_short_password_is_refused(db, runner):
    factories.org(db, "ny-wfp")
    db.commit()
    result = runner.invoke(args=["users", "create", "c@example.org", "--org", "ny-wfp",
                                 "--role", "volunteer"], env={"FIELDAPP_PASSWORD": "short"})
    assert result.exit_code == 2
    assert "at least 10 characters" in result.output


def test_users_token_prints_one_line_and_users_list(db, runner):
    factories.user(db, "v@example.org", factories.org(db), "volunteer", name="Vee")
    db.commit()
    result = runner.invoke(args=["users", "token", "v@example.org"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fa_")
    assert db.scalar(sa.select(ApiToken.token_hash)) == services.hash_token(lines[0])
    listing = runner.invoke(args=["users", "list"]).output
    assert "v@example.org\tVee\tny-wfp:volunteer" in listing


def test_cli_as_a_real_process(app_config, tmp_path):
    """The installed `flask` entry point, in a child process, against the test database."""
    env = os.environ | {"DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
                        "FIELDAPP_CONFIG": "development",
                        "FIELDAPP_INSTANCE_PATH": str(tmp_path / "inst")}
    flask = [sys.executable, "-m", "flask", "--app", "fieldapp"]
    result = subprocess.run(flask + ["users", "token", "ghost@example.org"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "No user 'ghost@example.org'" in result.stderr


def test_orgs_create_and_list(runner):
    assert runner.invoke(args=["orgs", "create", "mi-wfp", "--name", "Michigan WFP"]).exit_code == 0
    again = runner.invoke(args=["orgs", "create", "mi-wfp", "--name", "Michigan WFP"])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(args=["orgs", "create", "Bad Slug!", "--name", "x"])
    assert bad.exit_code == 2
    assert "mi-wfp\tMichigan WFP" in runner.invoke(args=["orgs", "list"]).output
