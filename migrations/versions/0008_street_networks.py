"""street networks: ways, block faces, door matches

Revision ID: 0008_street_networks
Revises: 0007_turf_management
Create Date: 2026-12-06

Placeholder owned by the street-network work (issue 17): filled in (and reviewed by hand) with that change's schema.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0008_street_networks'
down_revision = '0007_turf_management'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
