"""nova-lite-all: API, conductor and one compute in one process."""

import logging

from nova_lite.api import app as api_app
from nova_lite.web import server as api_server
from nova_lite.block_storage import service as bs_service
from nova_lite.cmd import common
from nova_lite.image_service import service as image_service
from nova_lite.cmd import startup
from nova_lite.compute import manager as compute_manager
from nova_lite.conductor import manager as conductor_manager
from nova_lite import context as nl_context
from nova_lite.cmd import db_sync as sync
from nova_lite.scheduler import host_selection
from nova_lite import service

LOG = logging.getLogger(__name__)


class AllInOne:
    """The embedded default, startable and stoppable (tests use it too)."""

    def __init__(self, conf, port=None, volume_port=None, image_port=None):
        self.conf = conf
        self.port = port
        self.volume_port = volume_port
        self.image_port = image_port
        self.image_service = None
        self.services = []
        self.api = None
        self.block_storage = None

    def start(self):
        """Start every part; when one fails, those started stop and the
        error is raised."""
        try:
            return self._start()
        except BaseException:
            try:
                self.stop()
            except Exception:
                LOG.debug('Stopping after a failed start failed too',
                          exc_info=True)
            raise

    def _start(self):
        conf = self.conf
        api_server.check_listen_auth(conf)
        if conf.block_storage.enabled:
            api_server.check_listen_auth(conf, conf.osapi_volume_listen)
        if conf.image_service.enabled:
            api_server.check_listen_auth(conf, conf.image_service.listen)
        startup.check_message_bus(conf)
        common.configure_databases(conf)
        sync.sync_api_db(conf)
        sync.sync_main_db(conf)
        sync.ensure_embedded_cells(conf)
        if conf.block_storage.enabled:
            self.block_storage = bs_service.BlockStorageService(
                conf, port=self.volume_port).start()
            if not conf.cinder.endpoint_template:
                conf.set_default('endpoint_template',
                                 self.block_storage.endpoint,
                                 group='cinder')
        if conf.image_service.enabled:
            self.image_service = image_service.ImageService(
                conf, port=self.image_port).start()
            if not conf.glance.api_servers:
                conf.set_default('api_servers',
                                 [self.image_service.endpoint],
                                 group='glance')
        conductor = service.Service(
            conf, 'nova-conductor', 'conductor',
            conductor_manager.ConductorManager(conf),
            pool_size=conf.conductor.workers)
        compute = service.Service(
            conf, 'nova-compute', 'compute',
            compute_manager.ComputeManager(conf),
            pool_size=conf.compute.executor_thread_pool_size)
        for svc in (conductor, compute):
            svc.start()
            self.services.append(svc)
        host_selection.discover_hosts(nl_context.get_admin_context())
        image_app = self.image_service.app if self.image_service else None
        self.api = api_server.APIServer(
            conf, api_app.build_app(conf, image_app=image_app),
            port=self.port)
        self.api.start()
        if self.block_storage is not None and \
                not conf.block_storage.compute_endpoint:
            host = self.api.host
            if host in ('', '0.0.0.0', '::'):
                host = '127.0.0.1'
            elif ':' in host:
                host = '[%s]' % host
            conf.set_default('compute_endpoint', 'http://%s:%s/v2.1' % (
                host, self.api.bound_port), group='block_storage')
        return self

    @property
    def compute_manager(self):
        return self.services[1].manager

    def stop(self):
        if self.api is not None:
            self.api.stop()
        for svc in reversed(self.services):
            svc.stop()
        self.services = []
        if self.block_storage is not None:
            self.block_storage.stop()
            self.block_storage = None
        if self.image_service is not None:
            self.image_service.stop()
            self.image_service = None


def main(argv=None):
    return common.run('nova-lite-all', argv, _serve)


def _serve(conf):
    aio = AllInOne(conf).start()
    LOG.info('nova-lite-all is running: compute API on http://%s:%s/v2.1',
             conf.osapi_compute_listen, aio.api.bound_port)
    if aio.block_storage is not None:
        LOG.info('Built-in block storage on http://%s:%s/v3',
                 conf.osapi_volume_listen, aio.block_storage.bound_port)
    if aio.image_service is not None:
        LOG.info('Built-in image service on %s/v2',
                 aio.image_service.endpoint)
    common.wait_for_signal(aio.stop)
