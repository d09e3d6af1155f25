"""The OpenAPI document: it covers every route the controllers expose, its
request schemas are the ones the API validates with, and real responses
validate against its response schemas at each microversion."""

import json
import subprocess
import sys

import jsonschema
import pytest
import schemathesis

from nova_lite.api.controllers import root
from nova_lite.api import microversion
from nova_lite.openapi import compute as openapi
from nova_lite.openapi import volume as volume_openapi
from nova_lite.api.schemas import responses
from nova_lite.api.schemas import servers as server_schemas
from nova_lite.api.schemas import volume_attachments as va_schemas
from tests.fuzz import conftest as fz

VERSIONS = ['2.1', '2.3', '2.16', '2.47', '2.53', '2.59', '2.60', '2.70',
            '2.75', '2.79', '2.89', '2.90', '2.94', '2.96', '2.98', '2.100',
            '2.101', '2.102', '2.103', '2.104']


def _exposed(controller, seen=None):
    """Every pecan-exposed method under ``controller``."""
    seen = seen if seen is not None else set()
    out = set()
    if id(controller) in seen:
        return out
    seen.add(id(controller))
    for name in dir(type(controller)):
        if name.startswith('__'):
            continue
        value = getattr(type(controller), name, None)
        if callable(value) and hasattr(value, '_pecan'):
            out.add(value)
        elif value is not None and not callable(value) and \
                type(value).__module__.startswith('nova_lite.api'):
            out |= _exposed(value, seen)
    # pecan.route() attributes (names that are not identifiers).
    for name, value in vars(type(controller)).items():
        if '-' in name and not callable(value):
            out |= _exposed(value, seen)
    return out


def test_every_exposed_method_is_documented():
    documented = {route.handler for route in openapi.COMPUTE_ROUTES
                  if route.handler is not None}
    exposed = _exposed(root.V21Controller())
    # index: the version document at /v2.1/{project_id}/ ('GET /');
    # _route: pecan's own RestController dispatcher.
    exposed = {f for f in exposed if f.__name__ not in ('index', '_route')}
    assert exposed - documented == set()


def test_request_schemas_are_the_validators():
    doc = openapi.build('2.60')
    create = doc['paths']['/servers']['post']['requestBody']['content'][
        'application/json']['schema']
    assert create == dict(server_schemas.create_v257)
    attach = doc['paths']['/servers/{server_id}/os-volume_attachments'][
        'post']['requestBody']['content']['application/json']['schema']
    assert attach == va_schemas.create_v249
    doc = openapi.build('2.89')
    attach = doc['paths']['/servers/{server_id}/os-volume_attachments'][
        'post']['requestBody']['content']['application/json']['schema']
    assert attach == va_schemas.create_v279
    params = {p['name'] for p in doc['paths']['/servers']['get'][
        'parameters']}
    assert {'changes-before', 'locked', 'limit', 'marker'} <= params
    assert 'changes-before' not in {
        p['name'] for p in openapi.build('2.60')['paths']['/servers'][
            'get']['parameters']}
    # Every action's body is offered.
    action = openapi.build('2.89')['paths']['/servers/{server_id}/action'][
        'post']['requestBody']['content']['application/json']['schema']
    names = {next(iter(s['properties'])) for s in action['oneOf']}
    assert names >= {'os-stop', 'os-start', 'reboot', 'shelve',
                     'shelveOffload', 'unshelve', 'lock', 'unlock', 'pause',
                     'unpause', 'suspend', 'resume', 'os-resetState',
                     'restore', 'forceDelete', 'os-getConsoleOutput',
                     'rebuild'}


@pytest.mark.parametrize('version', ['2.1', '2.60', '2.89', '2.104'])
def test_documents_load_and_check(version):
    doc = openapi.build(version)
    assert doc['openapi'] == '3.1.0'
    json.dumps(doc)
    schema = schemathesis.openapi.from_dict(doc)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) == len(openapi.routes_for(version))
    validator = jsonschema.Draft202012Validator
    for ops in doc['paths'].values():
        for op in ops.values():
            for entry in op['responses'].values():
                for content in entry.get('content', {}).values():
                    validator.check_schema(content['schema'])


