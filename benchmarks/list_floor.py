"""``GET /servers/detail`` with 100 servers against its floor on each
database: the all-in-one on SQLite, MariaDB and PostgreSQL, listing at
2.60 and at the newest microversion, next to a bare pecan app answering
the very bytes of that list on the same WSGI server and thread count,
driven by wrk (as the floor part drives them, in rounds alternating which
app goes first).

The servers are as a boot leaves them where a list reads them: each has
its request spec in the API database (read from 2.96 on), a third a
volume attached, a few metadata items and tags on some, a fault on the
ones in ERROR."""

import logging
import os
import shutil
import tempfile

from oslo_serialization import jsonutils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import requests

from benchmarks import common
from benchmarks import floor

# A database, or a database and the driver of its URLs.
BACKENDS = ('sqlite', 'mysql', 'mysql+mysqldb', 'postgresql',
            'postgresql+psycopg')
VERSIONS = ('2.60', 'latest')

WRK_LUA = '''
wrk.headers["X-Auth-Token"] = "demo:demo"
wrk.headers["OpenStack-API-Version"] = "compute %s"
'''


def dress_servers(stack, ids):
    """What a boot and some use leave on ``ids`` (servers made by
    :func:`benchmarks.scaling.make_servers`): request specs, volumes on a
    third, metadata and tags on some, a few in ERROR with a fault."""
    from nova_lite import context as nl_context
    from nova_lite.db import api as db_api
    from nova_lite.db import models
    from nova_lite.objects import cell_mapping
    from nova_lite.objects import flavor as flavor_obj
    ctxt = nl_context.get_admin_context()
    cell = [c for c in cell_mapping.get_all_cells(ctxt)
            if c.name != 'cell0'][0]
    flavor = flavor_obj.get_by_flavor_id(ctxt, '1').snapshot()
    now = timeutils.utcnow()
    specs, bdms, faults = [], [], []
    for index, server_id in enumerate(ids):
        specs.append({'instance_uuid': server_id, 'spec': jsonutils.dumps({
            'instance_uuid': server_id, 'flavor': flavor,
            'multiattach': False, 'availability_zone': None,
            'forced_host': None, 'forced_node': None,
            'requested_host': None, 'requested_node': None, 'group': None,
            'num_instances': 1, 'image_ref': common.IMAGE,
            'scheduler_hints': {'hint': ['%d' % index]}
            if index % 5 == 0 else {}}), 'created_at': now})
        bdms.append({'uuid': uuidutils.generate_uuid(),
                     'instance_uuid': server_id, 'source_type': 'image',
                     'destination_type': 'local', 'boot_index': 0,
                     'device_name': '/dev/vda', 'image_id': common.IMAGE,
                     'volume_id': None, 'attachment_id': None,
                     'delete_on_termination': True, 'created_at': now})
        if index % 3 == 0:
            bdms.append({'uuid': uuidutils.generate_uuid(),
                         'instance_uuid': server_id, 'source_type': 'volume',
                         'destination_type': 'volume', 'boot_index': None,
                         'device_name': '/dev/vdb',
                         'volume_id': uuidutils.generate_uuid(),
                         'image_id': None,
                         'attachment_id': uuidutils.generate_uuid(),
                         'delete_on_termination': index % 2 == 0,
                         'created_at': now})
        if index % 25 == 7:
            faults.append({'instance_uuid': server_id, 'code': 500,
                           'message': 'No valid host was found.',
                           'details': 'Traceback ...', 'host': 'compute1',
                           'created_at': now})
    with db_api.get_api_engine().begin() as conn:
        conn.execute(models.RequestSpec.__table__.insert(), specs)
    cctxt = nl_context.target_cell(ctxt, cell)
    table = models.Instance.__table__
    with db_api.get_main_engine(cctxt).begin() as conn:
        conn.execute(models.BlockDeviceMapping.__table__.insert(), bdms)
        if faults:
            conn.execute(models.InstanceFault.__table__.insert(), faults)
        for index, server_id in enumerate(ids):
            values = {}
            if index % 4 == 1:
                values.update(server_metadata=jsonutils.dumps(
                    {'role': 'web', 'index': str(index)}),
                    tags=jsonutils.dumps(['web', 'tier-%d' % (index % 3)]))
            if index % 25 == 7:
                values.update(vm_state='error')
            if index % 10 == 3:
                values.update(locked=True, locked_reason='maintenance',
                              locked_by='owner')
            if values:
                conn.execute(table.update().where(table.c.uuid == server_id)
                             .values(**values))


