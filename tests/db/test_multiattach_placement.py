"""Capability-aware placement of servers booting with a multiattach
volume (``[scheduler] multiattach_capability_placement``), across two
cells whose compute hosts differ in service version and driver traits."""

import json

import pytest

from nova_lite import context as nl_context
from nova_lite.cmd import db_sync as sync
from nova_lite import exception
from nova_lite.objects import cell_mapping
from nova_lite.objects import compute_node as compute_node_obj
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import host_selection
from tests.fixtures import databases

MULTIATTACH = ['COMPUTE_VOLUME_ATTACH_WITH_TAG',
               'COMPUTE_VOLUME_MULTI_ATTACH']
OLD = service_obj.MIN_COMPUTE_MULTIATTACH - 1
NEW = service_obj.SERVICE_VERSION


def _host(cctxt, host, version, traits):
    svc = service_obj.get_or_create(cctxt, host, 'nova-compute', 'compute',
                                    version=version)
    compute_node_obj.report(cctxt, host, svc.id, {
        'vcpus': 1, 'memory_mb': 512, 'local_gb': 1, 'vcpus_used': 0,
        'memory_mb_used': 0, 'local_gb_used': 0, 'hypervisor_type': 'fake',
        'hypervisor_version': 1, 'hypervisor_hostname': host,
        'cpu_info': '{}', 'traits': json.dumps(traits)})


@pytest.fixture
def two_cells(synced, backend, tmp_path):
    """cell1: a1 (capable), a2 (too old); cell2: b1 (its driver cannot),
    b2 (capable)."""
    conf, ctx = synced
    cell1 = cell_mapping.create_cell(ctx, 'cell1', conf.database.connection)
    db = databases.Database(backend[0], tmp_path)
    url = db.create()
    sync.sync_url(url)
    cell2 = cell_mapping.create_cell(ctx, 'cell2', url)
    c1 = nl_context.target_cell(ctx, cell1)
    c2 = nl_context.target_cell(ctx, cell2)
    _host(c1, 'a1', NEW, MULTIATTACH)
    _host(c1, 'a2', OLD, MULTIATTACH)
    _host(c2, 'b1', NEW, ['COMPUTE_VOLUME_ATTACH_WITH_TAG'])
    _host(c2, 'b2', NEW, MULTIATTACH)
    host_selection.discover_hosts(ctx)
    try:
        yield conf, ctx, {'cell1': c1, 'cell2': c2}
    finally:
        db.drop()


def _placed(conf, ctx, spec, exclude=()):
    host, _cell, alternates = host_selection.select_destinations(
        ctx, conf, exclude=exclude, spec=spec)
    return [host] + alternates


def test_capability_mode_places_on_capable_hosts_only(two_cells):
    conf, ctx, _cells = two_cells
    conf.set_override('multiattach_capability_placement', True,
                      group='scheduler')
    assert host_selection.multiattach_capable_hosts(ctx, conf) == \
        ['a1', 'b2']
    spec = {'multiattach': True}
    seen = set()
    for exclude in ((), ('a1',), ('b2',)):
        seen.update(_placed(conf, ctx, spec, exclude))
    assert seen == {'a1', 'b2'}
    with pytest.raises(exception.NoValidHost):
        _placed(conf, ctx, spec, exclude=('a1', 'b2'))
    # A build without a multiattach volume goes anywhere.
    seen = set()
    for exclude in ((), ('a1', 'a2'), ('a1', 'a2', 'b1')):
        seen.update(_placed(conf, ctx, {}, exclude))
    assert seen == {'a1', 'a2', 'b1', 'b2'}


def test_default_mode_does_not_filter(two_cells):
    # nova's contract: the API refuses such builds while any compute is
    # too old, and the scheduler does not look at capabilities.
    conf, ctx, _cells = two_cells
    assert conf.scheduler.multiattach_capability_placement is False
    seen = set()
    for exclude in ((), ('a1', 'a2'), ('a1', 'a2', 'b1')):
        seen.update(_placed(conf, ctx, {'multiattach': True}, exclude))
    assert seen == {'a1', 'a2', 'b1', 'b2'}
    assert service_obj.get_minimum_version_all_cells(
        ctx, ['nova-compute']) == OLD


def test_no_capable_host_left(two_cells):
    conf, ctx, cells = two_cells
    conf.set_override('multiattach_capability_placement', True,
                      group='scheduler')
    for cell, host in (('cell1', 'a1'), ('cell2', 'b2')):
        (svc,) = [s for s in service_obj.get_all(cells[cell],
                                                 binary='nova-compute')
                  if s.host == host]
        service_obj.update(cells[cell], svc.id, {'disabled': True})
    assert host_selection.multiattach_capable_hosts(ctx, conf) == []
    with pytest.raises(exception.NoValidHost):
        _placed(conf, ctx, {'multiattach': True})
