"""How the costs grow: GET /servers/detail with 100 / 1,000 / 10,000 servers,
one volume with 1 / 10 / 100 attachments, and the all-cells minimum
nova-compute version with 1 / 10 / 50 cells, cold and cached."""

import logging
import os
import shutil
import statistics
import tempfile
import time

from oslo_utils import timeutils
from oslo_utils import uuidutils
import requests

from benchmarks import common

REPEAT = 7


def make_servers(stack, count, project='demo'):
    """``count`` ACTIVE servers on the stack's host, written straight into
    the databases (booting 10,000 through the API would measure booting)."""
    from nova_lite import context as nl_context
    from nova_lite.db import api as db_api
    from nova_lite.db import models
    from nova_lite.objects import cell_mapping
    from nova_lite.objects import flavor as flavor_obj
    ctxt = nl_context.get_admin_context()
    cell = [c for c in cell_mapping.get_all_cells(ctxt)
            if c.name != 'cell0'][0]
    flavor = flavor_obj.get_by_flavor_id(ctxt, '1').snapshot()
    from oslo_serialization import jsonutils
    now = timeutils.utcnow()
    ids = []
    api_rows, cell_rows = [], []
    for index in range(count):
        server_id = uuidutils.generate_uuid()
        ids.append(server_id)
        api_rows.append({'instance_uuid': server_id, 'project_id': project,
                         'user_id': project, 'cell_id': cell.id,
                         'queued_for_delete': False, 'created_at': now})
        cell_rows.append({
            'uuid': server_id, 'project_id': project, 'user_id': project,
            'display_name': 'scale-%d' % index,
            'hostname': 'scale-%d' % index, 'vm_state': 'active',
            'task_state': None, 'power_state': 1, 'host': stack.conf.host,
            'node': stack.conf.host, 'availability_zone': 'nova',
            'image_ref': common.IMAGE, 'launched_at': now,
            'root_device_name': '/dev/vda', 'launch_index': 0,
            'reservation_id': 'r-scale', 'locked': False,
            'flavor': jsonutils.dumps(flavor), 'tags': '[]',
            'server_metadata': '{}', 'created_at': now, 'updated_at': now})
    api_engine = db_api.get_api_engine()
    with api_engine.begin() as conn:
        conn.execute(models.InstanceMapping.__table__.insert(), api_rows)
    cctxt = nl_context.target_cell(ctxt, cell)
    with db_api.get_main_engine(cctxt).begin() as conn:
        conn.execute(models.Instance.__table__.insert(), cell_rows)
    return ids


def _timed(call, repeat=REPEAT):
    samples = []
    for _ in range(repeat):
        t0 = time.monotonic()
        call()
        samples.append(time.monotonic() - t0)
    return {'p50_ms': round(statistics.median(samples) * 1000, 3),
            'min_ms': round(min(samples) * 1000, 3)}


def _stack(state):
    from tests.fixtures import stack as stack_fixture
    conf = stack_fixture.make_conf(state, overrides=[
        (None, 'report_interval', 10)])
    return common.all_in_one(conf)


# The microversions the peer kit lists servers at (the multi-attach one,
# and the latest each side serves).
DETAIL_VERSIONS = ('2.60', 'latest')


def servers_detail(sizes=(100, 1000, 10000)):
    out = []
    for size in sizes:
        state = tempfile.mkdtemp(prefix='nova-lite-bench-')
        st = _stack(state)
        try:
            make_servers(st, size)
            session = requests.Session()
            url = st.base + '/v2.1/servers/detail'
            # Every size at 2.60; the smallest at the latest version too.
            versions = DETAIL_VERSIONS if size == min(sizes) else \
                DETAIL_VERSIONS[:1]
            for version in versions:
                headers = dict(common.MEMBER, **{
                    'OpenStack-API-Version': 'compute %s' % version})
                resp = session.get(url, headers=headers)
                returned = len(resp.json()['servers'])
                served = resp.headers['OpenStack-API-Version'].split()[-1]
                out.append(dict(
                    servers=size, returned=returned, microversion=served,
                    **_timed(lambda: session.get(url, headers=headers))))
        finally:
            st.stop()
            shutil.rmtree(state, ignore_errors=True)
    return out


