"""Policies of the deprecated proxy and host APIs: os-volumes,
os-snapshots (project readers and members), os-hosts and
os-instance_usage_audit_log (administrators, empty target)."""

from oslo_policy import policy

from nova_lite.policies import base

VOLUMES = 'os_compute_api:os-volumes:%s'
HOSTS = 'os_compute_api:os-hosts:%s'
AUDIT = 'os_compute_api:os-instance-usage-audit-log:%s'

_REASON = ('The single rule of the API was split into one rule per '
           'operation with role based defaults.')


def _deprecated(name, since):
    return policy.DeprecatedRule(name, base.RULE_ADMIN_API
                                 if 'volumes' not in name
                                 else base.RULE_ADMIN_OR_OWNER,
                                 deprecated_reason=_REASON,
                                 deprecated_since=since)


_VOLUMES_OLD = _deprecated('os_compute_api:os-volumes', '22.0.0')
_HOSTS_OLD = _deprecated('os_compute_api:os-hosts', '22.0.0')
_AUDIT_OLD = _deprecated('os_compute_api:os-instance-usage-audit-log',
                         '21.0.0')


def _rule(name, check_str, description, method, path, old):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=base.operations((method, path)),
        scope_types=['project'], deprecated_rule=old)


def _volume(action, check_str, description, method, path):
    return _rule(VOLUMES % action, check_str, description, method, path,
                 _VOLUMES_OLD)


def _host(action, description, path, method='GET'):
    return _rule(HOSTS % action, base.ADMIN,
                 description + ' (deprecated in favour of os-hypervisors '
                 'and os-services).', method, path, _HOSTS_OLD)


R = base.PROJECT_READER_OR_ADMIN
M = base.PROJECT_MEMBER_OR_ADMIN

rules = [
    _volume('list', R, 'List the volumes of the project (proxy API, '
            'removed at 2.36).', 'GET', '/os-volumes'),
    _volume('create', M, 'Create a volume (proxy API, removed at 2.36).',
            'POST', '/os-volumes'),
    _volume('detail', R, 'List the volumes of the project with details '
            '(proxy API, removed at 2.36).', 'GET', '/os-volumes/detail'),
    _volume('show', R, 'Show a volume (proxy API, removed at 2.36).',
            'GET', '/os-volumes/{volume_id}'),
    _volume('delete', M, 'Delete a volume (proxy API, removed at 2.36).',
            'DELETE', '/os-volumes/{volume_id}'),
    _volume('snapshots:list', R, 'List the volume snapshots of the '
            'project (proxy API, removed at 2.36).', 'GET',
            '/os-snapshots'),
    _volume('snapshots:create', M, 'Create a volume snapshot (proxy API, '
            'removed at 2.36).', 'POST', '/os-snapshots'),
    _volume('snapshots:detail', R, 'List the volume snapshots of the '
            'project with details (proxy API, removed at 2.36).', 'GET',
            '/os-snapshots/detail'),
    _volume('snapshots:show', R, 'Show a volume snapshot (proxy API, '
            'removed at 2.36).', 'GET', '/os-snapshots/{snapshot_id}'),
    _volume('snapshots:delete', M, 'Delete a volume snapshot (proxy API, '
            'removed at 2.36).', 'DELETE', '/os-snapshots/{snapshot_id}'),
    _host('list', 'List physical hosts', '/os-hosts'),
    _host('show', 'Show physical host', '/os-hosts/{host_name}'),
    _host('update', 'Update physical host', '/os-hosts/{host_name}',
          'PUT'),
    _host('reboot', 'Reboot physical host', '/os-hosts/{host_name}/reboot'),
    _host('shutdown', 'Shutdown physical host',
          '/os-hosts/{host_name}/shutdown'),
    _host('start', 'Start physical host', '/os-hosts/{host_name}/startup'),
    _rule(AUDIT % 'list', base.ADMIN, 'List all usage audits.', 'GET',
          '/os-instance_usage_audit_log', _AUDIT_OLD),
    _rule(AUDIT % 'show', base.ADMIN, 'List all usage audits that occurred '
          'before a specified time for all servers on all compute hosts '
          'where usage auditing is configured.', 'GET',
          '/os-instance_usage_audit_log/{before_timestamp}', _AUDIT_OLD),
]


def list_rules():
    return rules