def _databases(backend, state):
    """Throw-away databases of ``backend`` (``mysql+mysqldb``: MariaDB
    through that driver) and the options naming them."""
    import sqlalchemy as sa
    from tests.fixtures import databases
    if backend == 'sqlite':
        return [], []
    database, _plus, driver = backend.partition('+')
    dbs = [databases.Database(database, state) for _ in range(3)]
    # The all-in-one maps cell0 on the cell database's name + _cell0.
    dbs[2].name = dbs[1].name + '_cell0'
    api_url, cell_url, _cell0 = [db.create() for db in dbs]
    if driver:
        api_url, cell_url = [
            sa.engine.make_url(url).set(drivername=backend).render_as_string(
                hide_password=False) for url in (api_url, cell_url)]
    return dbs, [('api_database', 'connection', api_url),
                 ('database', 'connection', cell_url)]


def run(servers=100, backends=BACKENDS, versions=VERSIONS, connections=(1, 16),
        duration=5, threads=16, rounds=3):
    from nova_lite.web import server as api_server
    from tests.fixtures import stack as stack_fixture
    from benchmarks import scaling
    logging.disable(logging.INFO)
    results = {'servers': servers, 'threads': threads,
               'duration_s': duration, 'rounds': rounds, 'points': []}
    try:
        for backend in backends:
            state = tempfile.mkdtemp(prefix='nova-lite-bench-')
            dbs, overrides = _databases(backend, state)
            try:
                conf = stack_fixture.make_conf(state, overrides=[
                    (None, 'report_interval', 10),
                    (None, 'osapi_compute_workers', threads)] + overrides)
                st = common.all_in_one(conf)
                try:
                    ids = scaling.make_servers(st, servers)
                    dress_servers(st, ids)
                    _measure(st, conf, backend, versions, connections,
                             duration, threads, rounds, state,
                             results['points'], api_server)
                finally:
                    st.stop()
            finally:
                for db in dbs:
                    db.drop()
                shutil.rmtree(state, ignore_errors=True)
    finally:
        logging.disable(logging.NOTSET)
    return results


def _measure(st, conf, backend, versions, connections, duration, threads,
             rounds, state, points, api_server):
    session = requests.Session()
    path = '/v2.1/servers/detail'
    for version in versions:
        headers = dict(common.MEMBER, **{
            'OpenStack-API-Version': 'compute %s' % version})
        resp = session.get(st.base + path, headers=headers)
        resp.raise_for_status()
        served = resp.headers['OpenStack-API-Version'].split()[-1]
        body = resp.content.decode()
        lua = os.path.join(state, 'headers-%s.lua' % served)
        with open(lua, 'w') as f:
            f.write(WRK_LUA % served)
        bare = floor._Bare(body).app()
        server = api_server.APIServer(conf, bare, port=0, threads=threads,
                                      name='bare-pecan',
                                      description='Bare pecan app')
        server.start()
        try:
            for conns in connections:
                point = floor._point(
                    st.base + path,
                    'http://127.0.0.1:%d%s' % (server.bound_port, path),
                    conns, duration, lua, rounds)
                point.update(backend=backend, microversion=served,
                             body_bytes=len(body),
                             servers=len(resp.json()['servers']))
                points.append(point)
        finally:
            server.stop()


def _ms_per_request(point, side):
    rps = point[side]['req_per_s']
    return 1000.0 * point['connections'] / rps if rps else None


def rows(document):
    out = []
    for p in document['points']:
        out.append([p['backend'], p['microversion'], p['connections'],
                    p['body_bytes'],
                    common.fmt(_ms_per_request(p, 'nova_lite'), 2),
                    common.fmt(p['nova_lite']['req_per_s'], 0),
                    common.fmt(_ms_per_request(p, 'bare_pecan'), 2),
                    common.fmt(p['bare_pecan']['req_per_s'], 0),
                    '%d%%' % round(p['ratio'] * 100),
                    '%d-%d%%' % tuple(round(r * 100)
                                      for r in p['ratio_range'])])
    return out


HEADERS = ['database', 'version', 'conns', 'bytes', 'list ms/req',
           'list req/s', 'floor ms/req', 'floor req/s', 'ratio', 'rounds']
