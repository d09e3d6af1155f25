"""Request ids: ``x-openstack-request-id`` plus nova's compat header.

As oslo.middleware's ``RequestId`` (same environ keys, the same inbound
global request id check), with ``x-compute-request-id`` as nova sends it,
in plain WSGI.
"""

import re

from oslo_context import context
from oslo_middleware import request_id

ENV_REQUEST_ID = request_id.ENV_REQUEST_ID
GLOBAL_REQ_ID = request_id.GLOBAL_REQ_ID
_GLOBAL_ID = re.compile(request_id.ID_FORMAT)
HEADERS = (request_id.HTTP_RESP_HEADER_REQUEST_ID, 'x-compute-request-id')


class RequestIdMiddleware:
    """A new request id per request in ``openstack.request_id``; a valid
    ``X-OpenStack-Request-ID`` from the caller as the global request id;
    the request id on the response unless the application set it."""

    def __init__(self, application, conf=None):
        self.application = application

    def __call__(self, environ, start_response):
        global_id = environ.get('HTTP_X_OPENSTACK_REQUEST_ID', '')
        if _GLOBAL_ID.match(global_id):
            environ[GLOBAL_REQ_ID] = global_id
        req_id = context.generate_request_id()
        environ[ENV_REQUEST_ID] = req_id

        def _start_response(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            headers = list(headers) + [(name, req_id) for name in HEADERS
                                       if name not in present]
            return start_response(status, headers, exc_info)

        return self.application(environ, _start_response)
