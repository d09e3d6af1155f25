"""The alembic migrations build exactly the schema the models describe."""

from alembic import autogenerate
from alembic import migration as alembic_migration
from alembic import script as alembic_script
import sqlalchemy as sa

from nova_lite.db import migration
from nova_lite.db import models


def _diff(url, database, metadata):
    migration.upgrade_url(database, url)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            ctx = alembic_migration.MigrationContext.configure(
                conn, opts={'compare_type': True,
                            'compare_server_default': False})
            return autogenerate.compare_metadata(ctx, metadata)
    finally:
        engine.dispose()


def test_api_models_match_migrations(backend):
    _name, api_url, _cell_url = backend
    assert _diff(api_url, 'api', models.ApiBase.metadata) == []


def test_cell_models_match_migrations(backend):
    _name, _api_url, cell_url = backend
    assert _diff(cell_url, 'main', models.CellBase.metadata) == []


def test_migrations_are_idempotent(backend):
    _name, api_url, cell_url = backend
    for _ in range(2):
        migration.upgrade_url('api', api_url)
        migration.upgrade_url('main', cell_url)
    engine = sa.create_engine(cell_url, poolclass=sa.pool.NullPool)
    try:
        script = alembic_script.ScriptDirectory.from_config(
            migration._config('main', None))
        assert migration.current(engine) == script.get_current_head()
        assert 'instances' in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
