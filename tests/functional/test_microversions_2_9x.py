"""Servers at microversions 2.90 to 2.104 through the whole stack, over
HTTP: hostnames, the pinned availability zone, image properties,
scheduler hints, strict query strings and the flavor name filter."""

import pytest

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'


def _create(stack, version, name='vm', expect=202, hints=None, **extra):
    body = {'server': dict({'name': name, 'flavorRef': '1',
                            'imageRef': IMAGE, 'networks': 'none'},
                           **extra)}
    if hints is not None:
        body['os:scheduler_hints'] = hints
    resp = stack.request('POST', '/v2.1/servers', json=body, version=version)
    assert resp.status_code == expect, resp.text
    return resp


def _show(stack, server_id, version, token='demo:demo'):
    resp = stack.request('GET', '/v2.1/servers/%s' % server_id,
                         version=version, token=token)
    assert resp.status_code == 200, resp.text
    return resp.json()['server']


def _update(stack, server_id, version, **values):
    return stack.request('PUT', '/v2.1/servers/%s' % server_id,
                         version=version, json={'server': values})


def _fault(resp, status, key):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert list(body) == [key], body
    return body[key]['message']


# -- 2.90 / 2.94: hostname -----------------------------------------------------

def test_hostname_on_create_and_update(stack):
    made = _create(stack, '2.90', name='My Server',
                   hostname='custom-host').json()['server']
    shown = stack.wait_for_server(made['id'], 'ACTIVE', version='2.90')
    # Shown to a member (no extended attributes) from 2.90 only.
    assert shown['OS-EXT-SRV-ATTR:hostname'] == 'custom-host'
    assert 'OS-EXT-SRV-ATTR:host' not in shown
    assert 'OS-EXT-SRV-ATTR:hostname' not in _show(stack, made['id'], '2.89')
    resp = _update(stack, made['id'], '2.90', hostname='renamed')
    assert resp.status_code == 200, resp.text
    assert resp.json()['server']['OS-EXT-SRV-ATTR:hostname'] == 'renamed'
    # An administrator sees it among the extended attributes, once.
    admin = _show(stack, made['id'], '2.90', token=ADMIN)
    assert admin['OS-EXT-SRV-ATTR:hostname'] == 'renamed'
    listed = stack.request('GET', '/v2.1/servers/detail', version='2.90')
    (item,) = [s for s in listed.json()['servers'] if s['id'] == made['id']]
    assert item['OS-EXT-SRV-ATTR:hostname'] == 'renamed'
    # Without one, the hostname is derived from the name.
    other = _create(stack, '2.90', name='Web 01').json()['server']
    assert _show(stack, other['id'], '2.90')[
        'OS-EXT-SRV-ATTR:hostname'] == 'web-01'


def test_hostname_validation(stack):
    before = stack.request('GET', '/v2.1/servers', version='2.90').json()
    # Not a property before 2.90.
    resp = _create(stack, '2.89', hostname='host-a', expect=400)
    assert "'hostname' was unexpected" in _fault(resp, 400, 'badRequest')
    # 2.90: a host name, no FQDN.
    resp = _create(stack, '2.90', hostname='host.example.com', expect=400)
    assert 'hostname' in _fault(resp, 400, 'badRequest')
    resp = _create(stack, '2.90', hostname='a', expect=400)
    assert 'hostname' in _fault(resp, 400, 'badRequest')
    # One hostname for several servers is refused.
    resp = _create(stack, '2.90', hostname='many', min_count=2, expect=400)
    assert _fault(resp, 400, 'badRequest') == (
        'Unable to allocate a single hostname to multiple instances')
    after = stack.request('GET', '/v2.1/servers', version='2.90').json()
    assert after == before
    # 2.94: fully qualified names.
    made = _create(stack, '2.94', hostname='db1.example.com').json()[
        'server']
    assert _show(stack, made['id'], '2.94')[
        'OS-EXT-SRV-ATTR:hostname'] == 'db1.example.com'
    resp = _update(stack, made['id'], '2.93', hostname='x.example.com')
    assert 'hostname' in _fault(resp, 400, 'badRequest')
    resp = _update(stack, made['id'], '2.94', hostname='x.example.com')
    assert resp.status_code == 200, resp.text
    assert resp.json()['server']['OS-EXT-SRV-ATTR:hostname'] == \
        'x.example.com'


