"""user.language: the language a person chose for the app ('en' or 'es'); NULL = the browser's

Revision ID: 0011_user_language
Revises: 0010_deactivated_at
Create Date: 2026-12-06

Volunteers pick English or Spanish once and the choice follows them to every phone they log in
on. Existing accounts keep NULL and get the language their browser asks for, as before.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_user_language'
down_revision = '0010_deactivated_at'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
