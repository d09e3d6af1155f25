"""Guards: schemas on every route, RPC versions in step, latest version."""

import inspect

from nova_lite.api.controllers import aggregates
from nova_lite.api.controllers import availability_zones
from nova_lite.api.controllers import flavors
from nova_lite.api.controllers import server_actions
from nova_lite.api.controllers import server_groups
from nova_lite.api.controllers import servers
from nova_lite.api.controllers import services
from nova_lite.api import microversion
from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.conductor import manager as conductor_manager
from nova_lite.conductor import rpcapi as conductor_rpcapi

CONTROLLERS = (servers.ServersController, flavors.FlavorsController,
               services.ServicesController,
               server_groups.ServerGroupsController,
               aggregates.AggregatesController,
               availability_zones.AvailabilityZonesController)


def _unwrap_attr(func, attr):
    while func is not None:
        if getattr(func, attr, None):
            return getattr(func, attr)
        func = getattr(func, '__wrapped__', None)
    return None


def test_body_methods_have_request_schemas():
    for cls in CONTROLLERS:
        for name in ('post', 'put'):
            method = getattr(cls, name, None)
            if method is None:
                continue
            assert _unwrap_attr(method, '_request_body_schemas'), (cls, name)
    for name, handler in server_actions._ACTIONS.items():
        assert handler._request_body_schemas, name
    for name, handler in aggregates._ACTIONS.items():
        assert handler._request_body_schemas, name


def test_list_methods_have_query_schemas():
    for cls in CONTROLLERS:
        for name in ('get_all', 'detail'):
            method = getattr(cls, name, None)
            if method is None:
                continue
            assert _unwrap_attr(method, '_query_schemas'), (cls, name)


def test_schema_ranges_cover_every_version_once():
    for cls in CONTROLLERS:
        for name in ('post', 'put', 'get_all', 'detail'):
            method = getattr(cls, name, None)
            if method is None:
                continue
            ranges = _unwrap_attr(method, '_request_body_schemas') or \
                _unwrap_attr(method, '_query_schemas')
            # From the microversion that brought the route (PUT /flavors
            # is 2.55's) to the newest.
            first = min(microversion.APIVersion(r[0] or '2.1')
                        for r in ranges)
            for version in microversion.VERSIONS:
                v = microversion.APIVersion(version)
                if v < first:
                    continue
                hits = [r for r in ranges if v.matches(r[0] or '2.1', r[1])]
                assert len(hits) == 1, (cls, name, version)


def test_rpc_versions_match():
    assert compute_rpcapi.VERSION == \
        compute_manager.ComputeManager.target.version
    assert conductor_rpcapi.VERSION == \
        conductor_manager.ConductorManager.target.version


def test_rpc_clients_call_existing_endpoints():
    for client, manager in (
            (compute_rpcapi.ComputeAPI, compute_manager.ComputeManager),
            (conductor_rpcapi.ConductorAPI,
             conductor_manager.ConductorManager)):
        for name, _func in inspect.getmembers(client, inspect.isfunction):
            if not name.startswith('_'):
                assert hasattr(manager, name), name


def test_latest_microversion_is_pinned():
    assert microversion.MAX_VERSION == '2.104'
