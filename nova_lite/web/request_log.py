"""One INFO line per API request, in nova's request log format."""

import logging
import time
from urllib import parse

import webob

from nova_lite.web import middleware
from nova_lite.web import version as api_version

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
    microversion."""

    def __init__(self, application, version_key=api_version.ENVIRON_KEY):
        self.application = application
        self.version_key = version_key

    def __call__(self, environ, start_response):
        if not LOG.isEnabledFor(logging.INFO):
            return self.application(environ, start_response)
        start = time.monotonic()
        status, headers, body = middleware.call(self.application, environ)
        length = middleware.header(headers, 'content-length')
        version = environ.get(self.version_key)
        req = webob.Request(environ)
        LOG.info('%(remote)s "%(method)s %(uri)s" status: %(status)s len: '
                 '%(length)s microversion: %(version)s time: %(time).6f',
                 {'remote': environ.get('REMOTE_ADDR') or '-',
                  'method': environ.get('REQUEST_METHOD'),
                  'uri': _uri(req), 'status': status.partition(' ')[0],
                  'length': length or len(body),
                  'version': version if version is not None else '-',
                  'time': time.monotonic() - start})
        start_response(status, headers)
        return [body]
