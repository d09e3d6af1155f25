"""os-volume_attachments policies."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-volumes-attachments:%s'
_PATH = '/servers/{server_id}/os-volume_attachments'


def _rule(action, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=POLICY_ROOT % action, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


rules = [
    _rule('index', base.PROJECT_READER_OR_ADMIN,
          'List volume attachments for an instance', 'GET', _PATH),
    _rule('create', base.PROJECT_MEMBER_OR_ADMIN,
          'Attach a volume to an instance', 'POST', _PATH),
    _rule('show', base.PROJECT_READER_OR_ADMIN,
          'Show details of a volume attachment', 'GET',
          _PATH + '/{volume_id}'),
    _rule('update', base.PROJECT_MEMBER_OR_ADMIN,
          'Update a volume attachment. From microversion 2.85 only the '
          'delete_on_termination flag of a non-swap update.', 'PUT',
          _PATH + '/{volume_id}'),
    _rule('swap', base.SERVICE_OR_ADMIN,
          'Update a volume attachment with a different volumeId (swap); '
          'meant to be called by the block storage service.', 'PUT',
          _PATH + '/{volume_id}'),
    _rule('delete', base.PROJECT_MEMBER_OR_ADMIN,
          'Detach a volume from an instance', 'DELETE',
          _PATH + '/{volume_id}'),
]


def list_rules():
    return rules
