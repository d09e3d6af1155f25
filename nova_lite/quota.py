"""Quotas: limits, usage counts and checks, as nova's counting quotas.

Limits come from the API database (project, per user in a project, the
"default" quota class) and ``[quota]``; usage is counted from the
databases when a check runs (no reservations). ``[quota] driver`` picks
nova's database driver or its no-op driver (everything unlimited).

What other parts of the API call:

* :func:`check_deltas` ``(context, deltas, project_id, user_id=None,
  count=None)``: would adding ``deltas`` (``{resource: amount}``) to the
  counted usage go over a limit? Raises ``exception.OverQuota`` (403,
  nova's ``Quota exceeded for resources: [...]``; ``kwargs`` carry
  ``overs``, ``quotas``, ``usages`` and ``headroom``). Called with zero
  deltas after a creation it is nova's recheck: the caller then deletes
  what it created. ``count`` is an optional counting function
  ``(context, project_id, user_id=None) -> {'project': {...}, 'user':
  {...}}``; without it the function registered for the resource is used
  (:func:`register_counter`), and resources nothing counts count 0.
* :func:`limit_check` ``(context, **values)``: absolute limits
  (metadata_items, injected_files, ...); raises ``OverQuota``.
* :func:`check_num_instances` and :func:`recheck_num_instances` for server
  create, :func:`check_key_pairs` for key pairs.

Server groups (``nova_lite.compute.server_groups``): ``server_groups``
is counted here by project and user (the API database's groups);
``server_group_members`` is counted per group, so its callers pass
``count=`` returning ``{'user': {'server_group_members': n}}``. nova
answers an OverQuota there with 403 "Quota exceeded, too many server
groups." (``exception.ServerGroupLimitExceeded``) and "Quota exceeded,
too many servers in group" (``exception.GroupMemberLimitExceeded``).
"""

from nova_lite.conf import quota as quota_conf
from nova_lite import exception
from nova_lite.objects import keypair as keypair_obj
from nova_lite.objects import quotas as quota_obj

UNLIMITED = -1

# resource -> [quota] option giving its default (None: always -1).
RESOURCES = {
    'cores': 'cores',
    'fixed_ips': None,
    'floating_ips': None,
    'injected_file_content_bytes': 'injected_file_content_bytes',
    'injected_file_path_bytes': 'injected_file_path_length',
    'injected_files': 'injected_files',
    'instances': 'instances',
    'key_pairs': 'key_pairs',
    'metadata_items': 'metadata_items',
    'ram': 'ram',
    'security_group_rules': None,
    'security_groups': None,
    'server_group_members': 'server_group_members',
    'server_groups': 'server_groups',
}
NAMES = sorted(RESOURCES)
COUNTABLE = frozenset(['cores', 'instances', 'ram', 'key_pairs',
                       'server_groups', 'server_group_members'])
# Counted per user only; their usage shows as 0 in the quota and limits
# views (nova).
USER_ONLY = frozenset(['key_pairs', 'server_group_members'])


def _count_servers(context, project_id, user_id=None):
    return quota_obj.count_instances_cores_ram(context, project_id,
                                               user_id=user_id)


def _count_key_pairs(context, user_id):
    return {'user': {'key_pairs': keypair_obj.count_by_user(context,
                                                            user_id)}}


_COUNTERS = {'instances': _count_servers, 'cores': _count_servers,
             'ram': _count_servers,
             'server_groups': quota_obj.count_server_groups}


def register_counter(resource, count):
    """Count ``resource`` with ``count(context, project_id, user_id=None)``
    from now on (server groups and their members)."""
    if resource not in COUNTABLE or resource == 'key_pairs':
        raise exception.QuotaResourceUnknown(unknown=[resource])
    _COUNTERS[resource] = count


_CONF = {'conf': None}


def configure(conf):
    """The configuration to read ``[quota]`` from outside API requests
    (the API application calls this when it is built)."""
    _CONF['conf'] = conf


def _conf(context):
    """``[quota]`` of the request being served, else the configured one."""
    try:
        import pecan
        conf = pecan.request.environ.get('nova_lite.conf')
    except AttributeError:
        conf = None
    return conf if conf is not None else _CONF['conf']


def _noop(context):
    return _conf(context).quota.driver == quota_conf.NOOP_DRIVER


def get_reserved(context):
    return -1 if _noop(context) else 0


def _config_defaults(conf):
    return {name: (getattr(conf.quota, flag) if flag else UNLIMITED)
            for name, flag in RESOURCES.items()}


# -- limits ------------------------------------------------------------------

