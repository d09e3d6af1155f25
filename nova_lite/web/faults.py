"""Nova's fault bodies, and the outermost wrapper that guarantees them.

Every error leaves the API as ``{"<faultName>": {"code": N, "message":
"..."}}``; nothing unexpected escapes with a traceback.
"""

import logging

from oslo_serialization import jsonutils
import webob
import webob.exc

from nova_lite.web import middleware
from nova_lite import exception
from nova_lite import serialization

LOG = logging.getLogger(__name__)

FAULT_NAMES = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    405: 'badMethod',
    409: 'conflictingRequest',
    413: 'overLimit',
    415: 'badMediaType',
    429: 'overLimit',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}

UNEXPECTED = ('Unexpected API Error. Please contact the administrator\n'
              '%s')


def fault_name(status):
    return FAULT_NAMES.get(status, 'computeFault')


def fault_response(status, message, headers=None):
    """A webob.Response with nova's fault body."""
    name = fault_name(status)
    fault = {'code': status, 'message': message}
    resp = webob.Response(status=status)
    for key, value in (headers or []):
        resp.headerlist.append((key, value))
    retry_after = resp.headers.get('Retry-After')
    if status in (413, 429) and retry_after:
        fault['retryAfter'] = retry_after
    resp.content_type = 'application/json'
    resp.charset = 'UTF-8'
    resp.body = serialization.dump_as_bytes({name: fault})
    return resp


def _unexpected(error):
    LOG.error('Unexpected error in the compute API', exc_info=(
        type(error), error, error.__traceback__))
    return fault_response(500, UNEXPECTED % type(error))


def exception_to_response(error):
    if isinstance(error, exception.NovaLiteException):
        code = error.code if isinstance(error.code, int) else 500
        # 503 messages (an unreachable dependency) are meant for users.
        if code >= 500 and code != 503:
            return _unexpected(error)
        return fault_response(code, error.format_message())
    if isinstance(error, webob.exc.HTTPException):
        message = getattr(error, 'detail', None) or error.explanation
        headers = [(k, v) for k, v in error.headerlist
                   if k.lower() in ('allow', 'retry-after', 'location')]
        return fault_response(error.code, message, headers)
    return _unexpected(error)


def _is_fault_body(headers, body):
    content_type = middleware.header(headers, 'content-type') or ''
    if 'json' not in content_type.partition(';')[0]:
        return False
    try:
        body = jsonutils.loads(body)
    except ValueError:
        return False
    return isinstance(body, dict) and len(body) == 1 and isinstance(
        next(iter(body.values())), dict) and 'code' in next(
        iter(body.values()))


_DEFAULT_TEXT = {
    404: 'The resource could not be found.',
    405: 'The method specified is not allowed for this resource.',
    413: 'Request is too large.',
}


class FaultWrapper:
    """Outermost middleware: exceptions and non-fault errors become faults."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            status, headers, body = middleware.call(self.application,
                                                    environ)
        except Exception as error:
            return exception_to_response(error)(environ, start_response)
        code = int(status.partition(' ')[0])
        if code >= 400 and not _is_fault_body(headers, body):
            keep = [(k, v) for k, v in headers
                    if k.lower() not in ('content-type', 'content-length')]
            text = _DEFAULT_TEXT.get(code)
            if text is None:
                text = webob.exc.status_map.get(
                    code, webob.exc.HTTPInternalServerError).explanation
            if code >= 500:
                LOG.error('Error response from the compute API: %s %s',
                          code, body[:2000])
                text = UNEXPECTED % 'webob.exc.HTTPInternalServerError'
            return fault_response(code, text, keep)(environ, start_response)
        start_response(status, headers)
        return [body]
