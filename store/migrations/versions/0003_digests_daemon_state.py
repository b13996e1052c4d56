"""digests, digest items, daemon state

Revision ID: 0003
Revises: 0002w
Create Date: 2026-11-28 06:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002w'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('dedupe_key', sa.String(length=100), nullable=True),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('email_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_target', sa.String(length=1000), nullable=True),
    sa.Column('webhook_done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key', name='uq_digests_dedupe_key')
    )
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.create_index('ix_digests_pending', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_digests_kind'), ['kind'], unique=False)

    op.create_table('digest_items',
    sa.Column('digest_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=10), nullable=False),
    sa.Column('finding_status', sa.String(length=20), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['digest_id'], ['digests.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.finding_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('digest_id', 'finding_id')
    )
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_items_finding_id'), ['finding_id'], unique=False)

    op.create_table('daemon_state',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('daemon_state')
    with op.batch_alter_table('digest_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digest_items_finding_id'))
    op.drop_table('digest_items')
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_digests_kind'))
        batch_op.drop_index('ix_digests_pending')
    op.drop_table('digests')
