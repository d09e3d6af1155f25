"""Policies of the built-in block storage's volume snapshots (Cinder's
names and defaults), checked against the snapshot's project."""

from oslo_policy import policy

from nova_lite.policies import base

V = '/v3/{project_id}'

CREATE = 'volume:create_snapshot'
GET = 'volume:get_snapshot'
GET_ALL = 'volume:get_all_snapshots'
DELETE = 'volume:delete_snapshot'
UPDATE = 'volume:update_snapshot'
EXTEND_ATTRIBUTE = 'volume_extension:extended_snapshot_attributes'
RESET_STATUS = 'volume_extension:snapshot_admin_actions:reset_status'
FORCE_DELETE = 'volume_extension:snapshot_admin_actions:force_delete'
UPDATE_STATUS = 'snapshot_extension:snapshot_actions:update_snapshot_status'
METADATA_GET = 'volume:get_snapshot_metadata'
METADATA_UPDATE = 'volume:update_snapshot_metadata'
METADATA_DELETE = 'volume:delete_snapshot_metadata'


def _rule(name, check, description, *ops):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=base.operations(*ops), scope_types=['project'])


rules = [
    _rule(CREATE, base.PROJECT_MEMBER_OR_ADMIN, 'Create a snapshot.',
          ('POST', V + '/snapshots')),
    _rule(GET, base.PROJECT_READER_OR_ADMIN, 'Show a snapshot.',
          ('GET', V + '/snapshots/{snapshot_id}')),
    _rule(GET_ALL, base.PROJECT_READER_OR_ADMIN, 'List snapshots.',
          ('GET', V + '/snapshots'), ('GET', V + '/snapshots/detail')),
    _rule(DELETE, base.PROJECT_MEMBER_OR_ADMIN, 'Delete a snapshot.',
          ('DELETE', V + '/snapshots/{snapshot_id}')),
    _rule(UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
          'Update a snapshot\'s name or description.',
          ('PUT', V + '/snapshots/{snapshot_id}')),
    _rule(EXTEND_ATTRIBUTE, base.PROJECT_READER_OR_ADMIN,
          'Show os-extended-snapshot-attributes:project_id and progress in '
          'snapshot bodies.',
          ('GET', V + '/snapshots/{snapshot_id}'),
          ('GET', V + '/snapshots/detail')),
    _rule(METADATA_GET, base.PROJECT_READER_OR_ADMIN,
          'Show a snapshot\'s metadata or one of its items.',
          ('GET', V + '/snapshots/{snapshot_id}/metadata'),
          ('GET', V + '/snapshots/{snapshot_id}/metadata/{key}')),
    _rule(METADATA_UPDATE, base.PROJECT_MEMBER_OR_ADMIN,
          'Create, replace or update a snapshot\'s metadata items.',
          ('POST', V + '/snapshots/{snapshot_id}/metadata'),
          ('PUT', V + '/snapshots/{snapshot_id}/metadata'),
          ('PUT', V + '/snapshots/{snapshot_id}/metadata/{key}')),
    _rule(RESET_STATUS, base.ADMIN, 'Reset the status of a snapshot.',
          ('POST', V + '/snapshots/{snapshot_id}/action (os-reset_status)')),
    _rule(FORCE_DELETE, base.ADMIN, 'Delete a snapshot whatever its status.',
          ('POST', V + '/snapshots/{snapshot_id}/action (os-force_delete)')),
    _rule(UPDATE_STATUS, base.PROJECT_MEMBER_OR_ADMIN,
          'Update the status of a snapshot being created or deleted.',
          ('POST', V + '/snapshots/{snapshot_id}/action '
                       '(os-update_snapshot_status)')),
    _rule(METADATA_DELETE, base.PROJECT_MEMBER_OR_ADMIN,
          'Delete a snapshot\'s metadata item.',
          ('DELETE', V + '/snapshots/{snapshot_id}/metadata/{key}')),
]


def list_rules():
    return rules
