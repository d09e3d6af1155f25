"""nova_lite.volume.cinder over real HTTP.

Against the built-in block storage of a started all-in-one for the calls
and Cinder's errors; against a small scripted HTTP server for what the
built-in service never does (old microversions, 500s, request ids).
"""

import http.server
import json
import socket
import threading
import time

import pytest

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.volume import cinder

SERVER_A = '2c8e9c0e-4a1d-4c0e-8b1a-6a1c1c1c1c1a'
SERVER_B = '2c8e9c0e-4a1d-4c0e-8b1a-6a1c1c1c1c1b'
MISSING = '2c8e9c0e-4a1d-4c0e-8b1a-000000000000'


def _ctx(project='demo', request_id=None):
    return nl_context.RequestContext(
        user_id=project, project_id=project, auth_token='%s:%s' % (
            project, project), roles=['member', 'reader'],
        global_request_id=request_id)


def _wait_available(api, ctx, volume_id):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        volume = api.get(ctx, volume_id)
        if volume['status'] == 'available':
            return volume
        time.sleep(0.02)
    raise AssertionError('volume never became available')


@pytest.fixture
def api(stack):
    stack.volume_request('POST', '/v3/types', token='admin:admin', json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    return cinder.API(stack.conf)


def test_attachment_sequence(api):
    ctx = _ctx()
    volume = api.create(ctx, 1, 'shared', 'desc', volume_type='multiattach')
    assert (volume['status'], volume['multiattach']) == ('creating', True)
    volume = _wait_available(api, ctx, volume['id'])
    assert volume['attach_status'] == 'detached'
    reserved = api.attachment_create(ctx, volume['id'], SERVER_A)
    assert reserved['status'] == 'reserved'
    assert reserved['connection_info'] == {}
    assert api.get(ctx, volume['id'])['status'] == 'reserved'
    updated = api.attachment_update(ctx, reserved['id'],
                                    {'host': 'compute1', 'ip': '127.0.0.1'},
                                    '/dev/vdb')
    info = updated['connection_info']
    assert info['driver_volume_type'] == 'file'
    assert info['data']['device_path'].endswith(volume['id'])
    assert 'attachment_id' not in info['data']
    api.attachment_complete(ctx, reserved['id'])
    # A second server on the shared volume, created connected.
    other = api.attachment_create(ctx, volume['id'], SERVER_B,
                                  connector={'host': 'compute2'},
                                  mountpoint='/dev/vdc')
    assert other['status'] == 'attaching'
    api.attachment_complete(ctx, other['id'])
    shown = api.get(ctx, volume['id'], microversion='3.48')
    assert shown['status'] == 'in-use'
    assert shown['attach_status'] == 'attached'
    assert shown['shared_targets'] is False
    assert shown['attachments'] == {
        SERVER_A: {'attachment_id': reserved['id'], 'mountpoint': '/dev/vdb'},
        SERVER_B: {'attachment_id': other['id'], 'mountpoint': '/dev/vdc'}}
    listed = api.attachment_list(ctx, volume_id=volume['id'])
    assert {a['id'] for a in listed} == {reserved['id'], other['id']}
    assert api.attachment_get(ctx, other['id'])['instance'] == SERVER_B
    api.attachment_delete(ctx, reserved['id'])
    api.attachment_delete(ctx, reserved['id'])     # already gone: fine
    assert list(api.get(ctx, volume['id'])['attachments']) == [SERVER_B]
    api.attachment_delete(ctx, other['id'])
    assert api.get(ctx, volume['id'])['status'] == 'available'
    api.delete(ctx, volume['id'])
    with pytest.raises(exception.VolumeNotFound):
        api.get(ctx, volume['id'])


def test_begin_and_roll_detaching(api):
    ctx = _ctx()
    volume = _wait_available(api, ctx, api.create(ctx, 1, 'v', None)['id'])
    made = api.attachment_create(ctx, volume['id'], SERVER_A,
                                 connector={'host': 'compute1'})
    api.attachment_complete(ctx, made['id'])
    api.begin_detaching(ctx, volume['id'])
    assert api.get(ctx, volume['id'])['status'] == 'detaching'
    with pytest.raises(exception.InvalidVolumeRequest) as error:
        api.begin_detaching(ctx, volume['id'])
    assert "Volume status must be 'in-use'" in str(error.value)
    api.roll_detaching(ctx, volume['id'])
    assert api.get(ctx, volume['id'])['status'] == 'in-use'


def test_errors_are_translated(api, stack):
    ctx = _ctx()
    with pytest.raises(exception.VolumeNotFound) as error:
        api.get(ctx, MISSING)
    assert str(error.value) == 'Volume %s could not be found.' % MISSING
    with pytest.raises(exception.VolumeAttachmentNotFound):
        api.attachment_get(ctx, MISSING)
    with pytest.raises(exception.VolumeAttachmentNotFound):
        api.attachment_update(ctx, MISSING, {'host': 'x'})
    with pytest.raises(exception.VolumeNotFound):
        api.attachment_create(ctx, MISSING, SERVER_A)
    volume = _wait_available(api, ctx, api.create(ctx, 1, 'v', None)['id'])
    # Other projects' volumes do not exist for them.
    with pytest.raises(exception.VolumeNotFound):
        api.get(_ctx('other'), volume['id'])
    first = api.attachment_create(ctx, volume['id'], SERVER_A)
    with pytest.raises(exception.InvalidVolumeRequest) as error:
        api.attachment_create(ctx, volume['id'], SERVER_B)
    assert str(error.value).startswith(
        'Invalid input received: Invalid volume: Volume %s status must be '
        'available or downloading to reserve, but the current status is '
        'reserved. (HTTP 400)' % volume['id'])
    api.attachment_delete(ctx, first['id'])
    with pytest.raises(exception.OverQuota):
        api.create(ctx, 100000, 'huge', None)
    with pytest.raises(exception.InvalidInput):
        api.create(ctx, 0, 'zero', None)
    with pytest.raises(exception.NotFound):
        api.create(ctx, 1, 'typed', None, volume_type='no-such-type')


def test_admin_context_without_token(api):
    ctx = _ctx()
    volume = api.create(ctx, 1, 'v', None)
    admin = nl_context.get_admin_context()
    assert api.get(admin, volume['id'])['id'] == volume['id']


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_unreachable_block_storage(stack):
    port = _free_port()
    stack.conf.set_override(
        'endpoint_template', 'http://127.0.0.1:%d/v3/%%(project_id)s' % port,
        group='cinder')
    stack.conf.set_override('http_retries', 0, group='cinder')
    with pytest.raises(exception.CinderConnectionFailed) as error:
        cinder.API(stack.conf).get(_ctx(), MISSING)
    assert str(error.value).startswith('Connection to cinder host failed')


class _Scripted(http.server.BaseHTTPRequestHandler):
    """Answers from ``server.script``: (method, path prefix) -> list of
    (status, body); records every request's method, path and headers."""

    def log_message(self, *args):
        pass

    def _answer(self):
        self.server.seen.append((self.command, self.path,
                                 dict(self.headers.items())))
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        for (method, prefix), answers in self.server.script.items():
            if method == self.command and self.path.startswith(prefix):
                status, body = answers.pop(0) if len(answers) > 1 \
                    else answers[0]
                break
        else:
            status, body = 404, {'itemNotFound': {'code': 404,
                                                  'message': 'no'}}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


@pytest.fixture
def scripted(tmp_path):
    from tests.fixtures import stack as stack_fixture
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Scripted)
    server.script = {}
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('cinder', 'endpoint_template',
         'http://127.0.0.1:%d/v3/%%(project_id)s' % server.server_port)])
    try:
        yield server, cinder.API(conf)
    finally:
        server.shutdown()


