"""nova-lite-block-storage: the built-in block storage service on its own."""

import logging
import sys

from nova_lite.api import server as api_server
from nova_lite.block_storage import service
from nova_lite.cmd import common

LOG = logging.getLogger(__name__)


def main(argv=None):
    conf = common.setup(sys.argv[1:] if argv is None else argv,
                        'nova-lite-block-storage')
    try:
        svc = service.BlockStorageService(conf).start()
    except api_server.NoAuthOnPublicAddress as error:
        sys.exit(str(error))
    LOG.info('nova-lite-block-storage is running: volume API on '
             'http://%s:%s/v3', conf.osapi_volume_listen, svc.bound_port)
    common.wait_for_signal(svc.stop)