def get_defaults(context, default_class=None):
    """The default limit of every resource: the "default" class's, else
    the configured one."""
    if _noop(context):
        return dict.fromkeys(NAMES, UNLIMITED)
    defaults = _config_defaults(_conf(context))
    if default_class is None:
        default_class = quota_obj.get_class(context,
                                            quota_obj.DEFAULT_CLASS)
    for name, limit in default_class.items():
        if name in defaults:
            defaults[name] = limit
    return defaults


def get_class_quotas(context, class_name):
    if _noop(context):
        return dict.fromkeys(NAMES, UNLIMITED)
    defaults = _config_defaults(_conf(context))
    found = quota_obj.get_class(context, class_name)
    return {name: found.get(name, defaults[name]) for name in NAMES}


def _limits(context, project_id, user_id=None, user_set=None):
    """(project limits, user limits) of every resource, merged with the
    defaults; the user's fall back to the project's. ``user_set``: a dict
    that receives the limits set for the user themselves."""
    conf = _conf(context)
    if conf.quota.driver == quota_conf.NOOP_DRIVER:
        every = dict.fromkeys(NAMES, UNLIMITED)
        return every, dict(every)
    project, user, default_class = quota_obj.get_limits(
        context, project_id, user_id)
    if user_set is not None:
        user_set.update(user)
    # get_defaults(), with the configuration read once.
    defaults = _config_defaults(conf)
    for name, limit in default_class.items():
        if name in defaults:
            defaults[name] = limit
    project_limits = {n: project.get(n, defaults[n]) for n in NAMES}
    user_limits = {n: user.get(n, project_limits[n]) for n in NAMES}
    return project_limits, user_limits


def _usages(context, project_id, user_id=None):
    """In-use counts for the quota and limits views (per user with
    ``user_id``)."""
    usages = dict.fromkeys(NAMES, 0)
    if _noop(context):
        return dict.fromkeys(NAMES, UNLIMITED)
    key = 'user' if user_id else 'project'
    counted = set()
    for name in sorted(COUNTABLE - USER_ONLY):
        counter = _COUNTERS.get(name)
        if counter is None or counter in counted:
            continue
        counted.add(counter)
        counts = counter(context, project_id, user_id=user_id)
        for res, value in counts.get(key, {}).items():
            if res in usages:
                usages[res] = value
    return usages


def get_project_quotas(context, project_id, usages=True, remains=False):
    """``{resource: {'limit': n[, 'in_use': n][, 'remains': n]}}``."""
    project_limits, _user = _limits(context, project_id)
    out = {name: {'limit': project_limits[name]} for name in NAMES}
    if usages:
        used = _usages(context, project_id)
        for name in NAMES:
            out[name]['in_use'] = used[name]
    if remains:
        for name in NAMES:
            out[name]['remains'] = project_limits[name]
        if not _noop(context):
            for resource, limit in quota_obj.get_user_limits_of_project(
                    context, project_id):
                if resource in out:
                    out[resource]['remains'] -= limit
    return out


def get_user_quotas(context, project_id, user_id, usages=True):
    _project, user_limits = _limits(context, project_id, user_id)
    out = {name: {'limit': user_limits[name]} for name in NAMES}
    if usages:
        used = _usages(context, project_id, user_id)
        for name in NAMES:
            out[name]['in_use'] = used[name]
    return out


def _unlimited(value):
    return value <= UNLIMITED


def get_settable_quotas(context, project_id, user_id=None):
    """``{resource: {'minimum': n, 'maximum': n}}``: the range a quota
    update may set (nova's rules)."""
    if _noop(context):
        return {name: {'minimum': 0, 'maximum': UNLIMITED}
                for name in NAMES}
    project_quotas = get_project_quotas(context, project_id, remains=True)
    settable = {}
    if user_id:
        setted = quota_obj.get_all_by_project_and_user(context, project_id,
                                                       user_id)
        user_quotas = get_user_quotas(context, project_id, user_id)
        for name, value in user_quotas.items():
            remains = project_quotas[name]['remains']
            current = setted.get(name, 0)
            maximum = UNLIMITED if _unlimited(remains) or _unlimited(
                current) else remains + current
            settable[name] = {'minimum': value['in_use'],
                              'maximum': maximum}
    else:
        for name, value in project_quotas.items():
            limit, remains = value['limit'], value['remains']
            given = UNLIMITED if _unlimited(limit) or _unlimited(
                remains) else limit - remains
            settable[name] = {'minimum': max(int(given),
                                             int(value['in_use'])),
                              'maximum': UNLIMITED}
    return settable


# -- checks ------------------------------------------------------------------

def _check_known(values):
    unknown = sorted(set(values) - set(RESOURCES))
    if unknown:
        raise exception.QuotaResourceUnknown(unknown=unknown)
    unders = sorted(k for k, v in values.items() if v < 0)
    if unders:
        raise exception.InvalidQuotaValue(unders=unders)


