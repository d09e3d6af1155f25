"""The checks of a server create's ``networks`` that nova makes before it
asks the network service, at 2.1 and at 2.37 and later."""

import pytest

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
NET = '3f1e9a52-6c7d-4b8e-a0f2-9d4c1b7e5a63'


def _create(stack, networks, version):
    return stack.request('POST', '/v2.1/servers', version=version, json={
        'server': {'name': 'n', 'flavorRef': '1', 'imageRef': IMAGE,
                   'networks': networks}})


@pytest.mark.parametrize('version', ['2.1', '2.37'])
@pytest.mark.parametrize('networks, message', [
    ([{'uuid': 'a-b-c-d-e-f-g-h-i-j', 'fixed_ip': '10.0.1.1'}],
     'Bad networks format: network uuid is not in proper format '
     '(a-b-c-d-e-f-g-h-i-j)'),
    ([{'port': NET}, {'port': NET}],
     "Port ID '%s' was specified twice: you cannot attach a port multiple "
     "times." % NET),
    ([{'port': NET, 'fixed_ip': '10.0.1.1'}],
     "Specified Fixed IP '10.0.1.1' cannot be used with port '%s': the two "
     "cannot be specified together." % NET),
])
def test_bad_network_requests(stack, version, networks, message):
    resp = _create(stack, networks, version)
    assert resp.status_code == 400, resp.text
    if version == '2.37' and 'uuid' in networks[0]:
        # From 2.37 the schema checks the uuid's format first.
        message = resp.json()['badRequest']['message']
        assert message.startswith('Invalid input for field/attribute '
                                  'networks.'), message
    assert resp.json() == {'badRequest': {'code': 400, 'message': message}}
    servers = stack.request('GET', '/v2.1/servers').json()['servers']
    assert servers == []


def test_missing_uuid(stack):
    resp = _create(stack, [{'fixed_ip': '10.0.1.1'}], '2.1')
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['message'] == \
        "Bad network format: missing 'uuid'"
