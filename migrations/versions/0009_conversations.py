"""conversations: several voters per talk, people and doors added in the field

Revision ID: 0009_conversations
Revises: 0008_street_networks
Create Date: 2026-12-06

Placeholder owned by the conversations work (issue 14 item 3): filled in (and reviewed by hand) with that change's schema.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0009_conversations'
down_revision = '0008_street_networks'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
