"""``GET /servers/detail`` rendered from the servers' rows answers the very
bytes the record views answer, on SQLite, MariaDB and PostgreSQL: servers
in many states, on several hosts and projects, with metadata, tags,
volumes, faults, locks, a build request and a server in cell0, listed by a
member and by an admin at every microversion the views depend on, with
filters, sorting, paging and changes-since."""

import datetime
import urllib.parse

from oslo_serialization import jsonutils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import pytest
import requests

from nova_lite.api.controllers import servers as servers_controller
from nova_lite import context as nl_context
from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.objects import build_request
from nova_lite.objects import cell_mapping
from nova_lite.objects import flavor as flavor_obj
from tests.fixtures import databases
from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
GONE_IMAGE = 'a8e2a1ae-0f5d-4a53-8b4f-2b0f6e5c9d11'
MEMBER = 'demo:demo'
ADMIN = 'admin:admin'
VERSIONS = ('2.1', '2.3', '2.9', '2.16', '2.19', '2.26', '2.47', '2.60',
            '2.63', '2.69', '2.73', '2.90', '2.96', '2.98', '2.100',
            'latest')
BASE = datetime.datetime(2026, 5, 6, 7, 8, 9, 123456)


@pytest.fixture(params=databases.BACKENDS)
def stack(request, tmp_path):
    overrides = [(None, 'report_interval', 10)]
    dbs = []
    if request.param != 'sqlite':
        dbs = [databases.Database(request.param, tmp_path)
               for _ in range(3)]
        # The all-in-one maps cell0 on the cell database's name + _cell0.
        dbs[2].name = dbs[1].name + '_cell0'
        try:
            api_url, cell_url, _cell0 = [db.create() for db in dbs]
        except Exception as error:  # server not running
            pytest.fail('%s is not reachable on 127.0.0.1 (%s)'
                        % (request.param, error))
        overrides += [('api_database', 'connection', api_url),
                      ('database', 'connection', cell_url)]
    conf = stack_fixture.make_conf(tmp_path, overrides=overrides)
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()
        for db in dbs:
            db.drop()


def _at(minutes):
    return BASE + datetime.timedelta(minutes=minutes)


