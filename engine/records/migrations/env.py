"""Alembic environment, run from the package (engine.records.database), never
from an alembic.ini: the caller hands over an open connection in
`config.attributes["connection"]`.

To write a new revision after changing models.py, from the repository root:
    .venv/bin/python -c "from alembic import command; from engine.records.database import alembic_config as c; \
cfg = c(); cfg.set_main_option('sqlalchemy.url', 'sqlite:///scratch.db'); command.upgrade(cfg, 'head'); \
command.revision(cfg, 'what changed', autogenerate=True)"
"""
from alembic import context
from sqlalchemy import create_engine

from engine.records.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    # batch mode lets ALTER TABLE steps work on SQLite, which cannot alter columns in place
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
        run(conn)
        conn.commit()
