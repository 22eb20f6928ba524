"""import_run.job_id replaces job.import_run_id: the import run points to its job

Revision ID: 0013_import_run_job
Revises: 0012_script_spanish
Create Date: 2026-12-06

The generic jobs package should name no domain, and job.import_run_id named the voter imports
in the job table. The link now goes the other way: a run started by a background job records
that job (import_run.job_id, NULL for `flask imports voters` run in line), and the voter
import's kind of job finds its run by it. Existing links are carried over both ways (a run
was only ever noted by one job; should two have named it, the later one keeps it).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_import_run_job'
down_revision = '0012_script_spanish'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_import_run_job_id'), ['job_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_import_run_job_id_job'), 'job', ['job_id'],
                                    ['id'])
    op.execute("UPDATE import_run SET job_id = (SELECT max(job.id) FROM job "
               "WHERE job.import_run_id = import_run.id)")
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_job_import_run_id_import_run'),
                                 type_='foreignkey')
        batch_op.drop_column('import_run_id')


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_run_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_job_import_run_id_import_run'),
                                    'import_run', ['import_run_id'], ['id'])
    op.execute("UPDATE job SET import_run_id = (SELECT max(import_run.id) FROM import_run "
               "WHERE import_run.job_id = job.id)")
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_run_job_id_job'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_import_run_job_id'))
        batch_op.drop_column('job_id')
