"""Record queries on SQLite, MariaDB and PostgreSQL."""

import datetime
import threading
from unittest import mock

from oslo_db import exception as db_exc

import pytest

from nova_lite import exception
from nova_lite.objects import block_device
from nova_lite.objects import build_request
from nova_lite.objects import cell_mapping
from nova_lite.objects import flavor as flavor_obj
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import service as service_obj


def _make(ctx, name, created, **extra):
    values = {'project_id': 'p1', 'user_id': 'u1', 'display_name': name,
              'vm_state': instance_obj.ACTIVE, 'flavor': {'flavorid': '1'},
              'metadata': {'k': name}, 'tags': ['t1'],
              'created_at': created, 'updated_at': created}
    values.update(extra)
    return instance_obj.create(ctx, values)


def _volume_mapping(ctx, server, volume_id, **extra):
    values = {'instance_uuid': server.uuid, 'source_type': 'volume',
              'destination_type': 'volume', 'volume_id': volume_id}
    values.update(extra)
    return block_device.create(ctx, values)


def test_seeded_flavors(synced):
    _conf, ctx = synced
    flavors = flavor_obj.get_all(ctx)
    assert [f.flavorid for f in flavors][:3] == ['1', '2', '3']
    tiny = flavor_obj.get_by_flavor_id(ctx, '1')
    assert (tiny.name, tiny.memory_mb, tiny.vcpus) == ('m1.tiny', 512, 1)
    with pytest.raises(exception.FlavorNotFound):
        flavor_obj.get_by_flavor_id(ctx, 'nope')
    after = flavor_obj.get_all(ctx, marker='1', limit=2)
    assert [f.flavorid for f in after] == ['2', '3']
    with pytest.raises(exception.MarkerNotFound):
        flavor_obj.get_all(ctx, marker='missing')


def test_instance_round_trip_and_json_fields(synced):
    _conf, ctx = synced
    t0 = datetime.datetime(2026, 1, 1, 12, 0, 0)
    inst = _make(ctx, 'vm1', t0, user_data='a' * 70000)
    got = instance_obj.get_by_uuid(ctx, inst.uuid)
    assert got.display_name == 'vm1'
    assert got.metadata == {'k': 'vm1'}
    assert got.tags == ['t1']
    assert got.flavor == {'flavorid': '1'}
    assert len(got.user_data) == 70000
    assert got.name == 'instance-%08x' % got.id


def test_compare_and_swap_update(synced):
    _conf, ctx = synced
    inst = _make(ctx, 'vm1', datetime.datetime(2026, 1, 1))
    instance_obj.update(ctx, inst.uuid, {'task_state': 'powering-off'},
                        expected_task_state=[None])
    with pytest.raises(exception.InstanceInvalidState) as err:
        instance_obj.update(ctx, inst.uuid, {'task_state': 'powering-on'},
                            expected_task_state=[None])
    assert err.value.kwargs['state'] == 'powering-off'
    assert instance_obj.get_by_uuid(ctx, inst.uuid).task_state == \
        'powering-off'


@pytest.mark.parametrize('vm_states,task_states,matches', [
    (None, None, True),
    (['active'], None, True),
    (['stopped', 'active'], [None], True),
    (['stopped'], None, False),
    (None, ['powering-on'], False),
    (None, ['powering-on', None], True),
    ([], None, False),
    (None, [], False),
    ([None], None, False),
])
def test_compare_and_swap_forms(synced, vm_states, task_states, matches):
    _conf, ctx = synced
    inst = _make(ctx, 'vm1', datetime.datetime(2026, 1, 1))
    assert (inst.vm_state, inst.task_state) == ('active', None)
    values = {'task_state': 'rebooting', 'host': 'other',
              'metadata': {'k': 'v'}}
    if matches:
        updated = instance_obj.update(ctx, inst.uuid, values,
                                      expected_vm_state=vm_states,
                                      expected_task_state=task_states)
        assert (updated.task_state, updated.host) == ('rebooting', 'other')
    else:
        with pytest.raises(exception.InstanceInvalidState):
            instance_obj.update(ctx, inst.uuid, values,
                                expected_vm_state=vm_states,
                                expected_task_state=task_states)
    stored = instance_obj.get_by_uuid(ctx, inst.uuid)
    assert stored.task_state == ('rebooting' if matches else None)
    assert stored.host == ('other' if matches else inst.host)
    assert stored.metadata == {'k': 'v' if matches else 'vm1'}
    assert stored.display_name == 'vm1'
    assert (stored.updated_at.year == 2026 and stored.updated_at.month ==
            1 and stored.updated_at.day == 1) is not matches


