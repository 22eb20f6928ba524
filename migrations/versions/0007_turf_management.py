"""turf management: outside doors, cut series

Revision ID: 0007_turf_management
Revises: 0006_knock_facts
Create Date: 2026-12-06

Issue 16: doors outside the district can be archived from the outside-doors page.
- household.archived_at: when an organizer archived the door; an archived door is in no turf,
  no cut and no race total, and its knocks are kept. NULL for every existing door.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007_turf_management'
down_revision = '0006_knock_facts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