def volume_attachments(sizes=(1, 10, 100)):
    state = tempfile.mkdtemp(prefix='nova-lite-bench-')
    st = _stack(state)
    out = []
    try:
        session = requests.Session()
        vapi = st.volume_base
        session.post(vapi + '/v3/types', headers=common.ADMIN, json={
            'volume_type': {'name': 'multiattach',
                            'extra_specs': {'multiattach': '<is> True'}}})
        for size in sizes:
            made = session.post(vapi + '/v3/volumes', headers=common.MEMBER,
                                json={'volume': {
                                    'size': 1, 'volume_type': 'multiattach'}})
            volume_id = made.json()['volume']['id']
            st.wait_for_volume(volume_id, 'available')
            hdrs = dict(common.MEMBER, **{
                'OpenStack-API-Version': 'volume 3.44'})
            for _ in range(size):
                attachment = session.post(vapi + '/v3/attachments',
                                          headers=hdrs, json={'attachment': {
                                              'volume_uuid': volume_id,
                                              'instance_uuid':
                                              uuidutils.generate_uuid(),
                                              'connector': {
                                                  'host': 'compute1'}}})
                session.post(vapi + '/v3/attachments/%s/action'
                             % attachment.json()['attachment']['id'],
                             headers=hdrs, json={'os-complete': {}})
            url = vapi + '/v3/volumes/' + volume_id
            count = len(session.get(url, headers=common.MEMBER).json()[
                'volume']['attachments'])
            assert count == size, count
            out.append(dict(attachments=size, **_timed(
                lambda: session.get(url, headers=common.MEMBER))))
    finally:
        st.stop()
        shutil.rmtree(state, ignore_errors=True)
    return out


def min_version_cells(sizes=(1, 10, 50)):
    from nova_lite import context as nl_context
    from nova_lite.db import api as db_api
    from nova_lite.cmd import db_sync as sync
    from nova_lite.objects import cell_mapping
    from nova_lite.objects import service as service_obj
    out = []
    for size in sizes:
        state = tempfile.mkdtemp(prefix='nova-lite-bench-')
        st = _stack(state)
        try:
            ctxt = nl_context.get_admin_context()
            for index in range(size - 1):
                url = 'sqlite:///%s' % os.path.join(state,
                                                    'cell%d.sqlite' % index)
                sync.sync_url(url)
                cell = cell_mapping.create_cell(ctxt, 'bench-%d' % index,
                                                url)
                service_obj.get_or_create(
                    nl_context.target_cell(ctxt, cell), 'host-%d' % index,
                    'nova-compute', 'compute')
            cells = len(cell_mapping.get_all_cells(ctxt)) - 1  # no cell0

            def cold():
                service_obj.MIN_VERSION_CACHE.clear()
                return service_obj.get_minimum_version_all_cells(
                    ctxt, ['nova-compute'], cache_ttl=60)

            def cached():
                return service_obj.get_minimum_version_all_cells(
                    ctxt, ['nova-compute'], cache_ttl=60)
            assert cold() == service_obj.SERVICE_VERSION
            out.append({'cells': cells, 'cold': _timed(cold),
                        'cached': _timed(cached, repeat=200)})
        finally:
            st.stop()
            db_api.reset()
            shutil.rmtree(state, ignore_errors=True)
    return out


def run(quick=False):
    logging.disable(logging.INFO)
    try:
        return {
            'servers_detail': servers_detail(
                (100, 1000) if quick else (100, 1000, 10000)),
            'volume_attachments': volume_attachments(),
            'min_version_cells': min_version_cells(),
        }
    finally:
        logging.disable(logging.NOTSET)


def rows(document):
    out = []
    for item in document['servers_detail']:
        label = 'GET /servers/detail @%s' % item.get('microversion', '2.1')
        out.append([label, '%d servers (%d returned)' % (
            item['servers'], item['returned']),
            common.fmt(item['p50_ms'], 2), common.fmt(item['min_ms'], 2)])
    for item in document['volume_attachments']:
        out.append(['GET /v3/volumes/{id}', '%d attachments' % (
            item['attachments']), common.fmt(item['p50_ms'], 2),
            common.fmt(item['min_ms'], 2)])
    for item in document['min_version_cells']:
        for kind in ('cold', 'cached'):
            out.append(['min compute version, %s' % kind,
                        '%d cells' % item['cells'],
                        common.fmt(item[kind]['p50_ms'], 3),
                        common.fmt(item[kind]['min_ms'], 3)])
    return out


HEADERS = ['measure', 'size', 'p50 ms', 'min ms']
