"""/extensions: nova's fixed list of extension records."""

import jsonschema

from nova_lite.api.schemas import admin_responses as ar


def test_list_and_show(stack):
    resp = stack.request('GET', '/v2.1/extensions')
    assert resp.status_code == 200, resp.text
    body = resp.json()
    jsonschema.validate(body, ar.extensions_index('2.1'))
    aliases = [e['alias'] for e in body['extensions']]
    assert len(aliases) == 99 and len(set(aliases)) == 99
    assert {'os-hypervisors', 'os-flavor-manage', 'os-simple-tenant-usage',
            'os-migrations', 'os-server-diagnostics',
            'os-server-password', 'OS-EXT-AZ'} <= set(aliases)
    resp = stack.request('GET', '/v2.1/extensions/os-flavor-manage',
                         token='bob:other')
    assert resp.status_code == 200
    extension = resp.json()['extension']
    jsonschema.validate(resp.json(), ar.extension_show('2.1'))
    assert extension == [e for e in body['extensions']
                         if e['alias'] == 'os-flavor-manage'][0]
    assert extension['namespace'] == \
        'http://docs.openstack.org/compute/ext/fake_xml'
    assert extension['updated'] == '2014-12-03T00:00:00Z'
    resp = stack.request('GET', '/v2.1/extensions/os-nothing')
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'The resource could not be found.'}}
    assert stack.request('GET', '/v2.1/extensions?x=1',
                         version='2.102').status_code == 400
    assert stack.request('GET', '/v2.1/extensions?x=1',
                         version='2.101').status_code == 200