def limit_check(context, project_id=None, user_id=None, **values):
    """Absolute limits: each value may not exceed its limit (the smaller
    of the project's and the user's)."""
    _check_known(values)
    if _noop(context):
        return
    project_id = project_id or context.project_id
    user_id = user_id or context.user_id
    project_limits, user_limits = _limits(context, project_id, user_id)
    overs = sorted(k for k, v in values.items()
                   if 0 <= project_limits[k] < v or 0 <= user_limits[k] < v)
    if overs:
        headroom = {k: project_limits[k] for k in overs}
        raise exception.OverQuota(overs=overs, quotas=project_limits,
                                  usages={}, headroom=headroom)


def limit_check_project_and_user(context, project_values=None,
                                 user_values=None, project_id=None,
                                 user_id=None, limits=None):
    """nova's check of counted usage plus deltas against the project's
    and the user's limits."""
    project_values = dict(project_values or {})
    user_values = dict(user_values or {})
    _check_known(project_values)
    _check_known(user_values)
    if _noop(context):
        return
    merged_values = {}
    for key in set(project_values) ^ set(user_values):
        merged_values[key] = (project_values.pop(key, 0) or
                              user_values.pop(key, 0))
    project_id = project_id or context.project_id
    user_id = user_id or context.user_id
    quotas, user_quotas = limits or _limits(context, project_id, user_id)
    if merged_values:
        # The smaller number, as nova takes it (-1 in either wins).
        merged = {k: min(v, user_quotas[k]) for k, v in quotas.items()}
        overs = sorted(k for k, v in merged_values.items()
                       if 0 <= merged[k] < v)
        if overs:
            raise exception.OverQuota(
                overs=overs, quotas=merged, usages={},
                headroom={k: merged[k] for k in overs})
    over_user = False
    overs = []
    for key in user_values:
        if 0 <= quotas[key] < project_values[key]:
            overs.append(key)
        elif 0 <= user_quotas[key] < user_values[key]:
            overs.append(key)
            over_user = True
    if overs:
        exceeded = user_quotas if over_user else quotas
        raise exception.OverQuota(
            overs=sorted(overs), quotas=exceeded, usages={},
            headroom={k: exceeded[k] for k in overs},
            scope='user' if over_user else 'project')


def check_deltas(context, deltas, project_id, user_id=None, count=None,
                 limits=None):
    """Raise OverQuota if usage plus ``deltas`` exceeds a limit (see the
    module's documentation). ``limits``: :func:`_limits` of the project
    and of ``user_id`` (or the context's user) when read already."""
    _check_known(deltas)
    if _noop(context):
        return
    if limits is None:
        limits = _limits(context, project_id, user_id or context.user_id)
    if all(_unlimited(scope[res]) for scope in limits for res in deltas):
        # Nothing to exceed: no need to count.
        return
    values = {'project_values': {}, 'user_values': {}}
    counts = {}
    done = set()
    for resource in deltas:
        if resource in values['project_values'] or \
                resource in values['user_values']:
            continue
        if resource == 'key_pairs' and count is None:
            found = _count_key_pairs(context, user_id or context.user_id)
        else:
            counter = count or _COUNTERS.get(resource)
            if counter is None:
                found = {'project': {resource: 0}}
                if user_id:
                    found['user'] = {resource: 0}
            elif counter in done:
                continue
            else:
                done.add(counter)
                found = counter(context, project_id, user_id=user_id)
        for scope, key in (('project', 'project_values'),
                           ('user', 'user_values')):
            for res, used in found.get(scope, {}).items():
                counts.setdefault(scope, {})[res] = used
                if res in deltas:
                    values[key][res] = used + deltas[res]
    try:
        limit_check_project_and_user(context, project_id=project_id,
                                     user_id=user_id, limits=limits,
                                     **values)
    except exception.OverQuota as error:
        scope = error.kwargs.get('scope') or (
            'user' if 'user' in counts else 'project')
        error.kwargs['usages'] = counts.get(scope, {})
        raise


# -- servers -----------------------------------------------------------------

def _headroom(quotas, usages, deltas):
    headroom = {res: quotas[res] - usages.get(res, 0) for res in quotas}
    for res in ('cores', 'ram'):
        if quotas.get(res) == UNLIMITED:
            if deltas.get(res):
                headroom[res] = headroom.get('instances', 1) * deltas[res] \
                    / deltas.get('instances', 1)
            else:
                headroom[res] = headroom.get('instances', 1)
    return headroom


