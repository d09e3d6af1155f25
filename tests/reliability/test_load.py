"""100 concurrent clients for 60 s (NOVA_LITE_TEST_LOAD_CLIENTS and
NOVA_LITE_TEST_LOAD_DURATION change that): no 5xx, nothing lost,
duplicated or left behind. See :mod:`tests.reliability.load`."""

import os

from tests.reliability import figures
from tests.reliability import load

CLIENTS = int(os.environ.get('NOVA_LITE_TEST_LOAD_CLIENTS', '100'))
DURATION = float(os.environ.get('NOVA_LITE_TEST_LOAD_DURATION', '60'))


def test_load_shared_multiattach_volumes(make_deployment):
    dep = make_deployment()
    result = load.run(dep, CLIENTS, DURATION, out=figures.note)
    figures.checked('nova mappings compared', result['mappings_compared'])
    figures.checked('block storage attachments compared',
                    result['attachments_compared'])
    load.check(result)
