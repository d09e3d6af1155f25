import datetime
import types

import pytest

from nova_lite.compute import api as compute_api
from nova_lite import exception


def _inst(**kw):
    values = dict(uuid='u1', vm_state='active', task_state=None,
                  launched_at=datetime.datetime(2026, 1, 1), locked=False)
    values.update(kw)
    return types.SimpleNamespace(**values)


def test_check_state_messages_follow_nova():
    with pytest.raises(exception.InstanceInvalidState) as err:
        compute_api.check_state(_inst(vm_state='stopped'), 'stop',
                                vm_states=('active', 'error'))
    assert err.value.kwargs == {'attr': 'vm_state', 'instance_uuid': 'u1',
                                'state': 'stopped', 'method': 'stop'}
    with pytest.raises(exception.InstanceInvalidState) as err:
        compute_api.check_state(_inst(task_state='powering-off'), 'stop')
    assert err.value.kwargs['attr'] == 'task_state'
    with pytest.raises(exception.InstanceInvalidState) as err:
        compute_api.check_state(_inst(launched_at=None), 'stop')
    assert err.value.kwargs['state'] is None
    compute_api.check_state(_inst(), 'stop', vm_states=('active',))


def test_check_lock_spares_admins():
    ctx = types.SimpleNamespace(is_admin=False)
    with pytest.raises(exception.InstanceIsLocked):
        compute_api.check_lock(ctx, _inst(locked=True))
    compute_api.check_lock(types.SimpleNamespace(is_admin=True),
                           _inst(locked=True))


def test_merge_sort_and_marker_across_sources():
    t = datetime.datetime(2026, 1, 1)
    insts = [types.SimpleNamespace(uuid=u, created_at=t + datetime.timedelta(
        minutes=m)) for u, m in (('a', 1), ('b', 3), ('c', 2), ('d', 3))]
    keys, dirs = ['created_at', 'uuid'], ['desc', 'desc']
    ordered = compute_api._sort(insts, keys, dirs)
    assert [i.uuid for i in ordered] == ['d', 'b', 'c', 'a']
    marker = ordered[1]
    assert [i.uuid for i in ordered
            if compute_api._after(i, marker, keys, dirs)] == ['c', 'a']


@pytest.mark.parametrize('name,expected', [
    ('Web Server 1', 'web-server-1'), ('---', None), ('a_b.c', 'a-b-c')])
def test_hostname_from_display_name(name, expected):
    got = compute_api._hostname(name, 'uuid-1')
    assert got == (expected or 'Server-uuid-1')


def test_server_being_placed_is_listed_once(monkeypatch):
    """A server in both a build request and a cell appears once."""
    from nova_lite.objects import build_request
    from nova_lite.objects import cell_mapping
    from nova_lite.objects import instance as instance_obj

    t = datetime.datetime(2026, 1, 1)
    building = types.SimpleNamespace(uuid='a', created_at=t, vm_state='building',
                                     task_state='scheduling', bdms=[],
                                     tags=[])
    placed = types.SimpleNamespace(uuid='a', created_at=t, vm_state='building',
                                   task_state='spawning', bdms=[])
    cell = types.SimpleNamespace(uuid='c1', name='cell1', db_connection=None,
                                 database_connection='sqlite://')
    monkeypatch.setattr(build_request, 'get_all_instances',
                        lambda ctx, project_id=None: [building])
    monkeypatch.setattr(cell_mapping, 'get_all_cells', lambda ctx: [cell])
    monkeypatch.setattr(instance_obj, 'get_all',
                        lambda *a, **kw: [placed])
    monkeypatch.setattr(compute_api.nl_context, 'target_cell',
                        lambda ctx, c: ctx)
    api = compute_api.API.__new__(compute_api.API)
    api.conf = types.SimpleNamespace(
        conductor=types.SimpleNamespace(cell_timeout=5))
    got = api.get_all(types.SimpleNamespace(), {}, ['created_at', 'uuid'],
                      ['desc', 'desc'])
    assert got == [placed]
