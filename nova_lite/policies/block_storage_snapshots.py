"""Policies of the built-in block storage's volume snapshots (Cinder's
names and defaults), checked against the snapshot's project."""

from oslo_policy import policy

from nova_lite.policies import base

V = '/v3/{project_id}'

CREATE = 'volume:create_snapshot'
GET = 'volume:get_snapshot'
GET_ALL = 'volume:get_all_snapshots'
DELETE = 'volume:delete_snapshot'


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
]


def list_rules():
    return rules
