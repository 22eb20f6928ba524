"""knock facts: door-turf history, held knocks

Revision ID: 0006_knock_facts
Revises: 0005_team
Create Date: 2026-12-06

Reviewed by hand (issue 15: a knock is judged by the moment it was logged; nothing is dropped
on the server's word). Two new tables and a backfill:

- door_turf_span: which turf each door was in, from started_at until ended_at (NULL while
  current); written only through fieldapp.turf.membership.set_door_turf. Backfill: every door
  now in a turf gets an open span starting at its turf's creation, the best start known
  (assignments carry their own created_at/ended_at and are checked alongside).
- held_knock: knocks kept for an organizer's review (raw payload as JSON text, who, why,
  pending/accepted/rejected, the DoorKnock it became, exactly once: knock_id is unique).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006_knock_facts'
down_revision = '0005_team'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('door_turf_span',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('turf_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_door_turf_span_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['turf_id'], ['turf.id'], name=op.f('fk_door_turf_span_turf_id_turf'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_door_turf_span'))
    )
    with op.batch_alter_table('door_turf_span', schema=None) as batch_op:
        batch_op.create_index('ix_door_turf_span_household', ['household_id', 'ended_at'], unique=False)
        batch_op.create_index('ix_door_turf_span_turf', ['turf_id'], unique=False)

    op.create_table('held_knock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('race_id', sa.Integer(), nullable=True),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('client_uuid', sa.String(length=36), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('knock_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_held_knock_decided_by_id_user')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_held_knock_household_id_household'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['knock_id'], ['door_knock.id'], name=op.f('fk_held_knock_knock_id_door_knock')),
    sa.ForeignKeyConstraint(['race_id'], ['race.id'], name=op.f('fk_held_knock_race_id_race')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_held_knock_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_knock')),
    sa.UniqueConstraint('knock_id', name=op.f('uq_held_knock_knock_id')),
    sa.UniqueConstraint('user_id', 'client_uuid', name=op.f('uq_held_knock_user_id_client_uuid'))
    )
    with op.batch_alter_table('held_knock', schema=None) as batch_op:
        batch_op.create_index('ix_held_knock_race_state', ['race_id', 'state'], unique=False)

    op.execute(
        "INSERT INTO door_turf_span (household_id, turf_id, started_at, ended_at) "
        "SELECT household.id, household.turf_id, turf.created_at, NULL FROM household "
        "JOIN turf ON turf.id = household.turf_id")


def downgrade():
    with op.batch_alter_table('held_knock', schema=None) as batch_op:
        batch_op.drop_index('ix_held_knock_race_state')

    op.drop_table('held_knock')
    with op.batch_alter_table('door_turf_span', schema=None) as batch_op:
        batch_op.drop_index('ix_door_turf_span_turf')
        batch_op.drop_index('ix_door_turf_span_household')

    op.drop_table('door_turf_span')
