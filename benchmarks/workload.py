"""The multi-attach workload (the same as the peer kit's): boot N servers,
attach one multiattach volume to all N at 2.60, list every server's
attachments, detach from all, delete all; one operation at a time, as a
project member.

In process: nova-lite-all (API, conductor, compute with the fake driver,
the built-in block storage, in-process RPC, SQLite) in this process; CPU is
this process' (client included, as in the peer's harness). The client's
requests (python-requests) are handed to the API's WSGI application in
process by :mod:`nova_lite.wsgi_local`, with no socket, as the peer's
harness hands them to nova's through wsgi-intercept (the matched
transport); ``transport='http'`` drives the API over loopback HTTP through
its WSGI server instead. A boot, attach, detach or delete is complete when
nova_lite's in-process notification arrives (no polling).

Multi-process: nova-lite-api (cheroot), nova-lite-conductor,
nova-lite-compute and nova-lite-block-storage as separate processes over
RabbitMQ and PostgreSQL; CPU is the sum of those processes'. An operation
is complete when the compute host's versioned notification of it
(``instance.volume_attach.end``, ...) arrives over RabbitMQ, as the peer's
harness waits for nova's notifications (the client's CPU is not counted).
Each phase also gives the CPU of each process per operation
(``cpu_ms_per_op_by_process``): the four services, the benchmark's client,
and the RabbitMQ and PostgreSQL servers of the machine (everything they
ran in the phase, whoever asked).

Each phase reports ``latency_ms`` (until the operation is complete) and,
as the peer kit does, ``http_ms``: until the API answered the operation's
HTTP call (for a list the two are the same).
"""

import logging
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import requests

from benchmarks import common

PHASES = ('boot', 'attach', 'list_attachments', 'detach', 'delete')


class _InProcess:
    name = 'in-process'

    def __init__(self, transport='local'):
        from tests.fixtures import stack as stack_fixture
        self.state = tempfile.mkdtemp(prefix='nova-lite-bench-')
        conf = stack_fixture.make_conf(self.state, overrides=[
            (None, 'report_interval', 10)])
        self.stack = common.all_in_one(conf)
        self.api = self.stack.base
        self.volume_api = self.stack.volume_base
        self.transport = transport
        if transport == 'local':
            from nova_lite import wsgi_local
            self.app = self.stack.aio.api.server.wsgi_app
            wsgi_local.register(self.api, self.app)
        else:
            self.name = 'in-process-http'
        self.events = common.Events()
        from nova_lite import notifications
        notifications.add_listener(self.events)
        self.cpu = common.process_cpu
        # One process: no parts to tell apart.
        self.cpu_parts = None

    def wait(self, session, event, server_id, volume_id=None):
        self.events.wait(event, server_id)

    def session(self):
        session = requests.Session()
        if self.transport == 'local':
            from nova_lite import wsgi_local
            wsgi_local.mount(session)
        return session

    def stop(self):
        from nova_lite import notifications
        from nova_lite import wsgi_local
        if self.transport == 'local':
            wsgi_local.unregister(self.api, self.app)
        notifications.remove_listener(self.events)
        self.stack.stop()
        shutil.rmtree(self.state, ignore_errors=True)


