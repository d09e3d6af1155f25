"""Policy matrix entries of os-volumes, os-snapshots (before 2.36),
os-hosts (before 2.43) and os-instance_usage_audit_log."""

C = 'compute'
READ = frozenset(['admin', 'member', 'reader'])
WRITE = frozenset(['admin', 'member'])
OWN_PROJECT = frozenset(['admin', 'member', 'other'])
ALL = frozenset(['admin', 'member', 'reader', 'other'])
ADMIN_ONLY = frozenset(['admin'])
NONE = frozenset()

VOLUMES = 'os_compute_api:os-volumes:%s'
HOSTS = 'os_compute_api:os-hosts:%s'
AUDIT = 'os_compute_api:os-instance-usage-audit-log:%s'
HOST = '/os-hosts/{host_name}'


def _volume(env):
    return {'volume_id': env.res.volume()}


def _host(env):
    return {'host_name': 'compute1'}


def _before(env):
    return {'before_timestamp': '2012-12-24 12:00:00'}


def _snapshot(env):
    return {'snapshot_id': '00000000-0000-4000-8000-000000000000'}


def _snapshot_entries(Entry):
    """The built-in block storage serves no snapshots: the policy is
    checked first (403 for the denied personas), then the block storage
    answers 404 to the allowed ones."""
    return {
        ('GET', '/os-snapshots', None): Entry(
            C, 404, ALL, version='2.1'),
        ('GET', '/os-snapshots/detail', None): Entry(
            C, 404, ALL, version='2.1'),
        ('GET', '/os-snapshots/{snapshot_id}', None): Entry(
            C, 404, ALL, prep=_snapshot, version='2.1'),
        ('POST', '/os-snapshots', None): Entry(
            C, 404, OWN_PROJECT, VOLUMES % 'snapshots:create',
            version='2.1', body=lambda params: {'snapshot': {
                'volume_id': '00000000-0000-4000-8000-000000000000'}}),
        ('DELETE', '/os-snapshots/{snapshot_id}', None): Entry(
            C, 404, OWN_PROJECT, VOLUMES % 'snapshots:delete',
            prep=_snapshot, version='2.1'),
    }


def entries(Entry):
    out = _snapshot_entries(Entry)
    out.update({
        ('GET', '/os-volumes', None): Entry(
            C, 200, ALL, prep=_volume, visible='volume_id', version='2.1'),
        ('GET', '/os-volumes/detail', None): Entry(
            C, 200, ALL, prep=_volume, visible='volume_id', version='2.1'),
        ('GET', '/os-volumes/{volume_id}', None): Entry(
            C, 200, READ, prep=_volume, version='2.1'),
        ('POST', '/os-volumes', None): Entry(
            C, 200, OWN_PROJECT, VOLUMES % 'create', version='2.1',
            body=lambda params: {'volume': {'size': 1}}),
        ('DELETE', '/os-volumes/{volume_id}', None): Entry(
            C, 202, WRITE, VOLUMES % 'delete', prep=_volume, fresh=True,
            version='2.1'),
        ('GET', '/os-hosts', None): Entry(
            C, 200, ADMIN_ONLY, HOSTS % 'list', hidden=NONE, version='2.1'),
        ('GET', HOST, None): Entry(
            C, 200, ADMIN_ONLY, HOSTS % 'show', hidden=NONE, prep=_host,
            version='2.1'),
        ('PUT', HOST, None): Entry(
            C, 200, ADMIN_ONLY, HOSTS % 'update', hidden=NONE, prep=_host,
            body=lambda params: {'status': 'enable'}, version='2.1'),
        ('GET', HOST + '/startup', None): Entry(
            C, 200, ADMIN_ONLY, HOSTS % 'start', hidden=NONE, prep=_host,
            version='2.1'),
        ('GET', HOST + '/shutdown', None): Entry(
            C, 200, ADMIN_ONLY, HOSTS % 'shutdown', hidden=NONE,
            prep=_host, version='2.1'),
        ('GET', HOST + '/reboot', None): Entry(
            C, 200, ADMIN_ONLY, HOSTS % 'reboot', hidden=NONE, prep=_host,
            version='2.1'),
        ('GET', '/os-instance_usage_audit_log', None): Entry(
            C, 200, ADMIN_ONLY, AUDIT % 'list', hidden=NONE),
        ('GET', '/os-instance_usage_audit_log/{before_timestamp}',
         None): Entry(C, 200, ADMIN_ONLY, AUDIT % 'show', hidden=NONE,
                      prep=_before),
    })
    return out
