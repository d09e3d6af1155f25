"""The conductor's choice of a live migration's destination runs the
hosts' checks (the destination's, then the source's): a host the
scheduler chose that fails them is skipped; a host given as it is
(forced, or before 2.30) answers the caller with its
MigrationPreCheckError."""

import pytest

from nova_lite.conductor import manager as conductor_manager
from nova_lite import exception
from tests.unit import test_moves as base


def _checked(monkeypatch, refused):
    cond = base._conductor(monkeypatch, False)
    asked = []

    def check(ctxt, dest, instance_uuid, source, cell=None):
        asked.append((dest, source))
        if dest in refused:
            raise exception.MigrationPreCheckError(
                reason='%s cannot take it' % dest)
        return {}
    cond.compute_rpcapi.check_can_live_migrate_destination = check
    return cond, asked


def _scheduler(monkeypatch, hosts):
    seen = []

    def select(ctx, conf, exclude=(), cell_uuid=None, spec=None):
        seen.append(tuple(exclude))
        for host in hosts:
            if host not in exclude and host == (
                    spec.get('requested_host') or host):
                return host, None
        raise exception.NoValidHost(
            reason='There are not enough hosts available.')
    monkeypatch.setattr(conductor_manager.host_selection,
                        'select_destination', select)
    return seen


def test_a_host_failing_the_checks_is_skipped(monkeypatch):
    cond, asked = _checked(monkeypatch, {'compute2'})
    seen = _scheduler(monkeypatch, ['compute2', 'compute3'])
    assert cond.select_move_destination(
        base._CTX, 'u1', 'live migrate') == 'compute3'
    assert asked == [('compute2', 'compute1'), ('compute3', 'compute1')]
    assert seen == [('compute1',), ('compute1', 'compute2')]


def test_no_host_passing_the_checks_is_no_valid_host(monkeypatch):
    cond, _asked = _checked(monkeypatch, {'compute2'})
    _scheduler(monkeypatch, ['compute2'])
    with pytest.raises(exception.NoValidHost) as caught:
        cond.select_move_destination(base._CTX, 'u1', 'live migrate',
                                     host='compute2')
    assert caught.value.format_message() == \
        'No valid host was found. There are not enough hosts available.'


def test_a_forced_host_answers_with_its_check(monkeypatch):
    cond, asked = _checked(monkeypatch, {'compute2'})
    monkeypatch.setattr(
        cond, '_move_destination',
        lambda ctx, cell, inst, host, exclude, force=False: host)
    with pytest.raises(exception.MigrationPreCheckError) as caught:
        cond.select_move_destination(base._CTX, 'u1', 'live migrate',
                                     host='compute2', force=True)
    assert caught.value.format_message() == \
        'Migration pre-check error: compute2 cannot take it'
    assert caught.value.code == 400
    assert asked == [('compute2', 'compute1')]


def test_resize_and_cold_migration_run_no_live_checks(monkeypatch):
    cond, asked = _checked(monkeypatch, {'compute2'})
    _scheduler(monkeypatch, ['compute2'])
    assert cond.select_move_destination(base._CTX, 'u1',
                                        'cold migrate') == 'compute2'
    assert asked == []
