"""os-migrations and /servers/{id}/migrations through the whole stack,
over migration records written to the cell database."""

import datetime
import uuid

import jsonschema
import pytest

from nova_lite.api.schemas import admin_responses as ar
from nova_lite import context as nl_context
from nova_lite.db import models
from nova_lite.objects import cell_mapping
from nova_lite.objects import migration as migration_obj
from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('migrations'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _cell_context():
    ctx = nl_context.get_admin_context()
    cell = [c for c in cell_mapping.get_all_cells(ctx) if not c.is_cell0][0]
    return nl_context.target_cell(ctx, cell)


@pytest.fixture(scope='module')
def seeded(stack):
    body = {'server': {'name': 'm', 'flavorRef': '1', 'imageRef': IMAGE,
                       'networks': 'none'}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.37')
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE')
    cctxt = _cell_context()
    base = {'instance_uuid': server_id, 'project_id': 'demo',
            'user_id': 'demo', 'source_compute': 'compute1',
            'source_node': 'compute1', 'dest_compute': 'compute2',
            'dest_node': 'compute2', 'dest_host': '10.0.0.2',
            'old_instance_type_id': 1, 'new_instance_type_id': 1,
            'hidden': False}
    made = {}
    for name, extra in (
            ('resize', {'migration_type': 'resize', 'status': 'finished'}),
            ('live', {'migration_type': 'live-migration',
                      'status': 'running', 'memory_total': 100,
                      'updated_at': datetime.datetime.utcnow(),
                      'memory_processed': 50, 'memory_remaining': 50}),
            ('hidden', {'migration_type': 'resize', 'status': 'finished',
                        'hidden': True}),
            ('theirs', {'migration_type': 'migration', 'status': 'error',
                        'project_id': 'other', 'user_id': 'bob',
                        'source_compute': 'compute3',
                        'dest_compute': 'compute4',
                        'instance_uuid': str(uuid.uuid4())})):
        made[name] = migration_obj.create(cctxt, dict(
            base, uuid=str(uuid.uuid4()), **extra))
    return server_id, made


def _list(stack, query='', version=None, status=200, token=ADMIN):
    resp = stack.request('GET', '/v2.1/os-migrations' + query, token=token,
                         version=version)
    assert resp.status_code == status, resp.text
    return resp.json()


@pytest.mark.parametrize('version', ['2.1', '2.23', '2.59', '2.80'])
def test_list_fields_per_version(stack, seeded, version):
    _server_id, made = seeded
    body = _list(stack, '', version)
    jsonschema.validate(body, ar.migrations_index(version))
    ids = [m['id'] for m in body['migrations']]
    # Newest first; the hidden one is not shown.
    assert ids == [made['theirs'].id, made['live'].id, made['resize'].id]
    live = [m for m in body['migrations'] if m['id'] == made['live'].id][0]
    assert ('migration_type' in live) == (version != '2.1')
    assert ('links' in live) == (version != '2.1')
    assert ('uuid' in live) == (version in ('2.59', '2.80'))
    assert ('project_id' in live) == (version == '2.80')
    assert live['source_compute'] == 'compute1'
    if version != '2.1':
        assert live['links'][0]['href'].endswith(
            '/servers/%s/migrations/%s' % (live['instance_uuid'],
                                           live['id']))
        resize = [m for m in body['migrations']
                  if m['id'] == made['resize'].id][0]
        assert 'links' not in resize


def test_filters(stack, seeded):
    server_id, made = seeded

    def ids(query, version=None):
        return {m['id'] for m in _list(stack, query, version)['migrations']}

    assert ids('?status=running') == {made['live'].id}
    assert ids('?host=compute4') == {made['theirs'].id}
    assert ids('?source_compute=compute1') == {made['live'].id,
                                               made['resize'].id}
    assert ids('?instance_uuid=%s' % server_id) == {made['live'].id,
                                                    made['resize'].id}
    assert ids('?migration_type=live-migration') == {made['live'].id}
    assert ids('?hidden=1') == set()
    assert ids('?project_id=other', '2.80') == {made['theirs'].id}
    assert ids('?user_id=demo', '2.80') == {made['live'].id,
                                            made['resize'].id}
    # Before 2.80 there is no project filter: refused from 2.59, ignored
    # before.
    _list(stack, '?project_id=other', '2.79', status=400)
    assert len(ids('?project_id=other', '2.58')) == 3
    future = (datetime.datetime.utcnow() + datetime.timedelta(days=1))
    stamp = future.strftime('%Y-%m-%dT%H:%M:%SZ')
    # Only the migration updated since it was made has an updated_at.
    assert ids('?changes-since=%s' % stamp, '2.59') == set()
    assert ids('?changes-since=2020-01-01T00:00:00Z', '2.59') == {
        made['live'].id}
    assert ids('?changes-before=%s' % stamp, '2.66') == {made['live'].id}
    _list(stack, '?changes-before=%s' % stamp, '2.65', status=400)
    resp = _list(stack, '?changes-since=%s&changes-before=2020-01-01T00:00:00Z'
                 % stamp, '2.66', status=400)
    assert resp['badRequest']['message'] == (
        'The value of changes-since must be less than or equal to '
        'changes-before.')
    _list(stack, '?changes-before=x', '2.66', status=400)
    _list(stack, '?bogus=1', '2.59', status=400)
    _list(stack, '?bogus=1', '2.58')


def test_paging_from_2_59(stack, seeded):
    _server_id, made = seeded
    first = _list(stack, '?limit=1', '2.59')
    assert [m['id'] for m in first['migrations']] == [made['theirs'].id]
    assert 'marker=%s' % made['theirs'].uuid in \
        first['migrations_links'][0]['href']
    rest = _list(stack, '?marker=%s' % made['theirs'].uuid, '2.59')
    assert [m['id'] for m in rest['migrations']] == [made['live'].id,
                                                     made['resize'].id]
    resp = _list(stack, '?marker=nope', '2.59', status=400)
    assert resp['badRequest']['message'] == 'Marker nope could not be found.'


def test_listing_policies(stack, seeded):
    resp = _list(stack, token='demo:demo', status=403)
    assert resp['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-migrations:index to be "
        "performed.")
    resp = _list(stack, '?project_id=demo', '2.80', token='demo:demo',
                 status=403)
    assert 'os-migrations:index ' in resp['forbidden']['message']


def test_server_migrations(stack, seeded):
    server_id, made = seeded
    path = '/v2.1/servers/%s/migrations' % server_id
    resp = stack.request('GET', path, token=ADMIN, version='2.22')
    assert resp.status_code == 404
    body = stack.request('GET', path, token=ADMIN, version='2.80').json()
    jsonschema.validate(body, ar.server_migrations_index('2.80'))
    (live,) = body['migrations']
    assert live['id'] == made['live'].id
    assert (live['memory_total_bytes'], live['source_compute']) == (
        100, 'compute1')
    assert live['uuid'] == made['live'].uuid
    shown = stack.request('GET', '%s/%s' % (path, made['live'].id),
                          token=ADMIN, version='2.23').json()
    jsonschema.validate(shown, ar.server_migration_show('2.23'))
    assert 'uuid' not in shown['migration']
    resp = stack.request('GET', '%s/%s' % (path, made['resize'].id),
                         token=ADMIN, version='2.23')
    assert resp.status_code == 404
    assert resp.json()['itemNotFound']['message'] == (
        'Migration %s for server %s is not live-migration.' % (
            made['resize'].id, server_id))
    resp = stack.request('GET', '%s/12345' % path, token=ADMIN,
                         version='2.23')
    assert resp.json()['itemNotFound']['message'] == (
        'In-progress live migration 12345 is not found for server %s.'
        % server_id)
    resp = stack.request('GET', path, version='2.23')
    assert resp.status_code == 403
    resp = stack.request('GET', path, version='2.23', token='bob:other')
    assert resp.status_code == 404


def test_a_server_without_migrations(stack):
    body = {'server': {'name': 'still', 'flavorRef': '1', 'imageRef': IMAGE,
                       'networks': 'none'}}
    resp = stack.request('POST', '/v2.1/servers', json=body, version='2.37')
    server_id = resp.json()['server']['id']
    stack.wait_for_server(server_id, 'ACTIVE')
    path = '/v2.1/servers/%s/migrations' % server_id
    assert stack.request('GET', path, token=ADMIN, version='2.23').json() == {
        'migrations': []}


def test_migrations_table_is_nova_shaped():
    columns = set(models.Migration.__table__.columns.keys())
    assert {'source_compute', 'dest_compute', 'source_node', 'dest_node',
            'dest_host', 'old_instance_type_id', 'new_instance_type_id',
            'instance_uuid', 'status', 'migration_type', 'hidden',
            'memory_total', 'disk_total', 'cross_cell_move', 'uuid',
            'user_id', 'project_id'} <= columns