def _over_detail(headroom, overs, quotas, requested):
    reqs, useds, alloweds = [], [], []
    for res in overs:
        reqs.append(str(requested[res]))
        useds.append(str(quotas[res] - headroom[res]))
        alloweds.append(str(quotas[res]))
    return {'overs': ', '.join(overs), 'req': ', '.join(reqs),
            'used': ', '.join(useds), 'allowed': ', '.join(alloweds)}


def _server_limits(context, project_id, user_id):
    """(the limits of the project and of the user, the user to count
    servers for) in one read: only a user with a per-user limit of
    instances, cores or ram is counted (else counting by user would be
    wasted)."""
    user_quotas = {}
    limits = _limits(context, project_id, user_id, user_set=user_quotas)
    return limits, user_id if any(r in user_quotas for r in (
        'instances', 'cores', 'ram')) else None


def check_num_instances(context, vcpus, memory_mb, min_count, max_count,
                        project_id=None, user_id=None):
    """How many servers (between ``min_count`` and ``max_count``) the
    quotas allow; TooManyInstances with nova's message if not even
    ``min_count``."""
    if _noop(context):
        return max_count
    project_id = project_id or context.project_id
    user_id = user_id or context.user_id
    limits, count_user = _server_limits(context, project_id, user_id)
    deltas = {'instances': max_count, 'cores': max_count * vcpus,
              'ram': max_count * memory_mb}
    try:
        check_deltas(context, deltas, project_id, user_id=count_user,
                     limits=limits)
    except exception.OverQuota as error:
        quotas = error.kwargs['quotas']
        headroom = _headroom(quotas, error.kwargs['usages'], deltas)
        allowed = headroom.get('instances', 1)
        if vcpus:
            allowed = min(allowed, headroom['cores'] // vcpus)
        if memory_mb:
            allowed = min(allowed, headroom['ram'] // memory_mb)
        if min_count <= allowed <= max_count:
            return check_num_instances(context, vcpus, memory_mb, min_count,
                                       int(allowed), project_id, user_id)
        requested = {'instances': str(min_count) if min_count == max_count
                     else '%s-%s' % (min_count, max_count),
                     'cores': deltas['cores'], 'ram': deltas['ram']}
        raise exception.TooManyInstances(**_over_detail(
            headroom, error.kwargs['overs'], quotas, requested))
    return max_count


def recheck_num_instances(context, vcpus, memory_mb, created,
                          project_id=None, user_id=None):
    """nova's recheck once ``created`` servers are recorded: usage alone
    may not exceed a limit; TooManyInstances as nova words it if it
    does."""
    if _noop(context) or not _conf(context).quota.recheck_quota:
        return
    project_id = project_id or context.project_id
    user_id = user_id or context.user_id
    limits, count_user = _server_limits(context, project_id, user_id)
    deltas = {'instances': 0, 'cores': 0, 'ram': 0}
    try:
        check_deltas(context, deltas, project_id, user_id=count_user,
                     limits=limits)
    except exception.OverQuota as error:
        requested = {'instances': created, 'cores': created * vcpus,
                     'ram': created * memory_mb}
        raise exception.TooManyInstances(**_over_detail(
            deltas, error.kwargs['overs'], error.kwargs['quotas'],
            requested))


def check_metadata_items(context, metadata):
    if not metadata:
        return
    try:
        limit_check(context, metadata_items=len(metadata))
    except exception.OverQuota as error:
        raise exception.MetadataLimitExceeded(
            allowed=error.kwargs['quotas']['metadata_items'])


def check_injected_files(context, files):
    """``files``: [(path, contents)] of a create's personality."""
    if not files:
        return
    try:
        limit_check(context, injected_files=len(files))
    except exception.OverQuota:
        raise exception.OnsetFileLimitExceeded()
    max_path = max(len(path) for path, _c in files)
    max_content = max(len(content) for _p, content in files)
    try:
        limit_check(context, injected_file_path_bytes=max_path,
                    injected_file_content_bytes=max_content)
    except exception.OverQuota as error:
        quotas = error.kwargs['quotas']
        if 'injected_file_path_bytes' in error.kwargs['overs']:
            raise exception.OnsetFilePathLimitExceeded(
                allowed=quotas['injected_file_path_bytes'])
        raise exception.OnsetFileContentLimitExceeded(
            allowed=quotas['injected_file_content_bytes'])


# -- key pairs ----------------------------------------------------------------

def check_key_pairs(context, user_id, delta=1):
    """KeypairLimitExceeded if the user may not have ``delta`` more key
    pairs (0: the recheck after creating one)."""
    def count(ctx, project_id, user_id=None):
        return _count_key_pairs(ctx, owner)

    owner = user_id
    try:
        # The limits are the caller's, as nova reads them.
        check_deltas(context, {'key_pairs': delta}, context.project_id,
                     count=count)
    except exception.OverQuota:
        raise exception.KeypairLimitExceeded()
