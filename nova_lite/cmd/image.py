"""nova-lite-image: the built-in image service on its own."""

import logging

from nova_lite.cmd import common
from nova_lite.image_service import service

LOG = logging.getLogger(__name__)


def main(argv=None):
    return common.run('nova-lite-image', argv, _serve)


def _serve(conf):
    svc = service.ImageService(conf).start()
    LOG.info('nova-lite-image is running: image API on %s/v2',
             svc.endpoint)
    common.wait_for_signal(svc.stop)
