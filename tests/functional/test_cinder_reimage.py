"""nova_lite.volume.cinder's reimage_volume: os-reimage at 3.68, against a
scripted Cinder (what is sent, an older Cinder) and the built-in block
storage."""

import http.server
import json
import threading
import time

import pytest

from nova_lite import context as nl_context
from nova_lite import exception
from nova_lite.volume import cinder
from tests.fixtures import stack as stack_fixture

VOLUME = '2c8e9c0e-4a1d-4c0e-8b1a-000000000001'
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _ctx():
    return nl_context.RequestContext(
        user_id='demo', project_id='demo', auth_token='demo:demo',
        roles=['member', 'reader'])


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.seen.append((self.command, self.path,
                                 dict(self.headers.items()), body))
        if self.command == 'GET' and self.path.rstrip('/') in ('', '/v3'):
            status, answer = 300, {'versions': [{
                'id': 'v3.0', 'status': 'CURRENT',
                'version': self.server.maximum, 'min_version': '3.0',
                'updated': '2023-08-31T00:00:00Z', 'links': [],
                'media-types': []}]}
        elif self.command == 'POST' and self.path.endswith('/action'):
            status, answer = 202, None
        else:
            status, answer = 404, {'itemNotFound': {'code': 404,
                                                    'message': 'no'}}
        data = json.dumps(answer).encode() if answer is not None else b''
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer


@pytest.fixture
def scripted(tmp_path):
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
    server.seen = []
    server.maximum = '3.70'
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    conf = stack_fixture.make_conf(tmp_path, overrides=[
        ('cinder', 'endpoint_template',
         'http://127.0.0.1:%d/v3/%%(project_id)s' % server.server_port)])
    try:
        yield server, cinder.API(conf)
    finally:
        server.shutdown()


def test_reimage_is_os_reimage_at_368(scripted):
    server, api = scripted
    api.reimage_volume(_ctx(), VOLUME, IMAGE, reimage_reserved=True)
    method, path, headers, body = server.seen[-1]
    assert (method, path) == ('POST', '/v3/demo/volumes/%s/action' % VOLUME)
    assert headers['OpenStack-API-Version'] == 'volume 3.68'
    assert body == {'os-reimage': {'image_id': IMAGE,
                                   'reimage_reserved': True}}


def test_an_older_cinder_is_not_asked(scripted):
    server, api = scripted
    server.maximum = '3.67'
    with pytest.raises(exception.CinderAPIVersionNotAvailable) as error:
        api.reimage_volume(_ctx(), VOLUME, IMAGE, reimage_reserved=True)
    assert str(error.value) == 'Cinder API version 3.68 is not available.'
    assert not [s for s in server.seen if s[0] == 'POST']


def test_against_the_built_in_block_storage(stack):
    api = cinder.API(stack.conf)
    ctx = _ctx()
    volume = api.create(ctx, 1, 'v', None)
    deadline = time.monotonic() + 10
    while api.get(ctx, volume['id'])['status'] != 'available':
        assert time.monotonic() < deadline
        time.sleep(0.02)
    api.reimage_volume(ctx, volume['id'], IMAGE, reimage_reserved=False)
    deadline = time.monotonic() + 10
    while True:
        shown = api.get(ctx, volume['id'])
        if shown['status'] == 'available' and \
                shown.get('volume_image_metadata'):
            break
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert shown['volume_image_metadata']['image_id'] == IMAGE
    with pytest.raises(exception.VolumeNotFound):
        api.reimage_volume(ctx, VOLUME, IMAGE)
    # Cinder's 400 for a volume in the wrong state reaches the caller.
    api.attachment_create(ctx, volume['id'], VOLUME)
    with pytest.raises(exception.Invalid) as error:
        api.reimage_volume(ctx, volume['id'], IMAGE)
    assert 'status must be available or error' in str(error.value)
