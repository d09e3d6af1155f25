"""The fuzzing of test_openapi_fuzz for the key pair, limits and quota
routes alone, at the microversions where their bodies change, as a user
and as an administrator: no 5xx, nova's fault body on every 4xx, valid
bodies on every 2xx, and nothing written by a refused request."""

import time

import pytest
import requests
import schemathesis
from schemathesis import GenerationMode

from nova_lite.openapi import compute as openapi
from tests.fuzz import conftest as fz
from tests.fuzz import test_openapi_fuzz as fuzz

PREFIXES = ('/os-keypairs', '/limits', '/os-quota-sets',
            '/os-quota-class-sets')


def _ours(version):
    doc = openapi.build(version)
    schema = schemathesis.openapi.from_dict(doc)
    operations = [result.ok() for result in schema.get_all_operations()]
    return doc, [op for op in operations if op.path.startswith(PREFIXES)]


@pytest.mark.parametrize('token', [fz.TOKEN, fz.ADMIN])
@pytest.mark.parametrize('version', ['2.1', '2.36', '2.57', '2.92'])
def test_fuzz_keypairs_limits_quotas(seeded, version, token):
    doc, operations = _ours(version)
    assert len(operations) == 12
    started = time.monotonic()
    with requests.Session() as session:
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz._run_operation(seeded, 'compute', doc, operation, mode,
                                    version, session, token)
    tried = fuzz.TRIED[('compute', version, token)]
    print('\nfuzz %s as %s: %d cases in %.1f s' % (
        version, token, tried['cases'], time.monotonic() - started))
    assert tried['cases'] >= len(operations) * fuzz.MAX_EXAMPLES
