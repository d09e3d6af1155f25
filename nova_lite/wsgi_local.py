"""In-process HTTP calls to a WSGI application of the same process.

``nova-lite-all`` runs the compute services and the built-in block storage
in one process. The compute side still talks to the block storage through
its usual client stack (cinderclient, keystoneauth1, requests, with the
same headers, tokens, microversions and error handling), but a session on
which :func:`mount` was called hands requests for a registered address to
that application directly instead of writing them to a loopback socket.
Requests for any other address go out as usual.
"""

import datetime
import io
import sys
import threading
import time
from urllib import parse

import requests
from requests import adapters
from requests import models
from requests import structures
from requests import utils as requests_utils

from nova_lite.web import middleware

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
    if not _APPS:
        # Nothing registered (the services in processes of their own):
        # the URL is not even parsed.
        return None
    return _APPS.get(_key(url))


def _environ(method, url, headers, body):
    """The WSGI environ of a request for ``url`` (PEP 3333: the path
    percent-decoded, as latin-1 text)."""
    parts = parse.urlsplit(url)
    scheme = parts.scheme or 'http'
    host = parts.hostname or 'localhost'
    port = str(parts.port or (443 if scheme == 'https' else 80))
    environ = {
        'REQUEST_METHOD': method,
        'SCRIPT_NAME': '',
        'PATH_INFO': parse.unquote_to_bytes(parts.path).decode('latin-1'),
        'QUERY_STRING': parts.query,
        'SERVER_NAME': host,
        'SERVER_PORT': port,
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'REMOTE_ADDR': '127.0.0.1',
        'wsgi.version': (1, 0),
        'wsgi.url_scheme': scheme,
        'wsgi.input': io.BytesIO(body),
        'wsgi.errors': sys.stderr,
        'wsgi.multithread': True,
        'wsgi.multiprocess': False,
        'wsgi.run_once': False,
        'HTTP_HOST': parts.netloc,
    }
    for name, value in headers.items():
        key = name.upper().replace('-', '_')
        if key == 'CONTENT_LENGTH':
            continue
        if key != 'CONTENT_TYPE':
            key = 'HTTP_' + key
        environ[key] = value
    if body:
        environ['CONTENT_LENGTH'] = str(len(body))
    return environ


def _call(app, request, adapter):
    """``request`` (a prepared request) answered by ``app``, as a
    ``requests.Response``."""
    body = request.body or b''
    if isinstance(body, str):
        body = body.encode('utf-8')
    environ = _environ(request.method, request.url, request.headers, body)
    status, headerlist, content = middleware.call(app, environ)
    response = requests.Response()
    code, _sep, reason = status.partition(' ')
    response.status_code = int(code)
    response.reason = reason
    response.headers = structures.CaseInsensitiveDict(headerlist)
    response._content = content
    response.raw = io.BytesIO(response._content)
    response.encoding = requests_utils.get_encoding_from_headers(
        response.headers)
    response.url = request.url
    response.request = request
    response.connection = adapter
    return response


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
        return _call(app, request, self)

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
        session.request = _direct(session, session.request)


def _plain(session, url, data, extra):
    """Whether a request needs nothing of what requests prepares beyond
    the method, URL, headers and a ready body."""
    return (type(url) is str and url.isascii() and ' ' not in url
            and isinstance(data, (bytes, str, type(None)))
            and not any(extra.values())
            and not session.auth and not session.params
            and not len(session.cookies)
            and not any(session.hooks.values()))


def _direct(session, fallback):
    """``session.request`` handing a request that asks for no redirect
    handling (keystoneauth1 follows redirects itself) and carries a ready
    body straight to a registered application: the request is prepared
    as requests would (the session's default headers under the call's,
    Content-Length) without the preparation machinery, and the response
    is built the same way as by :class:`LocalAdapter`."""
    def request(method, url, params=None, data=None, headers=None,
                cookies=None, files=None, auth=None, timeout=None,
                allow_redirects=True, proxies=None, hooks=None,
                stream=None, verify=None, cert=None, json=None):
        app = lookup(url) if not allow_redirects else None
        if app is None or not _plain(
                session, url, data, {'params': params, 'cookies': cookies,
                                     'files': files, 'auth': auth,
                                     'hooks': hooks, 'json': json}):
            return fallback(
                method, url, params=params, data=data, headers=headers,
                cookies=cookies, files=files, auth=auth, timeout=timeout,
                allow_redirects=allow_redirects, proxies=proxies,
                hooks=hooks, stream=stream, verify=verify, cert=cert,
                json=json)
        merged = structures.CaseInsensitiveDict(session.headers)
        for name, value in (headers or {}).items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        body = data.encode('utf-8') if isinstance(data, str) else data
        if body:
            merged['Content-Length'] = str(len(body))
        elif method.upper() not in ('GET', 'HEAD'):
            merged['Content-Length'] = '0'
        prepared = models.PreparedRequest()
        prepared.method = method.upper()
        prepared.url = url
        prepared.headers = merged
        prepared.body = body or None
        prepared.hooks = {'response': []}
        started = time.monotonic()
        response = _call(app, prepared, session.get_adapter(url))
        response.elapsed = datetime.timedelta(
            seconds=time.monotonic() - started)
        return response
    return request
