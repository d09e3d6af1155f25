"""Policy matrix entries of os-volumes, os-snapshots (before 2.36),
os-hosts (before 2.43) and os-instance_usage_audit_log."""

from tests.security import personas as p

C = 'compute'
BS = 'volume'
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
    """A volume of the member's project and a snapshot of it."""
    volume_id = env.res.volume()
    resp = p.call(env.base(BS), 'POST', '/snapshots', p.PERSONAS['member'],
                  json={'snapshot': {'volume_id': volume_id}})
    assert resp.status_code == 202, resp.text
    snapshot_id = resp.json()['snapshot']['id']
    env.stack.wait_for_snapshot(snapshot_id, token=p.MEMBER)
    return {'volume_id': volume_id, 'snapshot_id': snapshot_id}


def _snapshot_entries(Entry):
    """os-snapshots (compute, before 2.36) and the block storage's
    snapshots, which it passes through to."""
    out = {}
    for api, base, version, created in ((C, '/os-snapshots', '2.1', 200),
                                        (BS, '/snapshots', None, 202)):
        rule = (VOLUMES % 'snapshots:%s') if api == C else 'volume:%s'
        create = 'create' if api == C else 'create_snapshot'
        delete = 'delete' if api == C else 'delete_snapshot'
        one = base + '/{snapshot_id}'
        out.update({
            ('GET', base, None): Entry(
                api, 200, ALL, prep=_snapshot, visible='snapshot_id',
                version=version),
            ('GET', base + '/detail', None): Entry(
                api, 200, ALL, prep=_snapshot, visible='snapshot_id',
                version=version),
            ('GET', one, None): Entry(
                api, 200, READ, prep=_snapshot, version=version),
            ('POST', base, None): Entry(
                api, created, WRITE, rule % create, prep=_volume_of_member,
                version=version, body=lambda params: {'snapshot': {
                    'volume_id': params['volume_id']}}),
            ('DELETE', one, None): Entry(
                api, 202, WRITE, rule % delete, prep=_snapshot, fresh=True,
                version=version),
        })
    return out


def _volume_of_member(env):
    return {'volume_id': env.res.volume()}


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
