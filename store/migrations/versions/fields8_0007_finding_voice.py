"""findings.page_kind, voice, source, also: where and how the analyzer judged a finding

``page_kind`` and ``voice`` are analyzers.understand's codes ("" for rows from before, and for
page- and site-level rules); ``source`` is "rule" or "model"; ``also`` the other rules merged into
the finding (analyzers/merge.py), [] for rows from before.

Revision ID: fields8_0007
Revises: queue_0006
Create Date: 2026-12-07 14:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'fields8_0007'
down_revision = 'queue_0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_kind', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('voice', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('source', sa.String(length=10), nullable=False, server_default='rule'))
        batch_op.add_column(sa.Column('also', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('also')
        batch_op.drop_column('source')
        batch_op.drop_column('voice')
        batch_op.drop_column('page_kind')
