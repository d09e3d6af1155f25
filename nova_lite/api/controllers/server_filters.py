"""Query parameters of GET /servers and /servers/detail -> list filters."""

import re

from oslo_utils import strutils
from oslo_utils import timeutils
import webob.exc

from nova_lite.api import microversion
from nova_lite.objects import instance as instance_obj

_USER_FILTERS = ('reservation_id', 'name', 'status', 'image', 'flavor', 'ip',
                 'changes-since', 'all_tenants')

# status -> (vm_states, task_states or None for any)
_STATUS_MAP = {
    'ACTIVE': ([instance_obj.ACTIVE], None),
    'BUILD': ([instance_obj.BUILDING], None),
    'SHUTOFF': ([instance_obj.STOPPED], None),
    'ERROR': ([instance_obj.ERROR], None),
    'PAUSED': ([instance_obj.PAUSED], None),
    'SUSPENDED': ([instance_obj.SUSPENDED], None),
    'RESCUE': ([instance_obj.RESCUED], None),
    'VERIFY_RESIZE': ([instance_obj.RESIZED], None),
    'SHELVED': ([instance_obj.SHELVED], None),
    'SHELVED_OFFLOADED': ([instance_obj.SHELVED_OFFLOADED], None),
    'SOFT_DELETED': ([instance_obj.SOFT_DELETED], None),
    'DELETED': ([instance_obj.DELETED], None),
    'REBOOT': ([instance_obj.ACTIVE],
               [instance_obj.REBOOTING, instance_obj.REBOOT_PENDING,
                instance_obj.REBOOT_STARTED]),
    'HARD_REBOOT': ([instance_obj.ACTIVE],
                    [instance_obj.REBOOTING_HARD,
                     instance_obj.REBOOT_PENDING_HARD,
                     instance_obj.REBOOT_STARTED_HARD]),
}


def _allowed_user_filters(req):
    allowed = list(_USER_FILTERS)
    if microversion.is_supported(req, '2.5'):
        allowed.append('ip6')
    if microversion.is_supported(req, '2.26'):
        allowed.extend(['tags', 'tags-any', 'not-tags', 'not-tags-any'])
    if microversion.is_supported(req, '2.66'):
        allowed.append('changes-before')
    if microversion.is_supported(req, '2.73'):
        allowed.append('locked')
    if microversion.is_supported(req, '2.83'):
        allowed.extend(['availability_zone', 'config_drive', 'key_name',
                        'created_at', 'launched_at', 'terminated_at',
                        'power_state', 'task_state', 'vm_state', 'progress',
                        'user_id'])
    return allowed


def _parse_time(value, name):
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(value))
    except ValueError:
        raise webob.exc.HTTPBadRequest(
            explanation='Invalid filter field: %s.' % name)


def build(req, context, can_all_filters, is_admin):
    """Return ``(filters, all_tenants)``, or None for "nothing matches"."""
    params = req.GET
    opts = {}
    for key in params.keys():
        opts[key] = params.getall(key)[-1]
    if not can_all_filters:
        allowed = _allowed_user_filters(req)
        opts = {k: v for k, v in opts.items() if k in allowed}
    for key in opts:
        if key.startswith('_'):
            raise webob.exc.HTTPBadRequest(
                explanation='Invalid filter field: %s.' % key)
    filters = {}
    if 'status' in params:
        vm_states, task_states = [], []
        for status in params.getall('status'):
            entry = _STATUS_MAP.get(status.upper())
            if entry is None:
                continue
            vm_states.extend(entry[0])
            if entry[1] is not None:
                task_states.extend(entry[1])
        if not vm_states:
            if microversion.is_supported(req, '2.38'):
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid status value')
            return None
        filters['vm_state'] = vm_states
        if task_states:
            filters['task_state'] = task_states
    if 'changes-since' in opts:
        filters['changes_since'] = _parse_time(opts['changes-since'],
                                               'changes-since')
    if 'changes-before' in opts:
        filters['changes_before'] = _parse_time(opts['changes-before'],
                                                'changes-before')
        since = filters.get('changes_since')
        if since and filters['changes_before'] < since:
            raise webob.exc.HTTPBadRequest(
                explanation='The value of changes-since must be less than '
                            'or equal to changes-before.')
    if 'deleted' in opts:
        filters['deleted'] = strutils.bool_from_string(opts['deleted'],
                                                       default=False)
    elif 'changes_since' in filters or 'changes_before' in filters:
        filters['deleted'] = None
    else:
        filters['deleted'] = False
    if filters.get('vm_state') == [instance_obj.DELETED]:
        if not is_admin:
            raise webob.exc.HTTPForbidden(
                explanation='Only administrators may list deleted instances')
        filters['deleted'] = True
    if opts.get('name'):
        try:
            re.compile(opts['name'])
            filters['name'] = opts['name']
        except re.error:
            filters['name'] = re.escape(opts['name'])
    simple = {'reservation_id': 'reservation_id', 'image': 'image_ref',
              'flavor': 'flavor_id', 'host': 'host', 'node': 'node',
              'availability_zone': 'availability_zone',
              'key_name': 'key_name', 'user_id': 'user_id', 'uuid': 'uuid'}
    for param, key in simple.items():
        if opts.get(param):
            filters[key] = [opts[param]] if key == 'uuid' else opts[param]
    if microversion.is_supported(req, '2.26'):
        for key in ('tags', 'tags-any', 'not-tags', 'not-tags-any'):
            if opts.get(key):
                filters[key] = [t for t in opts[key].split(',') if t]
    if 'locked' in opts:
        filters['locked'] = strutils.bool_from_string(opts['locked'])
    all_tenants = 'all_tenants' in opts and strutils.bool_from_string(
        opts['all_tenants'] or 'true', default=True)
    if all_tenants:
        tenant = opts.get('project_id') or opts.get('tenant_id')
        if tenant:
            filters['project_id'] = tenant
    elif context.project_id:
        filters['project_id'] = context.project_id
    else:
        filters['user_id'] = context.user_id
    return filters, all_tenants


def sort_params(req):
    keys = req.GET.getall('sort_key')
    dirs = req.GET.getall('sort_dir')
    if not keys:
        keys = ['created_at']
    valid = []
    for key in keys:
        if key in instance_obj.SORT_KEYS and key not in valid:
            valid.append(key)
    if not valid:
        valid = ['created_at']
    directions = []
    for i, _key in enumerate(valid):
        d = dirs[i] if i < len(dirs) else (dirs[-1] if dirs else 'desc')
        if d not in ('asc', 'desc'):
            raise webob.exc.HTTPBadRequest(
                explanation="Unknown sort direction, must be 'desc' or "
                            "'asc'")
        directions.append(d)
    if 'uuid' not in valid:
        valid.append('uuid')
        directions.append(directions[0])
    return valid, directions