def test_ranges_cover_every_microversion_once():
    ranges = openapi.ranges()
    assert ranges[0][0] == microversion.MIN_VERSION
    assert ranges[-1][1] == microversion.MAX_VERSION
    covered = []
    for first, last, doc in ranges:
        start = microversion.VERSIONS.index(first)
        end = microversion.VERSIONS.index(last)
        covered.extend(microversion.VERSIONS[start:end + 1])
        assert doc['info']['version'] == first
    assert covered == microversion.VERSIONS


def test_manage_command_writes_the_documents(tmp_path):
    out = subprocess.run(
        [sys.executable, '-m', 'nova_lite.cmd.manage', '--config-file',
         '/dev/null', 'api', 'openapi', '--output-dir', str(tmp_path)],
        capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == len(openapi.ranges())
    assert 'compute-2.104.json' in files and 'compute-2.1.json' in files
    written = json.loads((tmp_path / 'compute-2.104.json').read_text())
    assert written == json.loads(json.dumps(openapi.build('2.104')))
    one = subprocess.run(
        [sys.executable, '-m', 'nova_lite.cmd.manage', '--config-file',
         '/dev/null', 'api', 'openapi', '--microversion', '2.60'],
        capture_output=True, text=True, timeout=120)
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)['info']['version'] == '2.60'
    bad = subprocess.run(
        [sys.executable, '-m', 'nova_lite.cmd.manage', '--config-file',
         '/dev/null', 'api', 'openapi', '--microversion', '2.600'],
        capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    volume = subprocess.run(
        [sys.executable, '-m', 'nova_lite.cmd.manage', '--config-file',
         '/dev/null', 'api', 'openapi', '--service', 'volume',
         '--output-dir', str(tmp_path / 'volume')],
        capture_output=True, text=True, timeout=120)
    assert volume.returncode == 0, volume.stderr
    assert sorted(p.name for p in (tmp_path / 'volume').iterdir()) == [
        'block-storage-3.0-3.26.json', 'block-storage-3.27-3.43.json',
        'block-storage-3.44-3.71.json']


def _check(doc, method, path, resp):
    op = doc['paths'][path][method.lower()]
    entry = op['responses'].get(str(resp.status_code))
    assert entry is not None, (method, path, resp.status_code, resp.text)
    schema = entry.get('content', {}).get('application/json', {}).get(
        'schema')
    if schema is None:
        assert not resp.content, resp.text
        return
    jsonschema.validate(resp.json(), schema)


@pytest.mark.parametrize('version', VERSIONS)
@pytest.mark.parametrize('token', [fz.TOKEN, fz.ADMIN])
def test_real_responses_match_the_document(seeded, version, token):
    doc = openapi.build(version)
    stack = seeded.stack
    sid = seeded.server_id
    att = '/servers/{server_id}/os-volume_attachments'

    def call(method, path, template, json_body=None, status=None):
        resp = stack.request(method, '/v2.1' + path, token=token,
                             version=version, json=json_body)
        if status is not None:
            assert resp.status_code == status, resp.text
        if resp.status_code < 400:
            _check(doc, method, template, resp)
        else:
            jsonschema.validate(resp.json(), responses.fault)
        return resp

    call('GET', '/', '/', status=200)
    call('GET', '/servers', '/servers', status=200)
    call('GET', '/servers?limit=1', '/servers', status=200)
    call('GET', '/servers/detail', '/servers/detail', status=200)
    call('GET', '/servers/%s' % sid, '/servers/{server_id}', status=200)
    call('PUT', '/servers/%s' % sid, '/servers/{server_id}',
         {'server': {'name': 'seed'}}, status=200)
    call('GET', '/flavors', '/flavors', status=200)
    call('GET', '/flavors?limit=2', '/flavors', status=200)
    call('GET', '/flavors/detail', '/flavors/detail', status=200)
    call('GET', '/flavors/1', '/flavors/{flavor_id}', status=200)
    call('GET', '/servers/%s/os-volume_attachments' % sid, att, status=200)
    call('GET', '/servers/%s/os-volume_attachments/%s'
         % (sid, seeded.volume_id), att + '/{volume_id}', status=200)
    call('GET', '/os-services', '/os-services',
         status=200 if token == fz.ADMIN else 403)
    # A server created and deleted at this version.
    server = {'name': 'doc', 'flavorRef': '1', 'imageRef': fz.IMAGE}
    if microversion.APIVersion(version).matches('2.37'):
        server['networks'] = 'none'
    created = call('POST', '/servers', '/servers', {'server': server},
                   status=202)
    new_id = created.json()['server']['id']
    stack.wait_for_server(new_id, 'ACTIVE', token=token)
    call('POST', '/servers/%s/os-volume_attachments' % new_id, att,
         {'volumeAttachment': {'volumeId': seeded.plain_volume_id}},
         status=202 if microversion.APIVersion(version).matches('2.101')
         else 200)
    stack.wait_for_volume(seeded.plain_volume_id, 'in-use')
    call('GET', '/servers/%s/os-volume_attachments' % new_id, att,
         status=200)
    call('DELETE', '/servers/%s/os-volume_attachments/%s'
         % (new_id, seeded.plain_volume_id), att + '/{volume_id}',
         status=202)
    stack.wait_for_volume(seeded.plain_volume_id, 'available')
    call('DELETE', '/servers/%s' % new_id, '/servers/{server_id}',
         status=204)
    stack.wait_for_server(new_id, 'DELETED', token=token)
    seeded.settle()


def test_block_storage_document_covers_its_router():
    from nova_lite.block_storage import app as bs_app
    doc = volume_openapi.build('3.71')
    documented = {(m.upper(), path) for path, ops in doc['paths'].items()
                  for m in ops}
    assert documented == {(m, p) for m, p, _h in bs_app.ROUTES}
    early = volume_openapi.build('3.0')
    assert not any(p.startswith('/attachments') for p in early['paths'])
    schemathesis.openapi.from_dict(doc)
    names = [(first, last) for first, last, _d in volume_openapi.ranges()]
    assert names == [('3.0', '3.26'), ('3.27', '3.43'), ('3.44', '3.71')]


@pytest.mark.parametrize('version', ['3.0', '3.27', '3.60', '3.71'])
@pytest.mark.parametrize('token', [fz.TOKEN, fz.ADMIN])
def test_real_block_storage_responses_match_the_document(seeded, version,
                                                         token):
    doc = volume_openapi.build(version)
    stack = seeded.stack
    at_27 = microversion.APIVersion(version).matches('3.27')

    def call(method, path, template, body=None, status=200):
        resp = stack.volume_request(method, '/v3' + path, token=token,
                                    version=version, json=body)
        assert resp.status_code == status, resp.text
        _check(doc, method, template, resp)
        return resp

    call('GET', '/volumes', '/volumes')
    call('GET', '/volumes/detail', '/volumes/detail')
    call('GET', '/volumes/%s' % seeded.volume_id, '/volumes/{volume_id}')
    call('GET', '/types', '/types')
    call('GET', '/types/%s' % seeded.type_id, '/types/{type_id}')
    if token == fz.ADMIN:
        call('GET', '/types/%s/extra_specs' % seeded.type_id,
             '/types/{type_id}/extra_specs')
        call('GET', '/types/%s/extra_specs/multiattach' % seeded.type_id,
             '/types/{type_id}/extra_specs/{key}')
    created = call('POST', '/volumes', '/volumes',
                   {'volume': {'size': 1, 'name': 'doc'}}, status=202)
    new_id = created.json()['volume']['id']
    stack.wait_for_volume(new_id, 'available', token=token)
    call('PUT', '/volumes/%s' % new_id, '/volumes/{volume_id}',
         {'volume': {'name': 'doc2'}})
    if at_27:
        call('GET', '/attachments', '/attachments')
        call('GET', '/attachments/detail', '/attachments/detail')
        att = call('POST', '/attachments', '/attachments', {'attachment': {
            'volume_uuid': new_id, 'instance_uuid': seeded.server_id}})
        att_id = att.json()['attachment']['id']
        call('GET', '/attachments/%s' % att_id,
             '/attachments/{attachment_id}')
        call('DELETE', '/attachments/%s' % att_id,
             '/attachments/{attachment_id}')
        stack.wait_for_volume(new_id, 'available', token=token)
    call('DELETE', '/volumes/%s' % new_id, '/volumes/{volume_id}',
         status=202)
    stack.wait_for_volume(new_id, 'DELETED', token=token)
