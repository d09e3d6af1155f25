"""Serve the compute API with cheroot (a maintained, threaded WSGI server)."""

import errno
import ipaddress
import logging
import re
import threading

from cheroot import wsgi as cheroot_wsgi

LOG = logging.getLogger(__name__)

LISTEN_BACKLOG = 1024
KEEP_ALIVE_CONNECTIONS = 512


class NoAuthOnPublicAddress(Exception):
    pass


class ListenFailed(Exception):
    """The server cannot listen on its address; ``option`` names the
    option to change (the address one when the address is not this
    host's, else the port one) and ``value`` its value."""

    def __init__(self, host, port, reason, option, value):
        super().__init__('cannot listen on %s:%s: %s' % (host, port, reason))
        self.option = option
        self.value = value


# cheroot reports the failure of each address it tried in its message.
_SOCKET_ERROR = re.compile(r'\[Errno (-?\d+)\] ([^)]*)\)')


def is_loopback(host):
    """Whether ``host`` (an address, or ``localhost``) is loopback."""
    host = (host or '').strip()
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == 'localhost'


def noauth_restricted(conf):
    """Whether noauth2 is in use and limited to loopback."""
    return conf.api.auth_strategy == 'noauth2' and \
        not conf.api.allow_noauth_on_any_address


def check_listen_auth(conf, host=None):
    """Refuse noauth2 on an address other than loopback unless allowed."""
    if not noauth_restricted(conf):
        return
    if host is None:
        host = conf.osapi_compute_listen
    if not is_loopback(host):
        raise NoAuthOnPublicAddress(
            'auth_strategy = noauth2 makes anybody an administrator; it is '
            'refused on %s. Listen on 127.0.0.1, use auth_strategy = '
            'keystone, or set [api] allow_noauth_on_any_address = True.'
            % host)


class NoAuthLoopbackClientsOnly:
    """noauth2 under a WSGI server this process does not start (gunicorn,
    uWSGI): the address it listens on is unknown here, so only clients
    connecting from loopback are served unless ``[api]
    allow_noauth_on_any_address`` is set; others get a 403 fault."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if is_loopback(environ.get('REMOTE_ADDR')):
            return self.application(environ, start_response)
        from nova_lite.web import faults
        LOG.warning('Refused a request from %s: auth_strategy = noauth2 '
                    'serves loopback clients only',
                    environ.get('REMOTE_ADDR'))
        resp = faults.fault_response(
            403, 'auth_strategy = noauth2 only serves clients on loopback; '
                 'use auth_strategy = keystone or set [api] '
                 'allow_noauth_on_any_address = True.')
        return resp(environ, start_response)


class APIServer:
    def __init__(self, conf, app, host=None, port=None, threads=None,
                 name='nova-lite-api', description='Compute API',
                 listen_opts=('osapi_compute_listen',
                              'osapi_compute_listen_port')):
        self.conf = conf
        self.listen_opts = listen_opts
        self.name = name
        self.description = description
        self.host = host or conf.osapi_compute_listen
        self.port = conf.osapi_compute_listen_port if port is None else port
        threads = threads or conf.osapi_compute_workers or \
            conf.wsgi.default_pool_size
        self.server = cheroot_wsgi.Server(
            (self.host, self.port), app, numthreads=threads,
            server_name=name,
            timeout=conf.wsgi.client_socket_timeout or 10)
        self.server.max_request_header_size = conf.wsgi.max_header_line * 8
        # cheroot listens with a backlog of 5 and keeps 10 idle keep-alive
        # connections: a burst of clients overflows the accept queue and
        # some connections are reset. Room for a few hundred.
        self.server.request_queue_size = LISTEN_BACKLOG
        self.server.keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS
        self._thread = None

    @property
    def bound_port(self):
        return self.server.bind_addr[1]

    def start(self):
        try:
            self.server.prepare()
        except OSError as error:
            raise self._listen_failed(error) from error
        self._thread = threading.Thread(target=self.server.serve,
                                        name=self.name, daemon=True)
        self._thread.start()
        LOG.info('%s listening on http://%s:%s/', self.description,
                 self.host, self.bound_port)

    def _listen_failed(self, error):
        found = _SOCKET_ERROR.findall(str(error))
        code, reason = (int(found[-1][0]), found[-1][1]) if found else \
            (error.errno, error.strerror or str(error))
        # Not an address of this host, or a name that does not resolve
        # (getaddrinfo's codes are negative).
        if code is not None and (code == errno.EADDRNOTAVAIL or code < 0):
            option, value = self.listen_opts[0], self.host
        else:
            option, value = self.listen_opts[1], self.port
        return ListenFailed(self.host, self.port, reason, option, value)

    def stop(self):
        self.server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