def test_update_of_a_missing_or_deleted_server(synced):
    _conf, ctx = synced
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.update(ctx, 'f' * 36, {'host': 'x'})
    inst = _make(ctx, 'vm1', datetime.datetime(2026, 1, 1))
    instance_obj.destroy(ctx, inst.uuid)
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.update(ctx, inst.uuid, {'host': 'x'},
                            expected_task_state=[None])


def test_block_device_update_sets_only_what_it_is_given(synced):
    _conf, ctx = synced
    inst = _make(ctx, 'vm1', datetime.datetime(2026, 1, 1))
    first = block_device.create(ctx, {
        'instance_uuid': inst.uuid, 'source_type': 'volume',
        'destination_type': 'volume', 'volume_id': 'a' * 36,
        'device_name': '/dev/vdb', 'boot_index': None})
    second = block_device.create(ctx, {
        'instance_uuid': inst.uuid, 'source_type': 'volume',
        'destination_type': 'volume', 'volume_id': 'b' * 36,
        'device_name': '/dev/vdc', 'boot_index': None})
    block_device.update(ctx, first.id, {'attachment_id': 'att-1',
                                        'connection_info': '{"x": 1}',
                                        'id': 999, 'unknown': 'ignored'})
    block_device.update(ctx, first.id, {'connection_info': None})
    block_device.update(ctx, first.id, {})
    got = {b.volume_id: b for b in block_device.get_by_instance(
        ctx, inst.uuid)}
    assert got['a' * 36].id == first.id
    assert got['a' * 36].attachment_id == 'att-1'
    assert got['a' * 36].connection_info is None
    assert got['a' * 36].device_name == '/dev/vdb'
    assert got['b' * 36].attachment_id is None
    assert got['b' * 36].device_name == '/dev/vdc'
    assert got['b' * 36].id == second.id
    with pytest.raises(exception.VolumeBDMNotFound):
        block_device.update(ctx, 987654, {'attachment_id': 'x'})
    with pytest.raises(exception.VolumeBDMNotFound):
        block_device.update(ctx, 987654, {})


def test_get_all_sorting_paging_and_filters(synced):
    _conf, ctx = synced
    base = datetime.datetime(2026, 1, 1)
    made = [_make(ctx, 'web-%d' % i, base + datetime.timedelta(minutes=i))
            for i in range(5)]
    _make(ctx, 'db-0', base, project_id='p2')
    keys, dirs = ['created_at', 'uuid'], ['desc', 'desc']
    page1 = instance_obj.get_all(ctx, {'project_id': 'p1'}, keys, dirs,
                                 limit=2)
    assert [i.display_name for i in page1] == ['web-4', 'web-3']
    page2 = instance_obj.get_all(ctx, {'project_id': 'p1'}, keys, dirs,
                                 limit=2, marker=page1[-1])
    assert [i.display_name for i in page2] == ['web-2', 'web-1']
    regex = instance_obj.get_all(ctx, {'name': '^web-[13]$'}, keys, dirs)
    assert sorted(i.display_name for i in regex) == ['web-1', 'web-3']
    since = instance_obj.get_all(
        ctx, {'changes_since': base + datetime.timedelta(minutes=3)},
        keys, dirs)
    assert sorted(i.display_name for i in since) == ['web-3', 'web-4']
    instance_obj.destroy(ctx, made[0].uuid)
    live = instance_obj.get_all(ctx, {'project_id': 'p1'}, keys, dirs)
    assert len(live) == 4
    gone = instance_obj.get_all(ctx, {'project_id': 'p1', 'deleted': True},
                                keys, dirs)
    assert [i.vm_state for i in gone] == [instance_obj.DELETED]
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.get_by_uuid(ctx, made[0].uuid)


