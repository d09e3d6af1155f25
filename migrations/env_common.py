"""Shared body of the two alembic env.py files."""

from alembic import context
import sqlalchemy as sa


def run(target_metadata, version_table='alembic_version'):
    config = context.config
    connection = config.attributes.get('connection')
    if connection is not None:
        _run_online(connection, target_metadata, version_table)
        return
    url = config.get_main_option('sqlalchemy.url')
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata,
                          literal_binds=True, render_as_batch=True,
                          version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        _run_online(conn, target_metadata, version_table)


def _run_online(connection, target_metadata, version_table):
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, version_table=version_table)
    with context.begin_transaction():
        context.run_migrations()
