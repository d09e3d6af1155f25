"""Refuse request URLs whose path or query string is not UTF-8.

WSGI servers hand the path over as latin-1 text after percent-decoding it
(PEP 3333); a ``%ff`` in an id or a query value would otherwise fail deep
in routing or in a controller. It gets a 400 fault here instead.
"""

from urllib import parse

from nova_lite.web import faults

MESSAGE = 'Malformed request URL: the path and query string must be UTF-8.'


def _is_utf8(raw_bytes):
    try:
        raw_bytes.decode('utf-8')
    except UnicodeDecodeError:
        return False
    return True


def is_valid(environ):
    try:
        path = environ.get('PATH_INFO', '').encode('latin-1')
        query = environ.get('QUERY_STRING', '').encode('latin-1')
    except UnicodeEncodeError:
        return False
    return _is_utf8(path) and _is_utf8(
        parse.unquote_to_bytes(query.replace(b'+', b' ')))


class RequestURLCheck:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if not is_valid(environ):
            return faults.fault_response(400, MESSAGE)(environ,
                                                       start_response)
        return self.application(environ, start_response)
