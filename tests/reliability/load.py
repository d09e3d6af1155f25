"""A bounded, self-stopping load test on 127.0.0.1.

100 concurrent clients (threads with their own HTTP session) drive the
multi-process deployment for a fixed time, each picking at random among
booting a server, attaching one of a few shared multiattach volumes to one
of its servers, detaching one, listing servers, listing a server's volume
attachments and deleting a server. The clients' project has no server
quotas, so that every client can keep its two servers (with the default
10 instances nearly every boot was refused). Answers that nova's rules make correct
(409 for a server still building, 400 for a volume already attached, 404
for one already gone) are counted, never retried. When the time is up the
clients stop, the deployment is left to settle, and nova's mappings, the
block storage's attachments and the guests are compared; then every server
is deleted and no attachment may be left.

Run alone: ``python -m tests.reliability.load [--clients 100]
[--duration 60]`` (needs PostgreSQL on 127.0.0.1 and rabbitmq-server
installed; a private RabbitMQ node is started on free ports).
"""

import argparse
import collections
import pathlib
import random
import shutil
import tempfile
import threading
import time

import requests

from tests.reliability import deployment as dep_mod

KINDS = ('boot', 'attach', 'detach', 'list', 'attachments', 'delete')
# The project of the clients' token (deployment.MEMBER).
LOAD_PROJECT = 'demo'


def percentile(values, pct):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(pct / 100.0 *
                                                 (len(values) - 1))))]


class Stats:

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = collections.Counter()
        self.statuses = collections.Counter()
        self.latency = collections.defaultdict(list)
        self.server_errors = []

    def record(self, kind, status, seconds, body=''):
        with self.lock:
            self.requests[kind] += 1
            self.statuses[(kind, status)] += 1
            self.latency[kind].append(seconds)
            if not isinstance(status, int) or status >= 500:
                self.server_errors.append((kind, status, body[:300]))

    @property
    def total(self):
        return sum(self.requests.values())

    def errors_by_status(self):
        out = collections.Counter()
        for (kind, status), count in self.statuses.items():
            if not isinstance(status, int) or status >= 400:
                out[status] += count
        return out

    def report(self, duration, clients):
        everything = [s for values in self.latency.values() for s in values]
        lines = ['%d clients for %.0f s: %d requests (%.1f/s)' % (
            clients, duration, self.total, self.total / duration)]
        lines.append('%-12s %8s %9s %9s %9s  %s' % (
            'kind', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'answers'))
        for kind in KINDS + ('all',):
            values = everything if kind == 'all' else self.latency[kind]
            answers = ', '.join(
                '%s: %d' % (status, count) for (k, status), count in
                sorted(self.statuses.items(), key=lambda i: str(i[0]))
                if k == kind) if kind != 'all' else ''
            lines.append('%-12s %8d %9.1f %9.1f %9.1f  %s' % (
                kind, len(values), percentile(values, 50) * 1000,
                percentile(values, 95) * 1000,
                percentile(values, 99) * 1000, answers))
        errors = self.errors_by_status()
        lines.append('errors by status: %s' % (
            ', '.join('%s: %d' % (s, c) for s, c in sorted(
                errors.items(), key=lambda i: str(i[0]))) or 'none'))
        return lines


