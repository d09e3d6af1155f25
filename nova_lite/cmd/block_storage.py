"""nova-lite-block-storage: the built-in block storage service on its own."""

import logging

from nova_lite.block_storage import service
from nova_lite.cmd import common

LOG = logging.getLogger(__name__)


def main(argv=None):
    return common.run('nova-lite-block-storage', argv, _serve)


def _serve(conf):
    svc = service.BlockStorageService(conf).start()
    LOG.info('nova-lite-block-storage is running: volume API on '
             'http://%s:%s/v3', conf.osapi_volume_listen, svc.bound_port)
    common.wait_for_signal(svc.stop)
