"""GET /v3/[{project_id}/]limits of the built-in block storage: no quotas
(every maximum -1) and the project's own volumes counted."""

import types

import pytest

from nova_lite.block_storage import limits
from tests.fixtures import stack as stack_fixture

MAXIMA = {'maxTotalVolumes': -1, 'maxTotalSnapshots': -1,
          'maxTotalVolumeGigabytes': -1, 'maxTotalBackups': -1,
          'maxTotalBackupGigabytes': -1}


@pytest.fixture(scope='module')
def stack(tmp_path_factory):
    conf = stack_fixture.make_conf(tmp_path_factory.mktemp('bs-limits'))
    st = stack_fixture.Stack(conf).start()
    try:
        yield st
    finally:
        st.stop()


def _volume(stack, size, token):
    resp = stack.volume_request('POST', '/v3/volumes', token=token,
                                json={'volume': {'size': size}})
    assert resp.status_code == 202, resp.text
    return resp.json()['volume']['id']


def _used(volumes, gigabytes):
    return {'totalVolumesUsed': volumes, 'totalGigabytesUsed': gigabytes,
            'totalSnapshotsUsed': 0, 'totalBackupsUsed': 0,
            'totalBackupGigabytesUsed': 0}


def test_limits_count_the_projects_volumes(stack):
    resp = stack.volume_request('GET', '/v3/limits', token='lim:lim-a')
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'limits': {
        'rate': [], 'absolute': dict(MAXIMA, **_used(0, 0))}}
    _volume(stack, 2, 'lim:lim-a')
    _volume(stack, 3, 'lim:lim-a')
    _volume(stack, 5, 'other:lim-b')
    for path in ('/v3/limits', '/v3/lim-a/limits'):
        resp = stack.volume_request('GET', path, token='lim:lim-a',
                                    version='3.71')
        assert resp.status_code == 200, resp.text
        assert resp.json()['limits']['absolute'] == dict(
            MAXIMA, **_used(2, 5))
    resp = stack.volume_request('GET', '/v3/limits', token='other:lim-b')
    assert resp.json()['limits']['absolute'] == dict(MAXIMA, **_used(1, 5))


def test_limits_of_another_projects_url_are_refused(stack):
    resp = stack.volume_request('GET', '/v3/lim-b/limits', token='lim:lim-a')
    assert resp.status_code == 400, resp.text
    assert 'badRequest' in resp.json()


def test_used_values_only_where_the_policy_allows():
    class Context:
        project_id, user_id = 'lim-a', 'lim'

        def can(self, rule, target, fatal=True):
            assert (rule, target, fatal) == (
                'limits_extension:used_limits',
                {'project_id': 'lim-a', 'user_id': 'lim'}, False)
            return False

    class Store:
        def list_volumes(self, ctx):
            raise AssertionError('volumes counted for nobody')

    req = types.SimpleNamespace(environ={'nova_lite.block_storage': Store()})
    api_req = types.SimpleNamespace(ctx=Context())
    assert limits.show_limits(req, api_req) == (200, {'limits': {
        'rate': [], 'absolute': MAXIMA}})
