"""Server groups as the API performs them: quota checks, the ``group``
scheduler hint of server create and the members that come and go with
their servers.

The counts are held to the ``server_groups`` and ``server_group_members``
quotas (nova_lite.quota: the project's and user's limits, else the
defaults; -1 is unlimited).
"""

from nova_lite import exception
from nova_lite.objects import instance_group as group_obj
from nova_lite import quota


def check_server_groups_quota(context, conf, project_id, delta=1):
    """Raise ServerGroupLimitExceeded if ``project_id`` may not hold
    ``delta`` more groups (``delta`` 0 rechecks after a create); the
    project's quota (and the caller's, within it), else the defaults."""
    try:
        quota.check_deltas(context, {'server_groups': delta}, project_id,
                           user_id=context.user_id)
    except exception.OverQuota:
        raise exception.ServerGroupLimitExceeded()


def check_members_quota(context, conf, group_uuid, delta):
    """Raise GroupMemberLimitExceeded if the group may not take ``delta``
    more servers."""
    def count(ctx, _project_id, user_id=None):
        return {'user': {'server_group_members': group_obj.count_members(
            ctx, group_uuid)}}
    try:
        quota.check_deltas(context, {'server_group_members': delta},
                           context.project_id, count=count)
    except exception.OverQuota:
        raise exception.GroupMemberLimitExceeded()


def group_from_hints(context, hints):
    """The group named by a create request's ``group`` hint, or None;
    InstanceGroupNotFound for one the caller may not see."""
    hint = (hints or {}).get('group')
    if isinstance(hint, list):
        hint = hint[0] if hint else None
    if not hint:
        return None
    return group_obj.get_by_uuid(context, hint)


def add_member(context, group, instance_uuid):
    group_obj.add_members(context, group.uuid, [instance_uuid])


def forget_server(context, instance_uuid):
    """A deleted server leaves its group."""
    group_obj.remove_member(context, instance_uuid)
