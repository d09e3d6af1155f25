"""The fuzzing of test_openapi_fuzz on the volume and image proxy, host
and usage audit routes only, as a project member and as an administrator,
at the first microversion and the last one each route is served at."""

import pytest

from nova_lite.openapi import compute as openapi
from tests.fuzz import conftest as fz
from tests.fuzz.test_openapi_fuzz import _fuzz

_PREFIXES = ('/os-volumes', '/os-snapshots', '/os-hosts',
             '/os-instance_usage_audit_log', '/images')


def _doc(version):
    doc = openapi.build(version)
    doc['paths'] = {path: ops for path, ops in doc['paths'].items()
                    if path.startswith(_PREFIXES)}
    return doc


@pytest.mark.parametrize('version', ['2.1', '2.35', '2.42'])
@pytest.mark.parametrize('token', [fz.TOKEN, fz.ADMIN])
def test_fuzz_proxy_routes(seeded, version, token):
    doc = _doc(version)
    assert doc['paths']
    _fuzz(seeded, 'compute', version, doc,
          sum(len(ops) for ops in doc['paths'].values()), token=token)
