"""Serve the compute API with cheroot (a maintained, threaded WSGI server)."""

import ipaddress
import logging
import threading

from cheroot import wsgi as cheroot_wsgi

LOG = logging.getLogger(__name__)

LISTEN_BACKLOG = 1024
KEEP_ALIVE_CONNECTIONS = 512


class NoAuthOnPublicAddress(Exception):
    pass


def check_listen_auth(conf, host=None):
    """Refuse noauth2 on an address other than loopback unless allowed."""
    if conf.api.auth_strategy != 'noauth2' or \
            conf.api.allow_noauth_on_any_address:
        return
    host = host or conf.osapi_compute_listen
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == 'localhost'
    if not loopback:
        raise NoAuthOnPublicAddress(
            'auth_strategy = noauth2 makes anybody an administrator; it is '
            'refused on %s. Listen on 127.0.0.1, use auth_strategy = '
            'keystone, or set [api] allow_noauth_on_any_address = True.'
            % host)


class APIServer:
    def __init__(self, conf, app, host=None, port=None, threads=None,
                 name='nova-lite-api', description='Compute API'):
        self.conf = conf
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
        self.server.prepare()
        self._thread = threading.Thread(target=self.server.serve,
                                        name=self.name, daemon=True)
        self._thread.start()
        LOG.info('%s listening on http://%s:%s/', self.description,
                 self.host, self.bound_port)

    def stop(self):
        self.server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
