"""Instructions per request, counted by valgrind's callgrind.

Wall and CPU time on a shared machine move by tens of percent within the
hour; the number of instructions a request executes does not (the same
code, inputs and environment give the same count to within about 1 %), so
it shows what a change to nova_lite's code costs or saves where timings
cannot. The all-in-one runs under callgrind with instrumentation off while
it starts and its servers are made; it is switched on
(``callgrind_control -i on``) for a fixed number of requests only:

* ``show``: ``GET /servers/{id}`` at 2.60, handed to the API's WSGI
  application in process (no socket), among 100 servers;
* ``attach``: attach a multiattach volume to a server at 2.60 and detach
  it, in process as in the workload (client, API, conductor, compute with
  the fake driver, the built-in block storage), counted per operation.

Counts cover every thread of the process; they are not comparable with
upstream nova's (not measured here).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from benchmarks import common

CHILD = 'benchmarks.instructions'


def _expect(proc, word):
    """The child's next line starting with ``word`` (anything else it
    prints on the way is passed over)."""
    while True:
        line = proc.stdout.readline()
        if not line or line.startswith(word):
            return line


def _count(mode, n, workdir):
    out = os.path.join(workdir, 'callgrind.%s.out' % mode)
    proc = subprocess.Popen(
        ['valgrind', '--tool=callgrind', '--instr-atstart=no',
         '--callgrind-out-file=' + out, sys.executable, '-W', 'ignore',
         '-m', CHILD, mode, str(n)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, cwd=os.getcwd())
    try:
        line = _expect(proc, 'READY')
        if not line:
            raise RuntimeError('the %s run did not start: %r' % (mode, line))
        subprocess.run(['callgrind_control', '-i', 'on', str(proc.pid)],
                       check=True, capture_output=True)
        proc.stdin.write('go\n')
        proc.stdin.flush()
        line = _expect(proc, 'DONE')
        if not line:
            raise RuntimeError('the %s run failed: %r' % (mode, line))
        subprocess.run(['callgrind_control', '-i', 'off', str(proc.pid)],
                       check=True, capture_output=True)
        operations = int(line.split()[1])
        proc.stdin.write('exit\n')
        proc.stdin.flush()
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with open(out) as f:
        match = re.search(r'^totals: (\d+)', f.read(), re.M)
    return int(match.group(1)) // operations


def run(show_requests=200, attaches=20):
    if not common.tool('valgrind', 'callgrind_control', package='valgrind'):
        return {'skipped': 'valgrind is needed: apt-get install valgrind'}
    workdir = tempfile.mkdtemp(prefix='nova-lite-bench-callgrind-')
    try:
        return {'show': {'requests': show_requests,
                         'instructions_per_request':
                             _count('show', show_requests, workdir)},
                'attach': {'servers': attaches,
                           'instructions_per_operation':
                               _count('attach', attaches, workdir)}}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def rows(document):
    if 'skipped' in document:
        return [['-', document['skipped']]]
    return [['GET /servers/{id} (2.60)',
             '{:,}'.format(document['show']['instructions_per_request'])],
            ['attach or detach (2.60)',
             '{:,}'.format(document['attach']['instructions_per_operation'])]]


HEADERS = ['request', 'instructions each']


# -- the process counted ------------------------------------------------------


def _show(n):
    import io
    from benchmarks import scaling
    from nova_lite.web import middleware
    from tests.fixtures import stack as stack_fixture
    state = tempfile.mkdtemp(prefix='nova-lite-bench-')
    conf = stack_fixture.make_conf(state, overrides=[
        (None, 'report_interval', 60)])
    stack = common.all_in_one(conf)
    app = stack.aio.api.server.wsgi_app
    path = '/v2.1/servers/%s' % scaling.make_servers(stack, 100)[0]

    def environ():
        return {'REQUEST_METHOD': 'GET', 'SCRIPT_NAME': '',
                'PATH_INFO': path, 'QUERY_STRING': '',
                'SERVER_NAME': '127.0.0.1', 'SERVER_PORT': '8774',
                'SERVER_PROTOCOL': 'HTTP/1.1',
                'HTTP_HOST': '127.0.0.1:8774',
                'HTTP_X_AUTH_TOKEN': common.MEMBER['X-Auth-Token'],
                'HTTP_OPENSTACK_API_VERSION': 'compute 2.60',
                'wsgi.url_scheme': 'http', 'wsgi.input': io.BytesIO(b''),
                'wsgi.errors': sys.stderr, 'wsgi.multithread': True,
                'wsgi.multiprocess': False, 'wsgi.run_once': False}

    def one():
        status, _headers, _body = middleware.call(app, environ())
        if not status.startswith('200'):
            raise RuntimeError('GET %s: %s' % (path, status))

    for _ in range(50):
        one()
    _counted(lambda: [one() for _ in range(n)], n)
    stack.stop()
    shutil.rmtree(state, ignore_errors=True)


def _attach(n):
    from benchmarks import workload
    deployment = workload._InProcess()
    session = deployment.session()
    api, vapi = deployment.api, deployment.volume_api
    session.post(vapi + '/v3/types', headers=common.ADMIN, json={
        'volume_type': {'name': 'multiattach',
                        'extra_specs': {'multiattach': '<is> True'}}})
    volume = session.post(vapi + '/v3/volumes', headers=common.MEMBER, json={
        'volume': {'size': 1, 'volume_type': 'multiattach'}}).json()[
            'volume']['id']
    ids = []
    for i in range(n + 5):
        resp = session.post(api + '/v2.1/servers', headers=common.MEMBER,
                            json={'server': {'name': 'count-%d' % i,
                                             'imageRef': common.IMAGE,
                                             'flavorRef': '1',
                                             'networks': 'none'}})
        server_id = resp.json()['server']['id']
        deployment.wait(session, 'instance.create.end', server_id)
        ids.append(server_id)

    def attach(server_id):
        resp = session.post(
            api + '/v2.1/servers/%s/os-volume_attachments' % server_id,
            headers=common.MEMBER,
            json={'volumeAttachment': {'volumeId': volume}})
        if resp.status_code != 200:
            raise RuntimeError(resp.text)
        deployment.wait(session, 'instance.volume_attach.end', server_id)

    def detach(server_id):
        resp = session.delete(
            api + '/v2.1/servers/%s/os-volume_attachments/%s' % (
                server_id, volume), headers=common.MEMBER)
        if resp.status_code != 202:
            raise RuntimeError(resp.text)
        deployment.wait(session, 'instance.volume_detach.end', server_id)

    # Warm up every path; five attachments stay, as on a shared volume.
    for server_id in ids[:5]:
        attach(server_id)
        detach(server_id)
        attach(server_id)

    def counted():
        for server_id in ids[5:]:
            attach(server_id)
        for server_id in ids[5:]:
            detach(server_id)
    _counted(counted, 2 * n)
    deployment.stop()


def _counted(work, operations):
    print('READY', flush=True)
    if sys.stdin.readline().strip() != 'go':
        return
    work()
    print('DONE %d' % operations, flush=True)
    sys.stdin.readline()


def main(argv):
    import logging
    logging.disable(logging.INFO)
    mode, n = argv[0], int(argv[1])
    {'show': _show, 'attach': _attach}[mode](n)
    # Threads of the stack may linger; the counts are in.
    os._exit(0)


if __name__ == '__main__':
    main(sys.argv[1:])
