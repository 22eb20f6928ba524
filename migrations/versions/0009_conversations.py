"""conversations: several voters per talk, people and doors added in the field

Revision ID: 0009_conversations
Revises: 0008_street_networks
Create Date: 2026-12-06

Written by hand (issue 14 item 3):

- door_knock.talked_to (JSON, NULL on older knocks) lists who a conversation was with, each
  with their own answers; door_knock.someone_else marks "talked to someone else at the door".
- voter.added_by_id / added_client_uuid / added_at: a person met at the door who was not on
  the list, added once per (canvasser, client uuid); voter.merged_into_id: the imported voter
  an organizer found them to be.
- household.added_by_id: a unit or door a canvasser found missing from the list.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_conversations'
down_revision = '0008_street_networks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('door_knock', schema=None) as batch_op:
        batch_op.add_column(sa.Column('talked_to', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('someone_else', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))

    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('added_client_uuid', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('added_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_voter_added_by_id_user'), 'user',
                                    ['added_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_voter_merged_into_id_voter'), 'voter',
                                    ['merged_into_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_voter_added_by_id_added_client_uuid'),
                                          ['added_by_id', 'added_client_uuid'])

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_household_added_by_id_user'), 'user',
                                    ['added_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_household_added_by_id_user'), type_='foreignkey')
        batch_op.drop_column('added_by_id')

    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_voter_added_by_id_added_client_uuid'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_voter_merged_into_id_voter'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_voter_added_by_id_user'), type_='foreignkey')
        for column in ('merged_into_id', 'added_at', 'added_client_uuid', 'added_by_id'):
            batch_op.drop_column(column)

    with op.batch_alter_table('door_knock', schema=None) as batch_op:
        batch_op.drop_column('someone_else')
        batch_op.drop_column('talked_to')
