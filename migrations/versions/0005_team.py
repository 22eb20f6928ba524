"""team: deactivation, password resets, multi-use invites, token expiry

Revision ID: 0005_team
Revises: 0004_race_setup
Create Date: 2026-12-06

Placeholder owned by the team work (issue 14): filled in (and reviewed by hand) with that change's schema.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0005_team'
down_revision = '0004_race_setup'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