def test_get_all_statement_kept_per_shape_binds_each_call(synced):
    """Lists filtered on column values reuse one statement per shape; the
    values and the limit of each call are its own."""
    _conf, ctx = synced
    base = datetime.datetime(2026, 2, 1)
    for i in range(4):
        _make(ctx, 'a-%d' % i, base + datetime.timedelta(minutes=i),
              host='h1' if i % 2 else 'h2')
    for i in range(3):
        _make(ctx, 'b-%d' % i, base + datetime.timedelta(minutes=i),
              project_id='p2', host='h1')
    keys, dirs = ['created_at', 'uuid'], ['desc', 'desc']

    def names(filters, **kwargs):
        return [i.display_name for i in
                instance_obj.get_all(ctx, filters, keys, dirs, **kwargs)]

    assert names({'project_id': 'p1'}, limit=3) == ['a-3', 'a-2', 'a-1']
    assert names({'project_id': 'p2'}, limit=2) == ['b-2', 'b-1']
    assert names({'project_id': 'p2'}) == ['b-2', 'b-1', 'b-0']
    assert names({'project_id': 'p1', 'host': 'h1'}) == ['a-3', 'a-1']
    assert names({'host': 'h1', 'project_id': 'p2'}, limit=1) == ['b-2']
    assert names({'project_id': 'p1', 'host': 'h2', 'node': None}) == [
        'a-2', 'a-0']
    assert names({'project_id': 'p1'}, limit=2) == ['a-3', 'a-2']
    # Sorted the other way: another shape.
    assert [i.display_name for i in instance_obj.get_all(
        ctx, {'project_id': 'p2'}, keys, ['asc', 'asc'])] == [
            'b-0', 'b-1', 'b-2']
    gone = instance_obj.get_all(ctx, {'project_id': 'p2'}, keys, dirs)[0]
    instance_obj.destroy(ctx, gone.uuid)
    assert names({'project_id': 'p2'}) == ['b-1', 'b-0']
    assert names({'project_id': 'p2', 'deleted': True}) == ['b-2']
    assert names({'project_id': 'p2', 'deleted': None}) == [
        'b-2', 'b-1', 'b-0']


def test_block_device_mappings(synced):
    _conf, ctx = synced
    inst = _make(ctx, 'vm1', datetime.datetime(2026, 1, 1), host='h1')
    bdm = block_device.create(ctx, {
        'instance_uuid': inst.uuid, 'source_type': 'volume',
        'destination_type': 'volume', 'volume_id': 'v' * 36,
        'boot_index': 0, 'delete_on_termination': True})
    assert block_device.get_by_volume_and_instance(
        ctx, 'v' * 36, inst.uuid).id == bdm.id
    assert instance_obj.get_by_uuid(ctx, inst.uuid).volume_bdms()[0][
        'volume_id'] == 'v' * 36
    second = block_device.create(ctx, {
        'instance_uuid': inst.uuid, 'source_type': 'volume',
        'destination_type': 'volume', 'volume_id': 'w' * 36,
        'device_name': '/dev/vdb', 'attachment_id': 'a' * 36})
    other = _make(ctx, 'vm2', datetime.datetime(2026, 1, 1))
    block_device.create(ctx, {
        'instance_uuid': other.uuid, 'source_type': 'volume',
        'destination_type': 'volume', 'volume_id': 'w' * 36})
    # One server's mappings as dicts: what its records hold, in order,
    # and what a server list carries for it; the server read carries them.
    records = [b.to_dict() for b in
               block_device.get_by_instance(ctx, inst.uuid)]
    dicts = block_device.get_dicts_by_instance(ctx, inst.uuid)
    assert dicts == records
    assert [d['id'] for d in dicts] == [bdm.id, second.id]
    assert dicts == block_device.get_dicts_by_instances(
        ctx, [inst.uuid, other.uuid])[inst.uuid]
    assert instance_obj.get_by_uuid(ctx, inst.uuid).bdms == dicts
    on_host = {i.uuid: i.bdms for i in instance_obj.get_by_host(ctx, 'h1')}
    assert on_host == {inst.uuid: dicts}
    assert block_device.get_dicts_by_instance(ctx, 'x' * 36) == []
    bare = _make(ctx, 'vm3', datetime.datetime(2026, 1, 1))
    got = instance_obj.get_by_uuid(ctx, bare.uuid)
    assert (got.bdms, got.display_name, got.metadata) == ([], 'vm3',
                                                          {'k': 'vm3'})
    assert len(instance_obj.get_by_uuid(ctx, other.uuid).bdms) == 1
    instance_obj.destroy(ctx, bare.uuid)
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.get_by_uuid(ctx, bare.uuid)
    assert instance_obj.get_by_uuid(ctx, bare.uuid,
                                    read_deleted='yes').bdms == []
    instance_obj.destroy(ctx, inst.uuid)
    assert [b.instance_uuid for b in
            block_device.get_by_volume(ctx, 'v' * 36)] == []


