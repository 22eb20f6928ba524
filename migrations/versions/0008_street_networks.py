"""street networks: a race's streets (one compact row) and each door's block face

Revision ID: 0008_street_networks
Revises: 0007_turf_management
Create Date: 2026-12-06

Reviewed by hand: two new tables, nothing existing changed (issue 17).

- street_network: at most one per race (unique race_id). The segments (geometry, names,
  classes, barrier flags) are one compressed numpy archive in `data`: a district has tens of
  thousands of segments, always read together by the cut; the figures shown are columns.
- door_street: a door's segment (index into that archive), side, distance in metres and
  whether its address named the street. Deleted with its door or its network (ON DELETE
  CASCADE); the (network_id, distance_m) index lists the far doors (60 m or more).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_street_networks'
down_revision = '0007_turf_management'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('street_network',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('race_id', sa.Integer(), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('source_format', sa.String(length=20), nullable=False),
    sa.Column('segments', sa.Integer(), nullable=False),
    sa.Column('barrier_segments', sa.Integer(), nullable=False),
    sa.Column('barrier_lines', sa.Integer(), nullable=False),
    sa.Column('length_km', sa.Double(), nullable=False),
    sa.Column('doors_matched', sa.Integer(), nullable=False),
    sa.Column('doors_far', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_street_network_created_by_id_user')),
    sa.ForeignKeyConstraint(['race_id'], ['race.id'], name=op.f('fk_street_network_race_id_race')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_street_network')),
    sa.UniqueConstraint('race_id', name=op.f('uq_street_network_race_id'))
    )
    op.create_table('door_street',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.Integer(), nullable=False),
    sa.Column('side', sa.SmallInteger(), nullable=False),
    sa.Column('distance_m', sa.Double(), nullable=False),
    sa.Column('by_name', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_door_street_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['street_network.id'], name=op.f('fk_door_street_network_id_street_network'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_door_street'))
    )
    op.create_index('ix_door_street_network_far', 'door_street', ['network_id', 'distance_m'], unique=False)


def downgrade():
    op.drop_index('ix_door_street_network_far', table_name='door_street')
    op.drop_table('door_street')
    op.drop_table('street_network')