def _versions(maximum):
    return {'versions': [{'id': 'v3.0', 'status': 'CURRENT',
                          'version': maximum, 'min_version': '3.0',
                          'updated': '2023-08-31T00:00:00Z', 'links': [],
                          'media-types': []}]}


def test_attachment_create_needs_3_44(scripted):
    server, api = scripted
    server.script[('GET', '/')] = [(300, _versions('3.27'))]
    with pytest.raises(exception.CinderAPIVersionNotAvailable) as error:
        api.attachment_create(_ctx(), MISSING, SERVER_A)
    assert str(error.value) == 'Cinder API version 3.44 is not available.'
    assert not [s for s in server.seen if s[1].startswith('/v3/')]


def test_global_request_id_and_microversion_are_sent(scripted):
    server, api = scripted
    volume = {'id': MISSING, 'status': 'available', 'size': 1,
              'attachments': [], 'multiattach': False, 'bootable': 'false',
              'metadata': {}, 'name': 'v'}
    server.script[('GET', '/v3/demo/volumes/')] = [(200, {'volume': volume})]
    request_id = 'req-6fb8d2a4-0b5e-4b5c-8a47-5e0b8d8c1f11'
    api.get(_ctx(request_id=request_id), MISSING, microversion='3.48')
    method, path, headers = server.seen[-1]
    assert (method, path) == ('GET', '/v3/demo/volumes/%s' % MISSING)
    assert headers['X-OpenStack-Request-ID'] == request_id
    assert headers['OpenStack-API-Version'] == 'volume 3.48'
    assert headers['X-Auth-Token'] == 'demo:demo'