def test_server_with_one_mapping(synced):
    """A server and one of its mappings, by the mapping's uuid or by
    volume, as the separate reads give them; another server's mapping,
    a missing mapping and a deleted server are told apart."""
    _conf, ctx = synced
    inst = _make(ctx, 'vm1', datetime.datetime(2026, 1, 1), host='h1')
    other = _make(ctx, 'vm2', datetime.datetime(2026, 1, 1), host='h1')

    def bdm(server, volume_id, **extra):
        return _volume_mapping(ctx, server, volume_id, **extra)

    bdm(inst, 'u' * 36)
    first = bdm(inst, 'v' * 36, device_name='/dev/vdb',
                connection_info='{"driver_volume_type": "file"}',
                attachment_id='a' * 36)
    bdm(inst, 'v' * 36, device_name='/dev/vdc')
    theirs = bdm(other, 'w' * 36)
    alone = instance_obj.get_by_uuid(ctx, inst.uuid, with_extra=False)
    for found in (instance_obj.get_with_mapping(ctx, inst.uuid,
                                                volume_id='v' * 36),
                  instance_obj.get_with_mapping(ctx, inst.uuid,
                                                bdm_uuid=first.uuid)):
        server, mapping = found
        assert server.to_dict() == alone.to_dict()
        assert mapping.to_dict() == block_device.get_by_uuid(
            ctx, first.uuid).to_dict()
        assert isinstance(mapping.created_at, datetime.datetime)
    with pytest.raises(exception.VolumeBDMNotFound):
        instance_obj.get_with_mapping(ctx, inst.uuid, volume_id='w' * 36)
    with pytest.raises(exception.VolumeBDMNotFound):
        instance_obj.get_with_mapping(ctx, inst.uuid, bdm_uuid=theirs.uuid)
    instance_obj.destroy(ctx, other.uuid)
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.get_with_mapping(ctx, other.uuid, volume_id='w' * 36)
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.get_with_mapping(ctx, 'x' * 36, volume_id='v' * 36)


def test_mappings_unconnected_since_and_connected_on_host(synced):
    _conf, ctx = synced
    mine = _make(ctx, 'mine', datetime.datetime(2026, 1, 1), host='h1')
    other = _make(ctx, 'other', datetime.datetime(2026, 1, 1), host='h2')
    gone = _make(ctx, 'gone', datetime.datetime(2026, 1, 1), host='h1')

    def bdm(inst, volume_id, **extra):
        return _volume_mapping(ctx, inst, volume_id, **extra)

    now = datetime.datetime.utcnow()
    with mock.patch.object(block_device.timeutils, 'utcnow',
                           return_value=now - datetime.timedelta(hours=1)):
        reserved = bdm(mine, 'r' * 36)
    connected = bdm(mine, 'c' * 36, connection_info='{}')
    bdm(mine, None, source_type='image', destination_type='local')
    bdm(other, 'r' * 36)
    bdm(other, 'c' * 36, connection_info='{}')
    bdm(gone, 'r' * 36)
    instance_obj.destroy(ctx, gone.uuid)
    half_hour_ago = now - datetime.timedelta(minutes=30)
    assert [b.id for b in block_device.get_unconnected_on_host(
        ctx, 'h1', half_hour_ago)] == [reserved.id]
    assert block_device.get_unconnected_on_host(
        ctx, 'h1', now - datetime.timedelta(hours=2)) == []
    # Changed since (the API gave it its attachment): younger again.
    block_device.update(ctx, reserved.id, {'attachment_id': 'b' * 36})
    assert block_device.get_unconnected_on_host(
        ctx, 'h1', half_hour_ago) == []
    assert [b.attachment_id for b in block_device.get_unconnected_on_host(
        ctx, 'h1', now + datetime.timedelta(minutes=5))] == ['b' * 36]
    found = block_device.get_connected_on_host(
        ctx, 'h1', ['c' * 36, 'r' * 36])
    assert [(b.id, b.volume_id) for b in found] == [(connected.id, 'c' * 36)]
    assert block_device.get_connected_on_host(ctx, 'h1', []) == []
    assert block_device.get_connected_on_host(ctx, 'h3', ['c' * 36]) == []