class _MultiProcess:
    name = 'multi-process'
    SERVICES = ('nova-lite-block-storage', 'nova-lite-conductor',
                'nova-lite-compute', 'nova-lite-api')
    RABBIT = os.environ.get('NOVA_LITE_BENCH_RABBIT_URL',
                            'rabbit://guest:guest@127.0.0.1:5672/')

    def __init__(self, backend='postgresql'):
        from tests.fixtures import databases
        from tests.fixtures import processes
        self.state = tempfile.mkdtemp(prefix='nova-lite-bench-')
        self.dbs = [databases.Database(backend, self.state)
                    for _ in range(4)]
        api_url, cell_url, cell0_url, bs_url = [d.create() for d in self.dbs]
        port, vport = processes.free_port(), processes.free_port()
        exchange = 'nova_lite_bench_%s' % uuid.uuid4().hex[:8]
        conf = os.path.join(self.state, 'nova-lite.conf')
        with open(conf, 'w') as f:
            f.write('[DEFAULT]\ntransport_url = %s\nstate_path = %s\n'
                    'control_exchange = %s\nosapi_compute_listen_port = %d\n'
                    'osapi_volume_listen_port = %d\nhost = bench-compute\n'
                    '[api_database]\nconnection = %s\n'
                    '[database]\nconnection = %s\n'
                    '[block_storage]\nconnection = %s\n'
                    '[cinder]\nendpoint_template = '
                    'http://127.0.0.1:%d/v3/%%(project_id)s\n'
                    '[scheduler]\ndiscover_hosts_in_cells_interval = 1\n'
                    '[oslo_messaging_notifications]\n'
                    'driver = messagingv2\n'
                    '[notifications]\nnotification_format = versioned\n'
                    '[quota]\ninstances = -1\ncores = -1\nram = -1\n'
                    % (self.RABBIT, self.state, exchange, port, vport,
                       api_url, cell_url, bs_url, vport))
        manage = [processes.binary('nova-lite-manage'), '--config-file',
                  conf]
        run = dict(check=True, capture_output=True)
        subprocess.run(manage + ['api_db', 'sync'], **run)
        subprocess.run(manage + ['cell_v2', 'map_cell0',
                                 '--database_connection', cell0_url], **run)
        subprocess.run(manage + ['cell_v2', 'create_cell', '--name', 'cell1',
                                 '--database_connection', cell_url,
                                 '--transport-url', self.RABBIT], **run)
        subprocess.run(manage + ['db', 'sync'], **run)
        self._listen(exchange)
        self.procs = None
        try:
            self._start(processes, conf, port, vport)
        except BaseException:
            self._stop_listening()
            if self.procs is not None:
                self.procs.stop()
            raise

    def _start(self, processes, conf, port, vport):
        self.procs = processes.Processes(self.state).start([
            (name, conf, []) for name in self.SERVICES])
        self.api = 'http://127.0.0.1:%d' % port
        self.volume_api = 'http://127.0.0.1:%d' % vport
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(self.api + '/', timeout=1)
                requests.get(self.volume_api + '/', timeout=1)
                resp = requests.get(self.api + '/v2.1/os-services',
                                    headers=common.ADMIN, timeout=5)
                if any(s['binary'] == 'nova-compute' and s['state'] == 'up'
                       for s in resp.json().get('services', [])):
                    break
            except (requests.ConnectionError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError('the deployment did not come up; logs '
                                   'in %s' % self.state)
            time.sleep(0.2)
        time.sleep(1.5)   # host discovery
        self.pids = [p.pid for p in self.procs.procs]

    def cpu(self):
        return sum(common.pid_cpu(pid) for pid in self.pids)

    def cpu_parts(self):
        parts = {name: common.cpu_by_pid([pid])
                 for name, pid in zip(self.SERVICES, self.pids)}
        parts['client'] = {os.getpid(): common.process_cpu()}
        parts['rabbitmq'] = common.cpu_by_pid(
            common.server_pids('beam.smp'))
        parts['postgresql'] = common.cpu_by_pid(
            common.server_pids('postgres'))
        return parts

    @staticmethod
    def session():
        return requests.Session()

    def _listen(self, exchange):
        """Receive the versioned notifications (listening before the
        first is sent: RabbitMQ drops what no queue is bound for)."""
        from oslo_config import cfg
        import oslo_messaging as messaging
        from nova_lite import rpc
        conf = cfg.ConfigOpts()
        rpc.register_opts(conf)
        conf([], project='nova-lite-bench')
        self.transport = messaging.get_notification_transport(
            conf, url=self.RABBIT)
        self.events = common.Events()
        self.listener = messaging.get_notification_listener(
            self.transport, [messaging.Target(
                topic='versioned_notifications', exchange=exchange)],
            [common.BusEvents(self.events)], executor='threading')
        self.listener.start()

    def wait(self, session, event, server_id, volume_id=None):
        self.events.wait(event, server_id)

    def _stop_listening(self):
        self.listener.stop()
        self.listener.wait()
        self.transport.cleanup()

    def stop(self):
        self._stop_listening()
        self.procs.stop()
        for db in self.dbs:
            db.drop()
        shutil.rmtree(self.state, ignore_errors=True)


def _run_sizes(deployment, sizes):
    session = deployment.session()
    api, vapi = deployment.api, deployment.volume_api
    session.post(vapi + '/v3/types', headers=common.ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    results = {}
    for n in sizes:
        made = session.post(vapi + '/v3/volumes', headers=common.MEMBER,
                            json={'volume': {'size': 1,
                                             'volume_type': 'multiattach'}})
        volume_id = made.json()['volume']['id']
        while session.get(vapi + '/v3/volumes/' + volume_id,
                          headers=common.MEMBER).json()['volume'][
                              'status'] != 'available':
            time.sleep(0.01)
        cpu0, wall0 = deployment.cpu(), time.monotonic()
        phases = {}
        ids = []
        with common.Phase('boot', deployment.cpu,
                          deployment.cpu_parts) as phase:
            for i in range(n):
                with phase.op() as op:
                    resp = session.post(api + '/v2.1/servers',
                                        headers=common.MEMBER, json={
                                            'server': {
                                                'name': 'bench-%d' % i,
                                                'imageRef': common.IMAGE,
                                                'flavorRef': '1',
                                                'networks': 'none'}})
                    op.answered()
                    assert resp.status_code == 202, resp.text
                    server_id = resp.json()['server']['id']
                    deployment.wait(session, 'instance.create.end',
                                    server_id)
                ids.append(server_id)
        phases['boot'] = phase
        with common.Phase('attach', deployment.cpu,
                          deployment.cpu_parts) as phase:
            for server_id in ids:
                with phase.op() as op:
                    resp = session.post(
                        api + '/v2.1/servers/%s/os-volume_attachments'
                        % server_id, headers=common.MEMBER,
                        json={'volumeAttachment': {'volumeId': volume_id}})
                    op.answered()
                    assert resp.status_code == 200, resp.text
                    deployment.wait(session, 'instance.volume_attach.end',
                                    server_id, volume_id)
        phases['attach'] = phase
        attachments = session.get(vapi + '/v3/volumes/' + volume_id,
                                  headers=common.MEMBER).json()['volume'][
                                      'attachments']
        assert len(attachments) == n, len(attachments)
        with common.Phase('list_attachments', deployment.cpu,
                          deployment.cpu_parts) as phase:
            for server_id in ids:
                with phase.op() as op:
                    resp = session.get(
                        api + '/v2.1/servers/%s/os-volume_attachments'
                        % server_id, headers=common.MEMBER)
                    op.answered()
                    assert len(resp.json()['volumeAttachments']) == 1
        phases['list_attachments'] = phase
        with common.Phase('detach', deployment.cpu,
                          deployment.cpu_parts) as phase:
            for server_id in ids:
                with phase.op() as op:
                    resp = session.delete(
                        api + '/v2.1/servers/%s/os-volume_attachments/%s'
                        % (server_id, volume_id), headers=common.MEMBER)
                    op.answered()
                    assert resp.status_code == 202, resp.text
                    deployment.wait(session, 'instance.volume_detach.end',
                                    server_id, volume_id)
        phases['detach'] = phase
        with common.Phase('delete', deployment.cpu,
                          deployment.cpu_parts) as phase:
            for server_id in ids:
                with phase.op() as op:
                    resp = session.delete(api + '/v2.1/servers/' + server_id,
                                          headers=common.MEMBER)
                    op.answered()
                    assert resp.status_code == 204, resp.text
                    deployment.wait(session, 'instance.delete.end',
                                    server_id)
        phases['delete'] = phase
        result = {name: p.result() for name, p in phases.items()}
        result['total'] = {'wall_s': round(time.monotonic() - wall0, 3),
                           'cpu_s': round(deployment.cpu() - cpu0, 3)}
        left = session.get(vapi + '/v3/volumes/' + volume_id,
                           headers=common.MEMBER).json()['volume']
        assert left['attachments'] == [], left
        session.delete(vapi + '/v3/volumes/' + volume_id,
                       headers=common.MEMBER)
        results[str(n)] = result
    return results


def run(sizes, multiprocess=False, transport='local'):
    logging.disable(logging.INFO)
    try:
        deployment = _MultiProcess() if multiprocess else \
            _InProcess(transport)
        try:
            return {'deployment': deployment.name,
                    'transport': 'http' if multiprocess else transport,
                    'multiattach': _run_sizes(deployment, sizes)}
        finally:
            deployment.stop()
    finally:
        logging.disable(logging.NOTSET)


def rows(document):
    out = []
    for n, result in document['multiattach'].items():
        for name in PHASES:
            phase = result[name]
            lat = phase['latency_ms']
            out.append([document['deployment'], n, name, phase['ops'],
                        common.fmt(phase['wall_s'], 2),
                        common.fmt(phase['cpu_ms_per_op'], 2),
                        common.fmt(lat['p50'], 2), common.fmt(lat['p95'], 2),
                        common.fmt(phase.get('http_ms', {}).get('p50'), 2)])
        out.append([document['deployment'], n, 'TOTAL', '',
                    common.fmt(result['total']['wall_s'], 2),
                    'cpu %s s' % common.fmt(result['total']['cpu_s'], 2),
                    '', '', ''])
    return out


def process_rows(document):
    """CPU ms per operation of each process (multi-process only)."""
    out = []
    for n, result in document['multiattach'].items():
        for name in PHASES:
            parts = result.get(name, {}).get('cpu_ms_per_op_by_process')
            if parts:
                out.append([n, name] + [common.fmt(parts.get(p), 2)
                                        for p in PROCESS_COLUMNS])
    return out


# The processes of the multi-process table, as its columns name them.
PROCESS_COLUMNS = ('nova-lite-api', 'nova-lite-conductor',
                   'nova-lite-compute', 'nova-lite-block-storage',
                   'client', 'rabbitmq', 'postgresql')
PROCESS_HEADERS = ['N', 'phase (cpu ms/op)', 'api', 'conductor', 'compute',
                   'block-storage', 'client', 'rabbitmq', 'postgresql']


HEADERS = ['deployment', 'N', 'phase', 'ops', 'wall s', 'cpu ms/op',
           'p50 ms', 'p95 ms', 'http p50 ms']
