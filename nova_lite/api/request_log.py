"""One INFO line per API request, in nova's request log format."""

import logging
import time
from urllib import parse

import webob.dec

from nova_lite.api import microversion

LOG = logging.getLogger(__name__)


def _uri(req):
    try:
        return req.path_qs
    except UnicodeDecodeError:
        # Refused with a 400 inside; log what came, percent-encoded.
        environ = req.environ
        raw = (environ.get('SCRIPT_NAME', '') +
               environ.get('PATH_INFO', '')).encode('latin-1', 'replace')
        query = environ.get('QUERY_STRING', '')
        return parse.quote(raw) + ('?' + query if query else '')


class RequestLog:
    """``version_key`` names the environ entry holding the request's
    microversion (the compute API's by default)."""

    def __init__(self, application, version_key=microversion.ENVIRON_KEY):
        self.application = application
        self.version_key = version_key

    @webob.dec.wsgify
    def __call__(self, req):
        start = time.monotonic()
        resp = req.get_response(self.application)
        version = req.environ.get(self.version_key)
        LOG.info('%(remote)s "%(method)s %(uri)s" status: %(status)s len: '
                 '%(length)s microversion: %(version)s time: %(time).6f',
                 {'remote': req.remote_addr or '-', 'method': req.method,
                  'uri': _uri(req), 'status': resp.status_int,
                  'length': resp.content_length or 0,
                  'version': version if version is not None else '-',
                  'time': time.monotonic() - start})
        return resp
