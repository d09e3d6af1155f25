"""Run a manager as an RPC server with a service record and heartbeat.

The manager's ``periodic_tasks``, where it has them, run every
``report_interval`` in a thread of their own, so that a task waiting on a
lock never delays the heartbeat.
"""

import logging
import threading

import oslo_messaging as messaging

from nova_lite import context as nl_context
from nova_lite.objects import service as service_obj
from nova_lite import rpc

LOG = logging.getLogger(__name__)


class Service:
    """One binary on one host: RPC server + service row + heartbeat."""

    def __init__(self, conf, binary, topic, manager, host=None,
                 pool_size=None):
        self.conf = conf
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.host = host or conf.host
        self.pool_size = pool_size
        self.service_ref = None
        self._rpc_server = None
        self._stop = threading.Event()
        self._heartbeat_thread = None
        self._periodic_thread = None

    def start(self):
        try:
            self._start()
        except BaseException:
            # What started before the failure (RPC server, threads) stops.
            self._stop_after_failure()
            raise

    def _start(self):
        ctxt = nl_context.get_admin_context()
        self.service_ref = service_obj.get_or_create(
            ctxt, self.host, self.binary, self.topic)
        if hasattr(self.manager, 'init_host'):
            self.manager.init_host(self.service_ref)
        target = messaging.Target(topic=self.topic, server=self.host,
                                  version=self.manager.target.version)
        self._rpc_server = rpc.get_server(self.conf, target, [self.manager],
                                          executor_pool_size=self.pool_size)
        self._rpc_server.start()
        self._heartbeat_thread = threading.Thread(
            target=self._heartbeat_loop, name='%s-heartbeat' % self.binary,
            daemon=True)
        self._heartbeat_thread.start()
        if getattr(self.manager, 'periodic_tasks', None) is not None:
            self._periodic_thread = threading.Thread(
                target=self._periodic_loop, name='%s-periodic' % self.binary,
                daemon=True)
            self._periodic_thread.start()
        LOG.info('%s started on host %s (topic %s, version %s)',
                 self.binary, self.host, self.topic,
                 service_obj.SERVICE_VERSION)

    def _heartbeat_loop(self):
        ctxt = nl_context.get_admin_context()
        while not self._stop.wait(self.conf.report_interval):
            try:
                service_obj.heartbeat(ctxt, self.service_ref.id)
            except Exception:
                LOG.exception('%s on %s could not report its state',
                              self.binary, self.host)

    def _periodic_loop(self):
        ctxt = nl_context.get_admin_context()
        while not self._stop.wait(self.conf.report_interval):
            try:
                self.manager.periodic_tasks(ctxt)
            except Exception:
                LOG.exception('Periodic tasks of %s failed', self.binary)

    def _stop_after_failure(self):
        try:
            self.stop()
        except Exception:
            LOG.debug('Stopping %s after a failed start failed too',
                      self.binary, exc_info=True)

    def stop(self):
        self._stop.set()
        if self._rpc_server is not None:
            try:
                self._rpc_server.stop()
                self._rpc_server.wait()
            except Exception:
                LOG.exception('Error stopping the %s RPC server', self.binary)
        if hasattr(self.manager, 'cleanup_host') and \
                self.service_ref is not None:
            self.manager.cleanup_host()