def _servers(stack):
    """Servers of many kinds written into the databases; returns the
    uuids of those in the cell."""
    ctxt = nl_context.get_admin_context()
    cells = cell_mapping.get_all_cells(ctxt)
    cell = [c for c in cells if not c.is_cell0][0]
    cell0 = [c for c in cells if c.is_cell0][0]
    small = flavor_obj.get_by_flavor_id(ctxt, '1').snapshot()
    big = dict(flavor_obj.get_by_flavor_id(ctxt, '2').snapshot(),
               extra_specs={'hw:cpu_policy': 'dedicated'})
    kinds = [
        dict(vm_state='active'),
        dict(vm_state='active', task_state='rebooting'),
        dict(vm_state='active', task_state='resize_migrating', progress=40),
        dict(vm_state='stopped', power_state=4),
        dict(vm_state='error', power_state=0),
        dict(vm_state='error', task_state='rebuilding'),
        dict(vm_state='building', task_state='spawning', launched_at=None),
        dict(vm_state='shelved_offloaded', host=None, node=None),
        dict(vm_state='paused', power_state=3),
        dict(vm_state='resized', progress=100),
        dict(vm_state='soft-delete'),
        dict(vm_state='deleted', deleted=True, terminated_at=_at(90)),
        dict(vm_state='rescued'),
        dict(vm_state='suspended'),
        dict(vm_state='active', image_ref=''),
        dict(vm_state='active', image_ref=GONE_IMAGE),
        dict(vm_state='active', image_ref='http://glance/images/' + IMAGE),
    ]
    rows, specs, bdms, faults, mappings = [], [], [], [], []
    ids = []
    for index in range(34):
        kind = dict(kinds[index % len(kinds)])
        uuid = uuidutils.generate_uuid()
        project = 'demo' if index % 5 else 'other'
        host = ('compute1', 'compute2', None)[index % 3] \
            if index % 7 else 'compute1'
        deleted = kind.pop('deleted', False)
        row = {
            'uuid': uuid, 'project_id': project,
            'user_id': 'demo' if index % 2 else 'someone',
            'display_name': 'Server %02d' % (33 - index) if index % 4
            else 'server-%d' % index,
            'display_description': 'about %d' % index if index % 3 else None,
            'hostname': 'server-%d' % index, 'host': host, 'node': host,
            'availability_zone': 'nova' if index % 6 else None,
            'vm_state': 'active', 'task_state': None, 'power_state': 1,
            'image_ref': IMAGE, 'key_name': 'key' if index % 2 else None,
            'config_drive': 'True' if index % 4 == 1 else '',
            'user_data': 'I2Nsb3VkLWNvbmZpZw==' if index % 3 == 2 else None,
            'access_ip_v4': '192.0.2.%d' % index if index % 5 == 1 else None,
            'access_ip_v6': '2001:db8::%x' % index if index % 5 == 2
            else None,
            'locked': index % 6 == 1,
            'locked_by': 'owner' if index % 6 == 1 else None,
            'locked_reason': 'held' if index % 12 == 1 else None,
            'launched_at': _at(index + 1) if index % 8 else
            _at(index + 1).replace(microsecond=0),
            'terminated_at': None, 'launch_index': index % 3,
            'reservation_id': 'r-%08d' % (index // 4),
            'root_device_name': '/dev/vda', 'kernel_id': 'k' * (index % 2),
            'ramdisk_id': None if index % 2 else 'ram',
            'progress': None, 'auto_disk_config': (True, False, None)[
                index % 3],
            'flavor': jsonutils.dumps(big if index % 3 == 0 else small),
            'server_metadata': jsonutils.dumps(
                {'role': 'web', 'n': str(index)}) if index % 4 == 1 else
            ('{}' if index % 4 else None),
            'tags': jsonutils.dumps(['web', 'tier-%d' % (index % 3)])
            if index % 3 == 1 else '[]',
            # The image's properties kept at boot (shown from 2.98, those
            # nova knows only).
            'system_metadata': jsonutils.dumps({
                'image_hw_disk_bus': 'virtio', 'image_os_distro': 'x',
                'image_custom': 'not shown', 'image_min_ram': '0',
                'owner_user_name': 'demo'}) if index % 3 else None,
            'created_at': _at(index // 2), 'updated_at':
            _at(index + 30) if index % 5 else None, 'deleted': 0}
        row.update(kind)
        rows.append((row, deleted))
        ids.append(uuid)
        mappings.append({'instance_uuid': uuid, 'project_id': project,
                         'user_id': row['user_id'], 'cell_id': cell.id,
                         'queued_for_delete': deleted,
                         'created_at': row['created_at']})
        if index % 4 != 3:
            specs.append({'instance_uuid': uuid, 'spec': jsonutils.dumps({
                'availability_zone': 'nova' if index % 4 == 1 else None,
                'scheduler_hints': {'group': ['g%d' % index]}
                if index % 4 == 2 else {}}), 'created_at': row['created_at']})
        for slot in range(index % 4):
            bdms.append({'uuid': uuidutils.generate_uuid(),
                         'instance_uuid': uuid, 'source_type': 'volume',
                         'destination_type': 'volume',
                         'device_name': '/dev/vd%s' % 'bcd'[slot],
                         'volume_id': uuidutils.generate_uuid()
                         if slot != 2 else None,
                         'delete_on_termination': slot == 1,
                         'created_at': row['created_at']})
        if row['vm_state'] in ('error', 'deleted'):
            for code, when in ((500, 1), (400 if index % 2 else 500, 2)):
                faults.append({'instance_uuid': uuid, 'code': code,
                               'message': 'failed %d' % index,
                               'details': 'Traceback %d' % index
                               if index % 3 else '', 'host': host,
                               'created_at': _at(index + when)})
    # A server that failed scheduling lives in cell0.
    in_cell0 = dict(rows[4][0], uuid=uuidutils.generate_uuid(), host=None,
                    node=None, display_name='cell0 server')
    mappings.append(dict(mappings[4], instance_uuid=in_cell0['uuid'],
                         cell_id=cell0.id))
    with db_api.get_api_engine().begin() as conn:
        conn.execute(models.InstanceMapping.__table__.insert(), mappings)
        conn.execute(models.RequestSpec.__table__.insert(), specs)
    table = models.Instance.__table__
    with db_api.get_main_engine(
            nl_context.target_cell(ctxt, cell)).begin() as conn:
        for row, deleted in rows:
            result = conn.execute(table.insert(), row)
            if deleted:
                ident = result.inserted_primary_key[0]
                conn.execute(table.update().where(table.c.id == ident)
                             .values(deleted=ident, deleted_at=_at(91)))
        conn.execute(models.BlockDeviceMapping.__table__.insert(), bdms)
        conn.execute(models.InstanceFault.__table__.insert(), faults)
    with db_api.get_main_engine(
            nl_context.target_cell(ctxt, cell0)).begin() as conn:
        conn.execute(table.insert(), in_cell0)
    # And one still a build request.
    building = uuidutils.generate_uuid()
    demo = nl_context.RequestContext(user_id='demo', project_id='demo')
    cell_mapping.create_instance_mapping(demo, building, 'demo', 'demo')
    build_request.create(demo, {
        'uuid': building, 'project_id': 'demo', 'user_id': 'demo',
        'display_name': 'being built', 'hostname': 'being-built',
        'vm_state': 'building', 'task_state': 'scheduling',
        'power_state': 0, 'flavor': small, 'image_ref': IMAGE,
        'metadata': {'a': 'b'}, 'tags': ['new'], 'locked': False,
        'launch_index': 0, 'reservation_id': 'r-building',
        'root_device_name': '/dev/vda', 'availability_zone': None,
        'progress': 0, 'created_at': timeutils.utcnow(),
        'updated_at': timeutils.utcnow()}, [], {
        'availability_zone': None, 'scheduler_hints': {'a': ['1']}})
    return ids


def _get(stack, token, version, query, from_rows):
    servers_controller.LIST_FROM_ROWS = from_rows
    try:
        return requests.get(
            stack.base + '/v2.1/servers/detail' +
            ('?' + query if query else ''),
            headers={'X-Auth-Token': token,
                     'OpenStack-API-Version': 'compute %s' % version},
            timeout=30)
    finally:
        servers_controller.LIST_FROM_ROWS = True


def _queries(ids):
    since = urllib.parse.quote((BASE + datetime.timedelta(
        minutes=40)).isoformat() + 'Z')
    return [
        ('', MEMBER), ('', ADMIN),
        ('all_tenants=1', ADMIN),
        ('all_tenants=1&deleted=true', ADMIN),
        ('all_tenants=1&host=compute2', ADMIN),
        ('limit=4', MEMBER),
        ('limit=4&marker=%s' % ids[9], MEMBER),
        ('all_tenants=1&limit=5&marker=%s&sort_key=display_name'
         '&sort_dir=asc' % ids[12], ADMIN),
        ('sort_key=display_name&sort_dir=asc', MEMBER),
        ('sort_key=launched_at&sort_dir=desc&sort_key=host', ADMIN),
        # Sort keys that are no column a member's list shows.
        ('sort_key=node&sort_key=launch_index&sort_dir=asc', MEMBER),
        ('limit=3&marker=%s&sort_key=kernel_id' % ids[21], MEMBER),
        ('changes-since=%s' % since, MEMBER),
        ('all_tenants=1&changes-since=%s' % since, ADMIN),
        ('status=ERROR', MEMBER),
        ('status=SHUTOFF', ADMIN),
        ('tags=web', MEMBER),
        ('not-tags-any=tier-1', MEMBER),
        ('name=Server+1', MEMBER),
        ('flavor=2', MEMBER),
        ('image=%s' % IMAGE, MEMBER),
        ('locked=true', MEMBER),
    ]


def test_detail_from_rows_is_the_record_views_bytes(stack):
    ids = _servers(stack)
    seen = {'fault': 0, 'volumes': 0, 'extra_specs': 0, 'host_status': 0,
            'built': 0, 'cell0': 0, 'hints': 0, 'properties': 0}
    compared = 0
    for query, token in _queries(ids):
        for version in VERSIONS:
            if 'locked=' in query and version != 'latest' and \
                    tuple(map(int, version.split('.'))) < (2, 73):
                continue
            want = _get(stack, token, version, query, from_rows=False)
            got = _get(stack, token, version, query, from_rows=True)
            assert got.status_code == want.status_code == 200, \
                (query, version, got.text, want.text)
            assert got.content == want.content, (query, token, version)
            compared += 1
            for server in want.json()['servers']:
                seen['fault'] += 'fault' in server
                seen['volumes'] += bool(server.get(
                    'os-extended-volumes:volumes_attached'))
                seen['extra_specs'] += bool(
                    server['flavor'].get('extra_specs'))
                seen['host_status'] += 'host_status' in server
                seen['built'] += server['name'] == 'being built'
                seen['cell0'] += server['name'] == 'cell0 server'
                seen['hints'] += bool(server.get('scheduler_hints'))
                seen['properties'] += bool(
                    (server['image'] or {}).get('properties'))
    assert compared > 300
    # Every kind of piece was in what was compared.
    assert all(seen.values()), seen


def test_detail_from_rows_shows_every_change(stack):
    """Bodies written once for what they are made of: whatever changes
    (a column, a volume, a fault, a request spec, the image, a host's
    service), the next list shows it, as the record views do."""
    ids = _servers(stack)
    ctxt = nl_context.get_admin_context()
    cell = [c for c in cell_mapping.get_all_cells(ctxt) if not c.is_cell0][0]
    engine = db_api.get_main_engine(nl_context.target_cell(ctxt, cell))
    table = models.Instance.__table__

    def both(token='admin:admin', version='latest', query='all_tenants=1'):
        want = _get(stack, token, version, query, from_rows=False)
        got = _get(stack, token, version, query, from_rows=True)
        assert got.content == want.content
        return {s['id']: s for s in got.json()['servers']}

    before = both()
    both(MEMBER, '2.60', '')
    # Each change on a server of its own (the others unchanged).
    renamed, faulted, attached, respecced, pinned = (
        ids[1], ids[4], ids[2], ids[6], ids[13])
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.uuid == renamed).values(
            display_name='renamed'))
        conn.execute(models.InstanceFault.__table__.insert(), {
            'instance_uuid': faulted, 'code': 409, 'message': 'new fault',
            'details': 'why', 'host': 'compute1', 'created_at': _at(500)})
        conn.execute(models.BlockDeviceMapping.__table__.insert(), {
            'uuid': uuidutils.generate_uuid(), 'instance_uuid': attached,
            'source_type': 'volume', 'destination_type': 'volume',
            'device_name': '/dev/vdz', 'volume_id': 'a-new-volume',
            'delete_on_termination': True, 'created_at': _at(500)})
    with db_api.get_api_engine().begin() as conn:
        specs = models.RequestSpec.__table__
        conn.execute(specs.update().where(
            specs.c.instance_uuid == respecced).values(
                spec=jsonutils.dumps({'availability_zone': None,
                                      'scheduler_hints': {'new': ['hint']}})))
        conn.execute(specs.update().where(
            specs.c.instance_uuid == pinned).values(
                spec=jsonutils.dumps({'availability_zone': 'az9',
                                      'scheduler_hints': {}})))
    after = both()
    for server in (renamed, faulted, attached, respecced, pinned):
        assert before[server] != after[server]
    assert after[renamed]['name'] == 'renamed'
    assert after[faulted]['fault']['message'] == 'new fault'
    assert {'id': 'a-new-volume', 'delete_on_termination': True} in \
        after[attached]['os-extended-volumes:volumes_attached']
    assert after[respecced]['scheduler_hints'] == {'new': ['hint']}
    assert after[pinned]['pinned_availability_zone'] == 'az9'
    # A server's kept image properties changed (a rebuild): it shows them;
    # an image changed later changes no server's.
    stack.aio.image_service.store.update(
        IMAGE, set_properties={'os_distro': 'image-changed'})
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.uuid == ids[1]).values(
            system_metadata=jsonutils.dumps({'image_os_distro': 'rebuilt'})))
    after = both()
    assert after[ids[1]]['image']['properties'] == {'os_distro': 'rebuilt'}
    assert after[ids[2]]['image']['properties'] == {
        'hw_disk_bus': 'virtio', 'os_distro': 'x'}
    # The host's service disabled: its servers' host status changes.
    on_host = [i for i, s in after.items()
               if s.get('OS-EXT-SRV-ATTR:host') == 'compute1']
    assert on_host and after[on_host[0]]['host_status'] == 'UP'
    services = requests.get(
        stack.base + '/v2.1/os-services?binary=nova-compute',
        headers={'X-Auth-Token': ADMIN,
                 'OpenStack-API-Version': 'compute 2.53'},
        timeout=30).json()['services']
    resp = requests.put(
        stack.base + '/v2.1/os-services/%s' % services[0]['id'],
        headers={'X-Auth-Token': ADMIN,
                 'OpenStack-API-Version': 'compute 2.53'},
        json={'status': 'disabled'}, timeout=30)
    assert resp.status_code == 200, resp.text
    assert both()[on_host[0]]['host_status'] == 'MAINTENANCE'
    both(MEMBER, '2.60', '')


def test_written_bodies_kept_are_bounded(stack, monkeypatch):
    """The bodies kept for unchanged servers are at most MEMO_SIZE; when
    full they are forgotten, and the lists stay the record views' bytes."""
    from nova_lite.api.views import server_rows
    _servers(stack)
    server_rows._forget_bodies()
    monkeypatch.setattr(server_rows, 'MEMO_SIZE', 7)
    for version in ('2.60', 'latest', '2.60'):
        want = _get(stack, ADMIN, version, 'all_tenants=1', from_rows=False)
        got = _get(stack, ADMIN, version, 'all_tenants=1', from_rows=True)
        assert got.status_code == 200
        assert got.content == want.content
        assert len(got.json()['servers']) > 7
        kept = sum(len(bodies) for bodies in server_rows._MEMO.values())
        assert 0 < kept <= 7
        assert server_rows._MEMO_KEPT[0] <= 7
