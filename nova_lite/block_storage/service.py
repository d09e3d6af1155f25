"""Run the built-in block storage: database, volume files and HTTP server."""

import logging

from nova_lite.web import server as api_server
from nova_lite.block_storage import app as bs_app
from nova_lite.block_storage import store as bs_store
from nova_lite import wsgi_local

LOG = logging.getLogger(__name__)


class BlockStorageService:
    def __init__(self, conf, port=None):
        self.conf = conf
        self.port = conf.osapi_volume_listen_port if port is None else port
        self.store = None
        self.server = None
        self.app = None
        self._registered = False

    @property
    def bound_port(self):
        return self.server.bound_port

    @property
    def endpoint(self):
        """The v3 endpoint, as a Cinder catalog template."""
        return 'http://%s:%s/v3/%%(project_id)s' % (
            self.conf.osapi_volume_listen, self.bound_port)

    def start(self):
        conf = self.conf
        api_server.check_listen_auth(conf, conf.osapi_volume_listen)
        try:
            self._start()
        except BaseException:
            # Whatever started before the failure stops with it.
            self._stop_after_failure()
            raise
        return self

    def _start(self):
        conf = self.conf
        self.store = bs_store.Store(conf)
        self.store.sync()
        self.app = bs_app.build_app(conf, self.store)
        self.server = api_server.APIServer(
            conf, self.app,
            host=conf.osapi_volume_listen, port=self.port,
            threads=conf.block_storage.workers,
            name='nova-lite-block-storage', description='Block storage API',
            listen_opts=('osapi_volume_listen', 'osapi_volume_listen_port'))
        self.server.start()
        if conf.block_storage.local_calls:
            wsgi_local.register(self.local_url, self.app)
            self._registered = True

    @property
    def local_url(self):
        return 'http://%s:%s/' % (self.conf.osapi_volume_listen,
                                  self.bound_port)

    def _stop_after_failure(self):
        try:
            self.stop()
        except Exception:
            LOG.debug('Stopping %s after a failed start failed too',
                      'the block storage', exc_info=True)

    def stop(self):
        if self.server is not None:
            if self._registered:
                wsgi_local.unregister(self.local_url, self.app)
                self._registered = False
            self.server.stop()
        if self.store is not None:
            self.store.stop()
