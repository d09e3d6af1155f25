"""Server groups as the API performs them: quota checks, the ``group``
scheduler hint of server create and the members that come and go with
their servers.

Quotas go through :mod:`nova_lite.quota`, as nova counts them: groups by
project and user (``[quota] server_groups`` or a quota set), a group's
servers by user (``[quota] server_group_members``).
"""

from nova_lite import exception
from nova_lite.objects import instance_group as group_obj
from nova_lite import quota


def _count_groups(context, project_id, user_id=None):
    counts = {'project': {'server_groups': group_obj.count_by_project(
        context, project_id)}}
    if user_id:
        counts['user'] = {'server_groups': group_obj.count_by_project(
            context, project_id, user_id=user_id)}
    return counts


quota.register_counter('server_groups', _count_groups)


def recheck(conf):
    """Whether a create checks the quota again once done."""
    return conf.quota.recheck_quota


def check_server_groups_quota(context, conf, project_id, delta=1):
    """Raise ServerGroupLimitExceeded if ``project_id`` may not hold
    ``delta`` more groups (``delta`` 0 rechecks after a create)."""
    try:
        quota.check_deltas(context, {'server_groups': delta}, project_id,
                           context.user_id)
    except exception.OverQuota:
        raise exception.ServerGroupLimitExceeded()


def check_members_quota(context, conf, group, delta):
    """Raise GroupMemberLimitExceeded if the group may not take ``delta``
    more servers of the caller."""
    def count(ctx, project_id, user_id=None):
        return {'user': {'server_group_members':
                         group_obj.count_members_by_user(
                             ctx, group.uuid, context.user_id)}}
    try:
        quota.check_deltas(context, {'server_group_members': delta},
                           group.project_id, context.user_id, count=count)
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
