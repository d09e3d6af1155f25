"""os-instance_usage_audit_log through the whole stack: no audit task runs,
so every compute host is reported as not run for the last whole month."""

import datetime

import jsonschema
import pytest
from tempest.lib.api_schema.response.compute.v2_1 import \
    instance_usage_audit_logs as t_logs

from tests.fixtures import stack as stack_fixture

ADMIN = 'admin:admin'
PATH = '/v2.1/os-instance_usage_audit_log'


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('audit_log'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _expected(beginning, ending):
    return {'period_beginning': beginning, 'period_ending': ending,
            'num_hosts': 1, 'num_hosts_done': 0, 'num_hosts_running': 0,
            'num_hosts_not_run': 1, 'hosts_not_run': ['compute1'],
            'total_instances': 0, 'total_errors': 0,
            'overall_status': '0 of 1 hosts done. 0 errors.', 'log': {}}


@pytest.mark.parametrize('version', ['2.1', '2.102'])
def test_index(stack, version):
    resp = stack.request('GET', PATH, token=ADMIN, version=version)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    jsonschema.validate(body, t_logs.list_instance_usage_audit_log[
        'response_body'])
    now = datetime.datetime.utcnow()
    ending = datetime.datetime(now.year, now.month, 1)
    beginning = (ending - datetime.timedelta(days=1)).replace(day=1)
    assert body['instance_usage_audit_logs'] == _expected(
        str(beginning), str(ending))


@pytest.mark.parametrize('before,beginning,ending', [
    ('2012-12-24 12:00:00', '2012-11-01 00:00:00', '2012-12-01 00:00:00'),
    ('2013-01-05 01:02:03.456', '2012-12-01 00:00:00',
     '2013-01-01 00:00:00')])
def test_show(stack, before, beginning, ending):
    resp = stack.request('GET', '%s/%s' % (PATH, before), token=ADMIN)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    jsonschema.validate(body, t_logs.get_instance_usage_audit_log[
        'response_body'])
    assert body['instance_usage_audit_log'] == _expected(beginning, ending)


def test_show_invalid_timestamp(stack):
    resp = stack.request('GET', PATH + '/notadate', token=ADMIN)
    assert resp.status_code == 400
    assert resp.json() == {'badRequest': {
        'code': 400, 'message': 'Invalid timestamp for date notadate'}}


def test_query_strict_from_2_102(stack):
    assert stack.request('GET', PATH + '?foo=1', token=ADMIN,
                         version='2.101').status_code == 200
    assert stack.request('GET', PATH + '?foo=1', token=ADMIN,
                         version='2.102').status_code == 400


@pytest.mark.parametrize('path', ['', '/2012-12-24 12:00:00'])
def test_admin_only(stack, path):
    resp = stack.request('GET', PATH + path, token='demo:demo')
    assert resp.status_code == 403
    assert 'os-instance-usage-audit-log' in resp.text


def test_answers_match_the_openapi_document(stack):
    from nova_lite.openapi import compute as openapi
    doc = openapi.build('2.1')
    for path, template in [
            ('', '/os-instance_usage_audit_log'),
            ('/2012-12-24 12:00:00',
             '/os-instance_usage_audit_log/{before_timestamp}')]:
        resp = stack.request('GET', PATH + path, token=ADMIN)
        schema = doc['paths'][template]['get']['responses']['200'][
            'content']['application/json']['schema']
        jsonschema.validate(resp.json(), schema)
