"""Moving servers, piece by piece: the action bodies per microversion, the
compute API's refusals before anything is written, the conductor's choice
of destination and the compute host's decisions about its connections."""

import datetime
import types

from oslo_serialization import jsonutils
import pytest

from nova_lite.api.schemas import servers as server_schemas
from nova_lite.api.schemas import server_moves  # noqa: F401
from nova_lite.api import validation
from nova_lite.compute import move_ops
from nova_lite.compute import moves_api
from nova_lite.conductor import manager as conductor_manager
from nova_lite import exception
from nova_lite.objects import block_device as bdm_obj
from nova_lite.objects import migration as migration_obj


def _schema(action, version):
    def key(v):
        return tuple(int(p) for p in v.split('.'))
    for low, high, schema in server_schemas.ACTION_SCHEMAS[action]:
        if (low is None or key(version) >= key(low)) and \
                (high is None or key(version) <= key(high)):
            return schema
    raise AssertionError('no schema of %s at %s' % (action, version))


def _valid(action, version, body):
    try:
        validation.validate(_schema(action, version), body)
    except exception.ValidationError:
        return False
    return True


@pytest.mark.parametrize('action,version,body,ok', [
    ('resize', '2.1', {'resize': {'flavorRef': '2'}}, True),
    ('resize', '2.1', {'resize': {'flavorRef': 2}}, True),
    ('resize', '2.1', {'resize': {}}, False),
    ('resize', '2.1', {'resize': {'flavorRef': '2', 'x': 1}}, False),
    ('confirmResize', '2.1', {'confirmResize': None}, True),
    # nova takes any value here, and ignores the migrate body before 2.56.
    ('confirmResize', '2.1', {'confirmResize': {}}, True),
    ('migrate', '2.55', {'migrate': None}, True),
    ('migrate', '2.55', {'migrate': {'host': 'h'}}, True),
    ('migrate', '2.56', {'migrate': {'host': 'h'}}, True),
    ('migrate', '2.56', {'migrate': {'host': None}}, True),
    ('os-migrateLive', '2.24', {'os-migrateLive': {
        'host': None, 'block_migration': False,
        'disk_over_commit': False}}, True),
    ('os-migrateLive', '2.24', {'os-migrateLive': {
        'host': None, 'block_migration': 'auto',
        'disk_over_commit': False}}, False),
    ('os-migrateLive', '2.25', {'os-migrateLive': {
        'host': None, 'block_migration': 'auto'}}, True),
    ('os-migrateLive', '2.25', {'os-migrateLive': {
        'host': None, 'block_migration': 'auto',
        'disk_over_commit': False}}, False),
    ('os-migrateLive', '2.30', {'os-migrateLive': {
        'host': 'h', 'block_migration': 'auto', 'force': True}}, True),
    ('os-migrateLive', '2.68', {'os-migrateLive': {
        'host': 'h', 'block_migration': 'auto', 'force': True}}, False),
    ('evacuate', '2.13', {'evacuate': {}}, False),
    ('evacuate', '2.13', {'evacuate': {'onSharedStorage': False}}, True),
    ('evacuate', '2.14', {'evacuate': {'onSharedStorage': False}}, False),
    ('evacuate', '2.14', {'evacuate': {}}, True),
    ('evacuate', '2.28', {'evacuate': {'force': True}}, False),
    ('evacuate', '2.29', {'evacuate': {'host': 'h', 'force': True}}, True),
    ('evacuate', '2.68', {'evacuate': {'host': 'h', 'force': True}}, False),
    ('evacuate', '2.95', {'evacuate': {'host': 'h'}}, True),
    ('rescue', '2.1', {'rescue': None}, True),
    ('rescue', '2.1', {'rescue': {'rescue_image_ref': 'not-a-uuid'}},
     False),
    ('rescue', '2.87', {'rescue': {
        'adminPass': 'p',
        'rescue_image_ref': '70a599e0-31e7-49b7-b260-868f441e862b'}}, True),
    ('unrescue', '2.1', {'unrescue': None}, True),
])
def test_action_bodies_per_microversion(action, version, body, ok):
    assert _valid(action, version, body) is ok


def _inst(**kw):
    values = dict(uuid='u1', vm_state='active', task_state=None,
                  launched_at=datetime.datetime(2026, 1, 1), locked=False,
                  host='compute1', node='compute1', image_ref='img',
                  bdms=[], flavor={'flavorid': '1', 'root_gb': 1},
                  system_metadata={},
                  project_id='p', user_id='u')
    values.update(kw)
    return types.SimpleNamespace(**values)


