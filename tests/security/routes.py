"""Every route the compute API and the built-in block storage serve, read
from their controllers (so that a new route shows up here by itself)."""

import inspect
import re

from pecan import rest

from nova_lite.api.controllers import flavor_extras
from nova_lite.api.controllers import aggregates
from nova_lite.api.controllers import root
from nova_lite.api.controllers import server_actions
from nova_lite.block_storage import actions as bs_actions
from nova_lite.block_storage import app as bs_app
from nova_lite.block_storage import controllers as bs_controllers
from nova_lite.block_storage import snapshots as bs_snapshots

# pecan RestController methods: (HTTP method, whether the URL ends in an id).
_REST_METHODS = {'get_all': ('GET', False), 'get_one': ('GET', True),
                 'post': ('POST', False), 'put': ('PUT', True),
                 'delete': ('DELETE', True)}
_ID_NAMES = {'servers': 'server_id', 'flavors': 'flavor_id',
             'os-services': 'service_id',
             'os-volume_attachments': 'volume_id', 'ips': 'network_label',
             'metadata': 'key', 'tags': 'tag',
             'os-instance-actions': 'request_id',
             'os-extra_specs': 'flavor_extra_spec_key',
             'os-hypervisors': 'hypervisor_id',
             'os-simple-tenant-usage': 'tenant_id', 'extensions': 'alias',
             'migrations': 'migration_id',
             'os-server-groups': 'server_group_id',
             'os-aggregates': 'aggregate_id',
             'os-keypairs': 'keypair_name', 'os-quota-sets': 'tenant_id',
             'os-quota-class-sets': 'quota_class',
             'os-hosts': 'host_name', 'os-volumes': 'volume_id',
             'os-snapshots': 'snapshot_id',
             'os-assisted-volume-snapshots': 'snapshot_id',
             'os-instance_usage_audit_log': 'before_timestamp',
             'images': 'image_id'}


def _exposed(cls, name):
    func = getattr(cls, name, None)
    return func is not None and getattr(func, 'exposed', False)


def _takes_id(cls, name, prefix):
    """Whether the method takes an id beyond those of ``prefix`` (a DELETE
    of a whole sub-resource, such as a server's password, takes none)."""
    func = getattr(cls, name)
    params = [p for p in inspect.signature(func).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(params) - 1 > prefix.count('{')


def _children(cls):
    """``{segment: controller}`` of a controller class (attributes and
    ``pecan.route`` segments alike)."""
    out = {}
    for name in dir(cls):
        if name.startswith('_'):
            continue
        value = getattr(cls, name, None)
        if isinstance(value, rest.RestController):
            out[name] = value
    return out


def _walk(prefix, segment, controller, routes):
    cls = type(controller)
    base = '%s/%s' % (prefix, segment)
    id_name = _ID_NAMES.get(segment, 'id')
    with_id = '%s/{%s}' % (base, id_name)
    if isinstance(controller, server_actions.ServerActionsController):
        # /servers/{server_id}/action: one route per action name.
        for name in sorted(server_actions._ACTIONS):
            routes.add(('POST', base, name))
        return
    if isinstance(controller, flavor_extras.FlavorActionController):
        routes.update(('POST', base, name) for name in flavor_extras.ACTIONS)
        return
    if isinstance(controller, aggregates.AggregateActionsController):
        for name in sorted(aggregates._ACTIONS):
            routes.add(('POST', base, name))
        return
    for name, (method, has_id) in _REST_METHODS.items():
        if _exposed(cls, name):
            if has_id and not _takes_id(cls, name, base):
                has_id = False
            routes.add((method, with_id if has_id else base, None))
    # Methods a controller also serves on the collection itself (PUT of
    # every metadata item, DELETE of every tag).
    for method in getattr(cls, '_collection_methods', ()):
        routes.add((method, base, None))
    members = getattr(cls, '_member_actions', ())
    for name, methods in getattr(cls, '_custom_actions', {}).items():
        # Actions on one member (/os-quota-sets/{tenant_id}/detail) or on
        # the collection (/servers/detail).
        parent = with_id if name in members else base
        for method in methods:
            routes.add((method, '%s/%s' % (parent, name), None))
    for child_segment, child in _children(cls).items():
        _walk(with_id, child_segment, child, routes)


def compute_routes():
    """``{(method, path template, action or None)}`` under /v2.1."""
    routes = set()
    if _exposed(root.V21Controller, 'index'):
        routes.add(('GET', '/{project_id}/', None))
    for segment, controller in _children(root.V21Controller).items():
        _walk('', segment, controller, routes)
    return routes


def block_storage_routes():
    """``{(method, path template, action or None)}`` under /v3; the volume
    actions one by one, as the action handler dispatches them."""
    with open(bs_controllers.__file__) as source:
        volume_actions = set(re.findall(r"action == '(os-[a-z_]+)'",
                                        source.read()))
    routes = set()
    for method, path, handler in bs_app.ROUTES:
        if handler is bs_controllers.volume_action:
            routes.update((method, path, name) for name in volume_actions)
        elif handler is bs_controllers.attachment_action:
            routes.add((method, path, 'os-complete'))
        elif handler is bs_snapshots.action:
            routes.update((method, path, name)
                          for name in bs_snapshots.SNAPSHOT_ACTIONS)
        elif handler is bs_actions.type_action:
            routes.update((method, path, name)
                          for name in bs_actions.TYPE_ACTIONS)
        else:
            routes.add((method, path, None))
    return routes