def test_clients_follow_the_request(scripted):
    """Copies of one request's context share a client; another request,
    token, project or microversion sends its own headers and endpoint."""
    server, api = scripted
    volume = {'id': MISSING, 'status': 'available', 'size': 1,
              'attachments': [], 'multiattach': False, 'bootable': 'false',
              'metadata': {}, 'name': 'v'}
    for project in ('demo', 'other'):
        server.script[('GET', '/v3/%s/volumes/' % project)] = [
            (200, {'volume': volume})]
    first = 'req-6fb8d2a4-0b5e-4b5c-8a47-5e0b8d8c1f11'
    second = 'req-0c1d4e8a-7f1b-4d7e-9b0e-2f6a5c3d9e22'
    client = api._client(_ctx(request_id=first))
    assert api._client(_ctx(request_id=first)) is client
    assert api._client(_ctx(request_id=first), '3.44') is not client
    calls = [(_ctx(request_id=first), None), (_ctx(request_id=second), None),
             (_ctx('other', request_id=second), None),
             (_ctx(request_id=second), '3.48'),
             (_ctx(request_id=first), None)]
    for ctx, microversion in calls:
        api.get(ctx, MISSING, microversion=microversion)
    seen = [(path.split('/')[2], headers['X-OpenStack-Request-ID'],
             headers['X-Auth-Token'], headers.get('OpenStack-API-Version'))
            for _method, path, headers in server.seen[-5:]]
    assert seen == [('demo', first, 'demo:demo', None),
                    ('demo', second, 'demo:demo', None),
                    ('other', second, 'other:other', None),
                    ('demo', second, 'demo:demo', 'volume 3.48'),
                    ('demo', first, 'demo:demo', None)]
    kept = cinder.API.CLIENTS_KEPT
    for index in range(kept + 5):
        api._client(_ctx(request_id='req-%032d' % index))
    assert len(cinder._state(api.conf).clients) == kept


def test_server_errors(scripted):
    server, api = scripted
    attachment = {'id': MISSING, 'status': 'attaching', 'instance': SERVER_A,
                  'volume_id': MISSING, 'attach_mode': 'rw',
                  'connection_info': {'driver_volume_type': 'file',
                                      'device_path': '/x'}}
    fault = {'computeFault': {'code': 500, 'message': 'boom'}}
    server.script[('PUT', '/v3/demo/attachments/')] = [
        (500, fault), (504, fault), (200, {'attachment': attachment})]
    updated = api.attachment_update(_ctx(), MISSING, {'host': 'h'})
    assert updated['connection_info']['data'] == {'device_path': '/x'}
    assert len([s for s in server.seen if s[0] == 'PUT']) == 3
    server.script[('GET', '/v3/demo/volumes/')] = [(503, {
        'serviceUnavailable': {'code': 503, 'message': 'down'}})]
    with pytest.raises(exception.CinderConnectionFailed):
        api.get(_ctx(), MISSING)
    server.script[('DELETE', '/v3/demo/attachments/')] = [(500, fault)]
    with pytest.raises(exception.CinderConnectionFailed):
        api.attachment_delete(_ctx(), MISSING)
    assert len([s for s in server.seen if s[0] == 'DELETE']) == \
        cinder.RETRIES_ON_SERVER_ERROR
