"""evidence_timestamps: RFC 3161 tokens over each run's manifest, WARC and screenshots

Revision ID: evidence_0005
Revises: 0004
Create Date: 2026-12-06 21:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'evidence_0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'evidence_timestamps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('crawl_run_id', sa.Integer(), nullable=True),
        sa.Column('warc_name', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=120), nullable=False),
        sa.Column('subject_sha256', sa.String(length=64), nullable=False),
        sa.Column('token_path', sa.String(length=1000), nullable=False),
        sa.Column('token_sha256', sa.String(length=64), nullable=False),
        sa.Column('gen_time', sa.String(length=40), nullable=True),
        sa.Column('tsa_url', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('warc_name', 'subject', name='uq_evidence_timestamps_subject'),
    )
    with op.batch_alter_table('evidence_timestamps', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_timestamps_crawl_run_id', ['crawl_run_id'], unique=False)
        batch_op.create_index('ix_evidence_timestamps_warc_name', ['warc_name'], unique=False)
        batch_op.create_index('ix_evidence_timestamps_status', ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('evidence_timestamps')