class Client(threading.Thread):

    def __init__(self, index, dep, volumes, stop_at, stats, max_servers=2):
        super().__init__(name='load-client-%d' % index, daemon=True)
        self.index = index
        self.dep = dep
        self.volumes = volumes
        self.stop_at = stop_at
        self.stats = stats
        self.max_servers = max_servers
        self.rng = random.Random(index)
        self.session = requests.Session()
        self.servers = {}
        self.booted = 0
        self.failure = None

    def _call(self, kind, method, path, json=None):
        start = time.monotonic()
        try:
            resp = self.dep.api(method, path, json=json,
                                session=self.session, timeout=60)
        except requests.RequestException as error:
            self.stats.record(kind, type(error).__name__,
                              time.monotonic() - start, str(error))
            return None
        self.stats.record(kind, resp.status_code, time.monotonic() - start,
                          resp.text)
        return resp

    def run(self):
        try:
            while time.monotonic() < self.stop_at:
                self.step()
        except Exception as error:   # a bug of the client itself
            self.failure = error

    def step(self):
        choices = ['list', 'list', 'attachments']
        if len(self.servers) < self.max_servers:
            choices += ['boot'] * 2
        if self.servers:
            choices += ['attach'] * 4 + ['detach'] * 3 + ['delete']
        kind = self.rng.choice(choices)
        if kind == 'boot':
            self.booted += 1
            resp = self._call('boot', 'POST', '/servers', json={'server': {
                'name': 'load-%d-%d' % (self.index, self.booted),
                'flavorRef': '1', 'networks': 'none',
                'imageRef': dep_mod.IMAGE}})
            if resp is not None and resp.status_code == 202:
                self.servers[resp.json()['server']['id']] = set()
        elif kind == 'list':
            self._call('list', 'GET', self.rng.choice(
                ['/servers', '/servers/detail?limit=50']))
        elif kind == 'attachments':
            if self.servers:
                server_id = self.rng.choice(sorted(self.servers))
                self._call('attachments', 'GET',
                           '/servers/%s/os-volume_attachments' % server_id)
        elif kind == 'attach':
            server_id = self.rng.choice(sorted(self.servers))
            free = [v for v in self.volumes
                    if v not in self.servers[server_id]]
            if not free:
                return
            volume_id = self.rng.choice(free)
            resp = self._call(
                'attach', 'POST', '/servers/%s/os-volume_attachments' %
                server_id, json={'volumeAttachment': {'volumeId': volume_id}})
            if resp is not None and resp.status_code == 200:
                self.servers[server_id].add(volume_id)
        elif kind == 'detach':
            server_id = self.rng.choice(sorted(self.servers))
            if not self.servers[server_id]:
                return
            volume_id = self.rng.choice(sorted(self.servers[server_id]))
            resp = self._call(
                'detach', 'DELETE', '/servers/%s/os-volume_attachments/%s'
                % (server_id, volume_id))
            if resp is not None and resp.status_code in (202, 404):
                self.servers[server_id].discard(volume_id)
        elif kind == 'delete':
            server_id = self.rng.choice(sorted(self.servers))
            resp = self._call('delete', 'DELETE', '/servers/%s' % server_id)
            if resp is not None and resp.status_code in (204, 404):
                del self.servers[server_id]


