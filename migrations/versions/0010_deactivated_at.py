"""user.deactivated_at: when a volunteer was deactivated, so knocks logged before it still count

Revision ID: 0010_deactivated_at
Revises: 0009_conversations
Create Date: 2026-12-06

A deactivated volunteer's phone may still hold knocks logged offline before the deactivation.
Their credentials, revoked by the deactivation (revoked_at >= deactivated_at), may still send
those knocks: knocks logged before deactivated_at are judged as usual, later ones are held for
an organizer's review. Accounts deactivated before this revision keep NULL (their phones are
refused as before).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_deactivated_at'
down_revision = '0009_conversations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
