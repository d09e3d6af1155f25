"""nova_lite deployed as separate processes, against nova 34.0.0 deployed
the same way, with the same real Keystone 30, real Cinder 29, MariaDB and
RabbitMQ, driven over HTTP by the same workload script.

The peer kit (``nova-peer-mp``, found through ``$NOVA_PEER_MP_KIT``) brings
nova up (nova-api under gunicorn, conductor, scheduler, placement,
nova-compute with the fake driver, Cinder's three services, Keystone) and
drives it with its ``bench_mp.py``: the multi-attach workload at 2.60 as a
project member with one token, per phase latency (p50/p90), the API's
answer time, wall, and the CPU of each service's process group, of MariaDB,
of RabbitMQ and of the client, read from ``/proc/<pid>/stat`` before and
after each phase.

This part brings nova_lite up the same way and runs that same script,
unchanged, against nova_lite's endpoint (it reads the deployment from a
``state.json`` this part writes in the layout the kit's own bring-up
writes):

* Keystone 30 (``tests/fixtures/keystone.py``, ``.venv-keystone``), with a
  ``demo`` member of project ``demo``;
* nova-lite-api (cheroot, ``[api] auth_strategy = keystone``),
  nova-lite-conductor and nova-lite-compute (fake driver) as separate
  processes, each in a process group of its own, on MariaDB databases and a
  RabbitMQ virtual host of their own;
* block storage, either real Cinder 29 (``tests/fixtures/cinder.py``,
  ``.venv-cinder``: cinder-api, cinder-scheduler and cinder-volume with the
  fake driver, nova_lite's ``[block_storage] enabled = False``), or
  nova_lite's built-in block storage in its own process
  (nova-lite-block-storage).

The script's process names are the kit's: for nova_lite, ``nova-api`` is
nova-lite-api, ``nova-conductor`` nova-lite-conductor, ``nova-compute``
nova-lite-compute (nova_lite has no scheduler or placement process), and
with the built-in block storage ``cinder-api`` is nova-lite-block-storage.

Then the peer kit's own ``run.sh`` runs nova, unchanged, in the same
window (``--no-peer`` leaves it out).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

from benchmarks import common

KIT = os.environ.get('NOVA_PEER_MP_KIT', '/work/shared/bench/nova-peer-mp')
PHASES = ('boot', 'attach', 'list_attachments', 'detach', 'delete')
SERVICES = ('nova-lite-conductor', 'nova-lite-compute', 'nova-lite-api')
# The groups the results are read in: compute side, block storage, and the
# shared servers. nova's compute side is nova-api, conductor, scheduler,
# placement and nova-compute; nova_lite's is its API, conductor and
# compute (the script's names for them, see above).
GROUPS = (
    ('compute side', ('nova-api', 'nova-conductor', 'nova-scheduler',
                      'placement', 'nova-compute')),
    ('block storage', ('cinder-api', 'cinder-scheduler', 'cinder-volume')),
    ('keystone', ('keystone',)),
    ('MariaDB', ('mariadb(mariadbd)',)),
    ('RabbitMQ', ('rabbitmq(beam.smp)',)),
    ('client', ('bench-client',)),
)
DEMO_PASSWORD = 'pass'


class Deployment:
    """nova_lite's services as processes, with Keystone and either real
    Cinder (``block_storage='cinder'``) or the built-in block storage
    (``'builtin'``). ``home`` holds the ``state.json`` the workload script
    reads."""

    def __init__(self, block_storage='cinder'):
        from tests.fixtures import databases
        from tests.fixtures import keystone as ks_fixture
        self.block_storage = block_storage
        self.home = tempfile.mkdtemp(prefix='nova-lite-deployed-')
        self.procs = {}
        self.logs = []
        self.cinder = None
        self.vhosts = None
        self.keystone = None
        self.dbs = [databases.Database('mysql', self.home)
                    for _ in range(4 if block_storage == 'builtin' else 3)]
        self.ks_fixture = ks_fixture
        self.timings = {}

    # ----------------------------------------------------------- bring-up --

    def start(self):
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self):
        from tests.fixtures import cinder as cinder_fixture
        from tests.fixtures import processes
        from tests.fixtures import rabbit
        t0 = time.monotonic()
        self.keystone = self.ks_fixture.Keystone(
            os.path.join(self.home, 'keystone'), own_session=True).start()
        ks = self.keystone
        ks.ensure('users', 'demo', domain_id='default',
                  password=DEMO_PASSWORD, enabled=True)
        ks.grant('demo', 'demo', 'member')
        self.timings['keystone_s'] = time.monotonic() - t0
        self.vhosts = rabbit.vhosts('nova_lite', 'cinder',
                                    prefix='nova_lite_deployed')
        urls = self.vhosts.__enter__()
        self.vhost = urls['nova_lite'].rsplit('/', 1)[1]
        if self.block_storage == 'cinder':
            t0 = time.monotonic()
            cinder_fixture.ensure_installed()
            self.cinder = cinder_fixture.Cinder(
                ks, os.path.join(self.home, 'cinder'),
                urls['cinder']).start()
            for name, proc in zip(cinder_fixture.SERVICES,
                                  self.cinder.procs):
                self.procs[name] = proc.pid
            self.timings['cinder_s'] = time.monotonic() - t0
        t0 = time.monotonic()
        self.port = processes.free_port()
        self.vport = processes.free_port()
        conf = self._write_conf(urls['nova_lite'])
        manage = [processes.binary('nova-lite-manage'), '--config-file',
                  conf]
        run = dict(check=True, capture_output=True)
        api_url, cell_url, cell0_url = [d.url for d in self.dbs[:3]]
        subprocess.run(manage + ['api_db', 'sync'], **run)
        subprocess.run(manage + ['cell_v2', 'map_cell0',
                                 '--database_connection', cell0_url], **run)
        subprocess.run(manage + ['cell_v2', 'create_cell', '--name', 'cell1',
                                 '--database_connection', cell_url,
                                 '--transport-url', urls['nova_lite']], **run)
        subprocess.run(manage + ['db', 'sync'], **run)
        self.timings['db_sync_s'] = time.monotonic() - t0
        t0 = time.monotonic()
        names = SERVICES
        if self.block_storage == 'builtin':
            names = ('nova-lite-block-storage',) + names
        for name in names:
            self._spawn(name, processes.binary(name), conf)
        self.api = 'http://127.0.0.1:%d' % self.port
        ks.register('compute', self.api + '/v2.1', name='nova')
        ks.register('image', self.api + '/image', name='glance')
        if self.block_storage == 'builtin':
            volume = 'http://127.0.0.1:%d/v3/$(project_id)s' % self.vport
            ks.register('volumev3', volume, name='cinderv3')
            ks.register('block-storage', volume, name='cinder')
            self.volume_root = 'http://127.0.0.1:%d' % self.vport
        else:
            self.volume_root = self.cinder.url
        self._wait_up()
        self.timings['services_up_s'] = time.monotonic() - t0
        t0 = time.monotonic()
        self.volume_id = self._volume()
        self.timings['seed_resources_s'] = time.monotonic() - t0
        self._write_state()

    def _write_conf(self, transport_url):
        for db in self.dbs:
            db.create()
        path = os.path.join(self.home, 'nova-lite.conf')
        ks = self.keystone
        text = ('[DEFAULT]\ntransport_url = %s\nstate_path = %s\n'
                'osapi_compute_listen_port = %d\n'
                'osapi_volume_listen_port = %d\nhost = bench-compute\n'
                '[api]\nauth_strategy = keystone\n'
                '[api_database]\nconnection = %s\n'
                '[database]\nconnection = %s\n'
                '[cinder]\nendpoint_template =\nos_region_name = %s\n'
                '[scheduler]\ndiscover_hosts_in_cells_interval = 1\n'
                '[oslo_messaging_notifications]\ndriver = messagingv2\n'
                '[notifications]\nnotification_format = versioned\n'
                '[quota]\ninstances = -1\ncores = -1\nram = -1\n'
                % (transport_url, self.home, self.port, self.vport,
                   self.dbs[0].url, self.dbs[1].url,
                   self.ks_fixture.REGION))
        if self.block_storage == 'builtin':
            text += '[block_storage]\nconnection = %s\n' % self.dbs[3].url
        else:
            text += '[block_storage]\nenabled = False\n'
        text += ks.authtoken_conf()
        with open(path, 'w') as f:
            f.write(text)
        return path

    def _spawn(self, name, binary, conf):
        log = open(os.path.join(self.home, name + '.log'), 'w')
        self.logs.append(log)
        env = dict(os.environ, PYTHONUNBUFFERED='1')
        proc = subprocess.Popen(
            [binary, '--config-file', conf], stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True)
        self.procs[name] = proc.pid
        return proc

    def _log(self, name):
        try:
            with open(os.path.join(self.home, name + '.log')) as f:
                return f.read()
        except OSError:
            return ''

    def _wait_up(self, timeout=90):
        """Every RPC service consumes its queues, and the compute host is
        mapped into its cell."""
        deadline = time.monotonic() + timeout
        token = self.keystone.admin_token()
        while True:
            for name, pid in self.procs.items():
                if name.startswith('nova-lite') and not _alive(pid):
                    raise RuntimeError('%s exited:\n%s' % (
                        name, self._log(name)[-4000:]))
            started = all('started on host' in self._log(name)
                          for name in ('nova-lite-conductor',
                                       'nova-lite-compute'))
            try:
                resp = requests.get(self.api + '/v2.1/os-hypervisors',
                                    headers={'X-Auth-Token': token},
                                    timeout=5)
                if started and resp.status_code == 200 and \
                        resp.json()['hypervisors']:
                    return
            except (requests.RequestException, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError('nova_lite did not come up; logs in %s'
                                   % self.home)
            time.sleep(0.3)

    def _volume(self):
        """The multiattach type (as admin) and the demo project's volume
        the workload attaches to every server."""
        ks = self.keystone
        admin = self.ks_fixture.ADMIN_PASSWORD
        token, body = ks.token('admin', admin, project='admin')
        base = '%s/v3/%s' % (self.volume_root, body['project']['id'])
        resp = requests.post(base + '/types', headers={
            'X-Auth-Token': token}, timeout=30, json={'volume_type': {
                'name': 'multiattach',
                'extra_specs': {'multiattach': '<is> True'}}})
        assert resp.status_code == 200, resp.text
        token, body = ks.token('demo', DEMO_PASSWORD, project='demo')
        base = '%s/v3/%s' % (self.volume_root, body['project']['id'])
        headers = {'X-Auth-Token': token}
        resp = requests.post(base + '/volumes', headers=headers, timeout=30,
                             json={'volume': {'size': 1, 'name': 'bench',
                                              'volume_type': 'multiattach'}})
        assert resp.status_code == 202, resp.text
        volume_id = resp.json()['volume']['id']
        deadline = time.monotonic() + 60
        while True:
            volume = requests.get(base + '/volumes/' + volume_id,
                                  headers=headers, timeout=30).json()[
                                      'volume']
            if volume['status'] == 'available':
                assert volume['multiattach'], volume
                return volume_id
            assert volume['status'] != 'error' and \
                time.monotonic() < deadline, volume
            time.sleep(0.2)

    def _write_state(self):
        """The deployment as the workload script reads it."""
        cinder_port = int(self.volume_root.rsplit(':', 1)[1])
        procs = {'keystone': self.procs.get('keystone')}
        names = {'nova-lite-api': 'nova-api',
                 'nova-lite-conductor': 'nova-conductor',
                 'nova-lite-compute': 'nova-compute',
                 'nova-lite-block-storage': 'cinder-api'}
        for name, pid in self.procs.items():
            procs[names.get(name, name)] = pid
        procs['keystone'] = self.keystone.proc.pid
        state = {'procs': procs,
                 'ports': {'nova': self.port, 'cinder': cinder_port,
                           # no image or network stub: the workload's
                           # closing stub query finds none
                           'glance': self.vport if self.block_storage ==
                           'cinder' else self.port},
                 'image_id': common.IMAGE, 'api_workers': 1,
                 'concurrency': 'native threads',
                 'keystone_url': self.keystone.url,
                 'password': DEMO_PASSWORD, 'volume_id': self.volume_id,
                 'timings': {k: round(v, 2)
                             for k, v in self.timings.items()}}
        with open(os.path.join(self.home, 'state.json'), 'w') as f:
            json.dump(state, f, indent=1)

    # -------------------------------------------------------- measuring --

    def workload(self, sizes, wait):
        """The kit's bench_mp.py against this deployment; its document."""
        env = dict(os.environ, NOVA_PEER_MP_HOME=self.home,
                   BENCH_N=','.join(str(n) for n in sizes),
                   BENCH_WAIT=wait, NP_VHOST=self.vhost,
                   BENCH_CONFIG='nova_lite-%s' % self.block_storage)
        result = subprocess.run(
            [sys.executable, os.path.join(KIT, 'bench_mp.py')], env=env,
            capture_output=True, text=True, timeout=1800)
        sys.stderr.write(result.stderr[-6000:])
        try:
            doc = json.loads(result.stdout)
        except ValueError:
            raise RuntimeError('bench_mp.py gave no result (%d):\n%s' % (
                result.returncode, result.stderr[-4000:]))
        return doc

    # --------------------------------------------------------- tear-down --

    def stop(self):
        for name in ('nova-lite-compute', 'nova-lite-conductor',
                     'nova-lite-api', 'nova-lite-block-storage'):
            pid = self.procs.get(name)
            if pid is not None and _alive(pid):
                os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, pid in self.procs.items():
            if not name.startswith('nova-lite'):
                continue
            while _alive(pid) and time.monotonic() < deadline:
                _reap(pid)
                time.sleep(0.1)
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)
            _reap(pid)
        for log in self.logs:
            log.close()
        if self.cinder is not None:
            self.cinder.stop()
        if self.keystone is not None:
            self.keystone.stop()
        if self.vhosts is not None:
            self.vhosts.__exit__(None, None, None)
        for db in self.dbs:
            if db.url:
                db.drop()
        shutil.rmtree(self.home, ignore_errors=True)