def test_services_and_minimum_version(synced):
    _conf, ctx = synced
    assert service_obj.get_minimum_version(ctx, 'nova-compute') == 0
    a = service_obj.get_or_create(ctx, 'h1', 'nova-compute', 'compute',
                                  version=5)
    service_obj.get_or_create(ctx, 'h2', 'nova-compute', 'compute',
                              version=3)
    assert service_obj.get_minimum_version(ctx, 'nova-compute') == 3
    service_obj.heartbeat(ctx, a.id)
    assert service_obj.get_by_id(ctx, a.id).report_count == 1
    h2 = service_obj.get_by_host_and_binary(ctx, 'h2', 'nova-compute')
    service_obj.update(ctx, h2.id, {'forced_down': True})
    assert service_obj.get_minimum_version(ctx, 'nova-compute') == 5
    assert service_obj.get_by_uuid(ctx, a.uuid).is_up(60)
    service_obj.destroy(ctx, a.id)
    # The same host may register again once the old row is deleted.
    again = service_obj.get_or_create(ctx, 'h1', 'nova-compute', 'compute')
    assert again.id != a.id


def test_cell_host_instance_mappings_and_build_requests(synced):
    _conf, ctx = synced
    cell = cell_mapping.create_cell(ctx, 'cellX', 'sqlite://')
    with pytest.raises(exception.CellMappingExists):
        cell_mapping.create_cell(ctx, 'cellX', 'sqlite://')
    assert cell_mapping.map_host(ctx, 'h1', cell.id)
    assert not cell_mapping.map_host(ctx, 'h1', cell.id)
    assert cell_mapping.get_host_cell(ctx, 'h1').uuid == cell.uuid
    uuid = 'a' * 8 + '-aaaa-aaaa-aaaa-' + 'a' * 12
    cell_mapping.create_instance_mapping(ctx, uuid, 'p1', 'u1')
    assert cell_mapping.get_instance_mapping(ctx, uuid).cell_mapping is None
    now = datetime.datetime(2026, 2, 3, 4, 5, 6)
    build_request.create(ctx, {'uuid': uuid, 'project_id': 'p1',
                               'display_name': 'b', 'created_at': now,
                               'flavor': {'flavorid': '1'}},
                         [{'source_type': 'image'}], {'x': 1})
    inst = build_request.get_instance(ctx, uuid)
    assert inst.created_at == now and inst.bdms == [{'source_type': 'image'}]
    assert build_request.get_request_spec(ctx, uuid) == {'x': 1}
    other = 'b' * 8 + '-bbbb-bbbb-bbbb-' + 'b' * 12
    build_request.create(ctx, {'uuid': other, 'project_id': 'p2',
                               'display_name': 'o', 'created_at': now,
                               'flavor': {'flavorid': '1'}}, [], {})
    listed = {i.uuid: i for i in build_request.get_all_instances(ctx)}
    assert set(listed) == {uuid, other}
    assert listed[uuid].display_name == 'b'
    assert listed[uuid].bdms == [{'source_type': 'image'}]
    assert listed[other].bdms == []
    assert [i.uuid for i in build_request.get_all_instances(
        ctx, project_id='p2')] == [other]
    assert build_request.get_all_instances(ctx, project_id='p3') == []
    assert build_request.destroy(ctx, other)
    cell_mapping.set_instance_cell(ctx, uuid, cell.id)
    assert cell_mapping.get_instance_mapping(
        ctx, uuid).cell_mapping.name == 'cellX'
    assert build_request.destroy(ctx, uuid)
    assert not build_request.destroy(ctx, uuid)


def test_tag_filters(synced):
    _conf, ctx = synced
    t = datetime.datetime(2026, 1, 1)
    _make(ctx, 'ab', t, tags=['a', 'b'])
    _make(ctx, 'a', t, tags=['a'])
    _make(ctx, 'c', t, tags=['c', 'x"y'])
    keys, dirs = ['display_name'], ['asc']

    def names(**filters):
        return [i.display_name for i in
                instance_obj.get_all(ctx, filters, keys, dirs)]
    assert names(tags=['a', 'b']) == ['ab']
    assert names(**{'tags-any': ['b', 'c']}) == ['ab', 'c']
    assert names(**{'not-tags': ['a', 'b']}) == ['a', 'c']
    assert names(**{'not-tags-any': ['a']}) == ['c']
    assert names(tags=['x"y']) == ['c']
    assert names(tags=['%']) == []


