"""A private RabbitMQ node on its own ports, which a test may restart.

The machine's broker on 5672 is shared; this one has its own node name,
AMQP, distribution and epmd ports and data directory, and is stopped by
its own process ids.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

from tests.fixtures import processes

SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server'


def available():
    return os.path.exists(SERVER)


def _listening(port):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=1):
            return True
    except OSError:
        return False


class PrivateBroker:

    def __init__(self, base_dir):
        self.dir = os.path.join(str(base_dir), 'rabbit-%s' % (
            uuid.uuid4().hex[:8]))
        os.makedirs(self.dir)
        self.port = processes.free_port()
        self.dist_port = processes.free_port()
        self.epmd_port = processes.free_port()
        self.node = 'rel%s@localhost' % uuid.uuid4().hex[:8]
        plugins = os.path.join(self.dir, 'enabled_plugins')
        with open(plugins, 'w') as f:
            f.write('[].\n')
        self.env = dict(
            os.environ, HOME=self.dir, RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS='127.0.0.1',
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            ERL_EPMD_PORT=str(self.epmd_port),
            ERL_EPMD_ADDRESS='127.0.0.1',
            RABBITMQ_MNESIA_BASE=os.path.join(self.dir, 'mnesia'),
            RABBITMQ_LOG_BASE=os.path.join(self.dir, 'log'),
            RABBITMQ_CONFIG_FILE=os.path.join(self.dir, 'none'),
            RABBITMQ_ENABLED_PLUGINS_FILE=plugins)
        self.proc = None
        self.log = None
        self.restarts = 0

    @property
    def url(self):
        return 'rabbit://guest:guest@127.0.0.1:%d/' % self.port

    def start(self, timeout=90):
        self.log = open(os.path.join(self.dir, 'server.log'), 'a')
        self.proc = subprocess.Popen(
            [SERVER], env=self.env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not _listening(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('private RabbitMQ did not start; see %s'
                                   % self.dir)
            time.sleep(0.2)
        return self

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None
        self.log.close()
        deadline = time.monotonic() + 15
        while _listening(self.port) and time.monotonic() < deadline:
            time.sleep(0.1)

    def restart(self):
        self.stop()
        self.start()
        self.restarts += 1

    def _epmd_pids(self):
        """The epmd daemon this node started (it detaches itself)."""
        out = subprocess.run(['ss', '-Hltnp', 'sport = :%d' % self.epmd_port],
                             capture_output=True, text=True).stdout
        pids = set()
        for part in out.split('pid=')[1:]:
            pids.add(int(part.split(',')[0]))
        return pids

    def destroy(self):
        self.stop()
        for pid in self._epmd_pids():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
