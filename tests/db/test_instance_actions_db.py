"""The instance action recording API on SQLite, MariaDB and PostgreSQL:
actions by request id, events started and finished around a block, paging
newest first."""

import datetime

import pytest

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.objects import instance_action

SERVER = '6f0f2e5c-2b0e-4f4a-9c1e-2f8a1f7e0d11'


def _ctx(request_id, project_id='p1'):
    return nl_context.RequestContext(user_id='u1', project_id=project_id,
                                     request_id=request_id)


class _Service:
    host = 'compute1'

    @instance_action.wrap_instance_event('compute')
    def stop_instance(self, context, instance_uuid=None):
        return 'stopped'

    @instance_action.wrap_instance_event('compute', method='_do_build')
    def build(self, context, instance_uuid=None, fail=None, handled=None):
        if handled is not None:
            instance_action.note_failure(handled)
        if fail is not None:
            raise fail


def test_actions_and_events(synced):
    ctx = _ctx('req-1')
    instance_action.action_start(ctx, SERVER, instance_action.STOP)
    service = _Service()
    assert service.stop_instance(ctx, instance_uuid=SERVER) == 'stopped'
    action = instance_action.get_by_request_id(ctx, SERVER, 'req-1')
    assert (action['action'], action['user_id'], action['project_id'],
            action['message']) == ('stop', 'u1', 'p1', None)
    (event,) = instance_action.get_events(ctx, action['id'])
    assert event['event'] == 'compute_stop_instance'
    assert event['result'] == 'Success'
    assert event['host'] == 'compute1'
    assert event['finish_time'] >= event['start_time']
    assert event['traceback'] is None and event['details'] is None

    # An escaping error and a handled one both end the event in Error.
    ctx2 = _ctx('req-2')
    instance_action.action_start(ctx2, SERVER, instance_action.CREATE)
    with pytest.raises(exception.InstanceNotFound):
        service.build(ctx2, instance_uuid=SERVER,
                      fail=exception.InstanceNotFound(instance_id='x'))
    service.build(ctx2, instance_uuid=SERVER,
                  handled=RuntimeError('boom'))
    action = instance_action.get_by_request_id(ctx2, SERVER, 'req-2')
    assert action['message'] == 'Error'
    events = instance_action.get_events(ctx2, action['id'])
    assert [(e['event'], e['result']) for e in events] == [
        ('compute__do_build', 'Error'), ('compute__do_build', 'Error')]
    assert events[0]['details'] == 'RuntimeError'
    assert events[1]['details'] == 'Instance x could not be found.'
    assert 'InstanceNotFound' in events[1]['traceback']


def test_events_without_an_action_are_not_recorded(synced):
    ctx = _ctx('req-none')
    assert _Service().stop_instance(ctx, instance_uuid=SERVER) == 'stopped'
    assert instance_action.get_all(ctx, SERVER) == []
    # A service's own context (no project) records on the last action.
    instance_action.action_start(_ctx('req-a'), SERVER, 'reboot')
    service_ctx = _ctx('req-periodic', project_id=None)
    assert instance_action.event_start(service_ctx, SERVER, 'compute_x')
    action = instance_action.get_by_request_id(service_ctx, SERVER, 'req-a')
    assert [e['event'] for e in instance_action.get_events(
        service_ctx, action['id'])] == ['compute_x']


def test_paging_and_changes(synced):
    for index in range(4):
        instance_action.action_start(_ctx('req-%d' % index), SERVER,
                                     'reboot')
    ctx = _ctx('req-list')
    listed = [a['request_id'] for a in instance_action.get_all(ctx, SERVER)]
    assert listed == ['req-3', 'req-2', 'req-1', 'req-0']
    page = instance_action.get_all(ctx, SERVER, limit=2, marker='req-3')
    assert [a['request_id'] for a in page] == ['req-2', 'req-1']
    assert instance_action.get_all(ctx, SERVER, limit=0) == []
    with pytest.raises(exception.MarkerNotFound):
        instance_action.get_all(ctx, SERVER, marker='req-nope')
    future = datetime.datetime.utcnow() + datetime.timedelta(days=1)
    assert instance_action.get_all(ctx, SERVER, changes_since=future) == []
    assert len(instance_action.get_all(ctx, SERVER,
                                       changes_before=future)) == 4
    assert instance_action.get_all(ctx, 'other-server') == []