def _alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def _reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def peer(sizes, wait):
    """The kit's own run.sh (fresh nova deployment, workload, tear-down);
    its document, or None where the kit is not installed."""
    if not os.path.exists(os.path.join(KIT, 'run.sh')):
        return None
    out = tempfile.mktemp(prefix='nova-peer-mp-', suffix='.json')
    env = dict(os.environ, OUT=out, BENCH_WAIT=wait)
    result = subprocess.run([os.path.join(KIT, 'run.sh')] +
                            [str(n) for n in sizes], env=env,
                            capture_output=True, text=True, timeout=3600)
    sys.stderr.write(result.stderr[-6000:])
    try:
        with open(out) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {'meta': {'ok': False, 'error': result.stderr[-2000:]}}
    finally:
        if os.path.exists(out):
            os.remove(out)


def run(sizes, wait='notify', with_peer=True,
        block_storage=('cinder', 'builtin')):
    """nova_lite with real Cinder, nova_lite with its built-in block
    storage, then nova's deployment: one document each."""
    out = {'wait': wait, 'sizes': sizes}
    for kind in block_storage:
        deployment = Deployment(kind).start()
        try:
            doc = deployment.workload(sizes, wait)
            doc['meta']['bringup_s'] = deployment.timings
            out['nova_lite-%s' % kind] = doc
        finally:
            deployment.stop()
    if with_peer:
        out['nova-cinder'] = peer(sizes, wait)
    return out


