"""knock facts: door-turf history, held knocks

Revision ID: 0006_knock_facts
Revises: 0005_team
Create Date: 2026-12-06

Placeholder owned by the knock-facts work (issue 15): filled in (and reviewed by hand) with that change's schema.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0006_knock_facts'
down_revision = '0005_team'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
