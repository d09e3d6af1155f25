"""In-process HTTP calls to a WSGI application of the same process.

``nova-lite-all`` runs the compute services and the built-in block storage
in one process. The compute side still talks to the block storage through
its usual client stack (cinderclient, keystoneauth1, requests, with the
same headers, tokens, microversions and error handling), but a session on
which :func:`mount` was called hands requests for a registered address to
that application directly instead of writing them to a loopback socket.
Requests for any other address go out as usual.
"""

import io
import threading
from urllib import parse

import requests
from requests import adapters
from requests import structures
from requests import utils as requests_utils
import webob

_APPS = {}
_LOCK = threading.Lock()


def _key(url):
    parts = parse.urlsplit(url)
    netloc = parts.netloc.lower()
    if ':' not in netloc:
        netloc += ':443' if parts.scheme == 'https' else ':80'
    return parts.scheme, netloc


def register(url, app):
    """Serve requests for ``url``'s scheme, host and port with ``app``."""
    with _LOCK:
        _APPS[_key(url)] = app


def unregister(url, app=None):
    with _LOCK:
        key = _key(url)
        if app is None or _APPS.get(key) is app:
            _APPS.pop(key, None)


def lookup(url):
    return _APPS.get(_key(url))


class LocalAdapter(adapters.BaseAdapter):
    """A requests transport adapter for registered WSGI applications."""

    def __init__(self, fallback):
        super().__init__()
        self.fallback = fallback

    def send(self, request, stream=False, timeout=None, verify=True,
             cert=None, proxies=None):
        app = lookup(request.url)
        if app is None:
            return self.fallback.send(
                request, stream=stream, timeout=timeout, verify=verify,
                cert=cert, proxies=proxies)
        parts = parse.urlsplit(request.url)
        body = request.body or b''
        if isinstance(body, str):
            body = body.encode('utf-8')
        path = parts.path + ('?' + parts.query if parts.query else '')
        wsgi_request = webob.Request.blank(
            path, base_url='%s://%s' % (parts.scheme, parts.netloc),
            method=request.method, body=body)
        for name, value in request.headers.items():
            if name.lower() != 'content-length':
                wsgi_request.headers[name] = value
        wsgi_request.environ['REMOTE_ADDR'] = '127.0.0.1'
        wsgi_response = wsgi_request.get_response(app)

        response = requests.Response()
        response.status_code = wsgi_response.status_int
        response.reason = wsgi_response.status.partition(' ')[2]
        response.headers = structures.CaseInsensitiveDict(
            wsgi_response.headerlist)
        response._content = wsgi_response.body
        response.raw = io.BytesIO(response._content)
        response.encoding = requests_utils.get_encoding_from_headers(
            response.headers)
        response.url = request.url
        response.request = request
        response.connection = self
        return response

    def close(self):
        self.fallback.close()


def mount(session):
    """Route ``session``'s (a ``requests.Session``) requests for registered
    applications to them; everything else keeps its transport."""
    for prefix in ('http://', 'https://'):
        current = session.get_adapter(prefix)
        if not isinstance(current, LocalAdapter):
            session.mount(prefix, LocalAdapter(current))
    if not getattr(session, '_nova_lite_local', False):
        session._nova_lite_local = True
        merge = session.merge_environment_settings

        def merge_environment_settings(url, proxies, stream, verify, cert):
            # No proxy or CA bundle from the environment applies to an
            # application in this process; looking them up (the whole
            # environment, on every request) is skipped.
            if lookup(url) is not None:
                return {'proxies': proxies or {}, 'stream': stream,
                        'verify': verify, 'cert': cert}
            return merge(url, proxies, stream, verify, cert)
        session.merge_environment_settings = merge_environment_settings
