"""Fuzz every compute API route from its OpenAPI document (schemathesis,
over real HTTP, at several microversions).

Each operation gets schema-conforming (positive) and schema-violating
(negative) cases. Every answer must be: below 500, free of tracebacks, a
nova fault for every 4xx, and for a 2xx a body valid against the
document's response schema. A refused POST, PUT or DELETE must leave every
database row as it was.

``NOVA_LITE_TEST_FUZZ_EXAMPLES`` sets the examples per operation and mode
(default 10).
"""

import copy
import functools
import json
import os
import time

import hypothesis
import hypothesis.errors
from hypothesis import strategies as st
import jsonschema
import pytest
import requests
import schemathesis
from schemathesis import GenerationMode

from nova_lite.openapi import compute as openapi
from nova_lite.openapi import volume as volume_openapi
from nova_lite.api.schemas import responses
from tests.fuzz import conftest as fz

MAX_EXAMPLES = int(os.environ.get('NOVA_LITE_TEST_FUZZ_EXAMPLES', '10'))
VERSIONS = ['2.1', '2.59', '2.60', '2.89', '2.104']
VOLUME_VERSIONS = ['3.0', '3.27', '3.71']
MUTATING = ('POST', 'PUT', 'DELETE')
# Server actions that remove the server they are sent to: the seeded
# server, which the other cases need, is never their target.
REMOVING_ACTIONS = frozenset(['forceDelete'])
TRIED = {}


def _real_ids(seeded):
    return {'server_id': seeded.server_id, 'volume_id': seeded.volume_id,
            'flavor_id': '1', 'service_id': str(seeded.service_id)}


def _real_volume_ids(seeded):
    return {'volume_id': seeded.volume_id, 'type_id': seeded.type_id,
            'key': 'multiattach', 'attachment_id': seeded.attachment_id}


def _with_real_values(doc, seeded):
    """Bodies offer a valid name and real flavor, image and volume ids among the values
    they may take, so that some fuzzed requests are accepted."""
    doc = copy.deepcopy(doc)
    hints = {'flavorRef': '1', 'imageRef': fz.IMAGE, 'name': 'fuzz',
             'volumeId': seeded.plain_volume_id,
             'volume_uuid': seeded.plain_volume_id,
             'instance_uuid': seeded.server_id}
    for ops in doc['paths'].values():
        for op in ops.values():
            body = op.get('requestBody')
            if body:
                _hint(body['content']['application/json']['schema'], hints)
    return doc


@functools.lru_cache(maxsize=None)
def _document(service, version):
    if service == 'volume':
        return volume_openapi.build(version)
    return openapi.build(version)


def _hint(schema, hints):
    """Offer real values for the body properties named in ``hints``."""
    if isinstance(schema, list):
        for item in schema:
            _hint(item, hints)
        return
    if not isinstance(schema, dict):
        return
    props = schema.get('properties')
    if isinstance(props, dict):
        for name, value in hints.items():
            if name in props:
                props[name] = {'anyOf': [{'enum': [value]}, props[name]]}
    for key, value in schema.items():
        if key != 'properties' or not isinstance(value, dict):
            _hint(value, hints)
        else:
            for sub in value.values():
                _hint(sub, hints)


def _response_schema(doc, case, status):
    op = doc['paths'].get(case.operation.path, {}).get(case.method.lower())
    if op is None:
        # A route of later microversions, asked at an earlier one: there
        # is no such resource, and the answer is a fault.
        assert 400 <= status < 500, (case.operation.path, status)
        return copy.deepcopy(responses.fault)
    entry = op['responses'].get(str(status))
    if entry is None and 400 <= status < 500:
        entry = op['responses'].get('4XX')
    if entry is None:
        return None
    return entry.get('content', {}).get('application/json', {}).get(
        'schema')


def _check(seeded, service, doc, case, resp, before):
    text = resp.text
    where = '%s %s query=%r headers=%r body=%.500r -> %s %s' % (
        case.method, case.formatted_path, case.query, case.headers,
        case.body, resp.status_code, text[:1000]) + " sent=%r %r %r" % (
        resp.request.method, resp.request.url, dict(resp.request.headers))
    assert resp.status_code < 500, where
    assert 'Traceback' not in text, where
    if resp.status_code >= 400:
        content_type = (resp.headers.get('content-type') or [None])[0]
        fz.assert_fault(resp.status_code, content_type, text)
    if resp.status_code == 406 or (
            resp.status_code == 204 and
            'X-Auth-Token' not in resp.request.headers):
        # 406: a version outside the document's; 204: noauth2's answer to a
        # request without a token, as nova's (the token in the headers).
        _check_unchanged(seeded, case, resp, before, where)
        return
    # A negative case may have dropped or changed the version header: the
    # body is the one of the version the API answered with.
    answered = (resp.headers.get('openstack-api-version') or [''])[0]
    if answered.startswith(service + ' '):
        doc = _document(service, answered.split()[1])
    schema = _response_schema(doc, case, resp.status_code)
    if schema is not None and text:
        jsonschema.validate(json.loads(text), schema)
    elif resp.status_code < 400:
        assert str(resp.status_code) in doc['paths'][
            case.operation.path][case.method.lower()]['responses'], where
    _check_unchanged(seeded, case, resp, before, where)