def settle(dep, timeout=180):
    """Until no server is building or in a task state and no volume or
    attachment is in transition."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = dep.sql('cell', "SELECT count(*) FROM instances WHERE "
                       "deleted = 0 AND (task_state IS NOT NULL OR "
                       "vm_state = 'building')")[0][0]
        moving = dep.sql('volume', "SELECT count(*) FROM volumes WHERE "
                         "status NOT IN ('available', 'in-use')")[0][0]
        pending = dep.sql('volume', "SELECT count(*) FROM volume_attachment "
                          "WHERE attach_status <> 'attached'")[0][0]
        if not (busy or moving or pending):
            return
        time.sleep(0.5)
    raise dep_mod.DeploymentError('the deployment did not settle')


def duplicates(dep):
    """(server, volume) pairs mapped or attached more than once."""
    out = []
    pairs = collections.Counter((b.instance_uuid, b.volume_id)
                                for b in dep.bdms())
    out += ['mapped %d times: %s' % (n, p) for p, n in pairs.items() if n > 1]
    pairs = collections.Counter((a.instance_uuid, a.volume_id)
                                for a in dep.attachments())
    out += ['attached %d times: %s' % (n, p) for p, n in pairs.items()
            if n > 1]
    return out


def run(dep, clients=100, duration=60, volumes=8, out=print):
    """Drive ``dep``; returns the figures (a dict). Raises if anything was
    lost, duplicated or answered with a 5xx."""
    mtype = dep.multiattach_type()
    volume_ids = [dep.volume(mtype) for _ in range(volumes)]
    # Every client boots up to two servers in the one project: its
    # quotas must not refuse them (with the default 10 instances nearly
    # every boot was a 403 and the servers to attach to were few).
    resp = dep.api('PUT', '/os-quota-sets/%s' % LOAD_PROJECT,
                   token=dep_mod.ADMIN, json={'quota_set': {
                       'instances': -1, 'cores': -1, 'ram': -1}})
    assert resp.status_code == 200, resp.text
    stats = Stats()
    started = time.monotonic()
    stop_at = started + duration
    threads = [Client(i, dep, volume_ids, stop_at, stats)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 120)
    elapsed = time.monotonic() - started
    failures = [t.failure for t in threads if t.failure or t.is_alive()]
    for line in stats.report(elapsed, clients):
        out(line)
    settle(dep)
    problems = dep.consistency() + duplicates(dep)
    mappings, attachments = dep.last_counts
    out('after the load: %d servers, %d mappings and %d attachments '
        'compared, %d problems' % (
            dep.sql('cell', 'SELECT count(*) FROM instances WHERE '
                    'deleted = 0')[0][0], mappings, attachments,
            len(problems)))
    # Everything deleted: nothing may stay attached.
    servers = [r[0] for r in dep.sql(
        'cell', 'SELECT uuid FROM instances WHERE deleted = 0')]
    cleanup = requests.Session()
    for server_id in servers:
        dep.api('DELETE', '/servers/%s' % server_id, session=cleanup,
                token=dep_mod.ADMIN)
    settle(dep)
    deadline = time.monotonic() + 120
    while dep.sql('cell', 'SELECT count(*) FROM instances WHERE '
                  'deleted = 0')[0][0] and time.monotonic() < deadline:
        time.sleep(0.5)
    left = dep.attachments()
    statuses = [dep.volume_status(v) for v in volume_ids]
    out('after deleting all %d servers: %d attachments left, volumes %s' % (
        len(servers), len(left), dict(collections.Counter(statuses))))
    figures = {
        'clients': clients, 'duration': elapsed, 'requests': stats.total,
        'by_kind': dict(stats.requests),
        'errors_by_status': {str(k): v for k, v in
                             stats.errors_by_status().items()},
        'server_errors': stats.server_errors,
        'p50_ms': percentile([s for v in stats.latency.values() for s in v],
                             50) * 1000,
        'p95_ms': percentile([s for v in stats.latency.values() for s in v],
                             95) * 1000,
        'p99_ms': percentile([s for v in stats.latency.values() for s in v],
                             99) * 1000,
        'mappings_compared': mappings, 'attachments_compared': attachments,
        'problems': problems, 'left_after_delete': len(left),
        'client_failures': [repr(f) for f in failures],
        'volume_statuses': statuses,
    }
    return figures


def check(figures):
    assert not figures['client_failures'], figures['client_failures']
    assert not figures['server_errors'], figures['server_errors'][:10]
    assert not figures['problems'], figures['problems'][:20]
    assert figures['left_after_delete'] == 0
    assert set(figures['volume_statuses']) == {'available'}
    for kind in KINDS:
        assert figures['by_kind'].get(kind), 'no %s requests' % kind


def main(argv=None):
    from tests.reliability import broker as broker_mod
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--clients', type=int, default=100)
    parser.add_argument('--duration', type=float, default=60)
    parser.add_argument('--volumes', type=int, default=8)
    args = parser.parse_args(argv)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix='nova-lite-load-'))
    node = broker_mod.PrivateBroker(tmp).start()
    dep = None
    try:
        dep = dep_mod.Deployment(tmp, node.url).start()
        figures = run(dep, args.clients, args.duration, args.volumes)
        check(figures)
        print('OK: no 5xx, nothing lost, duplicated or left behind')
    finally:
        if dep is not None:
            dep.stop()
        node.destroy()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
