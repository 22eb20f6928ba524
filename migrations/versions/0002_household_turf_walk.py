"""household: index a turf's doors in walk order

Revision ID: 0002_household_turf_walk
Revises: 0001_foundation
Create Date: 2026-11-25

Walk lists, turf maps and door recounts select a turf's doors by `turf_id` alone, ordered by
`walk_seq`; the (race_id, turf_id) index cannot serve that, so each of them scanned every
household of every race (and PostgreSQL scanned them again for ON DELETE SET NULL when a turf
was deleted). Reviewed by hand: one index, nothing else.
"""
from alembic import op


revision = '0002_household_turf_walk'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index('ix_household_turf_walk', ['turf_id', 'walk_seq'], unique=False)


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_turf_walk')
