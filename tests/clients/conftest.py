"""The real clients against ``nova-lite-all`` started as a process.

One all-in-one (noauth2, SQLite, fake driver, in-process RPC) is started
once for the whole ``tests/clients`` run from a configuration file in a
temporary state directory, on free ports, as an operator would start it;
every client module talks to it over HTTP only. Its log file holds the
API's request log (``"GET /v2.1/..." status: 200 ... microversion: 2.60``),
from which the tests read the microversion each client really used.
"""

import json
import os
import re
import shutil
import subprocess
import time

import pytest
import requests

from tests.fixtures import processes

# Servers with these names go to ERROR (the fake driver fails their spawn).
ERROR_NAMES = ('osc-err', 'nova-err', 'nova-err-py', 'sdk-err')
IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CLOUDS_YAML = os.path.join(ROOT, 'etc', 'nova-lite', 'clouds.yaml')

_REQUEST = re.compile(r'"(?P<method>[A-Z]+) (?P<uri>\S+)" status: '
                      r'(?P<status>\d+) len: \d+ microversion: '
                      r'(?P<version>\S+)')


class AllInOne:
    """``nova-lite-all --config-file <state>/nova-lite.conf``."""

    def __init__(self, state_path, defaults='', extra=''):
        # ``defaults``: more [DEFAULT] lines; ``extra``: more sections.
        self.defaults = defaults
        self.extra = extra
        self.state_path = str(state_path)
        self.port = processes.free_port()
        self.volume_port = processes.free_port()
        self.image_port = processes.free_port()
        self.image_base = 'http://127.0.0.1:%d' % self.image_port
        self.base = 'http://127.0.0.1:%d' % self.port
        self.volume_base = 'http://127.0.0.1:%d' % self.volume_port
        self.log_file = os.path.join(self.state_path, 'nova-lite-all.log')
        self.conf_file = os.path.join(self.state_path, 'nova-lite.conf')
        self.proc = None

    def start(self, timeout=60):
        with open(self.conf_file, 'w') as f:
            f.write('[DEFAULT]\n'
                    'state_path = %s\n'
                    'host = compute1\n'
                    'osapi_compute_listen = 127.0.0.1\n'
                    'osapi_compute_listen_port = %d\n'
                    'osapi_volume_listen = 127.0.0.1\n'
                    'osapi_volume_listen_port = %d\n'
                    'log_file = %s\n'
                    '%s'
                    '# one compute host: resizes and migrations stay on it\n'
                    'allow_resize_to_same_host = true\n'
                    '[api]\n'
                    'auth_strategy = noauth2\n'
                    '[quota]\n'
                    '# every client module boots servers in one project\n'
                    'instances = -1\ncores = -1\nram = -1\n'
                    '[fake_driver]\n'
                    '# servers the tests need in ERROR\n'
                    'fail_spawn_for_names = %s\n'
                    '# one compute host: cold migrations stay on it\n'
                    'supports_migrate_to_same_host = true\n'
                    '[image_service]\n'
                    'listen_port = %d\n'
                    '%s'
                    % (self.state_path, self.port, self.volume_port,
                       self.log_file, self.defaults, ','.join(ERROR_NAMES),
                       self.image_port, self.extra))
        self._out = open(os.path.join(self.state_path, 'stdout.log'), 'w')
        self.proc = subprocess.Popen(
            [processes.binary('nova-lite-all'), '--config-file',
             self.conf_file], stdout=self._out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError('nova-lite-all exited with %s: %s' % (
                    self.proc.returncode, self.tail()))
            try:
                if requests.get(self.base + '/', timeout=2).ok and \
                        requests.get(self.volume_base + '/',
                                     timeout=2).status_code == 300:
                    return self
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError('nova-lite-all did not answer in %ss: %s'
                                   % (timeout, self.tail()))
            time.sleep(0.1)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._out.close()

    def tail(self, chars=4000):
        text = ''
        for name in (self.log_file,
                     os.path.join(self.state_path, 'stdout.log')):
            if os.path.exists(name):
                with open(name, errors='replace') as f:
                    text += f.read()[-chars:]
        return text

    # ------------------------------------------------------ request log ---

    def mark(self):
        """A position in the log; ``requests_since`` reads from there."""
        try:
            return os.path.getsize(self.log_file)
        except OSError:
            return 0

    def requests_since(self, mark):
        """``(method, uri, status, microversion)`` of each request logged
        since ``mark``, compute and block storage alike."""
        with open(self.log_file, errors='replace') as f:
            f.seek(mark)
            text = f.read()
        return [(m['method'], m['uri'], int(m['status']), m['version'])
                for m in _REQUEST.finditer(text)]

    def compute_versions(self, mark, method=None, path_part=''):
        """The microversions of the compute calls since ``mark`` (version
        discovery, which carries none, left out)."""
        return [version for meth, uri, status, version
                in self.requests_since(mark)
                if uri.startswith('/v2.1/') and path_part in uri
                and (method is None or meth == method)]

    # ---------------------------------------------------- HTTP helpers ---

    def request(self, method, path, token='admin:admin', version='2.60',
                **kwargs):
        headers = {'X-Auth-Token': token}
        if version:
            headers['OpenStack-API-Version'] = 'compute %s' % version
        return requests.request(method, self.base + path, headers=headers,
                                timeout=30, **kwargs)

    def volume_request(self, method, path, token='admin:admin', **kwargs):
        return requests.request(method, self.volume_base + path,
                                headers={'X-Auth-Token': token},
                                timeout=30, **kwargs)

    def clouds_yaml(self, directory):
        """The shipped clouds.yaml with its URLs pointed at this
        all-in-one's ports, as an operator edits a copy of it."""
        with open(CLOUDS_YAML) as f:
            text = f.read()
        assert 'http://127.0.0.1:8774' in text
        assert 'http://127.0.0.1:8776' in text
        text = text.replace('http://127.0.0.1:8774', self.base).replace(
            'http://127.0.0.1:8776', self.volume_base)
        path = os.path.join(str(directory), 'clouds.yaml')
        with open(path, 'w') as f:
            f.write(text)
        return path


@pytest.fixture(scope='session')
def aio(tmp_path_factory):
    """The all-in-one process, shared by every client module; with the
    administrator's ``multiattach`` volume type (``<is> True``)."""
    state = tmp_path_factory.mktemp('clients-aio')
    server = AllInOne(state).start()
    try:
        made = server.volume_request('POST', '/v3/types', json={
            'volume_type': {'name': 'multiattach'}})
        assert made.status_code == 200, made.text
        type_id = made.json()['volume_type']['id']
        specs = server.volume_request(
            'POST', '/v3/types/%s/extra_specs' % type_id,
            json={'extra_specs': {'multiattach': '<is> True'}})
        assert specs.status_code == 200, specs.text
        yield server
    finally:
        server.stop()
        if os.environ.get('NOVA_LITE_TEST_KEEP_LOGS') is None:
            shutil.rmtree(str(state), ignore_errors=True)


def wait_for(fetch, expected, timeout=30, interval=0.1):
    """Poll ``fetch()`` until it returns ``expected``; bounded."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fetch()
        if last == expected:
            return last
        time.sleep(interval)
    raise AssertionError('expected %r, last got %r' % (expected, last))


def run(argv, env=None, timeout=120):
    """Run a client's console script; returns the CompletedProcess."""
    return subprocess.run([processes.binary(argv[0])] + list(argv[1:]),
                          env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope='module')
def osc_env(aio, tmp_path_factory):
    """The environment of an ``openstack`` command: the shipped
    clouds.yaml (written for ``aio``), cloud ``nova-lite``, no other
    ``OS_`` variable."""
    path = aio.clouds_yaml(tmp_path_factory.mktemp('osc'))
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update(OS_CLIENT_CONFIG_FILE=path, OS_CLOUD='nova-lite')
    return env


def osc(env, *args, cloud=None, ok=True):
    """Run ``openstack args`` (in ``cloud`` if given); with ``ok`` it must
    succeed."""
    if cloud:
        env = dict(env, OS_CLOUD=cloud)
    out = run(('openstack',) + args, env=env)
    if ok:
        assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out


def osc_json(env, *args, **kwargs):
    """``osc`` with ``-f json``, its output parsed."""
    return json.loads(osc(env, *(args + ('-f', 'json')), **kwargs).stdout)


def server_body(aio, server_id, version='2.73'):
    """``GET /servers/{id}``'s server, asked directly of the API."""
    return aio.request('GET', '/v2.1/servers/%s' % server_id,
                       version=version).json()['server']


def settled_status(aio, server_id):
    """The server's status once no task is running on it, else None."""
    server = server_body(aio, server_id)
    if server.get('OS-EXT-STS:task_state'):
        return None
    return server.get('status')


def boot_with_osc(env, name):
    """``openstack server create --wait``: the id of an ACTIVE server."""
    server = osc_json(env, 'server', 'create', '--flavor', '1', '--image',
                      IMAGE, '--nic', 'none', '--wait', name)
    assert server['status'] == 'ACTIVE'
    return server['id']
