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


def test_sort_places_none_first_whichever_path():
    """Values sorted as they are, and, where a None meets a value, as
    _sort_value orders them: the same order both ways, stable."""
    import itertools
    import random
    rng = random.Random(7)
    names = [None, 'a', 'b', 'B']
    stamps = [None, datetime.datetime(2026, 1, 1),
              datetime.datetime(2026, 1, 2)]
    for round_ in range(200):
        insts = [types.SimpleNamespace(uuid='%03d' % i,
                                       display_name=rng.choice(names),
                                       created_at=rng.choice(stamps))
                 for i in range(rng.randint(1, 12))]
        for keys, direction in itertools.product(
                (['display_name'], ['created_at', 'display_name'],
                 ['display_name', 'created_at']), ('asc', 'desc')):
            dirs = [direction] * len(keys)
            expected = list(insts)
            for key in reversed(keys):
                expected.sort(key=lambda i: compute_api._sort_value(i, key),
                              reverse=direction == 'desc')
            got = compute_api._sort(insts, keys, dirs)
            assert [i.uuid for i in got] == [i.uuid for i in expected], (
                round_, keys, direction)


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
    monkeypatch.setattr(cell_mapping, 'get_all_cells_cached',
                        lambda ctx: [cell])
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


def _listing_api(monkeypatch, per_cell, building=()):
    from nova_lite.objects import build_request
    from nova_lite.objects import cell_mapping
    from nova_lite.objects import instance as instance_obj

    all_cells = [types.SimpleNamespace(
        uuid='c%d' % i, name='cell%d' % i, db_connection=None,
        database_connection='sqlite://') for i in range(len(per_cell))]
    answers = dict(zip([c.uuid for c in all_cells], per_cell))
    monkeypatch.setattr(build_request, 'get_all_instances',
                        lambda ctx, project_id=None: list(building))
    monkeypatch.setattr(cell_mapping, 'get_all_cells_cached',
                        lambda ctx: all_cells)
    monkeypatch.setattr(instance_obj, 'get_all',
                        lambda cctxt, *a, **kw: list(answers[cctxt]))
    monkeypatch.setattr(compute_api.nl_context, 'target_cell',
                        lambda ctx, c: c.uuid)
    api = compute_api.API.__new__(compute_api.API)
    api.conf = types.SimpleNamespace(
        conductor=types.SimpleNamespace(cell_timeout=5))
    return api


def test_get_all_merges_cells_in_sort_order(monkeypatch):
    """Servers of several cells, of one cell, and of a cell and build
    requests come in the requested order, NULLs first ascending."""
    t = datetime.datetime(2026, 1, 1)

    def server(uuid, minutes, name):
        return types.SimpleNamespace(
            uuid=uuid, created_at=t + datetime.timedelta(minutes=minutes),
            display_name=name, vm_state='active', task_state=None, bdms=[],
            tags=[])

    a, b, c = server('a', 3, 'Zed'), server('b', 2, None), \
        server('c', 1, 'abc')
    keys, dirs = ['created_at', 'uuid'], ['desc', 'desc']
    api = _listing_api(monkeypatch, [[b], [a, c]])
    assert api.get_all(None, {}, keys, dirs) == [a, b, c]
    # One cell.
    api = _listing_api(monkeypatch, [[], [a, b, c]])
    assert api.get_all(None, {}, keys, dirs) == [a, b, c]
    # One cell and a build request: merged.
    api = _listing_api(monkeypatch, [[a, c]], building=[b])
    assert api.get_all(None, {}, keys, dirs) == [a, b, c]
    # A key with a NULL, from one cell read out of order.
    api = _listing_api(monkeypatch, [[a, c, b]])
    assert api.get_all(None, {}, ['display_name', 'uuid'],
                       ['asc', 'asc']) == [b, a, c]
