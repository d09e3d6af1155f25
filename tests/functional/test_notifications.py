"""Notifications through oslo.messaging: the all-in-one's compute sends
nova's versioned and legacy notifications of builds, attaches, detaches and
deletes; a listener on the same transport receives them."""

import threading
import time

import oslo_messaging as messaging
import pytest

from nova_lite import rpc
from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'


class _Collector:
    def __init__(self):
        self.received = []
        self.changed = threading.Condition()

    def _add(self, priority, publisher_id, event_type, payload):
        with self.changed:
            self.received.append((priority, publisher_id, event_type,
                                  payload))
            self.changed.notify_all()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._add('INFO', publisher_id, event_type, payload)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._add('ERROR', publisher_id, event_type, payload)

    def wait_for(self, event_type, match, timeout=10):
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for item in self.received:
                    if item[2] == event_type and match(item[3]):
                        return item
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError('no %s among %s' % (
                        event_type, [i[2] for i in self.received]))
                self.changed.wait(left)


def _listen(conf, topic):
    collector = _Collector()
    listener = messaging.get_notification_listener(
        rpc.get_notification_transport(conf),
        [messaging.Target(topic=topic)], [collector], executor='threading')
    listener.start()
    return listener, collector


@pytest.fixture
def notifying(tmp_path):
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('oslo_messaging_notifications', 'driver', ['messagingv2']),
        ('notifications', 'notification_format', 'both'),
        ('notifications', 'bdms_in_notifications', True)])
    st = stack_fixture.Stack(conf).start()
    listeners = []
    try:
        versioned = _listen(conf, 'versioned_notifications')
        legacy = _listen(conf, 'notifications')
        listeners = [versioned[0], legacy[0]]
        yield st, versioned[1], legacy[1]
    finally:
        for listener in listeners:
            listener.stop()
            listener.wait()
        st.stop()


def _boot(st, name):
    resp = st.request('POST', '/v2.1/servers', version='2.60', json={
        'server': {'name': name, 'flavorRef': '1', 'imageRef': IMAGE,
                   'networks': 'none', 'tags': ['tag-' + name]}})
    assert resp.status_code == 202, resp.text
    return resp.json()['server']['id']


def _data(payload):
    return payload['nova_object.data']


