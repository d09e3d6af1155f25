"""Shared pieces of the benchmarks: timing, statistics, tables, results."""

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
MEMBER = {'X-Auth-Token': 'demo:demo',
          'OpenStack-API-Version': 'compute 2.60'}
ADMIN = {'X-Auth-Token': 'admin:admin'}


def process_cpu():
    """User + system CPU seconds of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pid_cpu(pid):
    """User + system CPU seconds of another process (from /proc)."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    ticks = os.sysconf('SC_CLK_TCK')
    return (int(fields[11]) + int(fields[12])) / ticks


def server_pids(comm):
    """The processes whose command name is ``comm`` (``beam.smp`` for
    RabbitMQ, ``postgres`` for PostgreSQL's server and its backends)."""
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/comm' % entry) as f:
                if f.read().strip() == comm:
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def cpu_by_pid(pids):
    """``{pid: CPU seconds}`` of those of ``pids`` still running."""
    out = {}
    for pid in pids:
        try:
            out[pid] = pid_cpu(pid)
        except OSError:
            pass
    return out


def percentile(values, pct):
    """Nearest-rank percentile (as the peer kit computes it)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(int(-(-pct * len(ordered) // 100)), 1)
    return ordered[rank - 1]


def summary_ms(seconds):
    ms = [s * 1000 for s in seconds]
    return {'mean': sum(ms) / len(ms) if ms else None,
            'p50': percentile(ms, 50), 'p95': percentile(ms, 95),
            'max': max(ms) if ms else None}


class Phase:
    """Wall, CPU and per-operation latencies of one phase."""

    def __init__(self, name, cpu=process_cpu, parts=None):
        self.name = name
        self.cpu = cpu
        # ``parts()``: {name: {pid: CPU seconds}} of the processes whose
        # CPU is also reported one by one.
        self.parts = parts
        self.parts0 = self.parts1 = None
        self.latencies = []
        self.answers = []

    def __enter__(self):
        if self.parts is not None:
            self.parts0 = self.parts()
        self.wall0 = time.monotonic()
        self.cpu0 = self.cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.monotonic() - self.wall0
        self.cpu_s = self.cpu() - self.cpu0
        if self.parts is not None:
            self.parts1 = self.parts()

    def _by_process(self, ops):
        """CPU ms per operation of each part: a process running at both
        ends counts what it used in between, one that started during the
        phase all it used, one that ended during it nothing."""
        out = {}
        for name, after in sorted(self.parts1.items()):
            before = self.parts0.get(name, {})
            used = sum(cpu - before.get(pid, 0.0)
                       for pid, cpu in after.items())
            out[name] = round(used * 1000 / ops, 3)
        return out

    def op(self):
        return _Op(self)

    def result(self):
        ops = len(self.latencies)
        out = {'ops': ops, 'wall_s': round(self.wall, 4),
               'cpu_s': round(self.cpu_s, 4),
               'cpu_ms_per_op': round(self.cpu_s * 1000 / ops, 3)
               if ops else None,
               'latency_ms': _rounded(summary_ms(self.latencies)),
               'ops_per_s': round(ops / self.wall, 2) if self.wall else None}
        if self.answers:
            out['http_ms'] = _rounded(summary_ms(self.answers))
        if self.parts1 is not None and ops:
            out['cpu_ms_per_op_by_process'] = self._by_process(ops)
        return out


def _rounded(summary):
    return {k: round(v, 3) if v is not None else None
            for k, v in summary.items()}


class _Op:
    """One operation: from entering until leaving, and (where
    :meth:`answered` is called) until its HTTP call was answered."""

    def __init__(self, phase):
        self.phase = phase
        self.answer = None

    def __enter__(self):
        self.t0 = time.monotonic()
        return self

    def answered(self):
        """The HTTP call is answered; what follows is the wait for the
        operation to complete."""
        self.answer = time.monotonic() - self.t0

    def __exit__(self, *exc):
        if exc[0] is None:
            self.phase.latencies.append(time.monotonic() - self.t0)
            if self.answer is not None:
                self.phase.answers.append(self.answer)


class Events:
    """Wait for nova_lite's in-process notifications without polling."""

    def __init__(self):
        self.cond = threading.Condition()
        self.seen = set()

    def __call__(self, event_type, instance_uuid, payload):
        with self.cond:
            self.seen.add((event_type, instance_uuid))
            self.cond.notify_all()

    def wait(self, event_type, instance_uuid, timeout=60):
        """Until ``event_type`` (``*.end``) of the server arrives; an
        error notification of the same operation fails at once."""
        key = (event_type, instance_uuid)
        failed = (event_type.rsplit('.', 1)[0] + '.error', instance_uuid)
        with self.cond:
            if not self.cond.wait_for(
                    lambda: key in self.seen or failed in self.seen,
                    timeout):
                raise RuntimeError('no %s for %s within %ss'
                                   % (event_type, instance_uuid, timeout))
            if failed in self.seen:
                raise RuntimeError('%s for %s' % failed)
            self.seen.discard(key)


class BusEvents:
    """An oslo.messaging notification endpoint handing nova_lite's
    versioned notifications to :class:`Events`."""

    def __init__(self, events):
        self.events = events

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self.events(event_type, payload['nova_object.data']['uuid'],
                    payload)

    error = info


def meta(**extra):
    out = {
        'started_utc': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'python': platform.python_version(),
        # Builds of one Python version differ in speed: the interpreter
        # the virtualenv was made from, links resolved.
        'python_executable': os.path.realpath(
            getattr(sys, '_base_executable', sys.executable)),
        'cpus': os.cpu_count(),
        'loadavg_1min_start': os.getloadavg()[0],
    }
    out.update(extra)
    return out


def write_json(path, document):
    os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
    with open(path, 'w') as f:
        json.dump(document, f, indent=2, sort_keys=True)


def table(rows, headers):
    """A plain text table."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows))
              for i, h in enumerate(headers)] if rows else \
        [len(h) for h in headers]
    line = '  '.join('%-*s' % (w, h) for w, h in zip(widths, headers))
    out = [line, '  '.join('-' * w for w in widths)]
    for row in rows:
        out.append('  '.join('%-*s' % (w, c) for w, c in zip(widths, row)))
    return '\n'.join(out)


def fmt(value, digits=1):
    if value is None:
        return '-'
    return ('%.' + str(digits) + 'f') % value


def tool(*commands, package):
    """True once every one of ``commands`` is on the PATH, installing
    Debian's ``package`` with apt first when one is missing and this runs
    as root."""
    if all(shutil.which(c) for c in commands):
        return True
    if os.geteuid() == 0 and shutil.which('apt-get'):
        subprocess.run(['apt-get', 'install', '-y', '-qq',
                        '--no-install-recommends', package],
                       check=True, capture_output=True,
                       env=dict(os.environ,
                                DEBIAN_FRONTEND='noninteractive'))
    return all(shutil.which(c) for c in commands)


QUOTA_FREE = ('instances', 'cores', 'ram')


def all_in_one(conf):
    """The all-in-one of ``tests.fixtures.stack`` on ``conf``, started,
    then settled as nova-lite-all settles once it runs
    (:func:`nova_lite.cmd.common.settle`)."""
    from nova_lite.cmd import common as cmd_common
    from tests.fixtures import stack as stack_fixture
    # Every benchmark boots its servers in one project: no server quotas.
    for name in QUOTA_FREE:
        conf.set_override(name, -1, group='quota')
    stack = stack_fixture.Stack(conf).start()
    cmd_common.settle()
    return stack
