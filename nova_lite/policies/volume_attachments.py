"""os-volume_attachments policies. Target: the server's owning project
(swap: an empty target, as the caller is a service)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-volumes-attachments:%s'
_COLLECTION = '/servers/{server_id}/os-volume_attachments'
_MEMBER = _COLLECTION + '/{volume_id}'


def _rule(action, check_str, description, *operations):
    return policy.DocumentedRuleDefault(
        name=POLICY_ROOT % action, check_str=check_str,
        description=description, operations=base.operations(*operations),
        scope_types=['project'])


rules = [
    _rule('index', base.PROJECT_READER_OR_ADMIN,
          'List the volumes attached to a server.',
          ('GET', _COLLECTION)),
    _rule('create', base.PROJECT_MEMBER_OR_ADMIN,
          'Attach a volume to a server.',
          ('POST', _COLLECTION)),
    _rule('show', base.PROJECT_READER_OR_ADMIN,
          'Show one volume attachment of a server.',
          ('GET', _MEMBER)),
    _rule('update', base.PROJECT_MEMBER_OR_ADMIN,
          'Update a volume attachment without changing its volume (from '
          'microversion 2.85, e.g. delete_on_termination). A request that '
          'also swaps the volume is checked against the swap rule only, '
          'which should therefore be at least as permissive.',
          ('PUT', _MEMBER)),
    _rule('swap', base.SERVICE_OR_ADMIN,
          'Swap the volume of an attachment for another volume (volumeId '
          'differs). Meant for the block storage service during volume '
          'migration and retype.',
          ('PUT', _MEMBER)),
    _rule('delete', base.PROJECT_MEMBER_OR_ADMIN,
          'Detach a volume from a server.',
          ('DELETE', _MEMBER)),
]


def list_rules():
    return rules