def test_versioned_and_legacy_notifications(notifying):
    st, versioned, legacy = notifying
    st.volume_request('POST', '/v3/types', token=ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    volume = st.volume_request('POST', '/v3/volumes', json={'volume': {
        'size': 1, 'volume_type': 'multiattach'}}).json()['volume']
    st.wait_for_volume(volume['id'], 'available')
    servers = [_boot(st, 'n1'), _boot(st, 'n2')]

    for sid in servers:
        priority, publisher, _e, payload = versioned.wait_for(
            'instance.create.end', lambda p, s=sid: _data(p)['uuid'] == s)
        assert (priority, publisher) == ('INFO', 'nova-compute:compute1')
        assert payload['nova_object.name'] == 'InstanceCreatePayload'
        assert payload['nova_object.version'] == '1.13'
        data = _data(payload)
        assert (data['state'], data['power_state'], data['task_state']) == (
            'active', 'running', None)
        assert data['host'] == 'compute1' and data['launched_at']
        assert data['tenant_id'] == 'demo' and data['user_id'] == 'demo'
        assert data['action_initiator_project'] == 'demo'
        assert data['request_id'].startswith('req-')
        assert data['instance_name'].startswith('instance-')
        assert data['image_uuid'] == IMAGE and data['block_devices'] == []
        assert data['tags'] == ['tag-n%d' % (servers.index(sid) + 1)]
        flavor = data['flavor']
        assert flavor['nova_object.name'] == 'FlavorPayload'
        assert _data(flavor)['flavorid'] == '1'
        assert _data(flavor)['memory_mb'] > 0
        _p, _pub, _e, old = legacy.wait_for(
            'compute.instance.create.end',
            lambda p, s=sid: p['instance_id'] == s)
        assert old['state'] == 'active' and old['tenant_id'] == 'demo'
        assert old['created_at'].endswith('+00:00')
        assert old['instance_flavor_id'] == '1'
        st.wait_for_server(sid, 'ACTIVE')

    for sid in servers:
        resp = st.request('POST', '/v2.1/servers/%s/os-volume_attachments'
                          % sid, version='2.60', json={
                              'volumeAttachment': {'volumeId': volume['id']}})
        assert resp.status_code == 200, resp.text
        device = resp.json()['volumeAttachment']['device']
        _p, _pub, _e, payload = versioned.wait_for(
            'instance.volume_attach.end',
            lambda p, s=sid: _data(p)['uuid'] == s)
        assert payload['nova_object.name'] == 'InstanceActionVolumePayload'
        assert payload['nova_object.version'] == '1.7'
        data = _data(payload)
        assert data['volume_id'] == volume['id'] and data['fault'] is None
        assert [(_data(b)['volume_id'], _data(b)['device_name'])
                for b in data['block_devices']] == [(volume['id'], device)]
        _p, _pub, _e, old = legacy.wait_for(
            'compute.instance.volume.attach',
            lambda p, s=sid: p['instance_id'] == s)
        assert old['volume_id'] == volume['id']

    sid = servers[0]
    resp = st.request('DELETE', '/v2.1/servers/%s/os-volume_attachments/%s'
                      % (sid, volume['id']))
    assert resp.status_code == 202, resp.text
    _p, _pub, _e, payload = versioned.wait_for(
        'instance.volume_detach.end', lambda p: _data(p)['uuid'] == sid)
    assert _data(payload)['volume_id'] == volume['id']
    assert _data(payload)['block_devices'] == []
    legacy.wait_for('compute.instance.volume.detach',
                    lambda p: p['instance_id'] == sid)

    assert st.request('DELETE', '/v2.1/servers/%s' % sid).status_code == 204
    _p, _pub, _e, payload = versioned.wait_for(
        'instance.delete.end', lambda p: _data(p)['uuid'] == sid)
    assert payload['nova_object.name'] == 'InstanceActionPayload'
    data = _data(payload)
    assert (data['state'], data['power_state']) == ('deleted', 'pending')
    assert data['deleted_at'] and data['terminated_at']
    _p, _pub, _e, old = legacy.wait_for(
        'compute.instance.delete.end', lambda p: p['instance_id'] == sid)
    assert old['state'] == 'deleted' and old['deleted_at']


def test_failed_attach_sends_an_error_notification(notifying):
    st, versioned, legacy = notifying
    sid = _boot(st, 'fails')
    st.wait_for_server(sid, 'ACTIVE')
    volume = st.volume_request('POST', '/v3/volumes', json={'volume': {
        'size': 1}}).json()['volume']
    st.wait_for_volume(volume['id'], 'available')
    st.conf.set_override('fail_attach', True, group='fake_driver')
    resp = st.request('POST', '/v2.1/servers/%s/os-volume_attachments'
                      % sid, json={'volumeAttachment': {
                          'volumeId': volume['id']}})
    assert resp.status_code == 200, resp.text
    priority, _pub, _e, payload = versioned.wait_for(
        'instance.volume_attach.error', lambda p: _data(p)['uuid'] == sid)
    assert priority == 'ERROR'
    fault = _data(payload)['fault']
    assert fault['nova_object.name'] == 'ExceptionPayload'
    assert _data(fault)['exception'] == 'NovaLiteException'
    assert 'told to fail attaches' in _data(fault)['exception_message']
    assert _data(fault)['function_name'] == 'attach_volume'
    assert _data(fault)['module_name'] == 'nova_lite.virt.fake'
    assert 'Traceback' in _data(fault)['traceback']
    assert _data(payload)['volume_id'] == volume['id']
    st.wait_for_volume(volume['id'], 'available')
    # nova has no legacy notification of a failed attach.
    assert not [i for i in legacy.received if 'volume' in i[2]]


def test_nothing_is_built_without_a_driver(stack, monkeypatch):
    manager = stack.aio.compute_manager
    assert not manager.notifier.enabled
    built = []
    monkeypatch.setattr(type(manager.notifier), 'send',
                        lambda *a, **k: built.append(a))
    sid = _boot(stack, 'quiet')
    stack.wait_for_server(sid, 'ACTIVE')
    assert built == []
