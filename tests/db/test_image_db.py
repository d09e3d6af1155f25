"""The image database on every backend: its models and migrations agree,
and the records survive a round trip."""

import pytest

from nova_lite.db import migration
from nova_lite.image_service import models
from nova_lite.image_service import store as image_store
from tests.db import test_migrations
from tests.fixtures import databases
from tests.fixtures import stack as stack_fixture


@pytest.fixture(params=databases.BACKENDS)
def store(request, tmp_path):
    db = databases.Database(request.param, tmp_path)
    try:
        url = db.create()
    except Exception as error:
        pytest.fail('%s is not reachable on 127.0.0.1 (%s); start it as '
                    'doc/source/testing.rst explains' % (request.param, error))
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('image_service', 'connection', url)])
    st = image_store.Store(conf)
    st.sync()
    try:
        yield st
    finally:
        st.stop()
        db.drop()


def test_models_match_migrations(store):
    engine = store._tc.writer.get_engine()
    assert migration.current(engine, 'image') == '0001'
    url = engine.url.render_as_string(hide_password=False)
    diff = test_migrations._diff(url, 'image', models.Base.metadata)
    assert [d for d in diff if not (
        d[0] == 'remove_table' and
        d[1].name == 'image_alembic_version')] == []
    store.sync()


def test_records_round_trip(store):
    values = {'name': 'n', 'status': 'queued', 'visibility': 'shared',
              'protected': False, 'os_hidden': False, 'min_disk': 0,
              'min_ram': 0, 'owner': 'demo', 'disk_format': 'raw',
              'container_format': 'bare'}
    image_id = '6a1b3c5d-7e9f-4a2b-8c4d-1e3f5a7b9c0d'
    made = store.create(image_id, values, {'hw_x': 'y'}, ['t'])
    assert (made['properties'], made['tags']) == ({'hw_x': 'y'}, ['t'])
    with pytest.raises(image_store.Conflict):
        store.create(image_id, values)
    assert store.set_status(image_id, ('queued',), 'saving')
    assert not store.set_status(image_id, ('queued',), 'saving')
    store.add_member(image_id, 'other')
    with pytest.raises(image_store.Conflict):
        store.add_member(image_id, 'other')
    updated = store.update(image_id, {'name': 'm'}, {'hw_z': '1'},
                           ['hw_x'], tags=['u'])
    assert updated['properties'] == {'hw_z': '1'}
    assert updated['tags'] == ['u']
    assert updated['members']['other']['status'] == 'pending'
    store.delete(image_id)
    with pytest.raises(image_store.NotFound):
        store.get(image_id)
