"""queue_procrastinate: the crawl queue's tables (procrastinate's own schema), PostgreSQL only

The schema is procrastinate's ``schema.sql`` of the installed version (3.x), applied once; SQLite
(local dispatch only) gets nothing. A later procrastinate version's migrations
(``procrastinate/sql/migrations/*.sql``) are applied by a later revision in the same way.

Revision ID: queue_0006
Revises: evidence_0005
Create Date: 2026-12-06 23:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'queue_0006'
down_revision = 'evidence_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or sa.inspect(bind).has_table("procrastinate_jobs"):
        return
    from procrastinate.schema import SchemaManager

    bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for (name,) in bind.execute(sa.text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'procrastinate\\_%'")):
        bind.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}" CASCADE')
    for (sig,) in bind.execute(sa.text("SELECT p.oid::regprocedure::text FROM pg_proc p "
                                       "WHERE p.proname LIKE 'procrastinate\\_%'")):
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {sig} CASCADE")
    for (name,) in bind.execute(sa.text("SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate\\_%' "
                                        "AND typtype IN ('e', 'c')")):
        bind.exec_driver_sql(f'DROP TYPE IF EXISTS "{name}" CASCADE')
