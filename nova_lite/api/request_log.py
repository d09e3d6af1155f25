"""One INFO line per API request, in nova's request log format."""

import logging
import time

import webob.dec

from nova_lite.api import microversion

LOG = logging.getLogger(__name__)


class RequestLog:

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        start = time.monotonic()
        resp = req.get_response(self.application)
        version = req.environ.get(microversion.ENVIRON_KEY)
        LOG.info('%(remote)s "%(method)s %(uri)s" status: %(status)s len: '
                 '%(length)s microversion: %(version)s time: %(time).6f',
                 {'remote': req.remote_addr or '-', 'method': req.method,
                  'uri': req.path_qs, 'status': resp.status_int,
                  'length': resp.content_length or 0,
                  'version': version if version is not None else '-',
                  'time': time.monotonic() - start})
        return resp
