"""Alembic environment: runs on the connection storewatch hands over (store.db.Store.upgrade)."""

from alembic import context
from sqlalchemy import engine_from_config, pool

import web.models  # noqa: F401,E402 - the web tables (and the findings facet index) share this metadata
from store.models import Base

config = context.config
target_metadata = Base.metadata
# tables owned by others in the same database: the embedded search index (index/fts.py) and
# APScheduler's job store and the crawl queue (procrastinate); autogenerate must neither create nor drop them
FOREIGN_TABLES = ("search_", "apscheduler_", "procrastinate_")


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name and name.startswith(FOREIGN_TABLES))


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite", include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section) or {},
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          render_as_batch=conn.dialect.name == "sqlite", include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
