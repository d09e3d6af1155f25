"""API, conductor and compute as separate processes over RabbitMQ.

Needs RabbitMQ on 127.0.0.1:5672 (guest/guest) and PostgreSQL or MariaDB on
127.0.0.1 (see doc/source/testing.rst).
"""

import contextlib
import subprocess
import time
import uuid

from oslo_config import cfg
import oslo_messaging as messaging
import pytest
import requests

from nova_lite import rpc
from tests.fixtures import databases
from tests.fixtures import processes
from tests.fixtures import rabbit


@pytest.fixture(params=['postgresql', 'mysql'])
def deployment(request, tmp_path):
    api_db = databases.Database(request.param, tmp_path)
    cell_db = databases.Database(request.param, tmp_path)
    cell0_db = databases.Database(request.param, tmp_path)
    api_url, cell_url = api_db.create(), cell_db.create()
    cell0_url = cell0_db.create()
    port = processes.free_port()
    exchange = 'nova_lite_it_%s' % uuid.uuid4().hex[:8]
    # A virtual host of its own: queues are named by topic and host
    # whatever the exchange, and another deployment may share the broker.
    vhosts = contextlib.ExitStack()
    bus = vhosts.enter_context(rabbit.vhost())
    common = ('[DEFAULT]\ntransport_url = %s\nstate_path = %s\n'
              'report_interval = 1\ncontrol_exchange = %s\n'
              'osapi_compute_listen_port = %d\n'
              '[api_database]\nconnection = %s\n'
              '[database]\nconnection = %s\n'
              '[scheduler]\ndiscover_hosts_in_cells_interval = 1\n'
              % (bus, tmp_path, exchange, port, api_url, cell_url))
    api_conf = tmp_path / 'api.conf'
    api_conf.write_text(common + '[DEFAULT]\nhost = controller\n')
    compute_conf = tmp_path / 'compute.conf'
    compute_conf.write_text(common + '[DEFAULT]\nhost = compute-a\n'
                            '[oslo_messaging_notifications]\n'
                            'driver = messagingv2\n'
                            '[notifications]\n'
                            'notification_format = versioned\n')
    manage = [processes.binary('nova-lite-manage'), '--config-file', str(api_conf)]
    subprocess.run(manage + ['api_db', 'sync'], check=True)
    subprocess.run(manage + ['cell_v2', 'map_cell0',
                             '--database_connection', cell0_url], check=True)
    subprocess.run(manage + ['cell_v2', 'create_cell', '--name', 'cell1',
                             '--database_connection', cell_url,
                             '--transport-url', bus], check=True)
    subprocess.run(manage + ['db', 'sync'], check=True)
    procs = processes.Processes(tmp_path).start([
        ('nova-lite-conductor', api_conf, []),
        ('nova-lite-compute', compute_conf, []),
        ('nova-lite-api', api_conf, [])])
    base = 'http://127.0.0.1:%d' % port
    notices = _Notices(bus, exchange)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(base + '/', timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        procs.wait_started()
        yield base, manage, procs, notices
    finally:
        notices.stop()
        procs.stop()
        for db in (api_db, cell_db, cell0_db):
            db.drop()
        vhosts.close()


class _Notices:
    """The versioned notifications of the deployment, read from RabbitMQ
    (listening before the first is sent: RabbitMQ drops a message no queue
    is bound for)."""

    def __init__(self, url, exchange):
        conf = cfg.ConfigOpts()
        rpc.register_opts(conf)
        conf([], project='nova-lite-test')
        self.received = []
        self.transport = messaging.get_notification_transport(conf,
                                                              url=url)
        self.listener = messaging.get_notification_listener(
            self.transport, [messaging.Target(
                topic='versioned_notifications', exchange=exchange)],
            [self], executor='threading')
        self.listener.start()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self.received.append((publisher_id, event_type, payload))

    def wait_for(self, event_type, uuid, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for publisher_id, kind, payload in list(self.received):
                if kind == event_type and \
                        payload['nova_object.data']['uuid'] == uuid:
                    return publisher_id, payload
            time.sleep(0.05)
        raise AssertionError('no %s of %s among %s' % (
            event_type, uuid, [r[1] for r in self.received]))

    def stop(self):
        self.listener.stop()
        self.listener.wait()
        self.transport.cleanup()


def _wait(base, sid, status, procs, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = requests.get(base + '/v2.1/servers/%s' % sid,
                            headers={'X-Auth-Token': 'demo:demo'})
        if status == 'DELETED' and resp.status_code == 404:
            return None
        server = resp.json()['server']
        if server['status'] == status and \
                server['OS-EXT-STS:task_state'] is None:
            return server
        if server['status'] == 'ERROR':
            raise AssertionError('%s went to ERROR: %s\n%s' % (
                sid, server.get('fault'), procs.tails()))
        time.sleep(0.2)
    raise AssertionError('%s never reached %s\n%s' % (
        sid, status, procs.tails()))


def test_server_lifecycle_across_processes(deployment):
    base, manage, procs, notices = deployment
    hdrs = {'X-Auth-Token': 'demo:demo',
            'OpenStack-API-Version': 'compute 2.60'}
    resp = requests.post(base + '/v2.1/servers', headers=hdrs, json={
        'server': {'name': 'mp', 'flavorRef': '1', 'networks': 'none',
                   'imageRef': '70a599e0-31e7-49b7-b260-868f441e862b'}})
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    server = _wait(base, sid, 'ACTIVE', procs)
    admin = requests.get(base + '/v2.1/servers/%s' % sid,
                         headers={'X-Auth-Token': 'admin:admin'}).json()
    assert admin['server']['OS-EXT-SRV-ATTR:host'] == 'compute-a'
    assert server['name'] == 'mp'
    # The compute host's versioned notification, over RabbitMQ.
    publisher, payload = notices.wait_for('instance.create.end', sid)
    assert publisher == 'nova-compute:compute-a'
    assert payload['nova_object.name'] == 'InstanceCreatePayload'
    assert payload['nova_object.data']['state'] == 'active'
    resp = requests.post(base + '/v2.1/servers/%s/action' % sid,
                         headers=hdrs, json={'os-stop': None})
    assert resp.status_code == 202
    _wait(base, sid, 'SHUTOFF', procs)
    out = subprocess.run(manage + ['service', 'list'], check=True,
                         capture_output=True, text=True).stdout
    assert 'compute-a' in out and 'nova-compute' in out
    assert requests.delete(base + '/v2.1/servers/%s' % sid,
                           headers=hdrs).status_code == 204
    _wait(base, sid, 'DELETED', procs)
    _publisher, payload = notices.wait_for('instance.delete.end', sid)
    assert payload['nova_object.data']['state'] == 'deleted'
