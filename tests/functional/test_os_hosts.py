"""os-hosts through the whole stack: the hosts of the services, their
resources, enable/maintenance/power requests answered by the fake driver,
and the 404 from 2.43 on."""

import jsonschema
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import hosts as t_hosts

from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('os_hosts'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _call(stack, method, path, status, version='2.1', token=ADMIN,
          json=None):
    resp = stack.request(method, '/v2.1/os-hosts' + path, token=token,
                         version=version, json=json)
    assert resp.status_code == status, resp.text
    return resp.json() if resp.text else None


def _valid(body, schema):
    jsonschema.validate(body, schema['response_body'])


@pytest.mark.parametrize('version', ['2.1', '2.42'])
def test_list(stack, version):
    body = _call(stack, 'GET', '', 200, version)
    _valid(body, t_hosts.list_hosts)
    computes = [h for h in body['hosts'] if h['service'] == 'compute']
    assert computes == [{'host_name': 'compute1', 'service': 'compute',
                         'zone': 'nova'}]
    assert all(h['zone'] == 'internal' for h in body['hosts']
               if h['service'] != 'compute')
    zoned = _call(stack, 'GET', '?zone=nova', 200, version)
    assert zoned['hosts'] == computes
    assert _call(stack, 'GET', '?zone=nowhere', 200, version) == {
        'hosts': []}


def test_show(stack):
    body = _call(stack, 'GET', '/compute1', 200)
    _valid(body, t_hosts.get_host_detail)
    projects = [r['resource']['project'] for r in body['host']]
    assert projects[:3] == ['(total)', '(used_now)', '(used_max)']
    assert body['host'][0]['resource']['host'] == 'compute1'
    assert body['host'][0]['resource']['cpu'] > 0


def test_show_unknown_host(stack):
    body = _call(stack, 'GET', '/nosuchhost', 404)
    assert body == {'itemNotFound': {
        'code': 404, 'message': "Host 'nosuchhost' is not mapped to any cell"}}


@pytest.mark.parametrize('value,status,maintenance', [
    ('enable', 'enabled', 'on_maintenance'),
    ('DISABLE', 'disabled', 'off_maintenance')])
def test_update(stack, value, status, maintenance):
    body = _call(stack, 'PUT', '/compute1', 200,
                 json={'status': value, 'maintenance_mode': value})
    _valid(body, t_hosts.update_host)
    assert body == {'host': 'compute1', 'status': status,
                    'maintenance_mode': maintenance}


@pytest.mark.parametrize('body', [{}, {'status': 'on'}, {'other': 'x'},
                                  {'status': 'enable', 'other': 'x'}])
def test_update_bad_body(stack, body):
    resp = _call(stack, 'PUT', '/compute1', 400, json=body)
    assert resp['badRequest']['code'] == 400


def test_update_unknown_host(stack):
    body = _call(stack, 'PUT', '/nosuchhost', 404,
                 json={'status': 'enable'})
    assert body['itemNotFound']['message'] == \
        "Host 'nosuchhost' is not mapped to any cell"


@pytest.mark.parametrize('action,schema', [
    ('startup', t_hosts.startup_host), ('shutdown', t_hosts.shutdown_host),
    ('reboot', t_hosts.reboot_host)])
def test_power_actions(stack, action, schema):
    body = _call(stack, 'GET', '/compute1/%s' % action, 200)
    _valid(body, schema)
    assert body == {'host': 'compute1', 'power_action': action}
    _call(stack, 'GET', '/nosuchhost/%s' % action, 404)


def test_driver_without_host_operations(stack, monkeypatch):
    driver = stack.aio.compute_manager.driver

    def refuse(*args, **kwargs):
        raise NotImplementedError()
    for name in ('set_host_enabled', 'host_maintenance_mode',
                 'host_power_action'):
        monkeypatch.setattr(driver, name, refuse)
    not_supported = {'notImplemented': {
        'code': 501,
        'message': 'The requested functionality is not supported.'}}
    assert _call(stack, 'PUT', '/compute1', 501,
                 json={'status': 'enable'}) == not_supported
    assert _call(stack, 'GET', '/compute1/reboot', 501) == not_supported


@pytest.mark.parametrize('method,path', [
    ('GET', ''), ('GET', '/compute1'), ('PUT', '/compute1'),
    ('GET', '/compute1/startup'), ('GET', '/compute1/shutdown'),
    ('GET', '/compute1/reboot')])
def test_removed_at_2_43(stack, method, path):
    json = {'status': 'enable'} if method == 'PUT' else None
    _call(stack, method, path, 404, version='2.43', json=json)
    if method == 'GET':
        _call(stack, method, path, 403, version='2.42', token='demo:demo')


def test_libvirt_driver_leaves_host_operations_unimplemented():
    # nova's libvirt driver implements none of them: os-hosts answers 501.
    from nova_lite.virt import driver as base
    from nova_lite.virt.libvirt import driver as libvirt_driver
    for name in ('set_host_enabled', 'host_maintenance_mode',
                 'host_power_action'):
        assert getattr(libvirt_driver.LibvirtDriver, name) is \
            getattr(base.ComputeDriver, name)
        with pytest.raises(NotImplementedError):
            getattr(base.ComputeDriver, name)(None, *(
                (True,) if name != 'host_maintenance_mode' else ('h', True)))


def _doc_schema(doc, method, path, status):
    op = doc['paths'][path][method.lower()]
    return op['responses'][str(status)]['content']['application/json'][
        'schema']


def test_answers_match_the_openapi_document(stack):
    from nova_lite.openapi import compute as openapi
    doc = openapi.build('2.42')
    for method, path, template, json in [
            ('GET', '', '/os-hosts', None),
            ('GET', '/compute1', '/os-hosts/{host_name}', None),
            ('PUT', '/compute1', '/os-hosts/{host_name}',
             {'status': 'enable'}),
            ('GET', '/compute1/reboot', '/os-hosts/{host_name}/reboot',
             None)]:
        body = _call(stack, method, path, 200, version='2.42', json=json)
        jsonschema.validate(body, _doc_schema(doc, method, template, 200))
    assert '/os-hosts' not in openapi.build('2.43')['paths']
