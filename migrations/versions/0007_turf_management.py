"""turf management: outside doors, cut series

Revision ID: 0007_turf_management
Revises: 0006_knock_facts
Create Date: 2026-12-06

Placeholder owned by the turf-management work (issue 16): filled in (and reviewed by hand) with that change's schema.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0007_turf_management'
down_revision = '0006_knock_facts'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
