"""The fuzzing of test_openapi_fuzz as an administrator, on a stack of its
own: the administrator-only routes (os-services) get past policy, accepted
updates and deletes of services happen, and the administrator's views
(extended server attributes, host_status, attachment host names) are held
to the response schemas."""

import pytest

from nova_lite.openapi import compute as openapi
from nova_lite.openapi import volume as volume_openapi
from tests.fuzz import conftest as fz
from tests.fuzz.test_openapi_fuzz import _fuzz


@pytest.mark.parametrize('version', ['2.1', '2.89', '2.104'])
def test_fuzz_compute_api_as_admin(seeded, version):
    doc = openapi.build(version)
    _fuzz(seeded, 'compute', version, doc,
          sum(len(ops) for ops in doc['paths'].values()), token=fz.ADMIN)
    resp = seeded.stack.request('GET', '/v2.1/servers/%s'
                                % seeded.server_id, version=version)
    assert resp.status_code == 200, resp.text


def test_fuzz_block_storage_as_admin(seeded):
    doc = volume_openapi.build('3.71')
    _fuzz(seeded, 'volume', '3.71', doc,
          sum(len(ops) for ops in doc['paths'].values()), token=fz.ADMIN)
