"""Server groups as the API performs them: quota checks, the ``group``
scheduler hint of server create and the members that come and go with
their servers.

The quota counts are taken here against ``[quota] server_groups`` and
``[quota] server_group_members`` (-1: unlimited).
"""

from nova_lite import exception
from nova_lite.objects import instance_group as group_obj


def _over(limit, used, delta):
    return limit >= 0 and used + delta > limit


def check_server_groups_quota(context, conf, project_id, delta=1):
    """Raise ServerGroupLimitExceeded if ``project_id`` may not hold
    ``delta`` more groups (``delta`` 0 rechecks after a create)."""
    used = group_obj.count_by_project(context, project_id)
    if _over(conf.quota.server_groups, used, delta):
        raise exception.ServerGroupLimitExceeded()


def check_members_quota(context, conf, group_uuid, delta):
    """Raise GroupMemberLimitExceeded if the group may not take ``delta``
    more servers."""
    used = group_obj.count_members(context, group_uuid)
    if _over(conf.quota.server_group_members, used, delta):
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