class _API(moves_api.MovesAPI):
    def __init__(self):
        self.conf = types.SimpleNamespace(service_down_time=60)


_CTX = types.SimpleNamespace(is_admin=True, project_id='p', user_id='u')


def test_volume_backed_servers():
    assert moves_api.is_volume_backed(_inst(image_ref=''))
    assert moves_api.is_volume_backed(_inst(bdms=[
        {'boot_index': 0, 'destination_type': 'volume'}]))
    assert not moves_api.is_volume_backed(_inst(bdms=[
        {'boot_index': None, 'destination_type': 'volume'}]))


def test_refusals_write_nothing(monkeypatch):
    created = []
    monkeypatch.setattr(migration_obj, 'create',
                        lambda *a, **k: created.append(a))
    api = _API()
    with pytest.raises(exception.InstanceInvalidState) as err:
        api.resize(_CTX, _inst(vm_state='paused'), object(), flavor_id='2')
    assert err.value.kwargs['method'] == 'resize'
    with pytest.raises(exception.InstanceInvalidState):
        api.resize(_CTX, _inst(task_state='rebooting'), object())
    with pytest.raises(exception.CannotMigrateToSameHost):
        api.resize(_CTX, _inst(), object(), host='compute1')
    with pytest.raises(exception.InstanceIsLocked):
        api.resize(types.SimpleNamespace(is_admin=False), _inst(locked=True),
                   object(), flavor_id='2')
    with pytest.raises(exception.InstanceInvalidState):
        api.live_migrate(_CTX, _inst(vm_state='stopped'), object())
    with pytest.raises(exception.InstanceNotRescuable) as err:
        api.rescue(_CTX, _inst(image_ref=''), object())
    assert err.value.format_message() == (
        'Instance u1 cannot be rescued: Cannot rescue a volume-backed '
        'instance')
    with pytest.raises(exception.InstanceInvalidState):
        api.rescue(_CTX, _inst(vm_state='rescued'), object())
    assert created == []


def test_nova_messages():
    assert exception.ComputeServiceInUse(host='h').format_message() == \
        'Compute service of h is still in use.'
    assert exception.CannotResizeToSameFlavor().format_message() == \
        'When resizing, instances must change flavor!'
    assert exception.UnableToMigrateToSelf(
        instance_id='u', host='h').format_message() == \
        'Unable to migrate instance (u) to current host (h).'
    assert exception.MigrationNotFoundByStatus(
        instance_id='u', status='finished').code == 404


def _conductor(monkeypatch, same_host):
    conf = types.SimpleNamespace(allow_resize_to_same_host=same_host,
                                 my_ip='192.0.2.1', service_down_time=60)
    cond = conductor_manager.ConductorManager.__new__(
        conductor_manager.ConductorManager)
    cond.conf = conf
    # The hosts' live migration checks pass.
    cond.compute_rpcapi = types.SimpleNamespace(
        check_can_live_migrate_destination=lambda *a, **k: {})
    cell = types.SimpleNamespace(uuid='cell1')
    inst = _inst()
    monkeypatch.setattr(cond, '_move_target',
                        lambda ctx, uuid: (cell, object(), inst))
    monkeypatch.setattr(conductor_manager.build_request,
                        'get_request_spec', lambda c, u: {})
    return cond


@pytest.mark.parametrize('same_host,excluded', [(False, ('compute1',)),
                                                (True, ())])
def test_scheduling_excludes_the_source_unless_allowed(monkeypatch,
                                                       same_host, excluded):
    cond = _conductor(monkeypatch, same_host)
    seen = {}

    def select(ctx, conf, exclude=(), cell_uuid=None, spec=None):
        seen.update(exclude=exclude, cell_uuid=cell_uuid, spec=spec)
        return 'compute9', None
    monkeypatch.setattr(conductor_manager.host_selection,
                        'select_destination', select)
    assert cond.select_move_destination(_CTX, 'u1', 'resize') == 'compute9'
    assert seen['exclude'] == excluded
    assert seen['cell_uuid'] == 'cell1'
    assert 'requested_host' not in seen['spec']
    monkeypatch.setattr(conductor_manager.host_selection, 'host_has_trait',
                        lambda cctxt, host, trait: True)
    cond.select_move_destination(_CTX, 'u1', 'cold migrate', host='h2')
    assert seen['spec']['requested_host'] == 'h2'
    # A live migration never stays on its host.
    cond.select_move_destination(_CTX, 'u1', 'live migrate')
    assert seen['exclude'] == ('compute1',)
    with pytest.raises(exception.UnableToMigrateToSelf):
        cond.select_move_destination(_CTX, 'u1', 'live migrate',
                                     host='compute1')