def test_host_mapping_race_is_harmless(synced):
    _conf, ctx = synced
    cell = cell_mapping.create_cell(ctx, 'race', 'sqlite://')
    assert cell_mapping.map_host(ctx, 'h-race', cell.id)
    assert not cell_mapping.map_host(ctx, 'h-race', cell.id)
    # Another process inserted the same host between our check and insert.
    with mock.patch.object(cell_mapping, '_map_host',
                           side_effect=db_exc.DBDuplicateEntry()):
        assert cell_mapping.map_host(ctx, 'h-race', cell.id) is False


def test_plain_statement_records_match_what_is_stored(synced):
    _conf, ctx = synced
    inst = _make(ctx, 'vm1', datetime.datetime(2026, 1, 1), host='h1')
    made = block_device.create(ctx, {
        'instance_uuid': inst.uuid, 'source_type': 'volume',
        'destination_type': 'volume', 'volume_id': 'v' * 36,
        'device_name': '/dev/vdb', 'not_a_column': 'ignored'})
    read = block_device.get_by_uuid(ctx, made.uuid)
    # MariaDB's DATETIME keeps whole seconds.
    made_at, read_at = made.created_at, read.created_at
    assert abs((made_at - read_at).total_seconds()) < 1
    assert dict(made.to_dict(), created_at=None) == \
        dict(read.to_dict(), created_at=None)
    assert read.delete_on_termination is False and read.id > 0
    assert block_device.count_volume_users_on_host(
        ctx, 'v' * 36, 'h1') == 0
    block_device.update(ctx, made.id, {'connection_info': '{}'})
    assert block_device.count_volume_users_on_host(
        ctx, 'v' * 36, 'h1') == 1
    assert block_device.count_volume_users_on_host(
        ctx, 'v' * 36, 'other') == 0
    assert block_device.get_by_uuid(ctx, made.uuid).updated_at is not None
    with pytest.raises(exception.VolumeBDMNotFound):
        block_device.update(ctx, made.id + 1000, {'tag': 'x'})
    svc = service_obj.get_or_create(ctx, 'h1', 'nova-compute', 'compute')
    assert service_obj.get_by_host_and_binary(
        ctx, 'h1', 'nova-compute').id == svc.id
    with pytest.raises(exception.ComputeHostNotFound):
        service_obj.get_by_host_and_binary(ctx, 'h1', 'nova-conductor')

    gone = instance_obj.destroy(ctx, inst.uuid)
    again = instance_obj.get_by_uuid(ctx, inst.uuid, read_deleted='yes',
                                     with_extra=False)
    assert gone.vm_state == again.vm_state == instance_obj.DELETED
    assert gone.deleted == again.deleted == again.id
    assert gone.metadata == again.metadata == {'k': 'vm1'}
    assert abs((gone.terminated_at - again.terminated_at).total_seconds()) < 1
    assert block_device.get_by_instance(ctx, inst.uuid) == []
    with pytest.raises(exception.InstanceNotFound):
        instance_obj.destroy(ctx, inst.uuid)


def test_plain_statements_join_an_outer_session_transaction(synced):
    """A connection-mode write inside a session-mode transaction is part of
    it: rolled back with it."""
    from nova_lite.db import api as db_api
    _conf, ctx = synced
    inst = _make(ctx, 'vm1', datetime.datetime(2026, 1, 1))

    @db_api.cell_writer
    def write_then_fail(context):
        block_device.create(context, {'instance_uuid': inst.uuid,
                                      'volume_id': 'w' * 36})
        instance_obj.update(context, inst.uuid, {'display_name': 'renamed'})
        assert context.session.query(
            instance_obj.models.BlockDeviceMapping).count() == 1
        raise RuntimeError('roll back')

    with pytest.raises(RuntimeError):
        write_then_fail(ctx)
    assert block_device.get_by_instance(ctx, inst.uuid) == []
    assert instance_obj.get_by_uuid(ctx, inst.uuid).display_name == 'vm1'


