"""OS-DCF:diskConfig of the rebuild action: stored as create and update
store it, and shown afterwards."""

import pytest

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
OTHER = 'a2459075-d96c-40d5-893e-577ff92e721c'


@pytest.fixture
def images(stack):
    stack.conf.set_override('images', ['%s:cirros' % IMAGE,
                                       '%s:other' % OTHER],
                            group='image_catalog')
    stack.seed_images()


def _server(stack, disk_config):
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'dcf', 'flavorRef': '1', 'imageRef': IMAGE,
        'OS-DCF:diskConfig': disk_config}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _rebuild(stack, sid, **extra):
    body = {'imageRef': OTHER}
    body.update(extra)
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'rebuild': body})
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'ACTIVE')
    return resp.json()['server']


def _shown(stack, sid):
    return stack.request('GET', '/v2.1/servers/%s' % sid).json()[
        'server']['OS-DCF:diskConfig']


def test_rebuild_stores_the_disk_config(stack, images):
    sid = _server(stack, 'MANUAL')
    assert _rebuild(stack, sid, **{'OS-DCF:diskConfig': 'AUTO'})[
        'OS-DCF:diskConfig'] == 'AUTO'
    assert _shown(stack, sid) == 'AUTO'
    # Without it, a rebuild keeps the server's.
    _rebuild(stack, sid)
    assert _shown(stack, sid) == 'AUTO'
    _rebuild(stack, sid, **{'OS-DCF:diskConfig': 'MANUAL'})
    assert _shown(stack, sid) == 'MANUAL'


def test_rebuild_refuses_an_unknown_disk_config(stack, images):
    sid = _server(stack, 'AUTO')
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'rebuild': {'imageRef': OTHER,
                                           'OS-DCF:diskConfig': 'SOMETIMES'}})
    assert resp.status_code == 400, resp.text
    assert 'badRequest' in resp.json()
    assert _shown(stack, sid) == 'AUTO'
