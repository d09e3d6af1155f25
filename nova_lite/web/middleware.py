"""Plain WSGI building blocks of the API pipelines.

The compute API and the block storage API put several layers in front of
their routes (proxy headers, request ids, faults, the request log, the
body size limit, authentication). Written as plain WSGI callables they pass
the environ down and the response up without building a request and a
response object per layer.

oslo.middleware's proxy header parser and body size limiter stay what
parses and limits; the wrappers here only skip them for requests they
would not change: proxy headers when ``[oslo_middleware]
enable_proxy_headers_parsing`` is off, the limiter for requests without a
body or with a ``Content-Length`` within ``max_request_body_size``.
"""

from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import sizelimit


def call(application, environ):
    """Run ``application``; return its status, header list and whole body.

    Exceptions raised while it starts or while its body is read propagate
    to the caller.
    """
    started = []
    chunks = []

    def start_response(status, headers, exc_info=None):
        # Nothing is sent before the application is done: an error
        # response (``exc_info``) simply replaces what it started with.
        if exc_info is not None:
            chunks.clear()
        started[:] = [status, headers]
        return chunks.append

    app_iter = application(environ, start_response)
    try:
        for chunk in app_iter:
            chunks.append(chunk)
    finally:
        close = getattr(app_iter, 'close', None)
        if close is not None:
            close()
    status, headers = started
    return status, headers, b''.join(chunks)


def header(headers, name):
    """The first value of header ``name`` (lower case) in a header list."""
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


class ProxyHeaders:
    """oslo.middleware's ``HTTPProxyToWSGI`` when proxy header parsing is
    enabled; otherwise nothing."""

    def __init__(self, application, conf):
        self.application = application
        self.parser = http_proxy_to_wsgi.HTTPProxyToWSGI(application, conf)
        self.options = conf.oslo_middleware

    def __call__(self, environ, start_response):
        if self.options.enable_proxy_headers_parsing:
            return self.parser(environ, start_response)
        return self.application(environ, start_response)


def _content_length(environ):
    value = environ.get('CONTENT_LENGTH')
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class BodySizeLimit:
    """oslo.middleware's ``RequestBodySizeLimiter`` for requests that may
    carry more than ``[oslo_middleware] max_request_body_size``: a larger
    ``Content-Length``, or a body without one (chunked)."""

    def __init__(self, application, conf):
        self.application = application
        self.limiter = sizelimit.RequestBodySizeLimiter(application, conf)
        self.options = conf.oslo_middleware

    def __call__(self, environ, start_response):
        length = _content_length(environ)
        if length is None:
            if 'HTTP_TRANSFER_ENCODING' in environ or \
                    environ.get('CONTENT_LENGTH'):
                return self.limiter(environ, start_response)
        elif length > self.options.max_request_body_size:
            return self.limiter(environ, start_response)
        return self.application(environ, start_response)
