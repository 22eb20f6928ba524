"""race setup: scripts with history, field-added people, multi-voter talks

Revision ID: 0004_race_setup
Revises: 0003_jobs
Create Date: 2026-12-06

Placeholder owned by the race and script work (issue 14): filled in (and reviewed by hand) with that change's schema.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0004_race_setup'
down_revision = '0003_jobs'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