# -- 2.96 / 2.104: pinned availability zone ------------------------------------

def test_pinned_availability_zone(stack):
    pinned = _create(stack, '2.96', name='pinned',
                     availability_zone='nova').json()['server']
    free = _create(stack, '2.96', name='free').json()['server']
    # Shown while it is a build request already, and once built.
    assert _show(stack, pinned['id'], '2.96')[
        'pinned_availability_zone'] == 'nova'
    stack.wait_for_server(pinned['id'], 'ACTIVE', version='2.96')
    shown = stack.wait_for_server(free['id'], 'ACTIVE', version='2.96')
    assert shown['pinned_availability_zone'] is None
    assert shown['OS-EXT-AZ:availability_zone'] == 'nova'
    assert 'pinned_availability_zone' not in _show(stack, pinned['id'],
                                                   '2.95')
    listed = stack.request('GET', '/v2.1/servers/detail', version='2.96')
    zones = {s['id']: s['pinned_availability_zone']
             for s in listed.json()['servers']}
    assert zones[pinned['id']] == 'nova' and zones[free['id']] is None

    # 2.104: PUT pins to the current zone and unpins.
    resp = _update(stack, pinned['id'], '2.103',
                   pinned_availability_zone=None)
    assert "'pinned_availability_zone' was unexpected" in _fault(
        resp, 400, 'badRequest')
    resp = _update(stack, pinned['id'], '2.104',
                   pinned_availability_zone='other')
    assert _fault(resp, 409, 'conflictingRequest') == (
        'Cannot change pinned availability zone directly. Unpin first by '
        'setting pinned_availability_zone to null.')
    resp = _update(stack, pinned['id'], '2.104',
                   pinned_availability_zone=None)
    assert resp.status_code == 200, resp.text
    assert resp.json()['server']['pinned_availability_zone'] is None
    resp = _update(stack, free['id'], '2.104',
                   pinned_availability_zone='elsewhere')
    assert _fault(resp, 409, 'conflictingRequest') == (
        "Server can only be pinned to its current availability zone "
        "'nova', but 'elsewhere' was requested.")
    assert _show(stack, free['id'], '2.104')[
        'pinned_availability_zone'] is None
    resp = _update(stack, free['id'], '2.104',
                   pinned_availability_zone='nova')
    assert resp.status_code == 200, resp.text
    assert resp.json()['server']['pinned_availability_zone'] == 'nova'
    assert _show(stack, free['id'], '2.104')[
        'pinned_availability_zone'] == 'nova'


# -- 2.98: image properties; 2.100: scheduler hints -----------------------------

def test_image_properties_and_scheduler_hints(stack):
    made = _create(stack, '2.100', name='hinted', hints={
        'foo': 'bar', 'same_host': []}).json()['server']
    plain = _create(stack, '2.100', name='plain').json()['server']
    shown = stack.wait_for_server(made['id'], 'ACTIVE', version='2.100')
    assert shown['image']['id'] == IMAGE
    assert shown['image']['properties'] == {}
    assert shown['scheduler_hints'] == {'foo': ['bar'], 'same_host': []}
    assert _show(stack, plain['id'], '2.100')['scheduler_hints'] == {}
    assert 'properties' not in _show(stack, made['id'], '2.97')['image']
    at_299 = _show(stack, made['id'], '2.99')
    assert 'scheduler_hints' not in at_299
    assert at_299['image']['properties'] == {}
    listed = stack.request('GET', '/v2.1/servers/detail', version='2.100')
    hints = {s['id']: s['scheduler_hints'] for s in listed.json()['servers']}
    assert hints[made['id']] == {'foo': ['bar'], 'same_host': []}
    assert hints[plain['id']] == {}
    resp = _update(stack, made['id'], '2.100', name='renamed')
    assert resp.json()['server']['scheduler_hints'] == {
        'foo': ['bar'], 'same_host': []}


# -- 2.102: strict query strings, flavors ----------------------------------------

