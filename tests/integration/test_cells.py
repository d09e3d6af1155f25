"""Two cells, each with its own database, message bus (a RabbitMQ virtual
host), conductor and two compute hosts, plus the API and a superconductor,
as separate processes on RabbitMQ and PostgreSQL: the deployment of
doc/source/install/cells.rst.
"""

import contextlib
import subprocess
import time

import pytest
import requests
import sqlalchemy as sa

from nova_lite import context as nl_context
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite.db import api as db_api
from nova_lite.objects import cell_mapping
from nova_lite.objects import service as service_obj
from nova_lite import rpc
from tests.fixtures import databases
from tests.fixtures import processes
from tests.fixtures import rabbit
from tests.fixtures import stack as stack_fixture

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
HOSTS = {'cell1': ['a1', 'a2'], 'cell2': ['b1', 'b2']}
ADMIN = {'X-Auth-Token': 'admin:admin',
         'OpenStack-API-Version': 'compute 2.53'}


@pytest.fixture
def two_cells(tmp_path):
    dbs = {name: databases.Database('postgresql', tmp_path)
           for name in ('api', 'cell0', 'cell1', 'cell2')}
    urls = {name: db.create() for name, db in dbs.items()}
    port = processes.free_port()
    vhosts = contextlib.ExitStack()
    bus = vhosts.enter_context(rabbit.vhosts('api', 'cell1', 'cell2'))
    exchange = 'nova_lite'
    base_conf = ('[DEFAULT]\ncontrol_exchange = %s\n'
                 'report_interval = 1\nservice_down_time = 30\n'
                 'state_path = %s\nosapi_compute_listen_port = %d\n'
                 '[scheduler]\ndiscover_hosts_in_cells_interval = 1\n'
                 '[conductor]\ncell_timeout = 5\n'
                 'service_version_cache_time = 0\n'
                 '[database]\nmax_retries = 0\n'
                 % (exchange, tmp_path, port))
    api_conf = tmp_path / 'api.conf'
    api_conf.write_text(base_conf + '[DEFAULT]\ntransport_url = %s\n'
                        '[api_database]\nconnection = %s\n'
                        '[database]\nconnection = %s\n'
                        % (bus['api'], urls['api'], urls['cell1']))
    manage = [processes.binary('nova-lite-manage'), '--config-file', str(api_conf)]
    subprocess.run(manage + ['api_db', 'sync'], check=True,
                   capture_output=True)
    subprocess.run(manage + ['cell_v2', 'map_cell0', '--database_connection',
                             urls['cell0']], check=True, capture_output=True)
    for cell in ('cell1', 'cell2'):
        subprocess.run(manage + ['cell_v2', 'create_cell', '--name', cell,
                                 '--database_connection', urls[cell],
                                 '--transport-url', bus[cell]], check=True,
                       capture_output=True)
    subprocess.run(manage + ['db', 'sync'], check=True, capture_output=True)
    commands = [('nova-lite-conductor', api_conf, []),
                ('nova-lite-api', api_conf, [])]
    for cell, hosts in HOSTS.items():
        cell_conf = base_conf + ('[DEFAULT]\ntransport_url = %s\n'
                                 '[database]\nconnection = %s\n'
                                 % (bus[cell], urls[cell]))
        conf = tmp_path / ('%s.conf' % cell)
        conf.write_text(cell_conf)
        # The conductor of the cell: no API database.
        commands.append(('nova-lite-conductor', conf,
                         ['--host', '%s-conductor' % cell]))
        for host in hosts:
            host_conf = tmp_path / ('%s.conf' % host)
            extra = ''
            if host == 'a1':
                extra = '[fake_driver]\nfail_spawn_for_names = flaky\n'
            host_conf.write_text(cell_conf + extra)
            commands.append(('nova-lite-compute', host_conf,
                             ['--host', host]))
    procs = processes.Processes(tmp_path).start(commands)
    base = 'http://127.0.0.1:%d' % port
    try:
        _wait_for(lambda: _up_computes(base) == 4, 60)
        procs.wait_started()
        # Map the new hosts now, as an operator does after adding computes,
        # rather than racing the superconductor's periodic discovery.
        subprocess.run([processes.binary('nova-lite-manage'),
                        '--config-file', str(api_conf), 'cell_v2',
                        'discover_hosts'], check=True, capture_output=True)
        yield base, urls, api_conf
    finally:
        procs.stop()
        db_api.reset()
        rpc.cleanup()
        for db in dbs.values():
            db.drop()
        vhosts.close()


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError('condition not met in %ss' % timeout)


