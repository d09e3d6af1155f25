"""The multi-process deployment the reliability tests break.

nova-lite-api, -conductor, -compute and -block-storage as separate
processes over a private RabbitMQ node with PostgreSQL (or MariaDB)
databases; the compute services reach the block storage through a
:class:`~tests.reliability.faultproxy.FaultProxy`. The compute process
can be killed with SIGKILL and started again; its fake driver keeps its
guests in a file (``[fake_driver] persist_guests``), as hypervisor guests
outlive nova-compute.

:meth:`Deployment.consistency` compares nova's block device mappings with
the block storage's attachments and reports whatever differs.
"""

import json
import os
import signal
import subprocess
import time
import uuid

import requests
import sqlalchemy as sa

from tests.fixtures import databases
from tests.fixtures import processes

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ADMIN = 'admin:admin'
MEMBER = 'demo:demo'
TIMEOUT = 30


class DeploymentError(AssertionError):
    pass


class Deployment:

    def __init__(self, tmp_path, transport_url, backend='postgresql',
                 compute_options='', api_options=''):
        from tests.reliability import faultproxy
        self.tmp = tmp_path
        self.transport_url = transport_url
        self.dbs = {name: databases.Database(backend, tmp_path)
                    for name in ('api', 'cell', 'cell0', 'volume')}
        self.urls = {name: db.create() for name, db in self.dbs.items()}
        self.port = processes.free_port()
        self.vport = processes.free_port()
        self.proxy = faultproxy.FaultProxy(self.vport).start()
        self.exchange = 'nova_lite_rel_%s' % uuid.uuid4().hex[:8]
        self.host = 'compute-a'
        self.base = 'http://127.0.0.1:%d' % self.port
        self.volume_base = 'http://127.0.0.1:%d' % self.vport
        self.compute_options = compute_options
        self.api_conf = self._write('api.conf', 'controller', api_options)
        self.compute_conf = None
        self.compute = None
        self.compute_runs = 0
        self.procs = processes.Processes(tmp_path)
        self.session = requests.Session()
        self._engines = {}
        manage = [processes.binary('nova-lite-manage'), '--config-file',
                  str(self.api_conf)]
        run = dict(check=True, capture_output=True)
        subprocess.run(manage + ['api_db', 'sync'], **run)
        subprocess.run(manage + ['cell_v2', 'map_cell0',
                                 '--database_connection',
                                 self.urls['cell0']], **run)
        subprocess.run(manage + ['cell_v2', 'create_cell', '--name',
                                 'cell1', '--database_connection',
                                 self.urls['cell'], '--transport-url',
                                 transport_url], **run)
        subprocess.run(manage + ['db', 'sync'], **run)

    # -- processes ---------------------------------------------------------------

    def _write(self, name, host, extra=''):
        path = self.tmp / name
        path.write_text(
            '[DEFAULT]\ntransport_url = %s\nstate_path = %s\n'
            'report_interval = 1\nservice_down_time = 6\n'
            'control_exchange = %s\nhost = %s\n'
            'osapi_compute_listen_port = %d\nosapi_volume_listen_port = %d\n'
            '[api_database]\nconnection = %s\n'
            '[database]\nconnection = %s\n'
            '[block_storage]\nconnection = %s\n'
            '[cinder]\nendpoint_template = '
            'http://127.0.0.1:%d/v3/%%(project_id)s\n'
            'timeout = 5\nhttp_retries = 2\n'
            '[scheduler]\ndiscover_hosts_in_cells_interval = 1\n'
            '[fake_driver]\npersist_guests = True\n'
            '[compute]\nvolume_operation_timeout = 30\n'
            % (self.transport_url, self.tmp, self.exchange, host, self.port,
               self.vport, self.urls['api'], self.urls['cell'],
               self.urls['volume'], self.proxy.port) + extra)
        return path

    def start(self):
        self.procs.start([
            ('nova-lite-block-storage', self.api_conf, []),
            ('nova-lite-conductor', self.api_conf, []),
            ('nova-lite-api', self.api_conf, [])])
        self.start_compute()
        deadline = time.monotonic() + 90
        while True:
            try:
                if self.session.get(self.base + '/', timeout=2).ok and \
                        self.session.get(self.volume_base + '/',
                                         timeout=2).ok and \
                        self.compute_up():
                    break
            except (requests.ConnectionError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise DeploymentError('the deployment did not come up; '
                                      'logs in %s' % self.tmp)
            time.sleep(0.3)
        self._wait_host_mapped()
        return self

    def _wait_host_mapped(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            rows = self.sql('api', 'SELECT host FROM host_mappings')
            if any(r[0] == self.host for r in rows):
                return
            time.sleep(0.3)
        raise DeploymentError('host %s never mapped' % self.host)

    def compute_up(self):
        resp = self.session.get(self.base + '/v2.1/os-services',
                                headers=self.headers(ADMIN), timeout=10)
        return any(s['binary'] == 'nova-compute' and s['state'] == 'up'
                   for s in resp.json().get('services', []))

    @property
    def compute_log(self):
        return self.tmp / ('compute-%d.log' % self.compute_runs)

    def start_compute(self, options=None):
        if options is not None:
            self.compute_options = options
        self.compute_conf = self._write('compute.conf', self.host,
                                        self.compute_options)
        self.compute_runs += 1
        self._compute_logf = open(self.compute_log, 'w')
        self.compute = subprocess.Popen(
            [processes.binary('nova-lite-compute'), '--config-file',
             str(self.compute_conf)], stdout=self._compute_logf,
            stderr=subprocess.STDOUT)

    def wait_compute_started(self, timeout=60):
        """Until the compute service of this run is consuming RPC."""
        self.wait_log(self.compute_log, 'nova-compute started on host',
                      timeout)

    def kill_compute(self):
        self.compute.send_signal(signal.SIGKILL)
        self.compute.wait(timeout=10)
        self._compute_logf.close()

    def stop(self):
        if self.compute is not None and self.compute.poll() is None:
            self.compute.terminate()
            try:
                self.compute.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.compute.kill()
        self.procs.stop()
        self.proxy.stop()
        for engine in self._engines.values():
            engine.dispose()
        for db in self.dbs.values():
            try:
                db.drop()
            except Exception:
                pass

    @staticmethod
    def wait_log(path, text, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(path) as f:
                    if text in f.read():
                        return
            except FileNotFoundError:
                pass
            time.sleep(0.1)
        raise DeploymentError('"%s" never appeared in %s' % (text, path))

    # -- HTTP ----------------------------------------------------------------------

    @staticmethod
    def headers(token=MEMBER, version='2.60'):
        return {'X-Auth-Token': token,
                'OpenStack-API-Version': 'compute %s' % version}

    def api(self, method, path, token=MEMBER, json=None, version='2.60',
            session=None, timeout=TIMEOUT):
        return (session or self.session).request(
            method, self.base + '/v2.1' + path, json=json,
            headers=self.headers(token, version), timeout=timeout)

    def volume_api(self, method, path, token=ADMIN, json=None,
                   version='3.60', timeout=TIMEOUT):
        """The block storage itself, not through the fault proxy."""
        project = token.split(':')[1]
        return self.session.request(
            method, '%s/v3/%s%s' % (self.volume_base, project, path),
            json=json, timeout=timeout,
            headers={'X-Auth-Token': token,
                     'OpenStack-API-Version': 'volume %s' % version})

    def boot(self, name, token=MEMBER, session=None):
        resp = self.api('POST', '/servers', token=token, session=session,
                        json={'server': {'name': name, 'flavorRef': '1',
                                         'networks': 'none',
                                         'imageRef': IMAGE}})
        if resp.status_code != 202:
            raise DeploymentError('boot: %s %s' % (resp.status_code,
                                                   resp.text))
        return resp.json()['server']['id']

    def server(self, server_id, token=ADMIN):
        resp = self.api('GET', '/servers/%s' % server_id, token=token)
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return resp.json()['server']

    def wait_server(self, server_id, status, timeout=60):
        deadline = time.monotonic() + timeout
        server = None
        while time.monotonic() < deadline:
            server = self.server(server_id)
            if status == 'DELETED' and server is None:
                return None
            if server is not None and server['status'] == status and \
                    server['OS-EXT-STS:task_state'] is None:
                return server
            time.sleep(0.2)
        raise DeploymentError('%s never reached %s: %s' % (
            server_id, status, server))

    def multiattach_type(self):
        resp = self.volume_api('POST', '/types', json={
            'volume_type': {'name': 'multiattach-%s' % uuid.uuid4().hex[:6],
                            'extra_specs': {'multiattach': '<is> True'}}})
        resp.raise_for_status()
        return resp.json()['volume_type']['id']

    def volume(self, volume_type=None, token=MEMBER):
        body = {'size': 1, 'name': 'vol-%s' % uuid.uuid4().hex[:6]}
        if volume_type:
            body['volume_type'] = volume_type
        resp = self.volume_api('POST', '/volumes', token=token,
                               json={'volume': body})
        resp.raise_for_status()
        volume_id = resp.json()['volume']['id']
        self.wait_volume(volume_id, 'available', token=token)
        return volume_id

    def volume_status(self, volume_id, token=ADMIN):
        resp = self.volume_api('GET', '/volumes/%s' % volume_id, token=token)
        resp.raise_for_status()
        return resp.json()['volume']['status']

    def wait_volume(self, volume_id, status, token=ADMIN, timeout=30):
        deadline = time.monotonic() + timeout
        current = None
        while time.monotonic() < deadline:
            current = self.volume_status(volume_id, token)
            if current == status:
                return
            time.sleep(0.1)
        raise DeploymentError('volume %s is %s, not %s' % (
            volume_id, current, status))

    def attach(self, server_id, volume_id, session=None, timeout=TIMEOUT):
        return self.api('POST', '/servers/%s/os-volume_attachments' %
                        server_id, session=session, timeout=timeout,
                        json={'volumeAttachment': {'volumeId': volume_id}})

    def detach(self, server_id, volume_id, session=None, timeout=TIMEOUT):
        return self.api('DELETE', '/servers/%s/os-volume_attachments/%s' % (
            server_id, volume_id), session=session, timeout=timeout)

    # -- the two sides -------------------------------------------------------------

    def engine(self, name):
        engine = self._engines.get(name)
        if engine is None:
            engine = self._engines[name] = sa.create_engine(
                self.urls[name], poolclass=sa.pool.NullPool)
        return engine

    def sql(self, name, statement, **params):
        with self.engine(name).begin() as conn:
            return conn.execute(sa.text(statement), params).fetchall()

    def bdms(self):
        """nova's volume mappings of live servers."""
        return self.sql(
            'cell',
            'SELECT b.instance_uuid, b.volume_id, b.attachment_id, '
            'b.connection_info, i.vm_state, i.task_state '
            'FROM block_device_mapping b JOIN instances i '
            'ON i.uuid = b.instance_uuid '
            'WHERE i.deleted = 0 AND b.volume_id IS NOT NULL')

    def attachments(self):
        return self.sql('volume',
                        'SELECT id, volume_id, instance_uuid, attach_status '
                        'FROM volume_attachment')

    def faults(self, server_id):
        return [r[0] for r in self.sql(
            'cell', 'SELECT message FROM instance_faults WHERE '
            'instance_uuid = :uuid', uuid=server_id)]

    def guest_volumes(self):
        path = os.path.join(str(self.tmp), 'fake-driver-%s.json' % self.host)
        try:
            with open(path) as f:
                guests = json.load(f)['guests']
        except FileNotFoundError:
            return {}
        return {uuid_: {m: i.get('serial') for m, i in g['volumes'].items()}
                for uuid_, g in guests.items()}

    def consistency(self, check_guests=True):
        """Differences between nova, the block storage and the guests;
        an empty list when they agree and nothing is left in transition."""
        problems = []
        bdms = self.bdms()
        attachments = {a.id: a for a in self.attachments()}
        self.last_counts = (len(bdms), len(attachments))
        live = {r[0] for r in self.sql(
            'cell', 'SELECT uuid FROM instances WHERE deleted = 0')}
        seen = set()
        for bdm in bdms:
            if bdm.task_state is not None:
                problems.append('server %s stuck in task state %s' % (
                    bdm.instance_uuid, bdm.task_state))
            if not bdm.attachment_id:
                problems.append('mapping of %s on %s has no attachment' % (
                    bdm.volume_id, bdm.instance_uuid))
                continue
            seen.add(bdm.attachment_id)
            att = attachments.get(bdm.attachment_id)
            if att is None:
                problems.append('attachment %s of %s on %s lost by block '
                                'storage' % (bdm.attachment_id,
                                             bdm.volume_id,
                                             bdm.instance_uuid))
                continue
            if (att.volume_id, att.instance_uuid) != (bdm.volume_id,
                                                      bdm.instance_uuid):
                problems.append('attachment %s differs' % att.id)
            if bdm.vm_state not in ('shelved_offloaded', 'error') and \
                    (att.attach_status != 'attached' or
                     not bdm.connection_info):
                problems.append('attachment %s of %s on %s is %s (%s)' % (
                    att.id, att.volume_id, att.instance_uuid,
                    att.attach_status, 'connected' if bdm.connection_info
                    else 'not connected'))
        for att in attachments.values():
            if att.id not in seen:
                problems.append('attachment %s of %s to %s leaked (%s, '
                                'server %s)' % (
                                    att.id, att.volume_id, att.instance_uuid,
                                    att.attach_status,
                                    'live' if att.instance_uuid in live
                                    else 'gone'))
        for row in self.sql('volume', 'SELECT id, status FROM volumes'):
            if row.status not in ('available', 'in-use'):
                problems.append('volume %s is %s' % (row.id, row.status))
        for row in self.sql('cell', 'SELECT uuid, task_state FROM instances '
                            'WHERE deleted = 0 AND task_state IS NOT NULL'):
            problems.append('server %s stuck in task state %s' % row)
        if check_guests:
            guests = self.guest_volumes()
            connected = {}
            for bdm in bdms:
                if bdm.connection_info and bdm.vm_state == 'active':
                    connected.setdefault(bdm.instance_uuid, {})[
                        bdm.volume_id] = True
            for server_id, disks in guests.items():
                if server_id not in live:
                    problems.append('guest of deleted server %s' % server_id)
                    continue
                if set(disks.values()) != set(connected.get(server_id, {})):
                    problems.append('guest %s has %s, nova maps %s' % (
                        server_id, sorted(disks.values()),
                        sorted(connected.get(server_id, {}))))
        return problems

    def audit(self, *args):
        """``nova-lite-manage volume_attachment audit --format json`` run
        as a process with the controller's configuration: (exit status,
        the differences)."""
        result = subprocess.run(
            [processes.binary('nova-lite-manage'), '--config-file',
             str(self.api_conf), 'volume_attachment', 'audit', '--format',
             'json'] + list(args), capture_output=True, text=True,
            timeout=300, stdin=subprocess.DEVNULL)
        try:
            found = json.loads(result.stdout)
        except ValueError:
            raise DeploymentError('audit failed (%d): %s%s' % (
                result.returncode, result.stdout, result.stderr))
        return result.returncode, found['differences'], found['checked']

    def wait_consistent(self, timeout=60, check_guests=True):
        deadline = time.monotonic() + timeout
        problems = None
        while time.monotonic() < deadline:
            problems = self.consistency(check_guests)
            if not problems:
                from tests.reliability import figures
                figures.checked('nova mappings compared', self.last_counts[0])
                figures.checked('block storage attachments compared',
                                self.last_counts[1])
                return
            time.sleep(0.5)
        raise DeploymentError('nova and block storage disagree:\n' +
                              '\n'.join(problems))
