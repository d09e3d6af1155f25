"""A live migration the hosts' checks refuse (the destination's driver
raises MigrationPreCheckError, as the libvirt driver does when both hosts
share one libvirtd), answered per microversion as nova answers it: before
2.34 the checks are answered (400; a host given before 2.30, or forced,
answers with the check's own message, a host the scheduler chose is
skipped until none is left), from 2.34 the request is accepted and the
migration ends in error with the server where it was."""

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import instance as instance_obj
from nova_lite.objects import migration as migration_obj
from tests.functional import test_moves as moves
from tests.functional import test_multiattach as ma

REASON = 'compute2 cannot take the guest'
CHECK = 'Migration pre-check error: %s' % REASON
NO_HOST = 'No valid host was found. There are not enough hosts available.'


def _live(host, version, **extra):
    body = {'host': host}
    if version < (2, 25):
        body.update(block_migration=False, disk_over_commit=False)
    else:
        body['block_migration'] = 'auto'
    body.update(extra)
    return {'os-migrateLive': body}


def _migrations(sid):
    return migration_obj.get_all(nl_context.get_admin_context(),
                                 {'instance_uuid': sid})


def test_refused_checks_per_microversion(stack, monkeypatch):
    (server,) = ma._on_host(stack, 'compute1', 'lm')
    sid = server['id']
    second = stack.add_compute('compute2')
    checked = []

    def refuse(instance):
        checked.append(instance.uuid)
        raise exception.MigrationPreCheckError(reason=REASON)
    monkeypatch.setattr(second.driver,
                        'check_can_live_migrate_destination', refuse)

    for version, host, extra, message in (
            ('2.24', 'compute2', {}, CHECK),
            ('2.24', None, {}, NO_HOST),
            ('2.30', 'compute2', {'force': True}, CHECK),
            ('2.30', 'compute2', {}, NO_HOST),
            ('2.33', None, {}, NO_HOST)):
        key = tuple(int(p) for p in version.split('.'))
        resp = moves._action(stack, sid, _live(host, key, **extra),
                             version=version)
        assert moves._fault(resp, 400) == message, (version, host, extra)
        shown = moves._wait(stack, sid, 'ACTIVE')
        assert shown['OS-EXT-STS:task_state'] is None
    assert checked == [sid] * 5
    assert _migrations(sid) == []

    resp = moves._action(stack, sid, _live('compute2', (2, 34)),
                         version='2.34')
    assert resp.status_code == 202, resp.text
    ma._wait(lambda: _migrations(sid) and
             _migrations(sid)[0].status == 'error')
    moves._wait(stack, sid, 'ACTIVE')
    assert instance_obj.get_by_uuid(nl_context.get_admin_context(),
                                    sid).host == 'compute1'
    assert len(checked) == 6

    # The checks passing, the migration runs.
    monkeypatch.undo()
    resp = moves._action(stack, sid, _live('compute2', (2, 34)),
                         version='2.34')
    assert resp.status_code == 202, resp.text
    ma._wait(lambda: _migrations(sid)[0].status == 'completed')
    moves._wait(stack, sid, 'ACTIVE')
    assert instance_obj.get_by_uuid(nl_context.get_admin_context(),
                                    sid).host == 'compute2'
