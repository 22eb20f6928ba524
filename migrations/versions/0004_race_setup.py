"""race setup: races made by organizers, scripts that keep their history

Revision ID: 0004_race_setup
Revises: 0003_jobs
Create Date: 2026-12-06

Reviewed by hand: new nullable or defaulted columns only, no data moved.

- race.doors_per_turf: the turf size the cutter proposes for this race (10-400); existing
  races get 50, the cutter's old default.
- race.script_intro: the pitch the canvasser reads before the questions ('' for old races).
- race.archived_at: when an organizer archived the race (status says whether it is).
- survey_question.van_question_id / survey_choice.van_response_id: optional VAN survey ids
  for the VAN export.
- survey_question.retired_at / survey_choice.retired_at: a removed question or answer is
  retired, never deleted, so knocks that answered it (or are still queued) keep their meaning.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004_race_setup'
down_revision = '0003_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('race', schema=None) as batch_op:
        batch_op.add_column(sa.Column('doors_per_turf', sa.Integer(), server_default='50', nullable=False))
        batch_op.add_column(sa.Column('script_intro', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('van_question_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('survey_choice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('van_response_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('survey_choice', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
        batch_op.drop_column('van_response_id')

    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
        batch_op.drop_column('van_question_id')

    with op.batch_alter_table('race', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
        batch_op.drop_column('script_intro')
        batch_op.drop_column('doors_per_turf')