def _check_unchanged(seeded, case, resp, before, where):
    if case.method not in MUTATING:
        return
    if resp.status_code >= 400 or 'X-Auth-Token' not in resp.request.headers:
        after = seeded.snapshot()
        changed = sorted(k for k in set(before) | set(after)
                         if before.get(k) != after.get(k))
        assert not changed, 'rows changed by %s: %s' % (where, changed)
    else:
        seeded.settle()


def _removes(case):
    return case.operation.path.endswith('/action') and \
        isinstance(case.body, dict) and bool(REMOVING_ACTIONS & set(case.body))


def _run_operation(seeded, service, doc, operation, mode, version,
                   session, token):
    counter = TRIED.setdefault((service, version, token),
                               {'cases': 0, 'by_status': {}})
    headers = {'X-Auth-Token': token}
    if service == 'volume':
        real_ids = _real_volume_ids(seeded)
        base_url = seeded.stack.volume_base + '/v3'
    else:
        real_ids = _real_ids(seeded)
        base_url = seeded.stack.base + '/v2.1'

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES, deadline=None, database=None,
        derandomize=True,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode),
                      data=st.data())
    def run(case, data):
        # The version header is the document's; a negative case may have
        # dropped or replaced it, which is itself a case worth sending.
        case.headers = dict(case.headers or {}, **headers)
        if case.method != 'DELETE' and not _removes(case):
            for name, value in (case.path_parameters or {}).items():
                if name in real_ids and data.draw(st.booleans()):
                    case.path_parameters[name] = real_ids[name]
        before = seeded.snapshot() if case.method in MUTATING else None
        try:
            resp = case.call(base_url=base_url, session=session,
                             timeout=30)
        except (requests.exceptions.InvalidHeader,
                requests.exceptions.InvalidURL, ValueError):
            # Not sendable over HTTP at all: nothing reached the API.
            return
        counter["cases"] += 1
        key = (case.method, case.operation.path, resp.status_code)
        counter['by_status'][key] = counter['by_status'].get(key, 0) + 1
        _check(seeded, service, doc, case, resp, before)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        # Nothing of this operation can be made schema-violating (negative
        # mode) in a way that is still an HTTP request.
        counter.setdefault('unsatisfiable', []).append(
            (mode.value, operation.method.upper(), operation.path))


def _fuzz(seeded, service, version, doc, routes, token=fz.TOKEN):
    fuzz_doc = _with_real_values(doc, seeded)
    schema = schemathesis.openapi.from_dict(fuzz_doc)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == routes
    started = time.monotonic()
    with requests.Session() as session:
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run_operation(seeded, service, fuzz_doc, operation, mode,
                               version, session, token)
    tried = TRIED[(service, version, token)]
    print('\nfuzz %s %s as %s: %d operations, %d cases in %.1f s'
          % (service, version, token, len(operations), tried['cases'],
             time.monotonic() - started))
    for item in tried.get('unsatisfiable', []):
        print('  no %s case could be generated for %s %s' % item)
    for (method, path, status), count in sorted(tried['by_status'].items()):
        print('  %-6s %-46s %s %4d' % (method, path, status, count))
    # Most cases must have reached the API (not been dropped as unsendable).
    assert tried['cases'] >= len(operations) * MAX_EXAMPLES


@pytest.mark.parametrize('version', VERSIONS)
def test_fuzz_compute_api(seeded, version):
    doc = openapi.build(version)
    _fuzz(seeded, 'compute', version, doc,
          sum(len(ops) for ops in doc['paths'].values()))
    # The seeded server is still there, and answers.
    resp = seeded.stack.request('GET', '/v2.1/servers/%s'
                                % seeded.server_id, version=version)
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize('version', VOLUME_VERSIONS)
def test_fuzz_block_storage(seeded, version):
    doc = volume_openapi.build(version)
    _fuzz(seeded, 'volume', version, doc,
          sum(len(ops) for ops in doc['paths'].values()))
    resp = seeded.stack.volume_request(
        'GET', '/v3/volumes/%s' % seeded.volume_id, version=version)
    assert resp.status_code == 200, resp.text
