"""os-getConsoleOutput: the fake guest's console log over RPC."""

import jsonschema
import pytest

from nova_lite.api.schemas import action_responses

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'


def _server(stack):
    resp = stack.request('POST', '/v2.1/servers', json={
        'server': {'name': 'vm', 'flavorRef': '1', 'imageRef': IMAGE}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ACTIVE')
    return sid


def _output(stack, sid, value, token='demo:demo'):
    return stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'os-getConsoleOutput': value}, token=token)


def test_console_output_grows_with_reboots(stack):
    sid = _server(stack)
    resp = _output(stack, sid, {})
    assert resp.status_code == 200, resp.text
    first = resp.json()
    jsonschema.validate(first, action_responses.console_output)
    assert list(first) == ['output']
    assert 'Booting vm from image %s' % IMAGE in first['output']
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'reboot': {'type': 'SOFT'}})
    assert resp.status_code == 202
    stack.wait_for_server(sid, 'ACTIVE')
    lines = _output(stack, sid, {'length': None}).json()['output'].split('\n')
    assert 'Rebooting (soft)' in lines
    assert len(lines) > len(first['output'].split('\n'))


@pytest.mark.parametrize('length,expected', [
    (1, ['']),            # the log ends with a newline
    (2, ['vm login: ', '']),
    ('3', ['cloud-init finished', 'vm login: ', '']),
    (0, None),
])
def test_length_cuts_the_tail(stack, length, expected):
    sid = _server(stack)
    stack.request('POST', '/v2.1/servers/%s/action' % sid,
                  json={'reboot': {'type': 'HARD'}})
    stack.wait_for_server(sid, 'ACTIVE')
    resp = _output(stack, sid, {'length': length})
    assert resp.status_code == 200
    output = resp.json()['output']
    if expected is None:
        assert output == ''
    else:
        assert output.split('\n') == expected


def test_minus_one_is_the_whole_log_but_its_first_line(stack):
    sid = _server(stack)
    whole = _output(stack, sid, {}).json()['output'].split('\n')
    cut = _output(stack, sid, {'length': -1}).json()['output'].split('\n')
    assert cut == whole[1:]


@pytest.mark.parametrize('value', [
    {'length': -2}, {'length': 'abc'}, {'length': 1.5}, {'length': '1.0'},
    {'lenght': 1}, None, 'x'])
def test_bad_bodies(stack, value):
    sid = _server(stack)
    resp = _output(stack, sid, value)
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['code'] == 400


def test_server_without_a_host_is_not_ready(stack):
    sid = _server(stack)
    resp = stack.request('POST', '/v2.1/servers/%s/action' % sid,
                         json={'shelve': None})
    assert resp.status_code == 202
    stack.wait_for_server(sid, 'SHELVED_OFFLOADED')
    resp = _output(stack, sid, {})
    assert resp.status_code == 409
    assert resp.json() == {'conflictingRequest': {
        'code': 409, 'message': 'Instance %s is not ready' % sid}}


def test_failed_build_has_no_guest_console(stack):
    stack.conf.set_override('fail_spawn_for_names', ['broken'],
                            group='fake_driver')
    resp = stack.request('POST', '/v2.1/servers', json={
        'server': {'name': 'broken', 'flavorRef': '1', 'imageRef': IMAGE}})
    sid = resp.json()['server']['id']
    stack.wait_for_server(sid, 'ERROR')
    resp = _output(stack, sid, {})
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Instance %s could not be found.' % sid}}


def test_other_projects_get_404_and_readers_403(stack):
    sid = _server(stack)
    assert _output(stack, sid, {}, token='other:other').status_code == 404