def group_cpu(per_process):
    return {group: round(sum(per_process.get(n, 0.0) for n in names), 3)
            for group, names in GROUPS}


HEADERS = ('deployment', 'N', 'phase', 'p50 ms', 'p90 ms', 'api p50',
           'compute ms/op', 'storage ms/op', 'MariaDB ms/op',
           'RabbitMQ ms/op', 'client ms/op', 'wall s')


def rows(document):
    out = []
    for name in ('nova_lite-cinder', 'nova_lite-builtin', 'nova-cinder'):
        doc = document.get(name)
        if not doc or not doc.get('multiattach'):
            continue
        for n, res in sorted(doc['multiattach'].items(),
                             key=lambda kv: int(kv[0])):
            for phase in PHASES:
                r = res[phase]
                cpu = group_cpu(r['cpu']['per_process_s'])
                per_op = [common.fmt(1000.0 * cpu[g] / r['ops'])
                          for g in ('compute side', 'block storage',
                                    'MariaDB', 'RabbitMQ', 'client')]
                out.append([name, n, phase,
                            common.fmt(r['latency_ms']['p50']),
                            common.fmt(r['latency_ms']['p90']),
                            common.fmt(r['api_ms']['p50'])] + per_op +
                           [common.fmt(r['wall_s'], 2)])
            total = res['total']
            cpu = group_cpu(total['cpu']['per_process_s'])
            out.append([name, n, 'total (s)', '', '', ''] +
                       [common.fmt(cpu[g], 2)
                        for g in ('compute side', 'block storage',
                                  'MariaDB', 'RabbitMQ', 'client')] +
                       [common.fmt(total['wall_s'], 2)])
    return out