def test_strict_query_strings(stack):
    made = _create(stack, '2.101').json()['server']
    path = '/v2.1/servers/%s?foo=1' % made['id']
    assert stack.request('GET', path, version='2.101').status_code == 200
    resp = stack.request('GET', path, version='2.102')
    assert _fault(resp, 400, 'badRequest') == (
        "Additional properties are not allowed ('foo' was unexpected)")
    resp = stack.request('GET', '/v2.1/servers/%s/ips?foo=1' % made['id'],
                         version='2.102')
    assert _fault(resp, 400, 'badRequest') == (
        "Additional properties are not allowed ('foo' was unexpected)")
    assert stack.request('GET', '/v2.1/flavors/1?foo=1',
                         version='2.101').status_code == 200
    resp = stack.request('GET', '/v2.1/flavors/1?foo=1', version='2.102')
    assert _fault(resp, 400, 'badRequest') == (
        "Additional properties are not allowed ('foo' was unexpected)")
    sid = made['id']
    stack.wait_for_server(sid, 'ACTIVE', version='2.102')
    for path in ('/extensions', '/extensions/os-keypairs',
                 '/flavors/1/os-extra_specs',
                 '/flavors/1/os-flavor-access',
                 '/servers/%s/diagnostics' % sid,
                 '/servers/%s/os-server-password' % sid):
        before = stack.request('GET', '/v2.1%s?foo=1' % path, token=ADMIN,
                               version='2.101')
        assert before.status_code != 400 or 'foo' not in before.text, path
        resp = stack.request('GET', '/v2.1%s?foo=1' % path, token=ADMIN,
                             version='2.102')
        assert _fault(resp, 400, 'badRequest') == (
            "Additional properties are not allowed ('foo' was unexpected)"
        ), path


def test_flavors_at_2_102(stack):
    old = stack.request('GET', '/v2.1/flavors/1', version='2.101').json()
    assert 'rxtx_factor' in old['flavor']
    assert 'OS-FLV-DISABLED:disabled' in old['flavor']
    new = stack.request('GET', '/v2.1/flavors/1', version='2.102').json()
    assert 'rxtx_factor' not in new['flavor']
    assert 'OS-FLV-DISABLED:disabled' not in new['flavor']
    detail = stack.request('GET', '/v2.1/flavors/detail', version='2.102')
    assert all('rxtx_factor' not in f for f in detail.json()['flavors'])
    # The name filter: a regular expression searched in the name.
    names = [f['name'] for f in stack.request(
        'GET', '/v2.1/flavors?name=^m1.(tiny|small)$',
        version='2.102').json()['flavors']]
    assert sorted(names) == ['m1.small', 'm1.tiny']
    everything = stack.request('GET', '/v2.1/flavors', version='2.102')
    assert len(everything.json()['flavors']) > 2
    resp = stack.request('GET', '/v2.1/flavors?name=m1.tiny',
                         version='2.101')
    assert "'name' was unexpected" in _fault(resp, 400, 'badRequest')
    resp = stack.request('GET', '/v2.1/flavors?sort_key=rxtx_factor',
                         version='2.102')
    assert _fault(resp, 400, 'badRequest')
    assert stack.request('GET', '/v2.1/flavors?sort_key=rxtx_factor',
                         version='2.101').status_code == 200


# -- 2.103: /os-volumes_boot ------------------------------------------------------

@pytest.mark.parametrize('version', ['2.102', '2.103', '2.104'])
def test_volumes_boot_is_not_served(stack, version):
    resp = stack.request('GET', '/v2.1/os-volumes_boot', version=version)
    assert _fault(resp, 404, 'itemNotFound') == \
        'The resource could not be found.'


# -- rebuild: the same fields -------------------------------------------------------

def test_rebuild_keeps_zone_and_hints_and_takes_disk_config(stack):
    made = _create(stack, '2.100', name='rb', availability_zone='nova',
                   hints={'foo': 'bar'}).json()['server']
    stack.wait_for_server(made['id'], 'ACTIVE', version='2.100')
    resp = stack.request(
        'POST', '/v2.1/servers/%s/action' % made['id'], version='2.100',
        json={'rebuild': {'imageRef': IMAGE, 'OS-DCF:diskConfig': 'AUTO',
                          'hostname': 'rebuilt'}})
    assert resp.status_code == 202, resp.text
    server = resp.json()['server']
    assert server['OS-DCF:diskConfig'] == 'AUTO'
    assert server['pinned_availability_zone'] == 'nova'
    assert server['scheduler_hints'] == {'foo': ['bar']}
    assert server['OS-EXT-SRV-ATTR:hostname'] == 'rebuilt'
    shown = stack.wait_for_server(made['id'], 'ACTIVE', version='2.100')
    assert shown['OS-DCF:diskConfig'] == 'AUTO'
