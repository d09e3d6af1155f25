"""Unshelve of an offloaded server to a host (2.91) and unpinning its zone,
over HTTP through the whole stack."""

from nova_lite import context as nl_context
from nova_lite.objects import build_request

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'


def _offloaded(stack, token=ADMIN, version='2.91'):
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'shelved', 'flavorRef': '1', 'imageRef': IMAGE,
        'networks': 'none'}}, version=version, token=token)
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE', token=token, version=version)
    resp = _action(stack, sid, {'shelve': None}, token=token)
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'SHELVED_OFFLOADED', token=token,
                          version=version)
    return sid


def _action(stack, sid, body, version='2.91', token=ADMIN):
    return stack.request('POST', '/v2.1/servers/%s/action' % sid, json=body,
                         version=version, token=token)


def _host(stack, sid):
    return stack.request('GET', '/v2.1/servers/%s' % sid, token=ADMIN,
                         version='2.91').json()['server'][
        'OS-EXT-SRV-ATTR:host']


def test_unshelve_to_a_host(stack):
    stack.add_compute('compute2')
    for target in ('compute2', 'compute1'):
        sid = _offloaded(stack)
        resp = _action(stack, sid, {'unshelve': {'host': target}})
        assert resp.status_code == 202, resp.text
        stack.wait_for_server(sid, 'ACTIVE', token=ADMIN, version='2.91')
        assert _host(stack, sid) == target
        # The host asked for served that unshelve only.
        spec = build_request.get_request_spec(
            nl_context.get_admin_context(), sid)
        assert spec.get('requested_host') is None


def test_refusals(stack):
    sid = _offloaded(stack, token='demo:demo')
    # A member may not name a host.
    resp = _action(stack, sid, {'unshelve': {'host': 'compute1'}},
                   token='demo:demo')
    assert resp.status_code == 403, resp.text
    assert resp.json()['forbidden']['message'] == (
        'Policy doesn\'t allow os_compute_api:os-shelve:unshelve_to_host '
        'to be performed.')
    # An unknown host.
    resp = _action(stack, sid, {'unshelve': {'host': 'nosuch'}})
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['message'] == (
        'Compute host nosuch could not be found.')
    # A host outside the zone asked for.
    resp = _action(stack, sid, {'unshelve': {
        'host': 'compute1', 'availability_zone': 'elsewhere'}})
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['message'] == (
        'The requested availability zone is not available')
    # Before 2.91 there is no host.
    resp = _action(stack, sid, {'unshelve': {'host': 'compute1'}},
                   version='2.90')
    assert resp.status_code == 400, resp.text
    # Nothing was changed by the refusals.
    server = stack.request('GET', '/v2.1/servers/%s' % sid,
                           token='demo:demo').json()['server']
    assert server['status'] == 'SHELVED_OFFLOADED'
    assert server['OS-EXT-STS:task_state'] is None


def test_host_or_zone_needs_an_offloaded_server(stack):
    resp = stack.request('POST', '/v2.1/servers', json={'server': {
        'name': 'up', 'flavorRef': '1', 'imageRef': IMAGE,
        'networks': 'none'}}, version='2.91', token=ADMIN)
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE', token=ADMIN)
    assert _action(stack, sid, {'shelveOffload': None}).status_code in (
        202, 409)
    resp = _action(stack, sid, {'unshelve': {'host': 'compute1'}})
    assert resp.status_code == 409, resp.text
    assert resp.json()['conflictingRequest']['message'] == (
        'Specifying an availability zone or a host when unshelving server '
        '"%s" with status "active" is not supported. The server status '
        'must be SHELVED_OFFLOADED.' % sid)


def test_null_zone_unpins(stack):
    sid = _offloaded(stack)
    resp = _action(stack, sid, {'unshelve': {'availability_zone': 'nova'}})
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'ACTIVE', token=ADMIN)
    show = stack.request('GET', '/v2.1/servers/%s' % sid, token=ADMIN,
                         version='2.96').json()['server']
    assert show['pinned_availability_zone'] == 'nova'
    assert _action(stack, sid, {'shelve': None}).status_code == 202
    stack.wait_for_server(sid, 'SHELVED_OFFLOADED', token=ADMIN)
    resp = _action(stack, sid, {'unshelve': {'availability_zone': None}})
    assert resp.status_code == 202, resp.text
    stack.wait_for_server(sid, 'ACTIVE', token=ADMIN)
    show = stack.request('GET', '/v2.1/servers/%s' % sid, token=ADMIN,
                         version='2.96').json()['server']
    assert show['pinned_availability_zone'] is None
