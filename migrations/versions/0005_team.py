"""team: deactivation, password resets, multi-use invites, token expiry

Revision ID: 0005_team
Revises: 0004_race_setup
Create Date: 2026-12-06

- invite.max_uses / invite.uses: a link may let several people join; existing links keep their
  single use (a used one counts 1 use of 1).
- invite.turf_id: the turf a newcomer joining by the link is assigned (SET NULL if the turf goes).
- api_token.expires_at: tokens expire; tokens made before this revision get 90 days from the
  upgrade, so no script stops working on the day of the upgrade.
- password_reset: one-time password-reset links (hash only), 24 h.
Deactivation uses the existing user.active column.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005_team'
down_revision = '0004_race_setup'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('password_reset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_password_reset_created_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_password_reset_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_token_hash'))
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_reset_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_uses', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('uses', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('turf_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invite_turf_id_turf'), 'turf', ['turf_id'], ['id'],
                                    ondelete='SET NULL')
    op.execute("UPDATE invite SET uses = 1 WHERE used_at IS NOT NULL")

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    token = sa.table('api_token', sa.column('expires_at', sa.DateTime(timezone=True)))
    op.execute(token.update().values(
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=90)))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invite_turf_id_turf'), type_='foreignkey')
        batch_op.drop_column('turf_id')
        batch_op.drop_column('uses')
        batch_op.drop_column('max_uses')
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_reset_user_id'))
    op.drop_table('password_reset')