def test_build_request_placed_in_its_cell(synced):
    """place() moves a build request into the cell in one API database
    transaction; a flavor's extra specs come with it."""
    _conf, ctx = synced
    flavor_obj.create_flavor(ctx, {
        'flavorid': 'fx', 'name': 'm1.specs', 'memory_mb': 64, 'vcpus': 1,
        'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0, 'rxtx_factor': 1.0,
        'is_public': True})
    flavor_obj.update_extra_specs(ctx, 'fx', {'hw:a': '1', 'hw:b': '2'})
    assert flavor_obj.get_by_flavor_id(ctx, 'fx').extra_specs == {
        'hw:a': '1', 'hw:b': '2'}
    assert flavor_obj.get_by_flavor_id(ctx, '1').extra_specs == {}
    cell = cell_mapping.create_cell(ctx, 'cellB', 'sqlite://')
    uuid = 'b' * 8 + '-bbbb-bbbb-bbbb-' + 'b' * 12
    cell_mapping.create_instance_mapping(ctx, uuid, 'p1', 'u1')
    created = datetime.datetime(2026, 2, 3, 4, 5, 6)
    build_request.create(ctx, {'uuid': uuid, 'project_id': 'p1',
                               'user_id': 'u1', 'display_name': 'b',
                               'created_at': created,
                               'flavor': {'flavorid': '1'}}, [], {'x': 1})
    made = []

    def create_in_cell(instance):
        made.append(instance_obj.create(ctx, {
            'uuid': instance.uuid, 'project_id': instance.project_id,
            'user_id': instance.user_id,
            'display_name': instance.display_name,
            'created_at': instance.created_at, 'flavor': instance.flavor,
            'vm_state': instance_obj.ACTIVE}))

    assert build_request.place(ctx, uuid, cell.id, create_in_cell)
    assert made[0].created_at == created and made[0].id > 0
    assert made[0].locked is False and made[0].deleted == 0
    assert made[0].flavor == {'flavorid': '1'}
    assert instance_obj.get_by_uuid(ctx, uuid).display_name == 'b'
    with pytest.raises(exception.BuildRequestNotFound):
        build_request.get_instance(ctx, uuid)
    cell_mapping.PLACED.clear()
    mapping = cell_mapping.get_instance_mapping(ctx, uuid)
    assert mapping.cell_mapping.uuid == cell.uuid
    assert not mapping.queued_for_delete
    build_request.destroy_request_spec(ctx, uuid)
    assert build_request.get_request_spec(ctx, uuid) is None
    # Gone meanwhile: nothing is created.
    assert not build_request.place(ctx, uuid, cell.id, create_in_cell)
    assert len(made) == 1
    cell_mapping.queue_instance_for_delete(ctx, uuid)
    cell_mapping.PLACED.clear()
    assert cell_mapping.get_instance_mapping(ctx, uuid).queued_for_delete


def _building(ctx, uuid, name):
    cell_mapping.create_instance_mapping(ctx, uuid, 'p1', 'u1')
    build_request.create(ctx, {'uuid': uuid, 'project_id': 'p1',
                               'user_id': 'u1', 'display_name': name,
                               'flavor': {'flavorid': '1'}}, [], {})


def _create_in_cell(ctx):
    def create_in_cell(instance):
        instance_obj.create(ctx, {
            'uuid': instance.uuid, 'project_id': instance.project_id,
            'user_id': instance.user_id,
            'display_name': instance.display_name,
            'flavor': instance.flavor, 'vm_state': instance_obj.BUILDING})
    return create_in_cell


def test_build_request_update_returns_what_it_wrote(synced):
    """The updated server comes from the update's own transaction: a
    placement right after it cannot make the answer a 404."""
    _conf, ctx = synced
    cell = cell_mapping.create_cell(ctx, 'cellU', 'sqlite://')
    uuid = 'c' * 8 + '-cccc-cccc-cccc-' + 'c' * 12
    _building(ctx, uuid, 'before')
    updated = build_request.update_instance(
        ctx, uuid, {'display_name': 'after', 'display_description': 'd'})
    assert (updated.uuid, updated.display_name,
            updated.display_description) == (uuid, 'after', 'd')
    assert build_request.place(ctx, uuid, cell.id, _create_in_cell(ctx))
    assert instance_obj.get_by_uuid(ctx, uuid).display_name == 'after'
    assert build_request.update_instance(
        ctx, uuid, {'display_name': 'late'}) is None
    cell_mapping.PLACED.clear()


