"""jobs: long work (imports, auto-cuts, geocoding) off the web request; resumable imports

Revision ID: 0003_jobs
Revises: 0002_household_indexes
Create Date: 2026-12-02

Reviewed by hand: one new table and one new column with a default, no data moved.

- job: one row per background job (fieldapp/jobs/models.py): kind, race, who started it,
  state, progress (done of total), the stored upload, the result or the error, and the
  worker's heartbeat that lets a new worker take over from one that died. `active_key` is
  unique and set only while a job is queued or running, so the same file cannot be imported
  into one race twice at once, even by two requests racing (NULLs never collide, on SQLite
  and PostgreSQL alike).
- import_run.resume_after_line: the last file line whose row is committed with the run's
  counts; existing runs get 0, which is what a run that never resumes needs.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003_jobs'
down_revision = '0002_household_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('race_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('phase', sa.String(length=200), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('error_line', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('upload_path', sa.String(length=500), nullable=True),
    sa.Column('upload_bytes', sa.BigInteger(), nullable=True),
    sa.Column('file_digest', sa.String(length=64), nullable=True),
    sa.Column('active_key', sa.String(length=200), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=200), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('import_run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['import_run_id'], ['import_run.id'], name=op.f('fk_job_import_run_id_import_run')),
    sa.ForeignKeyConstraint(['race_id'], ['race.id'], name=op.f('fk_job_race_id_race')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_job_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    sa.UniqueConstraint('active_key', name=op.f('uq_job_active_key'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index('ix_job_race_id_id', ['race_id', 'id'], unique=False)

    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resume_after_line', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_column('resume_after_line')

    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index('ix_job_race_id_id')

    op.drop_table('job')
