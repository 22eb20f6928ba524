"""A race's script in Spanish: race.script_intro_es, survey_question.text_es, survey_choice.label_es

Revision ID: 0012_script_spanish
Revises: 0011_user_language
Create Date: 2026-12-06

Canvassers in Spanish-speaking neighbourhoods read the pitch and ask the questions in Spanish
and switch at the door. The Spanish sits beside the English on the same rows (not in rows of
its own) because an answer is the same answer whichever language was shown: a knock keeps
pointing at one choice id and one VAN response id. Empty text means "no Spanish for this
piece" and the phone shows the English, so existing scripts need no data step: the columns
are NOT NULL with a '' server default that fills the rows already there.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012_script_spanish'
down_revision = '0011_user_language'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('race', schema=None) as batch_op:
        batch_op.add_column(sa.Column('script_intro_es', sa.Text(), server_default='',
                                      nullable=False))
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_es', sa.String(length=500), server_default='',
                                      nullable=False))
    with op.batch_alter_table('survey_choice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label_es', sa.String(length=200), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('survey_choice', schema=None) as batch_op:
        batch_op.drop_column('label_es')
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.drop_column('text_es')
    with op.batch_alter_table('race', schema=None) as batch_op:
        batch_op.drop_column('script_intro_es')