@pytest.mark.parametrize('same_host,traits,excluded', [
    (True, {'compute1': {'COMPUTE_SAME_HOST_COLD_MIGRATE'}}, ()),
    (True, {'compute1': {'COMPUTE_VOLUME_MULTI_ATTACH'}}, ('compute1',)),
    (False, {'compute1': {'COMPUTE_SAME_HOST_COLD_MIGRATE'}},
     ('compute1',))])
def test_cold_migration_stays_only_where_the_driver_can(
        monkeypatch, same_host, traits, excluded):
    cond = _conductor(monkeypatch, same_host)
    seen = {}

    def select(ctx, conf, exclude=(), cell_uuid=None, spec=None):
        seen.update(exclude=exclude)
        return 'compute9', None
    monkeypatch.setattr(conductor_manager.host_selection,
                        'select_destination', select)
    monkeypatch.setattr(conductor_manager.host_selection, '_node_traits',
                        lambda cctxt: traits)
    cond.select_move_destination(_CTX, 'u1', 'cold migrate')
    assert seen['exclude'] == excluded
    # A resize follows [DEFAULT] allow_resize_to_same_host alone.
    cond.select_move_destination(_CTX, 'u1', 'resize')
    assert seen['exclude'] == (() if same_host else ('compute1',))


def test_no_valid_host_names_the_move(monkeypatch):
    cond = _conductor(monkeypatch, False)

    def select(*a, **k):
        raise exception.NoValidHost(reason='There are not enough hosts '
                                           'available.')
    monkeypatch.setattr(conductor_manager.host_selection,
                        'select_destination', select)
    with pytest.raises(exception.NoValidHost) as err:
        cond.select_move_destination(_CTX, 'u1', 'resize', host='compute2')
    assert err.value.format_message() == \
        'No valid host was found. No valid host found for resize'
    with pytest.raises(exception.NoValidHost) as err:
        cond.select_move_destination(_CTX, 'u1', 'cold migrate')
    assert err.value.format_message().endswith('for cold migrate')


class _Host(move_ops.MoveOperations):
    host = 'compute1'


def _bdm(uuid, volume_id):
    return bdm_obj.BlockDeviceMapping(uuid=uuid, volume_id=volume_id,
                                      device_name='/dev/vdb')


@pytest.mark.parametrize('multiattach,users,disconnect', [
    (False, 3, True), (True, 0, True), (True, 1, False)])
def test_a_departing_guest_disconnects_only_unused_volumes(
        monkeypatch, multiattach, users, disconnect):
    monkeypatch.setattr(bdm_obj, 'count_volume_users_on_host',
                        lambda ctx, volume_id, host: users)
    info = {'serial': 'v1'}
    if multiattach:
        info['multiattach'] = True
    (item,) = _Host()._guest_info_for_departure(
        None, [_bdm('b1', 'v1'), _bdm('b2', 'v2')], {'b1': info})
    assert item['disconnect_host'] is disconnect
    assert item['connection_info'] == info


def test_multiattach_flags_come_from_the_connection_info():
    with_flag = _bdm('b1', 'v1')
    with_flag.connection_info = jsonutils.dumps({'multiattach': True})
    without = _bdm('b2', 'v2')
    assert _Host()._multiattach_flags([with_flag, without]) == {
        'b1': True, 'b2': False}


@pytest.mark.parametrize('capable', [True, False])
def test_drivers_that_cannot_move_refuse_first(monkeypatch, capable):
    host = _Host()
    host.driver = types.SimpleNamespace(
        capabilities={'supports_moves': True} if capable else {})
    changes = []
    monkeypatch.setattr(move_ops.instance_obj, 'update',
                        lambda c, u, v: changes.append(('server', v)))
    monkeypatch.setattr(move_ops.migration_obj, 'update',
                        lambda c, i, v: changes.append(('migration', v)))
    faults = []
    monkeypatch.setattr(host, '_move_fault',
                        lambda c, u, e: faults.append(e.format_message()))
    assert host._refuse_move(None, 'u1', 7) is not capable
    if capable:
        assert changes == [] and faults == []
    else:
        assert changes == [('server', {'task_state': None}),
                           ('migration', {'status': 'error'})]
        assert faults == ['Migration pre-check error: the SimpleNamespace '
                          'driver cannot move servers between hosts']
