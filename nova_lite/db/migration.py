"""Apply the alembic migrations under ``migrations/`` to a database."""

import importlib.resources
import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
import sqlalchemy as sa

DATABASES = ('api', 'main', 'block_storage', 'image')

# The block storage keeps its alembic version in a table of its own, so its
# tables may share a database with another tree.
VERSION_TABLES = {'block_storage': 'block_storage_alembic_version',
                  'image': 'image_alembic_version'}


def _candidates():
    # A wheel or sdist install carries the trees inside the package
    # (setup.py maps migrations/ to nova_lite/migrations); a source checkout
    # or an editable install has them at the top of the repository.
    try:
        packaged = importlib.resources.files('nova_lite') / 'migrations'
    except (ImportError, TypeError):  # pragma: no cover - no package spec
        packaged = None
    if packaged is not None:
        yield str(packaged)
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.abspath(os.path.join(here, '..', '..', 'migrations'))


def migrations_dir():
    """The directory holding env_common.py and one alembic tree per
    database."""
    candidates = list(_candidates())
    for path in candidates:
        if os.path.isfile(os.path.join(path, 'env_common.py')):
            return os.path.abspath(path)
    raise RuntimeError('Unable to find the nova_lite migrations directory; '
                       'looked in: %s' % ', '.join(candidates))


def trees():
    """Every alembic tree shipped, by name (a directory with alembic.ini)."""
    root = migrations_dir()
    return sorted(name for name in os.listdir(root)
                  if os.path.isfile(os.path.join(root, name, 'alembic.ini')))


def _config(database, connection):
    path = os.path.join(migrations_dir(), database)
    cfg = alembic_config.Config(os.path.join(path, 'alembic.ini'))
    cfg.set_main_option('script_location', path)
    cfg.attributes['connection'] = connection
    return cfg


def upgrade(database, engine, revision='head'):
    """Upgrade ``database`` (one of DATABASES) reachable through ``engine``."""
    if database not in DATABASES:
        raise ValueError(database)
    with engine.begin() as connection:
        alembic_command.upgrade(_config(database, connection), revision)


def current(engine, database=None):
    opts = {'version_table': VERSION_TABLES.get(database, 'alembic_version')}
    with engine.connect() as connection:
        return alembic_migration.MigrationContext.configure(
            connection, opts=opts).get_current_revision()


def upgrade_url(database, url, revision='head'):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        upgrade(database, engine, revision)
    finally:
        engine.dispose()