def _services(base):
    return requests.get(base + '/v2.1/os-services', headers=ADMIN,
                        timeout=30).json()['services']


def _up_computes(base):
    return sum(1 for s in _services(base)
               if s['binary'] == 'nova-compute' and s['state'] == 'up')


def _boot(base, name):
    resp = requests.post(base + '/v2.1/servers', headers=ADMIN, json={
        'server': {'name': name, 'flavorRef': '1', 'imageRef': IMAGE,
                   'networks': 'none'}}, timeout=30)
    assert resp.status_code == 202, resp.text
    sid = resp.json()['server']['id']
    server = {}

    def active():
        server.update(requests.get(base + '/v2.1/servers/%s' % sid,
                                   headers=ADMIN, timeout=30).json()
                      ['server'])
        return server['status'] in ('ACTIVE', 'ERROR')
    _wait_for(active, 60)
    assert server['status'] == 'ACTIVE', server
    return sid, server['OS-EXT-SRV-ATTR:host']


def test_two_cells(two_cells):
    base, urls, api_conf = two_cells
    # a1 is chosen first (all hosts empty) and fails the build; the
    # conductor of cell1 retries it on the alternate a2.
    placed = dict([_boot(base, 'flaky')])
    assert list(placed.values()) == ['a2']
    placed.update(_boot(base, 'spread-%d' % i) for i in range(3))
    assert sorted(placed.values()) == ['a1', 'a2', 'b1', 'b2']

    a1 = [s for s in _services(base) if s['host'] == 'a1'][0]
    resp = requests.put(base + '/v2.1/os-services/%s' % a1['id'],
                        headers=ADMIN, json={'status': 'disabled'},
                        timeout=30)
    assert resp.json()['service']['status'] == 'disabled'
    b2 = [s for s in _services(base) if s['host'] == 'b2'][0]
    resp = requests.put(base + '/v2.1/os-services/%s' % b2['id'],
                        headers=ADMIN, json={'forced_down': True},
                        timeout=30)
    assert resp.json()['service']['state'] == 'down'
    later = dict(_boot(base, 'later-%d' % i) for i in range(4))
    assert set(later.values()) <= {'a2', 'b1'}
    placed.update(later)

    # The superconductor answers the minimum compute version of all
    # cells; a cell whose database is unreachable is skipped.
    conf = stack_fixture.make_conf(api_conf.parent)
    conf.set_override('transport_url', api_conf.read_text().split(
        'transport_url = ')[1].split('\n')[0])
    conf.set_override('control_exchange', 'nova_lite')
    conf.set_override('connection', urls['api'], group='api_database')
    db_api.configure(conf)
    ctxt = nl_context.get_admin_context()
    conductor = conductor_rpcapi.ConductorAPI(conf)
    engine = sa.create_engine(urls['cell2'], poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE services SET version = 1 "
                             "WHERE host = 'b1'"))
    engine.dispose()
    assert conductor.get_minimum_service_version(ctxt, 'nova-compute') == 1
    cell2 = cell_mapping.get_cell_by_name(ctxt, 'cell2')
    _set_cell_database(urls['api'], cell2.uuid,
                       'postgresql+psycopg2://postgres@127.0.0.1:1/gone')
    assert conductor.get_minimum_service_version(ctxt, 'nova-compute') == \
        service_obj.SERVICE_VERSION
    # Listings tolerate the down cell.
    listed = requests.get(base + '/v2.1/servers', headers=ADMIN,
                          timeout=60).json()['servers']
    in_cell1 = {sid for sid, host in placed.items() if host in ('a1', 'a2')}
    assert {s['id'] for s in listed} == in_cell1
    _set_cell_database(urls['api'], cell2.uuid, urls['cell2'])
    for sid in placed:
        assert requests.delete(base + '/v2.1/servers/%s' % sid,
                               headers=ADMIN, timeout=30).status_code == 204
    _wait_for(lambda: requests.get(base + '/v2.1/servers', headers=ADMIN,
                                   timeout=30).json()['servers'] == [], 60)


def _set_cell_database(api_url, cell_uuid, url):
    """Point a cell mapping at ``url`` (an unreachable one takes it down)."""
    engine = sa.create_engine(api_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "UPDATE cell_mappings SET database_connection = :url "
            "WHERE uuid = :uuid"), {'url': url, 'uuid': cell_uuid})
    engine.dispose()
