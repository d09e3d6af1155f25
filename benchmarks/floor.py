"""The API against its floor: GET /servers/{id} and GET /servers/detail of
nova_lite, and a bare pecan app returning a JSON body of the same size, on
the same WSGI server (cheroot, same thread count), driven by wrk with a fixed
number of connections, back to back in one run.

Each point is measured in rounds: in each round both apps are driven for
the same duration, one right after the other, the first of the two
alternating from round to round. A round's ratio pairs two measurements a
few seconds apart; the point's ratio is the median of the rounds' ratios
(with the lowest and highest), its requests per second and latency the
medians of the rounds'. The machine's speed drifts within a minute by more
than the differences measured; pairing and alternating keeps that drift
out of the ratio."""

import logging
import os
import re
import shutil
import statistics
import subprocess
import tempfile

import pecan
import requests

from benchmarks import common

WRK_LUA = '''
wrk.headers["X-Auth-Token"] = "demo:demo"
wrk.headers["OpenStack-API-Version"] = "compute 2.60"
'''


def _wrk():
    if common.tool('wrk', package='wrk'):
        return shutil.which('wrk')
    raise RuntimeError('wrk is needed: apt-get install wrk')


def _parse_wrk(text):
    def ms(value, unit):
        return float(value) * {'us': 0.001, 'ms': 1, 's': 1000}[unit]
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
    lat = {}
    for pct in ('50', '99'):
        match = re.search(r'\s%s%%\s+([\d.]+)(us|ms|s)' % pct, text)
        lat['p' + pct] = round(ms(*match.groups()), 3) if match else None
    errors = re.search(r'Non-2xx or 3xx responses: (\d+)', text)
    return {'req_per_s': rps, 'latency_ms': lat,
            'non_2xx': int(errors.group(1)) if errors else 0}


def _drive(url, connections, duration, lua):
    out = subprocess.run(
        [_wrk(), '-t', '1', '-c', str(connections), '-d', '%ds' % duration,
         '--latency', '-s', lua, url], check=True, capture_output=True,
        text=True)
    return _parse_wrk(out.stdout)


class _Bare:
    """A bare pecan app answering every GET with a fixed JSON body."""

    def __init__(self, body):
        self.body = body

    def app(self):
        body = self.body

        class Root:
            @pecan.expose(content_type='application/json')
            def _default(self, *args, **kwargs):
                pecan.response.content_type = 'application/json'
                return body
        return pecan.make_app(Root(), guess_content_type_from_ext=False)


def _median_of(runs):
    """One wrk result from a round's: medians of each figure."""
    def med(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else None
    return {'req_per_s': med([r['req_per_s'] for r in runs]),
            'latency_ms': {key: med([r['latency_ms'][key] for r in runs])
                           for key in ('p50', 'p99')},
            'non_2xx': sum(r['non_2xx'] for r in runs)}


def _point(ours_url, floor_url, connections, duration, lua, rounds):
    ours, floor, ratios = [], [], []
    for index in range(rounds):
        order = ((ours, ours_url), (floor, floor_url))
        if index % 2:
            order = order[::-1]
        for runs, url in order:
            runs.append(_drive(url, connections, duration, lua))
        ratios.append(ours[-1]['req_per_s'] / floor[-1]['req_per_s'])
    return {'connections': connections, 'rounds': rounds,
            'nova_lite': dict(_median_of(ours), runs=ours),
            'bare_pecan': dict(_median_of(floor), runs=floor),
            'ratio': round(statistics.median(ratios), 3),
            'ratio_range': [round(min(ratios), 3), round(max(ratios), 3)]}


def run(servers=100, connections=(1, 16), duration=5, threads=16,
        rounds=3):
    from nova_lite.web import server as api_server
    from tests.fixtures import stack as stack_fixture
    logging.disable(logging.INFO)
    state = tempfile.mkdtemp(prefix='nova-lite-bench-')
    conf = stack_fixture.make_conf(state, overrides=[
        (None, 'report_interval', 10),
        (None, 'osapi_compute_workers', threads)])
    st = common.all_in_one(conf)
    lua = os.path.join(state, 'headers.lua')
    with open(lua, 'w') as f:
        f.write(WRK_LUA)
    results = {'servers': servers, 'threads': threads,
               'duration_s': duration, 'rounds': rounds, 'points': []}
    try:
        from benchmarks import scaling
        ids = scaling.make_servers(st, servers)
        session = requests.Session()
        paths = {'show': '/v2.1/servers/%s' % ids[0],
                 'detail': '/v2.1/servers/detail'}
        for name, path in paths.items():
            body = session.get(st.base + path,
                               headers=common.MEMBER).content.decode()
            bare = _Bare(body).app()
            server = api_server.APIServer(conf, bare, port=0,
                                          threads=threads,
                                          name='bare-pecan',
                                          description='Bare pecan app')
            server.start()
            try:
                for conns in connections:
                    point = _point(
                        st.base + path,
                        'http://127.0.0.1:%d%s' % (server.bound_port, path),
                        conns, duration, lua, rounds)
                    point.update(request=name, body_bytes=len(body))
                    results['points'].append(point)
            finally:
                server.stop()
    finally:
        st.stop()
        shutil.rmtree(state, ignore_errors=True)
        logging.disable(logging.NOTSET)
    return results


def rows(document):
    out = []
    for p in document['points']:
        out.append([p['request'], p['connections'], p['body_bytes'],
                    common.fmt(p['nova_lite']['req_per_s'], 0),
                    common.fmt(p['nova_lite']['latency_ms']['p50'], 2),
                    common.fmt(p['bare_pecan']['req_per_s'], 0),
                    common.fmt(p['bare_pecan']['latency_ms']['p50'], 2),
                    '%d%%' % round(p['ratio'] * 100),
                    '%d-%d%%' % tuple(round(r * 100)
                                      for r in p['ratio_range'])])
    return out


HEADERS = ['GET', 'conns', 'bytes', 'nova_lite req/s', 'p50 ms',
           'bare pecan req/s', 'p50 ms', 'ratio', 'rounds']