def test_build_request_update_waits_for_a_placement(synced):
    """An update that comes while the conductor places the server waits
    for the placement and then finds the build request gone."""
    _conf, ctx = synced
    cell = cell_mapping.create_cell(ctx, 'cellW', 'sqlite://')
    uuid = 'd' * 8 + '-dddd-dddd-dddd-' + 'd' * 12
    _building(ctx, uuid, 'placed')
    inside, release = threading.Event(), threading.Event()
    make = _create_in_cell(ctx)

    def create_in_cell(instance):
        make(instance)
        inside.set()
        assert release.wait(30)

    placer = threading.Thread(target=build_request.place,
                              args=(ctx, uuid, cell.id, create_in_cell))
    placer.start()
    try:
        assert inside.wait(30)
        answers = []
        updater = threading.Thread(target=lambda: answers.append(
            build_request.update_instance(ctx, uuid, {'display_name': 'x'})))
        updater.start()
        updater.join(0.5)
        assert updater.is_alive(), 'the update did not wait'
    finally:
        release.set()
        placer.join(30)
    updater.join(30)
    assert answers == [None]
    assert instance_obj.get_by_uuid(ctx, uuid).display_name == 'placed'
    cell_mapping.PLACED.clear()


def test_server_list_reads_volumes_with_its_servers(synced):
    """A list's rows carry their servers' volume mappings (one statement):
    in the mappings' order, with delete_on_termination, mappings without
    a volume left out; a list that long may have been cut by MySQL's
    group_concat limit is read again from the table."""
    _conf, ctx = synced
    bare = _make(ctx, 'bare', datetime.datetime(2026, 1, 1))
    two = _make(ctx, 'two', datetime.datetime(2026, 1, 2))
    many = _make(ctx, 'many', datetime.datetime(2026, 1, 3))
    block_device.create(ctx, {
        'instance_uuid': two.uuid, 'source_type': 'image',
        'destination_type': 'local', 'boot_index': 0, 'image_id': 'i'})
    _volume_mapping(ctx, two, 'b' * 36, delete_on_termination=True)
    _volume_mapping(ctx, two, 'a' * 36)
    for index in range(30):
        _volume_mapping(ctx, many, '%036d' % index)
    listing = instance_obj.get_all(ctx, {'project_id': 'p1'},
                                   ['created_at'], ['asc'], as_rows=True)
    assert [r.uuid for r in listing.rows] == [bare.uuid, two.uuid,
                                              many.uuid]
    assert listing.rows[0].volume_list is None
    assert len(listing.rows[2].volume_list) >= \
        block_device.VOLUME_LIST_TRUSTED
    assert listing.volumes == block_device.get_volumes_by_instances(
        ctx, [bare.uuid, two.uuid, many.uuid])
    assert listing.volumes[two.uuid] == [('b' * 36, True),
                                         ('a' * 36, False)]
    assert [v for v, _d in listing.volumes[many.uuid]] == [
        '%036d' % index for index in range(30)]
    with mock.patch.object(block_device, 'get_volumes_by_instances',
                           wraps=block_device.get_volumes_by_instances) as \
            again:
        instance_obj.get_all(ctx, {'project_id': 'p1'}, ['created_at'],
                             ['asc'], as_rows=True)
    again.assert_called_once_with(ctx, [many.uuid])


def test_request_specs_of_a_list(synced):
    """A list's request specs: what each server's spec holds, a changed
    spec read again; on MariaDB and PostgreSQL the text of specs already
    read is not read again (only their digests)."""
    _conf, ctx = synced
    # Specs by digest are the same whichever database read them.
    build_request._SPECS_BY_DIGEST.clear()
    uuids = ['%08d-0000-0000-0000-000000000000' % n for n in range(3)]
    for n, uuid in enumerate(uuids[:2]):
        cell_mapping.create_instance_mapping(ctx, uuid, 'p1', 'u1')
        build_request.create(ctx, {'uuid': uuid, 'project_id': 'p1',
                                   'user_id': 'u1', 'display_name': 's'},
                             [], {'availability_zone': 'az%d' % n,
                                  'scheduler_hints': {'h': ['é']}})
    texts = mock.patch.object(build_request, '_specs_of',
                              wraps=build_request._specs_of)
    want = {uuids[0]: {'availability_zone': 'az0',
                       'scheduler_hints': {'h': ['é']}},
            uuids[1]: {'availability_zone': 'az1',
                       'scheduler_hints': {'h': ['é']}}}
    assert build_request.get_request_specs(ctx, uuids) == want
    with texts as read:
        assert build_request.get_request_specs(ctx, uuids) == want
    digesting = build_request.plain.dialect_name(ctx, 'api') != 'sqlite'
    assert read.called is not digesting
    build_request.update_request_spec(ctx, uuids[1],
                                      {'availability_zone': 'other'})
    with texts as read:
        got = build_request.get_request_specs(ctx, uuids)
    assert got == dict(want, **{uuids[1]: {'availability_zone': 'other'}})
    if digesting:
        read.assert_called_once_with(1)
