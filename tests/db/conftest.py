import pytest

from nova_lite import context as nl_context
from nova_lite.db import api as db_api
from nova_lite.cmd import db_sync as sync
from tests.fixtures import databases
from tests.fixtures import stack as stack_fixture


@pytest.fixture(params=databases.BACKENDS)
def backend(request, tmp_path):
    """Yield (backend name, api url, cell url) of fresh, empty databases."""
    api_db = databases.Database(request.param, tmp_path)
    cell_db = databases.Database(request.param, tmp_path)
    try:
        api_url, cell_url = api_db.create(), cell_db.create()
    except Exception as error:  # server not running
        pytest.fail('%s is not reachable on 127.0.0.1 (%s); start it as '
                    'doc/source/testing.rst explains' % (request.param, error))
    from nova_lite.objects import cell_mapping
    cell_mapping.PLACED.clear()
    try:
        yield request.param, api_url, cell_url
    finally:
        cell_mapping.PLACED.clear()
        db_api.reset()
        api_db.drop()
        cell_db.drop()


@pytest.fixture
def synced(backend, tmp_path):
    """Configured and migrated databases plus an admin context."""
    name, api_url, cell_url = backend
    conf = stack_fixture.make_conf(tmp_path)
    conf.set_override('connection', api_url, group='api_database')
    conf.set_override('connection', cell_url, group='database')
    db_api.configure(conf)
    sync.sync_api_db(conf)
    sync.sync_main_db(conf)
    return conf, nl_context.get_admin_context()
