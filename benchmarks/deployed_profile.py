"""Where an attach's CPU goes in the deployed nova_lite: py-spy samples
each service process while N servers get the multiattach volume attached
one after the other (then detached, sampled apart), and this prints, per
process, the CPU per operation and the share of the samples under each
part of the stack.

    python -m benchmarks.deployed_profile [--block-storage cinder|builtin]
                                          [--n 50] [--out DIR]

The deployment is the deployed part's (:mod:`benchmarks.deployed`):
nova-lite-api, -conductor and -compute (and -block-storage) as processes
behind a real Keystone, with real Cinder or the built-in block storage.
py-spy (``pip install py-spy``) samples without stopping the processes,
only the thread that holds the GIL (``--gil``), so the samples follow
the CPU spent in Python. The raw stacks (one folded stack per line) and
the services' logs are kept in DIR.
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import time

import requests

from benchmarks import common
from benchmarks import deployed

# (label, a path fragment of the frame's file); a sample counts once under
# each label one of its frames matches ("inclusive"), and under the leaf
# frame's label ("self").
PARTS = (
    ('keystonemiddleware', '/keystonemiddleware/'),
    ('keystoneauth (outbound auth)', '/keystoneauth1/'),
    ('cinderclient', '/cinderclient/'),
    ('requests/urllib3 (outbound HTTP)', '/urllib3/'),
    ('oslo.messaging', '/oslo_messaging/'),
    ('kombu/amqp (RabbitMQ)', '/kombu/'),
    ('amqp', '/amqp/'),
    ('SQLAlchemy', '/sqlalchemy/'),
    ('PyMySQL', '/pymysql/'),
    ('oslo.db', '/oslo_db/'),
    ('oslo.policy', '/oslo_policy/'),
    ('oslo.versionedobjects/serialization', '/oslo_serialization/'),
    ('logging', '/logging/'),
    ('oslo.log', '/oslo_log/'),
    ('jsonschema', '/jsonschema/'),
    ('json', '/json/'),
    ('pecan', '/pecan/'),
    ('webob', '/webob/'),
    ('cheroot', '/cheroot/'),
    ('notifications', '/nova_lite/notifications'),
    ('nova_lite', '/nova_lite/'),
)


def _label(frame):
    # "function (path/file.py:line)", the path relative to sys.path
    path = '/' + frame[frame.rfind('(') + 1:]
    for label, fragment in PARTS:
        if fragment in path:
            return label
    return 'other'


def breakdown(path):
    """``(samples, {label: inclusive samples}, {label: self samples})``
    of a py-spy raw file."""
    total = 0
    inclusive = collections.Counter()
    leaf = collections.Counter()
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip('\n').rpartition(' ')
            if not stack:
                continue
            count = int(count)
            total += count
            frames = stack.split(';')
            for label in {_label(fr) for fr in frames}:
                inclusive[label] += count
            leaf[_label(frames[-1])] += count
    return total, inclusive, leaf


class _Client:
    def __init__(self, deployment):
        ks = deployment.keystone
        token, body = ks.token('demo', deployed.DEMO_PASSWORD,
                               project='demo')
        self.api = deployment.api + '/v2.1'
        self.volume = deployment.volume_id
        self.s = requests.Session()
        self.s.headers.update({'X-Auth-Token': token,
                               'OpenStack-API-Version': 'compute 2.60'})
        self.vs = requests.Session()
        self.vs.headers.update({'X-Auth-Token': token,
                                'OpenStack-API-Version': 'volume 3.27'})
        self.vbase = '%s/v3/%s' % (deployment.volume_root,
                                   body['project']['id'])

    def wait(self, fn, timeout=60):
        deadline = time.monotonic() + timeout
        while not fn():
            assert time.monotonic() < deadline
            time.sleep(0.01)

    def boot(self, n):
        ids = []
        for i in range(n):
            r = self.s.post(self.api + '/servers', json={'server': {
                'name': 'prof-%d' % i, 'flavorRef': '1',
                'imageRef': common.IMAGE, 'networks': 'none'}})
            assert r.status_code == 202, r.text
            ids.append(r.json()['server']['id'])
        for sid in ids:
            self.wait(lambda: self.s.get(self.api + '/servers/' + sid)
                      .json()['server']['status'] == 'ACTIVE')
        return ids

    def attached(self, sid):
        a = self.vs.get(self.vbase + '/attachments',
                        params={'instance_id': sid}).json()['attachments']
        return any(x['status'] == 'attached' for x in a)

    def attach(self, sid):
        r = self.s.post(self.api + '/servers/%s/os-volume_attachments' % sid,
                        json={'volumeAttachment': {'volumeId': self.volume}})
        assert r.status_code == 200, r.text
        self.wait(lambda: self.attached(sid))

    def detach(self, sid):
        r = self.s.delete(self.api + '/servers/%s/os-volume_attachments/%s'
                          % (sid, self.volume))
        assert r.status_code == 202, r.text
        self.wait(lambda: not self.vs.get(
            self.vbase + '/attachments',
            params={'instance_id': sid}).json()['attachments'])


def _spy(pids, out, phase, rate):
    spy = shutil.which('py-spy') or os.path.join(
        os.path.dirname(sys.executable), 'py-spy')
    procs = {}
    for name, pid in pids.items():
        procs[name] = subprocess.Popen(
            [spy, 'record', '-p', str(pid), '-r', str(rate), '-f', 'raw', '--gil',
             '--nonblocking', '-o', os.path.join(out, '%s-%s.txt' % (
                 phase, name))],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)   # py-spy attached
    return procs


def _stop_spy(procs):
    for proc in procs.values():
        proc.send_signal(2)   # SIGINT: py-spy writes what it sampled
    for proc in procs.values():
        proc.wait(timeout=60)


def run(block_storage='builtin', n=50, out='bench-results/profile',
        rate=250):
    os.makedirs(out, exist_ok=True)
    deployment = deployed.Deployment(block_storage).start()
    try:
        client = _Client(deployment)
        pids = {name: pid for name, pid in deployment.procs.items()
                if name.startswith('nova-lite') or name.startswith('cinder')}
        warm = client.boot(2)
        for sid in warm:
            client.attach(sid)
            client.detach(sid)
        ids = client.boot(n)
        result = {}
        for phase, op in (('attach', client.attach),
                          ('detach', client.detach)):
            cpu0 = {name: common.cpu_by_pid(
                _group(pid)) for name, pid in pids.items()}
            spies = _spy(pids, out, phase, rate)
            t0 = time.monotonic()
            for sid in ids:
                op(sid)
            wall = time.monotonic() - t0
            _stop_spy(spies)
            cpu1 = {name: common.cpu_by_pid(
                _group(pid)) for name, pid in pids.items()}
            result[phase] = {'wall_s': round(wall, 2), 'processes': {}}
            for name in pids:
                used = sum(cpu1[name].get(p, 0) - cpu0[name].get(p, 0)
                           for p in cpu1[name])
                total, inclusive, leaf = breakdown(os.path.join(
                    out, '%s-%s.txt' % (phase, name)))
                result[phase]['processes'][name] = {
                    'cpu_ms_per_op': round(1000.0 * used / n, 1),
                    'samples': total,
                    'inclusive_pct': _pct(inclusive, total),
                    'self_pct': _pct(leaf, total)}
        return result
    finally:
        for name in os.listdir(deployment.home):
            if name.endswith('.log'):
                shutil.copy(os.path.join(deployment.home, name), out)
        deployment.stop()


def _group(pgid):
    """The processes of a process group (a service and its children)."""
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            pids.append(int(entry))
    return pids


def _pct(counter, total):
    return {k: round(100.0 * v / total, 1)
            for k, v in counter.most_common() if total and v}


def report(result):
    lines = []
    for phase, res in result.items():
        lines.append('%s: %.2f s for the phase' % (phase, res['wall_s']))
        for name, p in res['processes'].items():
            lines.append('  %-24s %6.1f ms CPU/op, %d samples' % (
                name, p['cpu_ms_per_op'], p['samples']))
            lines.append('    inclusive: ' + ', '.join(
                '%s %.0f%%' % kv for kv in p['inclusive_pct'].items()
                if kv[1] >= 3))
            lines.append('    self:      ' + ', '.join(
                '%s %.0f%%' % kv for kv in p['self_pct'].items()
                if kv[1] >= 3))
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m '
                                     'benchmarks.deployed_profile')
    parser.add_argument('--block-storage', default='builtin',
                        choices=('builtin', 'cinder'))
    parser.add_argument('--n', type=int, default=50)
    parser.add_argument('--rate', type=int, default=250)
    parser.add_argument('--out', default='bench-results/profile')
    args = parser.parse_args(argv)
    result = run(args.block_storage, args.n, args.out, args.rate)
    common.write_json(os.path.join(args.out, 'profile-%s.json'
                                   % args.block_storage), result)
    print(report(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())
